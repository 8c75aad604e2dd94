// keras_cpp.layers' core layers: Keras 2's Dense, Activation, Dropout, Masking, Flatten, Reshape,
// Permute, RepeatVector, Lambda, ActivityRegularization and Keras 1's Highway, MaxoutDense,
// TimeDistributedDense; each from its options' schema (layer_schema.h).
#include <string>

#include "bindings.h"
#include "convert.h"
#include "keras/layers/core.h"
#include "layer_args.h"
#include "layer_schema.h"

namespace keras::python {

// Lambda's function of the input (or of the list of inputs), by its __name__ in configs.
template <>
struct PythonArgument<layers::LambdaFunctionArg> {
  static layers::LambdaFunctionArg from_python(py::handle value, const std::string& name) {
    if (!PyCallable_Check(value.ptr()))
      raise_argument_type_error(value, name.c_str(), "a function of the input tensor(s)");
    py::object named = py::hasattr(value, "__name__") || !py::hasattr(value, "func")
                           ? py::reinterpret_borrow<py::object>(value)
                           : py::object(value.attr("func"));  // functools.partial
    std::string function_name =
        py::hasattr(named, "__name__") ? named.attr("__name__").cast<std::string>() : "lambda";
    auto fn = hold(py::reinterpret_borrow<py::object>(value));
    return {[fn](const SymbolicTensor& x) { return call_symbolic(fn, x); },
            [fn](const std::vector<SymbolicTensor>& xs) {
              py::gil_scoped_acquire gil;
              py::list list;
              for (const auto& x : xs) list.append(x);
              return (*fn)(list).cast<SymbolicTensor>();
            },
            function_name};
  }
  static py::object default_value(const layers::LambdaFunctionArg&) { return py::none(); }
};

// A shape without the batch axis, or a function of the input shape (a list of shapes for
// several inputs) giving the output shape.
template <>
struct PythonArgument<layers::LambdaOutputShapeArg> {
  static layers::LambdaOutputShapeArg from_python(py::handle value, const std::string&) {
    if (!PyCallable_Check(value.ptr())) return {to_shape(value)};
    auto fn = hold(py::reinterpret_borrow<py::object>(value));
    layers::LambdaOutputShapeArg out(
        [fn](const Shape& shape) {
          py::gil_scoped_acquire gil;
          return to_shape((*fn)(shape_to_tuple(shape)));
        },
        py::hasattr(value, "__name__") ? value.attr("__name__").cast<std::string>()
                                       : "output_shape");
    out.list_function = [fn](const std::vector<Shape>& shapes) {
      py::gil_scoped_acquire gil;
      py::list list;
      for (const auto& shape : shapes) list.append(shape_to_tuple(shape));
      return to_shape((*fn)(list));
    };
    return out;
  }
  static py::object default_value(const layers::LambdaOutputShapeArg&) { return py::none(); }
};

// Keras's mask: a function of (inputs, mask) (a list each for several inputs; None for no
// mask), or a fixed mask tensor.
template <>
struct PythonArgument<layers::LambdaMaskArg> {
  static layers::LambdaMaskArg from_python(py::handle value, const std::string& name) {
    if (py::isinstance<SymbolicTensor>(value)) {
      SymbolicTensor mask = value.cast<SymbolicTensor>();
      return {[mask](const std::vector<SymbolicTensor>&, const std::vector<SymbolicTensor>&) {
        return mask;
      }};
    }
    if (!PyCallable_Check(value.ptr()))
      raise_argument_type_error(value, name.c_str(), "a function of (inputs, mask) or a tensor");
    auto fn = hold(py::reinterpret_borrow<py::object>(value));
    return {
        [fn](const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) {
          py::gil_scoped_acquire gil;
          auto python = [](const SymbolicTensor& t) {
            return t.defined() ? py::cast(t) : py::object(py::none());
          };
          py::object x, m;
          if (inputs.size() == 1) {
            x = python(inputs.front());
            m = python(masks.front());
          } else {
            py::list xs, ms;
            for (std::size_t i = 0; i < inputs.size(); ++i) {
              xs.append(python(inputs[i]));
              ms.append(python(masks[i]));
            }
            x = xs;
            m = ms;
          }
          py::object mask = (*fn)(x, m);
          return mask.is_none() ? SymbolicTensor() : mask.cast<SymbolicTensor>();
        }};
  }
  static py::object default_value(const layers::LambdaMaskArg&) { return py::none(); }
};

// The function's keyword arguments (applied by the binding), kept for the config where JSON
// holds them.
template <>
struct PythonArgument<layers::LambdaArgumentsArg> {
  static layers::LambdaArgumentsArg from_python(py::handle value, const std::string& name) {
    return {keyword_arguments_json(value, name.c_str()).value_or(nlohmann::json::object())};
  }
  static py::object default_value(const layers::LambdaArgumentsArg&) { return py::none(); }
};

void bind_core_layers(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  using namespace keras::layers;

  bind_layer<Dense, DenseOptions>(m, "Dense")
      .def_property_readonly("units", &Dense::units)
      .def_property_readonly("output_dim", &Dense::units)
      .def_property_readonly("kernel", &Dense::kernel)
      .def_property_readonly("bias", &Dense::bias);
  bind_layer<Activation, ActivationOptions>(m, "Activation");
  bind_layer<Dropout, DropoutOptions>(m, "Dropout")
      .def_property_readonly("rate", &Dropout::rate)
      .def_property_readonly("p", &Dropout::rate);
  bind_layer<Masking, MaskingOptions>(m, "Masking")
      .def_property_readonly("mask_value", &Masking::mask_value);
  bind_layer<Flatten, FlattenOptions>(m, "Flatten");
  bind_layer<Reshape, ReshapeOptions>(m, "Reshape")
      .def_property_readonly("target_shape",
                             [](const Reshape& r) { return shape_to_tuple(r.target_shape()); });
  bind_layer<Permute, PermuteOptions>(m, "Permute");
  bind_layer<RepeatVector, RepeatVectorOptions>(m, "RepeatVector");
  // Keras calls function(inputs, **arguments): the function the schema takes is that partial.
  bind_layer<Lambda, LambdaOptions>(m, "Lambda", 0, [](py::args args, py::kwargs& kwargs) {
    py::object arguments = args.size() > 3                ? py::object(args[3])
                           : kwargs.contains("arguments") ? py::object(kwargs["arguments"])
                                                          : py::object(py::none());
    if (arguments.is_none()) return args;
    py::object partial = py::module_::import("functools").attr("partial");
    if (!py::isinstance<py::dict>(arguments))
      raise_argument_type_error(arguments, "arguments", "a dict of keyword arguments");
    if (args.size() > 0) {
      py::list positional(args);
      positional[0] = partial(args[0], **arguments.cast<py::dict>());
      return py::reinterpret_steal<py::args>(PySequence_Tuple(positional.ptr()));
    }
    if (kwargs.contains("function"))
      kwargs["function"] = partial(kwargs["function"], **arguments.cast<py::dict>());
    return args;
  });
  bind_layer<ActivityRegularization, ActivityRegularizationOptions>(m, "ActivityRegularization");
  bind_layer<Highway, HighwayOptions>(m, "Highway");
  bind_layer<MaxoutDense, MaxoutDenseOptions>(m, "MaxoutDense");
  bind_layer<TimeDistributedDense, TimeDistributedDenseOptions>(m, "TimeDistributedDense");
}

}  // namespace keras::python
