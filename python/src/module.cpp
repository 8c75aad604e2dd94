// _keras_cpp: the extension module under the keras_cpp package. C++ exceptions arrive as
// pybind11's defaults map them: std::invalid_argument / std::domain_error -> ValueError,
// std::out_of_range -> IndexError, others (std::logic_error, std::runtime_error) -> RuntimeError,
// always with the C++ message; a conversion pybind11 could not make (py::cast_error) is a
// TypeError, as Keras reports an argument of the wrong type. A Python exception the engine wrapped
// with context (a Python generator's, from fit_generator's producer thread) arrives as itself, as
// in Keras.
#include <exception>
#include <string>

#include "bindings.h"

namespace {

void unwrap_nested_python_errors(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const std::nested_exception& nested) {
    try {
      nested.rethrow_nested();
    } catch (pybind11::error_already_set& python_error) {
      python_error.restore();
      return;
    } catch (...) {
    }
    throw;  // not a Python error inside: the default translation
  }
}

// The bindings name the argument where they convert one (convert.h's cast_arg); this catches
// the rest, which pybind11 would report as a RuntimeError.
void cast_errors_as_type_errors(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const pybind11::cast_error& e) {
    PyErr_SetString(PyExc_TypeError,
                    (std::string("an argument has the wrong type: ") + e.what()).c_str());
  }
}

}  // namespace

PYBIND11_MODULE(_keras_cpp, m) {
  m.doc() = "keras.cpp's engine; import the keras_cpp package instead.";
  pybind11::register_exception_translator(&cast_errors_as_type_errors);
  pybind11::register_exception_translator(&unwrap_nested_python_errors);
  keras::python::bind_backend(m);
  keras::python::bind_modules(m);
  keras::python::bind_layers(m);
  keras::python::bind_training(m);
  keras::python::bind_callbacks(m);
  keras::python::bind_core_layers(m);
  keras::python::bind_activation_noise_layers(m);
  keras::python::bind_embedding_normalization_layers(m);
  keras::python::bind_conv(m);
  keras::python::bind_recurrent(m);
  keras::python::bind_local(m);
  keras::python::bind_merge(m);
  keras::python::bind_functional(m);
  keras::python::bind_saving(m);
  keras::python::bind_preprocessing(m);
  keras::python::bind_distributed(m);
}
