// keras_cpp.layers' core layers: Keras 2's Dense, Activation, Dropout, Masking, Flatten, Reshape,
// Permute, RepeatVector, Lambda, ActivityRegularization and Keras 1's Highway, MaxoutDense,
// TimeDistributedDense; each from its options' schema (layer_schema.h).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

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

// Lambda(function, output_shape=None, mask=None, arguments=None, **kwargs)'s own arguments.
py::object lambda_argument(const py::args& args, const py::kwargs& kwargs, std::size_t position,
                           const char* name) {
  if (args.size() > position) return args[position];
  if (kwargs.contains(name)) return kwargs[name];
  return py::none();
}

bool is_list(py::handle o) {
  return py::isinstance<py::list>(o) || py::isinstance<py::tuple>(o);
}

// A Lambda made in Python. Keras 2.2.4 writes a Python function (`function`, and `output_shape`
// when it is one) into the config as its code (func_dump; type 'lambda'), which
// keras_cpp.layers.core's _lambda_from_config reads back (func_load). A function whose captured
// values JSON cannot hold keeps the engine's form: its name, found in custom_objects.
// Keras's Lambda may also return a list of tensors: several outputs, with output_shape giving
// a list of shapes and mask a list of masks.
class PythonLambda : public layers::Lambda {
 public:
  PythonLambda(layers::LambdaOptions options, const py::args& args, const py::kwargs& kwargs)
      : Lambda(std::move(options)),
        function_(hold(lambda_argument(args, kwargs, 0, "function"))),
        output_shape_(hold(lambda_argument(args, kwargs, 1, "output_shape"))),
        mask_(hold(lambda_argument(args, kwargs, 2, "mask"))),
        arguments_(hold(lambda_argument(args, kwargs, 3, "arguments"))) {}
  explicit PythonLambda(layers::LambdaOptions options)
      : PythonLambda(std::move(options), py::args(), py::kwargs()) {}

  // Keras's Lambda.arguments: the keyword arguments given to the function ({} for none).
  py::object arguments() const {
    return py::isinstance<py::dict>(*arguments_) ? *arguments_ : py::dict();
  }

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
    // With `arguments`, function_ is the partial that applies them: its function is written
    // (the arguments have their own key).
    const bool applies_arguments = py::isinstance<py::dict>(*arguments_);
    py::object function = *function_;
    if (applies_arguments &&
        py::isinstance(function, py::module_::import("functools").attr("partial")))
      function = function.attr("func");
    write(function, "function", "function_type");
    write(*output_shape_, "output_shape", "output_shape_type");
    if (applies_arguments) {
      try {
        config["arguments"] = to_json(
            py::module_::import("keras_cpp.layers.core").attr("_arguments_config")(*arguments_));
      } catch (const py::error_already_set&) {
      } catch (const std::exception&) {  // values JSON cannot hold: the engine's form stays
      }
    }
    return config;
  }

  // The function is called here where it may return a list (no output_shape, or one giving a
  // list of shapes); the engine's Lambda checks a single output against its declared shape.
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override {
    outputs_ = 1;
    {
      py::gil_scoped_acquire gil;
      std::vector<Shape> shapes;
      for (const auto& x : inputs) shapes.push_back(x.shape());
      if (!function_->is_none() && (output_shape_->is_none() || !shape_list(shapes).is_none())) {
        py::object x = inputs.size() == 1 ? py::cast(inputs.front()) : py::cast(inputs);
        py::object out = py::isinstance<py::dict>(*arguments_)
                             ? (*function_)(x, **arguments_->cast<py::dict>())
                             : (*function_)(x);
        if (is_list(out)) {
          outputs_ = py::len(out);
          return out.cast<std::vector<SymbolicTensor>>();
        }
        if (output_shape_->is_none()) return {out.cast<SymbolicTensor>()};
      }
    }
    return Lambda::call_list(inputs, masks);
  }

  std::vector<Shape> compute_output_shape_list(const std::vector<Shape>& shapes) const override {
    {
      py::gil_scoped_acquire gil;
      py::object list = shape_list(shapes);
      if (!list.is_none()) {
        std::vector<Shape> out;
        for (py::handle shape : list) out.push_back(to_shape(shape));
        return out;
      }
    }
    return Lambda::compute_output_shape_list(shapes);
  }

  // Several outputs: mask(inputs, masks)'s list (None: no masks), or no masks.
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override {
    if (outputs_ == 1) return Lambda::compute_mask_list(inputs, masks);
    std::vector<SymbolicTensor> out(outputs_);
    py::gil_scoped_acquire gil;
    if (!PyCallable_Check(mask_->ptr())) return out;
    auto python = [](const SymbolicTensor& t) {
      return t.defined() ? py::cast(t) : py::object(py::none());
    };
    py::list ms;
    for (std::size_t i = 0; i < inputs.size(); ++i)
      ms.append(python(i < masks.size() ? masks[i] : SymbolicTensor()));
    py::object x = inputs.size() == 1 ? py::cast(inputs.front()) : py::cast(inputs);
    py::object result = (*mask_)(x, inputs.size() == 1 ? py::object(ms[0]) : py::object(ms));
    if (!is_list(result)) return out;
    for (std::size_t i = 0; i < out.size() && i < py::len(result); ++i)
      if (!result[py::int_(i)].is_none()) out[i] = result[py::int_(i)].cast<SymbolicTensor>();
    return out;
  }

 private:
  // The output_shape function's list of shapes for several outputs; None otherwise.
  py::object shape_list(const std::vector<Shape>& shapes) const {
    if (!PyCallable_Check(output_shape_->ptr())) return py::none();
    py::list given;
    for (const auto& shape : shapes) given.append(shape_to_tuple(shape));
    py::object out = (*output_shape_)(shapes.size() == 1 ? py::object(given[0]) : given);
    if (is_list(out) && py::len(out) > 0 && is_list(out[py::int_(0)])) return out;
    return py::none();
  }

  std::shared_ptr<py::object> function_, output_shape_, mask_, arguments_;
  std::size_t outputs_ = 1;  // of the last call
};

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
        return std::make_shared<PythonLambda>(std::move(o), args, kwargs);
      })
      .def_property_readonly("arguments", &PythonLambda::arguments);
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
