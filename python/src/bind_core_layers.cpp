// keras_cpp.layers' core layers: Keras 2's Dense, Activation, Dropout, Masking, Flatten, Reshape,
// Permute, RepeatVector, Lambda, ActivityRegularization and Keras 1's Highway, MaxoutDense,
// TimeDistributedDense; each from its options' schema (layer_schema.h).
#include <memory>
#include <string>
#include <utility>

#include "bindings.h"
#include "convert.h"
#include "keras/layers/core.h"
#include "keras/layers/serialization.h"
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

namespace {

// A Lambda made in Python. Keras 2.2.4 writes a Python function (`function`, and `output_shape`
// when it is one) into the config as its code (func_dump; type 'lambda'), which
// keras_cpp.layers.core's _lambda_from_config reads back (func_load). A function whose captured
// values JSON cannot hold keeps the engine's form: its name, found in custom_objects.
class PythonLambda : public layers::Lambda {
 public:
  PythonLambda(layers::LambdaOptions options, py::object function, py::object output_shape)
      : Lambda(std::move(options)),
        function_(hold(std::move(function))),
        output_shape_(hold(std::move(output_shape))) {}
  explicit PythonLambda(layers::LambdaOptions options)
      : PythonLambda(std::move(options), py::none(), py::none()) {}

  nlohmann::json get_config() const override {
    nlohmann::json config = Lambda::get_config();
    py::gil_scoped_acquire gil;
    py::object code_of = py::module_::import("keras_cpp.layers.core").attr("_function_code");
    auto write = [&](const py::object& fn, const char* key, const char* type_key) {
      py::object code = code_of(fn);
      if (code.is_none()) return;
      try {
        config[key] = to_json(code);
        config[type_key] = "lambda";
      } catch (const py::error_already_set&) {
      } catch (const std::exception&) {  // captured values JSON cannot hold
      }
    };
    write(*function_, "function", "function_type");
    write(*output_shape_, "output_shape", "output_shape_type");
    return config;
  }

 private:
  std::shared_ptr<py::object> function_, output_shape_;
};

// Lambda(function, output_shape=None, mask=None, arguments=None, **kwargs)'s own arguments.
py::object lambda_argument(const py::args& args, const py::kwargs& kwargs, std::size_t position,
                           const char* name) {
  if (args.size() > position) return args[position];
  if (kwargs.contains(name)) return kwargs[name];
  return py::none();
}

}  // namespace

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
  // keras_cpp.layers.Lambda is PythonLambda (a Lambda of C++ functions, made by C++ code, is
  // an _EngineLambda, its base).
  py::class_<Lambda, Layer, std::shared_ptr<Lambda>>(
      m, "_EngineLambda", "A Lambda layer of C++ functions (keras_cpp.layers.Lambda's base).");
  bind_layer<PythonLambda, LambdaOptions, Lambda>(
      m, "Lambda", 0,
      [](py::args args, py::kwargs& kwargs) {
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
      },
      [](LambdaOptions o, const py::args& args,
         const py::kwargs& kwargs) -> std::shared_ptr<PythonLambda> {
        return std::make_shared<PythonLambda>(std::move(o),
                                              lambda_argument(args, kwargs, 0, "function"),
                                              lambda_argument(args, kwargs, 1, "output_shape"));
      });
  // Lambda configs are read back in Python (Keras's Lambda.from_config): code, or names of the
  // custom objects.
  layers::register_layer("Lambda", [](const nlohmann::json& config) -> LayerPtr {
    py::gil_scoped_acquire gil;
    py::object layer =
        py::module_::import("keras_cpp.layers.core").attr("_lambda_from_config")(from_json(config));
    return layer.cast<LayerPtr>();
  });
  bind_layer<ActivityRegularization, ActivityRegularizationOptions>(m, "ActivityRegularization");
  bind_layer<Highway, HighwayOptions>(m, "Highway");
  bind_layer<MaxoutDense, MaxoutDenseOptions>(m, "MaxoutDense");
  bind_layer<TimeDistributedDense, TimeDistributedDenseOptions>(m, "TimeDistributedDense");
}

}  // namespace keras::python
