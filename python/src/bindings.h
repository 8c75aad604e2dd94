// The parts of the _keras_cpp extension module, one function per file.
#pragma once

#include <pybind11/pybind11.h>

namespace keras::python {

void bind_backend(pybind11::module_& m);
void bind_layers(pybind11::module_& m);
void bind_training(pybind11::module_& m);
void bind_callbacks(pybind11::module_& m);
void bind_more_layers(pybind11::module_& m);
void bind_keras1_layers(pybind11::module_& m);
void bind_modules(pybind11::module_& m);
void bind_conv(pybind11::module_& m);
void bind_recurrent(pybind11::module_& m);
void bind_functional(pybind11::module_& m);
void bind_saving(pybind11::module_& m);
void bind_local(pybind11::module_& m);
void bind_distributed(pybind11::module_& m);

}  // namespace keras::python
