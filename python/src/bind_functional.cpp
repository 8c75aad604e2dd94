// The functional API: Input(), Model(inputs, outputs) (its training methods are in
// bind_training.cpp).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/callbacks.h"
#include "keras/engine/topology.h"
#include "keras/engine/training.h"
#include "layer_args.h"
#include "option_kwargs.h"
#include "training_args.h"

namespace keras::python {
namespace {

using namespace keras::layers;
using ModelClass = py::class_<Model, Layer, std::shared_ptr<Model>>;

}  // namespace

void bind_functional(py::module_& root) {
  py::module_ layers = root.attr("layers").cast<py::module_>();
  py::module_ models = root.attr("models").cast<py::module_>();

  layers.def(
      "Input",
      [](py::object shape, py::object batch_shape, py::object name, py::object dtype, bool sparse,
         py::object tensor) {
        if (!tensor.is_none()) return tensor.cast<SymbolicTensor>();
        InputOptions o;
        if (!shape.is_none()) o.shape = to_input_shape(shape, "shape");
        if (!batch_shape.is_none()) o.batch_shape = to_input_shape(batch_shape, "batch_shape");
        if (!name.is_none()) o.name = name.cast<std::string>();
        if (!dtype.is_none()) o.dtype = py::str(dtype).cast<std::string>();
        o.sparse = sparse;
        return Input(o);
      },
      py::arg("shape") = py::none(), py::arg("batch_shape") = py::none(),
      py::arg("name") = py::none(), py::arg("dtype") = py::none(), py::arg("sparse") = false,
      py::arg("tensor") = py::none(),
      "Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None)");

  LayerClass<InputLayer>(layers, "InputLayer",
                         "InputLayer(input_shape=None, batch_size=None, batch_input_shape=None, "
                         "dtype=None, sparse=False, name=None): the layer behind Input(); its "
                         "output is the input tensor (Keras 1: input_dtype)")
      .def(py::init([](py::object input_shape, py::object batch_size, py::object batch_input_shape,
                       py::object dtype, py::object input_tensor, bool sparse, py::object name,
                       py::object input_dtype) {
             if (!input_tensor.is_none())
               throw py::value_error("InputLayer: input_tensor is not supported by keras_cpp");
             InputLayer::Options o;
             if (!batch_input_shape.is_none()) {
               o.batch_input_shape = to_input_shape(batch_input_shape, "batch_input_shape");
             } else if (!input_shape.is_none()) {
               Shape shape = to_input_shape(input_shape, "input_shape");
               if (!batch_size.is_none()) {
                 shape.insert(shape.begin(), cast_arg<std::int64_t>(batch_size, "batch_size"));
                 o.batch_input_shape = shape;
               } else {
                 o.input_shape = shape;
               }
             }
             if (!name.is_none()) o.name = name.cast<std::string>();
             if (!input_dtype.is_none()) dtype = input_dtype;
             if (!dtype.is_none()) o.dtype = py::str(dtype).cast<std::string>();
             o.sparse = sparse;
             // keras_cpp/layers/__init__.py's __init__ then keeps the output: _make_input().
             return std::make_shared<InputLayer>(o);
           }),
           py::arg("input_shape") = py::none(), py::arg("batch_size") = py::none(),
           py::arg("batch_input_shape") = py::none(), py::arg("dtype") = py::none(),
           py::arg("input_tensor") = py::none(), py::arg("sparse") = false,
           py::arg("name") = py::none(), py::kw_only(), py::arg("input_dtype") = py::none())
      .def("_make_input", &InputLayer::make_input);

  auto model = py::reinterpret_borrow<ModelClass>(models.attr("Model"));
  model
      .def(py::init([](py::object inputs, py::object outputs, std::string name) {
             return std::make_shared<Model>(to_tensor_list(inputs), to_tensor_list(outputs),
                                            std::move(name));
           }),
           py::arg("inputs"), py::arg("outputs"), py::arg("name") = "")
      .def_property_readonly("inputs", [](const Model& m) { return m.inputs(); })
      .def_property_readonly("outputs", [](const Model& m) { return m.outputs(); })
      .def_property_readonly("input_names", &Model::input_names)
      .def_property_readonly("output_names", &Model::output_names)
      .def(
          "summary",
          [](const Model& m, py::object line_length, py::object positions, py::object print_fn) {
            // Keras's default print_fn is Python's print (so sys.stdout redirections see it).
            py::object fn =
                print_fn.is_none() ? py::module_::import("builtins").attr("print") : print_fn;
            std::function<void(const std::string&)> print = [fn](const std::string& line) {
              fn(line);
            };
            m.summary(
                line_length.is_none() ? 0 : line_length.cast<int>(),
                positions.is_none() ? std::vector<double>{} : positions.cast<std::vector<double>>(),
                print);
          },
          py::arg("line_length") = py::none(), py::arg("positions") = py::none(),
          py::arg("print_fn") = py::none());
}

}  // namespace keras::python
