#include "layer_args.h"

#include <algorithm>
#include <string>

#include "keras/activations.h"
#include "keras/backend/backend.h"
#include "keras/initializers_custom.h"

namespace keras::python {

py::object pop_kwarg(py::dict& kwargs, const char* name) {
  if (!kwargs.contains(name)) return py::none();
  py::object value = kwargs[name];
  PyDict_DelItemString(kwargs.ptr(), name);
  return value;
}

void reject_unknown_kwargs(const py::dict& kwargs) {
  for (auto item : kwargs) {
    // Keras's own exception: TypeError('Keyword argument not understood:', 'actvation').
    py::tuple args = py::make_tuple("Keyword argument not understood:", item.first);
    PyErr_SetObject(PyExc_TypeError, args.ptr());
    throw py::error_already_set();
  }
}

void check_layer_dtype(py::handle dtype, const char* name, bool may_read_indices) {
  if (dtype.is_none()) return;
  DType value = to_dtype(dtype);
  const bool integer = value == DType::int32 || value == DType::int64;
  if (value != backend::floatx() && !(may_read_indices && integer))
    throw py::value_error(std::string(name) + "=" + py::str(dtype).cast<std::string>() +
                          ": layers compute in floatx() (" + dtype_name(backend::floatx()) + ")");
}

std::vector<Tensor> to_initial_weights(py::handle weights) {
  if (!py::isinstance<py::list>(weights) && !py::isinstance<py::tuple>(weights))
    raise_argument_type_error(weights, "weights", "a list of arrays");
  std::vector<Tensor> out;
  for (py::handle w : weights) out.push_back(to_tensor(w, backend::floatx()).clone());
  return out;
}

namespace {

std::string name_of(py::handle obj, const char* otherwise) {
  return py::hasattr(obj, "__name__") ? obj.attr("__name__").cast<std::string>() : otherwise;
}

// {"class_name": type(obj).__name__, "config": obj.get_config()} for keras_cpp's Python
// regularizer and constraint classes.
nlohmann::json class_config(py::handle obj) {
  nlohmann::json config;
  config["class_name"] = py::type::of(obj).attr("__name__").cast<std::string>();
  config["config"] = to_json(obj.attr("get_config")());
  return config;
}

// keras_cpp's own regularizer or constraint classes (`module`), which the engine rebuilds from
// their configs; any other object (a user's Regularizer subclass) is called as a function.
bool is_library_class(py::handle obj, const char* module) {
  return py::hasattr(obj, "get_config") &&
         py::str(py::type::of(obj).attr("__module__")).cast<std::string>() == module;
}

// What Keras's serialize_keras_object writes for a regularizer or constraint that is not one of
// the library's, as JSON text: a function's name, an object's {"class_name": its class,
// "config": obj.get_config()} (a Keras 2 custom Regularizer subclass); the engine's Regularizer
// and Constraint give it back as their get_config.
std::string callable_name(py::handle obj) {
  if (py::hasattr(obj, "__name__"))
    return nlohmann::json(obj.attr("__name__").cast<std::string>()).dump();
  nlohmann::json config;
  config["class_name"] = py::type::of(obj).attr("__name__").cast<std::string>();
  config["config"] =
      py::hasattr(obj, "get_config") ? to_json(obj.attr("get_config")()) : nlohmann::json::object();
  return config.dump();
}

}  // namespace

layers::ActivationArg to_activation(py::handle obj) {
  if (obj.is_none()) return layers::ActivationArg();
  if (py::isinstance<py::str>(obj)) {
    // A name of get_custom_objects() / CustomObjectScope is that function, as in Keras.
    py::dict custom = py::module_::import("keras_cpp.utils.generic_utils")
                          .attr("_GLOBAL_CUSTOM_OBJECTS")
                          .cast<py::dict>();
    if (!custom.contains(obj) || !PyCallable_Check(py::object(custom[obj]).ptr()))
      return layers::ActivationArg(obj.cast<std::string>());
    auto fn = hold(custom[obj]);
    return layers::ActivationArg([fn](const SymbolicTensor& x) { return call_symbolic(fn, x); },
                                 obj.cast<std::string>());
  }
  if (!PyCallable_Check(obj.ptr()))
    throw py::type_error("activation must be a name or a function, got " +
                         py::repr(obj).cast<std::string>());
  std::string name = name_of(obj, "custom");
  if (is_builtin_function(obj)) {
    auto names = activations::names();
    if (std::find(names.begin(), names.end(), name) != names.end())
      return layers::ActivationArg(name);
  }
  auto fn = hold(py::reinterpret_borrow<py::object>(obj));
  return layers::ActivationArg([fn](const SymbolicTensor& x) { return call_symbolic(fn, x); },
                               name);
}

std::string initializer_name(py::handle obj) {
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  py::module_ module = py::module_::import("keras_cpp.initializers");
  // keras_cpp's initializers (objects, classes, factories, Keras 1's functions) and config
  // dicts, by name or config; anything else callable is a custom initializer of Keras 2:
  // fn(shape, dtype=None) returning an array or a tensor, called when the layer builds.
  py::handle owner = PyType_Check(obj.ptr()) ? obj : py::handle(py::type::of(obj));
  bool library =
      py::isinstance<py::dict>(obj) ||
      py::str(owner.attr("__module__")).cast<std::string>().rfind("keras_cpp.", 0) == 0 ||
      (py::hasattr(obj, "__module__") && !obj.attr("__module__").is_none() &&
       py::str(obj.attr("__module__")).cast<std::string>().rfind("keras_cpp.", 0) == 0);
  if (library || !PyCallable_Check(obj.ptr()))
    return module.attr("_name_of")(obj).cast<std::string>();
  auto fn = hold(py::reinterpret_borrow<py::object>(obj));
  std::string name = py::hasattr(obj, "__name__") ? obj.attr("__name__").cast<std::string>()
                                                  : owner.attr("__name__").cast<std::string>();
  return initializers::register_custom(
      [fn](const Shape& shape, DType dtype) {
        py::gil_scoped_acquire gil;
        return to_tensor((*fn)(shape_to_tuple(shape), dtype_name(dtype)), dtype).clone();
      },
      name);
}

regularizers::Regularizer to_regularizer(py::handle obj) {
  if (obj.is_none()) return {};
  if (py::isinstance<py::str>(obj)) return regularizers::Regularizer(obj.cast<std::string>());
  if (is_library_class(obj, "keras_cpp.regularizers"))
    return regularizers::from_config(class_config(obj));
  if (!PyCallable_Check(obj.ptr()))
    throw py::type_error(
        "A regularizer must be a name, a keras_cpp.regularizers object or a "
        "function of a weight, got " +
        py::repr(obj).cast<std::string>());
  auto fn = hold(py::reinterpret_borrow<py::object>(obj));
  return regularizers::Regularizer([fn](const SymbolicTensor& w) { return call_symbolic(fn, w); },
                                   callable_name(obj));
}

constraints::Constraint to_constraint(py::handle obj) {
  if (obj.is_none()) return {};
  if (py::isinstance<py::str>(obj)) return constraints::Constraint(obj.cast<std::string>());
  if (is_library_class(obj, "keras_cpp.constraints"))
    return constraints::from_config(class_config(obj));
  if (!PyCallable_Check(obj.ptr()))
    throw py::type_error(
        "A constraint must be a name, a keras_cpp.constraints object or a "
        "function of a weight, got " +
        py::repr(obj).cast<std::string>());
  auto fn = hold(py::reinterpret_borrow<py::object>(obj));
  return constraints::Constraint([fn](const SymbolicTensor& w) { return call_symbolic(fn, w); },
                                 callable_name(obj));
}

constraints::Constraint variable_constraint(const SymbolicTensor& variable) {
  py::object table = py::module_::import("keras_cpp.backend").attr("_variable_constraints");
  return to_constraint(table.attr("get")(variable));
}

void set_variable_constraint(const SymbolicTensor& variable, py::handle constraint) {
  py::module_::import("keras_cpp.backend").attr("_set_constraint")(variable, constraint);
}

}  // namespace keras::python
