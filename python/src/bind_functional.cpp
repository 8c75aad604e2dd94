// The functional API: Input(), Model(inputs, outputs) (its training methods are in
// bind_training.cpp); the merge layers (Add, ..., Concatenate, Dot) and Keras 1's
// merge(mode=...).
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
#include "keras/layers/merge.h"
#include "layer_args.h"
#include "option_kwargs.h"
#include "training_args.h"

namespace keras::python {
namespace {

using namespace keras::layers;
using ModelClass = py::class_<Model, Layer, std::shared_ptr<Model>>;

std::vector<SymbolicTensor> to_tensor_list(py::handle obj) {
  if (py::isinstance<SymbolicTensor>(obj)) return {obj.cast<SymbolicTensor>()};
  std::vector<SymbolicTensor> out;
  for (py::handle item : obj) out.push_back(item.cast<SymbolicTensor>());
  return out;
}

MergeLayerOptions merge_options(py::dict& kwargs) {
  MergeLayerOptions o;
  take(kwargs, "name", o.name);
  take(kwargs, "trainable", o.trainable);
  reject_unknown_kwargs(kwargs);
  return o;
}

template <typename L>
void bind_elementwise(py::module_& m, const char* name, const char* function_name) {
  py::class_<L, ElementwiseMerge, std::shared_ptr<L>>(m, name).def(
      py::init([](py::kwargs kwargs) { return std::make_shared<L>(merge_options(kwargs)); }));
  m.def(
      function_name,
      [](py::object inputs, py::kwargs kwargs) {
        return (*std::make_shared<L>(merge_options(kwargs)))(to_tensor_list(inputs));
      },
      py::arg("inputs"));
}

// Keras 1's merge arguments: mode a name or a Python function of the list of tensors (traced
// once), output_shape a tuple or a Python function of the list of input shapes.
MergeOptions to_merge_options(py::object mode, int concat_axis, py::object dot_axes,
                              py::object output_shape, py::object name) {
  MergeOptions o;
  if (py::isinstance<py::str>(mode)) {
    o.mode = MergeMode(mode.cast<std::string>());
  } else {
    auto fn = hold(mode);
    o.mode = MergeMode([fn](const std::vector<SymbolicTensor>& inputs) {
      py::gil_scoped_acquire gil;
      py::list list;
      for (const auto& x : inputs) list.append(py::cast(x));
      return (*fn)(list).cast<SymbolicTensor>();
    });
  }
  o.concat_axis = concat_axis;
  if (!dot_axes.is_none())
    o.dot_axes = py::isinstance<py::int_>(dot_axes) ? std::vector<int>{dot_axes.cast<int>()}
                                                    : dot_axes.cast<std::vector<int>>();
  if (PyCallable_Check(output_shape.ptr())) {
    auto fn = hold(output_shape);
    o.output_shape = OutputShapeArg([fn](const std::vector<Shape>& shapes) {
      py::gil_scoped_acquire gil;
      py::list list;
      for (const auto& shape : shapes) list.append(shape_to_tuple(shape));
      return to_shape((*fn)(list));
    });
  } else if (!output_shape.is_none()) {
    o.output_shape = OutputShapeArg(to_shape(output_shape));
  }
  if (!name.is_none()) o.name = name.cast<std::string>();
  return o;
}

// A Merge branch: a layer, or a model (Sequential or functional), as the engine's layer.
LayerPtr to_branch(py::handle obj) {
  if (py::isinstance<Layer>(obj)) return obj.cast<LayerPtr>();
  return std::static_pointer_cast<Layer>(obj.cast<std::shared_ptr<Model>>());
}

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

  LayerClass<ElementwiseMerge>(layers, "_Merge");
  bind_elementwise<Add>(layers, "Add", "add");
  bind_elementwise<Subtract>(layers, "Subtract", "subtract");
  bind_elementwise<Multiply>(layers, "Multiply", "multiply");
  bind_elementwise<Average>(layers, "Average", "average");
  bind_elementwise<Maximum>(layers, "Maximum", "maximum");
  bind_elementwise<Minimum>(layers, "Minimum", "minimum");
  auto concatenate_options = [](int axis, py::dict& kwargs) {
    ConcatenateOptions o{.axis = axis};
    take(kwargs, "name", o.name);
    take(kwargs, "trainable", o.trainable);
    reject_unknown_kwargs(kwargs);
    return o;
  };
  LayerClass<Concatenate>(layers, "Concatenate")
      .def(py::init([concatenate_options](int axis, py::kwargs kwargs) {
             return std::make_shared<Concatenate>(concatenate_options(axis, kwargs));
           }),
           py::arg("axis") = -1);
  layers.def(
      "concatenate",
      [concatenate_options](py::object inputs, int axis, py::kwargs kwargs) {
        return Concatenate(concatenate_options(axis, kwargs))(to_tensor_list(inputs));
      },
      py::arg("inputs"), py::arg("axis") = -1);
  auto dot_options = [](py::object axes, bool normalize, py::dict& kwargs) {
    DotOptions o;
    o.axes = py::isinstance<py::int_>(axes) ? std::vector<int>{axes.cast<int>()}
                                            : axes.cast<std::vector<int>>();
    o.normalize = normalize;
    take(kwargs, "name", o.name);
    take(kwargs, "trainable", o.trainable);
    reject_unknown_kwargs(kwargs);
    return o;
  };
  LayerClass<Dot>(layers, "Dot")
      .def(py::init([dot_options](py::object axes, bool normalize, py::kwargs kwargs) {
             return std::make_shared<Dot>(dot_options(axes, normalize, kwargs));
           }),
           py::arg("axes"), py::arg("normalize") = false);
  layers.def(
      "dot",
      [dot_options](py::object inputs, py::object axes, bool normalize, py::kwargs kwargs) {
        return Dot(dot_options(axes, normalize, kwargs))(to_tensor_list(inputs));
      },
      py::arg("inputs"), py::arg("axes"), py::arg("normalize") = false);

  layers.def(
      "_merge",
      [](py::object inputs, py::object mode, int concat_axis, py::object dot_axes,
         py::object output_shape, py::object name) {
        return merge(to_tensor_list(inputs),
                     to_merge_options(mode, concat_axis, dot_axes, output_shape, name));
      },
      py::arg("inputs"), py::arg("mode") = "sum", py::arg("concat_axis") = -1,
      py::arg("dot_axes") = py::none(), py::arg("output_shape") = py::none(),
      py::arg("name") = py::none());
  LayerClass<Merge>(layers, "_Merge1")
      .def(py::init([](py::object branches, py::object mode, int concat_axis, py::object dot_axes,
                       py::object output_shape, py::object name) {
             MergeOptions o = to_merge_options(mode, concat_axis, dot_axes, output_shape, name);
             if (branches.is_none()) return std::make_shared<Merge>(std::move(o));
             std::vector<LayerPtr> list;
             for (py::handle b : branches) list.push_back(to_branch(b));
             return std::make_shared<Merge>(std::move(list), std::move(o));
           }),
           py::arg("layers") = py::none(), py::arg("mode") = "sum", py::arg("concat_axis") = -1,
           py::arg("dot_axes") = py::none(), py::arg("output_shape") = py::none(),
           py::arg("name") = py::none());
}

}  // namespace keras::python
