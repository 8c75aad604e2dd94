// keras_cpp.layers' merge layers, each from its options' schema: Keras 2's Add, Subtract,
// Multiply, Average, Maximum, Minimum, Concatenate and Dot with their functions (add([a, b]),
// concatenate([a, b], axis=-1), ...), and Keras 1's Merge, whose mode, output_shape and
// output_mask may be Python functions (keras_cpp/layers/merge.py gives Merge and merge() their
// Keras 1 faces: the `layers` argument, functions of several tensors, `arguments`).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/engine/training.h"
#include "keras/layers/merge.h"
#include "layer_args.h"
#include "layer_schema.h"

namespace keras::python {

using layers::MergeArguments;
using layers::MergeMode;
using layers::OutputMaskArg;
using layers::OutputShapeArg;

namespace {
py::list tensor_list(const std::vector<SymbolicTensor>& tensors) {
  py::list list;
  for (const auto& x : tensors) list.append(x.defined() ? py::cast(x) : py::none());
  return list;
}
}  // namespace

// A mode name, or a Python function of the list of tensors (traced once).
template <>
struct PythonArgument<MergeMode> {
  static MergeMode from_python(py::handle value, const std::string& name) {
    if (py::isinstance<py::str>(value)) return MergeMode(value.cast<std::string>());
    if (!PyCallable_Check(value.ptr()))
      raise_argument_type_error(value, name.c_str(), "a mode name or a function of the tensors");
    auto fn = hold(py::reinterpret_borrow<py::object>(value));
    return MergeMode([fn](const std::vector<SymbolicTensor>& inputs) {
      py::gil_scoped_acquire gil;
      return (*fn)(tensor_list(inputs)).cast<SymbolicTensor>();
    });
  }
  static py::object default_value(const MergeMode& mode) { return py::str(mode.name); }
};

// A shape without the batch axis, or a Python function of the list of input shapes.
template <>
struct PythonArgument<OutputShapeArg> {
  static OutputShapeArg from_python(py::handle value, const std::string&) {
    if (!PyCallable_Check(value.ptr())) return OutputShapeArg(to_shape(value));
    auto fn = hold(py::reinterpret_borrow<py::object>(value));
    return OutputShapeArg([fn](const std::vector<Shape>& shapes) {
      py::gil_scoped_acquire gil;
      py::list list;
      for (const auto& shape : shapes) list.append(shape_to_tuple(shape));
      return to_shape((*fn)(list));
    });
  }
  static py::object default_value(const OutputShapeArg&) { return py::none(); }
};

// A Python function of the list of masks (None where an input has none), or a fixed mask.
template <>
struct PythonArgument<OutputMaskArg> {
  static OutputMaskArg from_python(py::handle value, const std::string& name) {
    if (py::isinstance<SymbolicTensor>(value)) {
      SymbolicTensor mask = value.cast<SymbolicTensor>();
      return OutputMaskArg([mask](const std::vector<SymbolicTensor>&) { return mask; });
    }
    if (!PyCallable_Check(value.ptr()))
      raise_argument_type_error(value, name.c_str(), "a function of the masks or a mask tensor");
    auto fn = hold(py::reinterpret_borrow<py::object>(value));
    return OutputMaskArg([fn](const std::vector<SymbolicTensor>& masks) {
      py::gil_scoped_acquire gil;
      py::object mask = (*fn)(tensor_list(masks));
      return mask.is_none() ? SymbolicTensor() : mask.cast<SymbolicTensor>();
    });
  }
  static py::object default_value(const OutputMaskArg&) { return py::none(); }
};

// The keyword arguments of a Python mode function (merge.py applies them), kept for the config
// where JSON holds them.
template <>
struct PythonArgument<MergeArguments> {
  static MergeArguments from_python(py::handle value, const std::string& name) {
    return {keyword_arguments_json(value, name.c_str()).value_or(nullptr)};
  }
  static py::object default_value(const MergeArguments&) { return py::none(); }
};

namespace {

using namespace keras::layers;

// A Merge branch: a layer, or a model (Sequential or functional), as the engine's layer.
LayerPtr to_branch(py::handle obj) {
  if (py::isinstance<Layer>(obj)) return obj.cast<LayerPtr>();
  return std::static_pointer_cast<Layer>(obj.cast<std::shared_ptr<Model>>());
}

// The class from its schema, and its functional form `function_name(inputs, *args, **kwargs)`.
template <typename L, typename Options, typename Base = Layer>
void bind_merge_layer(py::module_& m, const char* class_name, const char* function_name) {
  detail::DescribeSchema<Options> describe;
  Options::arguments(describe);
  std::string doc = detail::call_doc(class_name, describe.arguments);
  py::class_<L, Base, std::shared_ptr<L>> cls(m, class_name, doc.c_str());
  std::string name = class_name;
  auto make = [name](py::args args, py::kwargs kwargs) {
    Options o;
    std::optional<bool> trainable = options_from_python(o, name, args, kwargs);
    auto layer = std::make_shared<L>(std::move(o));
    if (trainable) layer->set_trainable(*trainable);
    return layer;
  };
  cls.def(py::init(make));
  cls.attr("_arguments") = describe.arguments;
  m.def(
      function_name,
      [make](py::object inputs, py::args args, py::kwargs kwargs) {
        return (*make(args, kwargs))(to_tensor_list(inputs));
      },
      py::arg("inputs"),
      (std::string(function_name) + "(inputs, " + doc.substr(doc.find('(') + 1)).c_str());
}

}  // namespace

void bind_merge(py::module_& root) {
  py::module_ layers = root.attr("layers").cast<py::module_>();
  LayerClass<ElementwiseMerge>(layers, "_Merge");
  bind_merge_layer<Add, MergeLayerOptions, ElementwiseMerge>(layers, "Add", "add");
  bind_merge_layer<Subtract, MergeLayerOptions, ElementwiseMerge>(layers, "Subtract", "subtract");
  bind_merge_layer<Multiply, MergeLayerOptions, ElementwiseMerge>(layers, "Multiply", "multiply");
  bind_merge_layer<Average, MergeLayerOptions, ElementwiseMerge>(layers, "Average", "average");
  bind_merge_layer<Maximum, MergeLayerOptions, ElementwiseMerge>(layers, "Maximum", "maximum");
  bind_merge_layer<Minimum, MergeLayerOptions, ElementwiseMerge>(layers, "Minimum", "minimum");
  bind_merge_layer<Concatenate, ConcatenateOptions>(layers, "Concatenate", "concatenate");
  bind_merge_layer<Dot, DotOptions>(layers, "Dot", "dot");

  // Keras 1's Merge(layers=None, mode='sum', ...): merge.py's Merge subclasses it.
  detail::DescribeSchema<MergeOptions> describe;
  MergeOptions::arguments(describe);
  LayerClass<Merge>(layers, "_Merge1")
      .def(py::init([](py::args args, py::kwargs kwargs) {
        py::object branches = pop_kwarg(kwargs, "layers");
        MergeOptions o;
        std::optional<bool> trainable = options_from_python(o, "Merge", args, kwargs);
        std::shared_ptr<Merge> layer;
        if (branches.is_none()) {
          layer = std::make_shared<Merge>(std::move(o));
        } else {
          std::vector<LayerPtr> list;
          for (py::handle b : branches) list.push_back(to_branch(b));
          layer = std::static_pointer_cast<Merge>(
              Merge(std::move(list), std::move(o)).into_shared());  // merges the branches
        }
        if (trainable) layer->set_trainable(*trainable);
        return layer;
      }))
      .def_property_readonly("layers", &Merge::branches);
  layers.attr("_Merge1").attr("_schema_arguments") = describe.arguments;
}

}  // namespace keras::python
