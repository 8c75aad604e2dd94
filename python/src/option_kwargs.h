// Moves keyword arguments into a layer's options struct field by field, converting each as its
// type needs (used by the layer families with many arguments: bind_conv.cpp, bind_recurrent.cpp).
//
//   take(kwargs, "strides", o.strides, rank);      // an int or a tuple, repeated to `rank`
//   take_initializer(kwargs, "kernel_initializer", o.kernel_initializer);
//
// A keyword left in kwargs afterwards is rejected by make_layer (Keras's TypeError).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <pybind11/pybind11.h>

#include "layer_args.h"

namespace keras::python {

// An int or a sequence of ints; a single int is repeated `rank` times (Keras's normalize_tuple).
inline std::vector<std::int64_t> to_ints(py::handle obj, std::size_t rank,
                                         const char* name = "argument") {
  if (PyIndex_Check(obj.ptr()) && !PyBool_Check(obj.ptr()))
    return std::vector<std::int64_t>(rank, to_int_arg(obj, name));
  if (!py::isinstance<py::iterable>(obj) || py::isinstance<py::str>(obj))
    raise_argument_type_error(obj, name, "an integer or a tuple of integers");
  std::vector<std::int64_t> out;
  for (py::handle item : obj) out.push_back(to_int_arg(item, name));
  if (rank != 0 && out.size() != rank)
    throw py::value_error("`" + std::string(name) + "` must be an int or a tuple of " +
                          std::to_string(rank) + " ints, got " + py::repr(obj).cast<std::string>());
  return out;
}

inline void take(py::dict& kwargs, const char* name, std::vector<std::int64_t>& field,
                 std::size_t rank) {
  py::object v = pop_kwarg(kwargs, name);
  if (!v.is_none()) field = to_ints(v, rank, name);
}

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

template <typename T>
void take(py::dict& kwargs, const char* name, T& field) {
  py::object v = pop_kwarg(kwargs, name);
  if (v.is_none()) return;
  if constexpr (std::is_same_v<T, layers::ActivationArg>)
    field = to_activation(v);
  else if constexpr (std::is_same_v<T, regularizers::Regularizer>)
    field = to_regularizer(v);
  else if constexpr (std::is_same_v<T, constraints::Constraint>)
    field = to_constraint(v);
  else if constexpr (is_optional<T>::value)
    field = cast_arg<typename T::value_type>(v, name);  // std::optional<X>
  else
    field = cast_arg<T>(v, name);
}

inline void take_initializer(py::dict& kwargs, const char* name, std::string& field) {
  py::object v = pop_kwarg(kwargs, name);
  if (!v.is_none()) field = initializer_name(v);
}

}  // namespace keras::python
