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
#include "layer_schema.h"
#include "option_kwargs.h"
#include "training_args.h"

namespace keras::python {

// InputLayer's input_tensor: a symbolic tensor the layer adopts.
template <>
struct PythonArgument<InputTensorArg> {
  static InputTensorArg from_python(py::handle value, const std::string& name) {
    if (!py::isinstance<SymbolicTensor>(value))
      raise_argument_type_error(value, name.c_str(), "a tensor");
    return {value.cast<SymbolicTensor>()};
  }
  static py::object default_value(const InputTensorArg&) { return py::none(); }
};

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
        if (!tensor.is_none()) {
          // Keras: an InputLayer adopts the tensor, which becomes the Keras tensor it returns.
          InputLayer::Options o;
          if (!shape.is_none()) o.input_shape = to_input_shape(shape, "shape");
          if (!batch_shape.is_none())
            o.batch_input_shape = to_input_shape(batch_shape, "batch_shape");
          if (!name.is_none()) o.name = name.cast<std::string>();
          if (!dtype.is_none()) o.dtype = py::str(dtype).cast<std::string>();
          o.sparse = sparse;
          o.input_tensor = PythonArgument<InputTensorArg>::from_python(tensor, "tensor");
          return std::make_shared<InputLayer>(std::move(o))->make_input();
        }
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

  // keras_cpp/layers/__init__.py's __init__ then keeps the output: _make_input().
  bind_layer<InputLayer, InputLayer::Options>(layers, "InputLayer")
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
