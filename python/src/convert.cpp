#include "convert.h"

#include <cstdint>
#include <stdexcept>
#include <utility>

#include "keras/backend/backend.h"

namespace keras::python {

namespace {

// A module's function, kept for the life of the process: a static py::object would be released
// after the interpreter has gone.
py::handle python_function(const char* module, const char* name) {
  return py::module_::import(module).attr(name).cast<py::object>().release();
}

const char* numpy_name(DType dtype) {
  return dtype_name(dtype);
}

// The dtype a numpy array of `dtype` becomes, or nullopt for non-numeric arrays.
std::optional<DType> tensor_dtype_for(const py::dtype& dtype) {
  char kind = dtype.kind();
  auto size = dtype.itemsize();
  if (kind == 'f') return size == 8 ? DType::float64 : DType::float32;
  if (kind == 'i' && size == 4) return DType::int32;
  if (kind == 'i' || kind == 'u' || kind == 'b') return DType::int64;
  return std::nullopt;
}

template <typename T>
Tensor wrap(const py::array& array, Shape shape) {
  auto* data = static_cast<T*>(const_cast<void*>(array.data()));
  std::shared_ptr<void> owner(new py::object(array), [](void* p) {
    if (!Py_IsInitialized()) return;  // interpreter gone: leak rather than crash
    py::gil_scoped_acquire gil;
    delete static_cast<py::object*>(p);
  });
  return Tensor::from_blob<T>(data, std::move(shape), std::move(owner));
}

Tensor wrap_array(py::array array, DType dtype) {
  // asarray(order='C') rather than ascontiguousarray, which turns 0-d arrays into 1-d ones.
  static py::handle asarray = python_function("numpy", "asarray");
  array = asarray(array, py::str(numpy_name(dtype)), py::arg("order") = "C");
  Shape shape(array.shape(), array.shape() + array.ndim());
  switch (dtype) {
    case DType::float32:
      return wrap<float>(array, std::move(shape));
    case DType::float64:
      return wrap<double>(array, std::move(shape));
    case DType::int32:
      return wrap<std::int32_t>(array, std::move(shape));
    case DType::int64:
      return wrap<std::int64_t>(array, std::move(shape));
  }
  throw std::logic_error("unreachable dtype");
}

py::array as_array(py::handle obj) {
  static py::handle asarray = python_function("numpy", "asarray");
  py::array array = asarray(obj);
  return array;
}

}  // namespace

Tensor to_tensor(py::handle obj) {
  py::array array = as_array(obj);
  auto dtype = tensor_dtype_for(array.dtype());
  if (!dtype)
    throw py::type_error("Expected an array of numbers, got an array of dtype " +
                         py::str(array.dtype()).cast<std::string>());
  return wrap_array(array, *dtype);
}

Tensor to_tensor(py::handle obj, DType dtype) {
  py::array array = as_array(obj);
  if (!tensor_dtype_for(array.dtype()))
    throw py::type_error("Expected an array of numbers, got an array of dtype " +
                         py::str(array.dtype()).cast<std::string>());
  return wrap_array(array, dtype);
}

py::array to_numpy(const Tensor& tensor) {
  if (!tensor.defined()) return py::array(py::dtype("float32"), std::vector<py::ssize_t>{0});
  py::dtype dtype(numpy_name(tensor.dtype()));
  std::vector<py::ssize_t> shape(tensor.shape().begin(), tensor.shape().end());
  if (tensor.numel() == 0) return py::array(dtype, shape);
  auto* keep = new Tensor(tensor);
  py::capsule base(keep, [](void* p) { delete static_cast<Tensor*>(p); });
  return py::array(dtype, shape, {}, keep->raw_data(), base);
}

std::vector<KerasTensor> to_tensor_list(py::handle obj) {
  if (py::isinstance<backend::SymbolicTensor>(obj)) return {obj.cast<KerasTensor>()};
  std::vector<KerasTensor> out;
  for (py::handle item : obj) out.push_back(item.cast<KerasTensor>());
  return out;
}

Shape to_shape(py::handle obj) {
  if (obj.is_none()) throw py::value_error("A shape is required, got None");
  if (py::isinstance<py::int_>(obj)) return {obj.cast<std::int64_t>()};
  Shape shape;
  for (py::handle dim : py::iter(obj))
    shape.push_back(dim.is_none()
                        ? kUnknownDim
                        : py::int_(py::reinterpret_borrow<py::object>(dim)).cast<std::int64_t>());
  return shape;
}

void raise_argument_type_error(py::handle obj, const char* name, const std::string& expected) {
  throw py::type_error("`" + std::string(name) + "` must be " + expected + ", got " +
                       py::repr(obj).cast<std::string>() + " (" +
                       py::type::of(obj).attr("__name__").cast<std::string>() + ")");
}

std::int64_t to_int_arg(py::handle obj, const char* name) {
  // Python ints and numpy integers have __index__; bools are ints to Python but not sizes.
  if (PyBool_Check(obj.ptr()) || !PyIndex_Check(obj.ptr()))
    raise_argument_type_error(obj, name, "an integer");
  py::int_ value = py::reinterpret_steal<py::int_>(PyNumber_Index(obj.ptr()));
  if (!value) throw py::error_already_set();
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow)
    throw py::value_error("`" + std::string(name) +
                          "` is out of range: " + py::repr(obj).cast<std::string>());
  return static_cast<std::int64_t>(v);
}

