// Conversions between Python objects and keras.cpp values: numpy arrays <-> keras::Tensor
// (zero-copy where the layout allows), shapes with None <-> Shape with -1, dtypes, JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <nlohmann/json.hpp>

#include "keras/backend/graph.h"
#include "keras/engine/layer.h"
#include "keras/tensor/tensor.h"

namespace keras::python {

namespace py = pybind11;

// A C-contiguous float32/float64/int32/int64 numpy array becomes a Tensor over the same memory,
// which keeps the array alive. Other numeric arrays (and lists, scalars) are converted first:
// floats to float32/float64, integers and booleans to int64 (int32 stays int32). Anything else
// raises TypeError naming the dtype.
Tensor to_tensor(py::handle obj);
// Same, then cast to `dtype` when it differs.
Tensor to_tensor(py::handle obj, DType dtype);
// A numpy view of the tensor's storage; the array keeps the storage alive.
py::array to_numpy(const Tensor& tensor);

// One Keras tensor, or a list of them (a merge's or a model's inputs).
std::vector<KerasTensor> to_tensor_list(py::handle obj);

// (None, 784) <-> {-1, 784}; an int n is the shape (n,).
Shape to_shape(py::handle obj);
py::tuple shape_to_tuple(const Shape& shape);
// Symbolic tensors as a Python list (a layer's or model's weights, losses).
py::list to_list(const std::vector<SymbolicTensor>& tensors);

// Arguments of layers, compile() and fit(), converted with Keras-style errors that name the
// argument: TypeError for a value of the wrong type ("`units` must be an integer, got 2.7
// (float)"), ValueError for a negative size.
[[noreturn]] void raise_argument_type_error(py::handle obj, const char* name,
                                            const std::string& expected);
// A Python or numpy integer (not a bool, not a float).
std::int64_t to_int_arg(py::handle obj, const char* name);
// Keras's `verbose`: 0, 1, 2, or a bool (Keras tests it with `if verbose:`), as an int.
int to_verbose(py::handle obj);
// The name Keras's messages give the values of a C++ type ("an integer", "a string").
template <typename T>
std::string expected_type_name() {
  if constexpr (std::is_same_v<T, bool>) return "a boolean";
  if constexpr (std::is_integral_v<T>) return "an integer";
  if constexpr (std::is_floating_point_v<T>) return "a number";
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  return "of type " + py::type_id<T>();
}
template <typename T>
T cast_arg(py::handle obj, const char* name) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return static_cast<T>(to_int_arg(obj, name));
  } else {
    try {
      return obj.cast<T>();
    } catch (const py::cast_error&) {
      raise_argument_type_error(obj, name, expected_type_name<T>());
    }
  }
}
// An input shape: an int, or a sequence of positive ints and None (unknown, -1 here).
Shape to_input_shape(py::handle obj, const char* name);

// None -> floatx(); 'float32', numpy.float32, numpy.dtype('float32') -> DType.
DType to_dtype(py::handle obj);

// Python dicts/lists/numbers <-> nlohmann::json, through the json module.
nlohmann::json to_json(py::handle obj);
py::object from_json(const nlohmann::json& value);
// A function's keyword arguments (`arguments=` of Lambda and Merge) for a config: the dict as
// JSON where JSON holds it, else nullopt (tensors or objects: the function uses them, the config
// cannot hold them). Raises TypeError naming `name` when value is not a dict.
std::optional<nlohmann::json> keyword_arguments_json(py::handle value, const char* name);

// A Python object that may be dropped from any thread: the deleter takes the GIL.
std::shared_ptr<py::object> hold(py::object obj);

// Calls a Python function of symbolic tensors from C++ (the GIL is taken for the call).
backend::SymbolicTensor call_symbolic(const std::shared_ptr<py::object>& fn,
                                      const backend::SymbolicTensor& x);
backend::SymbolicTensor call_symbolic(const std::shared_ptr<py::object>& fn,
                                      const backend::SymbolicTensor& x,
                                      const backend::SymbolicTensor& y);

// True for a function defined by this extension (keras_cpp.activations.relu, losses.mse, ...),
// which the C++ side knows by its __name__.
bool is_builtin_function(py::handle obj);

}  // namespace keras::python

namespace pybind11::detail {

// keras::Tensor travels as a numpy array both ways.
template <>
struct type_caster<keras::Tensor> {
  PYBIND11_TYPE_CASTER(keras::Tensor, const_name("numpy.ndarray"));

  bool load(handle src, bool convert) {
    if (!convert && !isinstance<array>(src)) return false;
    try {
      value = keras::python::to_tensor(src);
    } catch (const error_already_set&) {
      PyErr_Clear();
      return false;
    } catch (const std::exception&) {
      return false;
    }
    return true;
  }

  static handle cast(const keras::Tensor& tensor, return_value_policy, handle) {
    return keras::python::to_numpy(tensor).release();
  }
};

}  // namespace pybind11::detail
