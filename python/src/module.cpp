// _keras_cpp: the extension module under the keras_cpp package. C++ exceptions arrive as
// pybind11's defaults map them: std::invalid_argument / std::domain_error -> ValueError,
// std::out_of_range -> IndexError, others (std::logic_error, std::runtime_error) -> RuntimeError,
// always with the C++ message.
#include "bindings.h"

PYBIND11_MODULE(_keras_cpp, m) {
  m.doc() = "keras.cpp's engine; import the keras_cpp package instead.";
  keras::python::bind_backend(m);
  keras::python::bind_modules(m);
  keras::python::bind_layers(m);
  keras::python::bind_training(m);
  keras::python::bind_callbacks(m);
  keras::python::bind_more_layers(m);
  keras::python::bind_keras1_layers(m);
}
