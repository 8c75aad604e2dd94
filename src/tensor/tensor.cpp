#include "keras/tensor/tensor.h"

#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace keras {

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return 4;
    case DType::float64:
      return 8;
    case DType::int32:
      return 4;
    case DType::int64:
      return 8;
  }
  return 0;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return "float32";
    case DType::float64:
      return "float64";
    case DType::int32:
      return "int32";
    case DType::int64:
      return "int64";
  }
  return "?";
}

DType dtype_from_name(const std::string& name) {
  if (name == "float32") return DType::float32;
  if (name == "float64") return DType::float64;
  if (name == "int32") return DType::int32;
  if (name == "int64") return DType::int64;
  throw std::invalid_argument("Unknown dtype: '" + name +
                              "'. Valid dtypes are: float32, float64, int32, int64.");
}

std::string shape_to_string(const Shape& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += shape[i] < 0 ? "None" : std::to_string(shape[i]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

std::int64_t shape_numel(const Shape& shape) {
  std::int64_t n = 1;
  for (auto d : shape) {
    if (d < 0) return -1;
    n *= d;
  }
  return n;
}

bool shape_is_known(const Shape& shape) {
  return shape_numel(shape) >= 0;
}

Storage::Storage(std::size_t bytes) : bytes_(bytes), owned_(true) {
  std::size_t rounded = (bytes + 63) / 64 * 64;
  data_ = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (!data_) throw std::bad_alloc();
  std::memset(data_, 0, rounded == 0 ? 64 : rounded);
}

Storage::Storage(void* data, std::size_t bytes, std::function<void()> release)
    : data_(data), bytes_(bytes), owned_(false), release_(std::move(release)) {}

Storage::~Storage() {
  if (owned_)
    std::free(data_);
  else if (release_)
    release_();
}

static void check_shape(const Shape& shape) {
  for (auto d : shape)
    if (d < 0)
      throw std::invalid_argument("A concrete tensor needs a fully known shape, got " +
                                  shape_to_string(shape));
}

Tensor::Tensor(Shape shape, DType dtype) : shape_(std::move(shape)), dtype_(dtype) {
  check_shape(shape_);
  numel_ = shape_numel(shape_);
  storage_ = std::make_shared<Storage>(nbytes());
}

Tensor Tensor::full(Shape shape, double value, DType dtype) {
  Tensor t(std::move(shape), dtype);
  for (std::int64_t i = 0; i < t.numel_; ++i) {
    switch (dtype) {
      case DType::float32:
        t.data<float>()[i] = static_cast<float>(value);
        break;
      case DType::float64:
        t.data<double>()[i] = value;
        break;
      case DType::int32:
        t.data<std::int32_t>()[i] = static_cast<std::int32_t>(value);
        break;
      case DType::int64:
        t.data<std::int64_t>()[i] = static_cast<std::int64_t>(value);
        break;
    }
  }
  return t;
}

template <typename T>
Tensor Tensor::from_vector(const std::vector<T>& values, Shape shape) {
  if (shape.empty()) shape = {static_cast<std::int64_t>(values.size())};
  Tensor t(shape, dtype_of<T>());
  if (t.numel() != static_cast<std::int64_t>(values.size()))
    throw std::invalid_argument("Tensor::from_vector: " + std::to_string(values.size()) +
                                " values cannot fill shape " + shape_to_string(shape) + " (" +
                                std::to_string(t.numel()) + " elements)");
  std::memcpy(t.raw_data(), values.data(), values.size() * sizeof(T));
  return t;
}

template <typename T>
Tensor Tensor::from_blob(T* data, Shape shape, std::shared_ptr<void> owner) {
  check_shape(shape);
  Tensor t;
  t.shape_ = std::move(shape);
  t.numel_ = shape_numel(t.shape_);
  t.dtype_ = dtype_of<T>();
  t.storage_ = std::make_shared<Storage>(static_cast<void*>(data), t.nbytes(),
                                         [owner]() mutable { owner.reset(); });
  return t;
}

std::int64_t Tensor::dim(int axis) const {
  int n = ndim();
  int a = axis < 0 ? axis + n : axis;
  if (a < 0 || a >= n)
    throw std::out_of_range("axis " + std::to_string(axis) +
                            " is out of range for a tensor of shape " + shape_to_string(shape_));
  return shape_[static_cast<std::size_t>(a)];
}

void* Tensor::raw_data() const {
  if (!storage_) return nullptr;
  return static_cast<char*>(storage_->data()) + offset_;
}

template <typename T>
T* Tensor::data() const {
  if (dtype_of<T>() != dtype_)
    throw std::invalid_argument(std::string("Tensor::data: the tensor holds ") +
                                dtype_name(dtype_) + ", not " + dtype_name(dtype_of<T>()));
  return static_cast<T*>(raw_data());
}

std::int64_t Tensor::flat_index(std::initializer_list<std::int64_t> index) const {
  if (static_cast<int>(index.size()) != ndim())
    throw std::out_of_range("Tensor index has " + std::to_string(index.size()) +
                            " components, the tensor has rank " + std::to_string(ndim()));
  std::int64_t flat = 0;
  std::size_t axis = 0;
  for (auto i : index) {
    if (i < 0 || i >= shape_[axis])
      throw std::out_of_range("index " + std::to_string(i) + " is out of range for axis " +
                              std::to_string(axis) + " of shape " + shape_to_string(shape_));
    flat = flat * shape_[axis] + i;
    ++axis;
  }
  return flat;
}

static double element_as_double(const Tensor& t, std::int64_t i) {
  switch (t.dtype()) {
    case DType::float32:
      return t.data<float>()[i];
    case DType::float64:
      return t.data<double>()[i];
    case DType::int32:
      return t.data<std::int32_t>()[i];
    case DType::int64:
      return static_cast<double>(t.data<std::int64_t>()[i]);
  }
  return 0;
}

double Tensor::value(std::initializer_list<std::int64_t> index) const {
  return element_as_double(*this, flat_index(index));
}

double Tensor::item() const {
  if (numel_ != 1)
    throw std::invalid_argument("Tensor::item needs exactly one element, the shape is " +
                                shape_to_string(shape_));
  return element_as_double(*this, 0);
}

Tensor Tensor::reshape(Shape shape) const {
  std::int64_t known = 1;
  int unknown = -1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (unknown >= 0) throw std::invalid_argument("Tensor::reshape: only one -1 is allowed");
      unknown = static_cast<int>(i);
    } else {
      known *= shape[i];
    }
  }
  if (unknown >= 0 && known > 0 && numel_ % known == 0)
    shape[static_cast<std::size_t>(unknown)] = numel_ / known;
  if (shape_numel(shape) != numel_)
    throw std::invalid_argument("Cannot reshape a tensor of shape " + shape_to_string(shape_) +
                                " into shape " + shape_to_string(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::slice(std::int64_t begin, std::int64_t end) const {
  if (ndim() == 0 || begin < 0 || end < begin || end > shape_[0])
    throw std::out_of_range("Tensor::slice [" + std::to_string(begin) + ", " + std::to_string(end) +
                            ") is out of range for shape " + shape_to_string(shape_));
  std::int64_t row = numel_ / (shape_[0] == 0 ? 1 : shape_[0]);
  Tensor t = *this;
  t.shape_[0] = end - begin;
  t.numel_ = row * (end - begin);
  t.offset_ += static_cast<std::size_t>(begin * row) * dtype_size(dtype_);
  return t;
}

Tensor Tensor::operator[](std::int64_t i) const {
  Tensor row = slice(i, i + 1);
  row.shape_.erase(row.shape_.begin());
  return row;
}

Tensor Tensor::clone() const {
  Tensor t(shape_, dtype_);
  if (numel_) std::memcpy(t.raw_data(), raw_data(), nbytes());
  return t;
}

Tensor Tensor::astype(DType dtype) const {
  Tensor t(shape_, dtype);
  for (std::int64_t i = 0; i < numel_; ++i) {
    double v = element_as_double(*this, i);
    switch (dtype) {
      case DType::float32:
        t.data<float>()[i] = static_cast<float>(v);
        break;
      case DType::float64:
        t.data<double>()[i] = v;
        break;
      case DType::int32:
        t.data<std::int32_t>()[i] = static_cast<std::int32_t>(v);
        break;
      case DType::int64:
        t.data<std::int64_t>()[i] = static_cast<std::int64_t>(v);
        break;
    }
  }
  return t;
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  std::vector<T> out(static_cast<std::size_t>(numel_));
  for (std::int64_t i = 0; i < numel_; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<T>(element_as_double(*this, i));
  return out;
}

std::string Tensor::to_string() const {
  std::ostringstream os;
  os << "Tensor(shape=" << shape_to_string(shape_) << ", dtype=" << dtype_name(dtype_) << ", [";
  for (std::int64_t i = 0; i < numel_ && i < 8; ++i)
    os << (i ? ", " : "") << element_as_double(*this, i);
  if (numel_ > 8) os << ", ...";
  os << "])";
  return os.str();
}

#define KERAS_TENSOR_INSTANTIATE(T)                                       \
  template Tensor Tensor::from_vector<T>(const std::vector<T>&, Shape);   \
  template Tensor Tensor::from_blob<T>(T*, Shape, std::shared_ptr<void>); \
  template T* Tensor::data<T>() const;                                    \
  template std::vector<T> Tensor::to_vector<T>() const;
KERAS_TENSOR_INSTANTIATE(float)
KERAS_TENSOR_INSTANTIATE(double)
KERAS_TENSOR_INSTANTIATE(std::int32_t)
KERAS_TENSOR_INSTANTIATE(std::int64_t)
#undef KERAS_TENSOR_INSTANTIATE

}  // namespace keras
