// The parts of the _keras_cpp extension module, one function per file.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

namespace keras::python {

// Whether the C++ object of `self` exists: not when its __init__ raised (or never ran), yet
// pytest's tracebacks and debuggers repr such objects. Methods of a missing object would
// dereference null, so __repr__ checks first.
inline bool cpp_object_constructed(pybind11::handle self) {
  auto* instance = reinterpret_cast<pybind11::detail::instance*>(self.ptr());
  for (auto value_and_holder : pybind11::detail::values_and_holders(instance))
    if (!value_and_holder.holder_constructed()) return false;
  return true;
}

// The repr of an object whose C++ part was never made: "<keras_cpp.layers.Dense (not
// constructed)>".
inline std::string unconstructed_repr(pybind11::handle self) {
  pybind11::handle type = pybind11::type::handle_of(self);
  return "<" + type.attr("__module__").cast<std::string>() + "." +
         type.attr("__qualname__").cast<std::string>() + " (not constructed)>";
}

void bind_backend(pybind11::module_& m);
void bind_backend_ops(pybind11::module_& backend);  // called by bind_backend
void bind_layers(pybind11::module_& m);
void bind_training(pybind11::module_& m);
void bind_callbacks(pybind11::module_& m);
void bind_core_layers(pybind11::module_& m);
void bind_activation_noise_layers(pybind11::module_& m);
void bind_embedding_normalization_layers(pybind11::module_& m);
void bind_modules(pybind11::module_& m);
void bind_conv(pybind11::module_& m);
void bind_recurrent(pybind11::module_& m);
void bind_functional(pybind11::module_& m);
void bind_saving(pybind11::module_& m);
void bind_local(pybind11::module_& m);
void bind_merge(pybind11::module_& m);
void bind_preprocessing(pybind11::module_& m);
void bind_distributed(pybind11::module_& m);

}  // namespace keras::python