int to_verbose(py::handle obj) {
  if (PyBool_Check(obj.ptr())) return obj.ptr() == Py_True ? 1 : 0;
  return static_cast<int>(to_int_arg(obj, "verbose"));
}

Shape to_input_shape(py::handle obj, const char* name) {
  if (obj.is_none()) throw py::value_error("`" + std::string(name) + "` is required, got None");
  auto dimension = [&](py::handle dim) -> std::int64_t {
    if (dim.is_none()) return kUnknownDim;
    if (PyBool_Check(dim.ptr()) || !PyIndex_Check(dim.ptr()))
      throw py::type_error("`" + std::string(name) + "` must hold integers or None, got " +
                           py::repr(obj).cast<std::string>());
    std::int64_t d = to_int_arg(dim, name);
    if (d < 0)
      throw py::value_error("`" + std::string(name) +
                            "` must hold non-negative integers or None (for an unknown size), "
                            "got " +
                            py::repr(obj).cast<std::string>());
    return d;
  };
  if (PyIndex_Check(obj.ptr())) return {dimension(obj)};
  if (!py::isinstance<py::iterable>(obj) || py::isinstance<py::str>(obj))
    throw py::type_error("`" + std::string(name) + "` must be a tuple of integers or None, got " +
                         py::repr(obj).cast<std::string>());
  Shape shape;
  for (py::handle dim : py::iter(obj)) shape.push_back(dimension(dim));
  return shape;
}

py::tuple shape_to_tuple(const Shape& shape) {
  py::tuple out(shape.size());
  for (std::size_t i = 0; i < shape.size(); ++i)
    out[i] = shape[i] < 0 ? py::object(py::none()) : py::object(py::int_(shape[i]));
  return out;
}

py::list to_list(const std::vector<SymbolicTensor>& tensors) {
  py::list out;
  for (const auto& t : tensors) out.append(py::cast(t));
  return out;
}

DType to_dtype(py::handle obj) {
  if (obj.is_none()) return backend::floatx();
  if (py::isinstance<py::str>(obj)) return dtype_from_name(obj.cast<std::string>());
  static py::handle numpy_dtype = python_function("numpy", "dtype");
  py::object dtype = numpy_dtype(obj);
  return dtype_from_name(dtype.attr("name").cast<std::string>());
}

nlohmann::json to_json(py::handle obj) {
  static py::handle dumps = python_function("json", "dumps");
  return nlohmann::json::parse(dumps(obj).cast<std::string>());
}

std::optional<nlohmann::json> keyword_arguments_json(py::handle value, const char* name) {
  if (!py::isinstance<py::dict>(value))
    raise_argument_type_error(value, name, "a dict of keyword arguments");
  try {
    return to_json(value);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

py::object from_json(const nlohmann::json& value) {
  static py::handle loads = python_function("json", "loads");
  return loads(value.dump());
}

std::shared_ptr<py::object> hold(py::object obj) {
  return std::shared_ptr<py::object>(new py::object(std::move(obj)), [](py::object* p) {
    if (!Py_IsInitialized()) return;
    py::gil_scoped_acquire gil;
    delete p;
  });
}

backend::SymbolicTensor call_symbolic(const std::shared_ptr<py::object>& fn,
                                      const backend::SymbolicTensor& x) {
  py::gil_scoped_acquire gil;
  return (*fn)(x).cast<backend::SymbolicTensor>();
}

backend::SymbolicTensor call_symbolic(const std::shared_ptr<py::object>& fn,
                                      const backend::SymbolicTensor& x,
                                      const backend::SymbolicTensor& y) {
  py::gil_scoped_acquire gil;
  return (*fn)(x, y).cast<backend::SymbolicTensor>();
}

bool is_builtin_function(py::handle obj) {
  return PyCFunction_Check(obj.ptr()) && py::hasattr(obj, "__name__");
}

}  // namespace keras::python
