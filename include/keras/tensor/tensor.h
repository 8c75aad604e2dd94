// keras::Tensor — an n-d, row-major array of float32/float64/int32/int64 over shared storage.
// It knows nothing about graphs: the symbolic side lives in keras::backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace keras {

enum class DType { float32, float64, int32, int64 };

std::size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);
// "float32", "float64", "int32", "int64"; throws std::invalid_argument listing the valid names.
DType dtype_from_name(const std::string& name);
inline bool is_floating(DType dtype) {
  return dtype == DType::float32 || dtype == DType::float64;
}

template <typename T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, float>)
    return DType::float32;
  else if constexpr (std::is_same_v<T, double>)
    return DType::float64;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return DType::int32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return DType::int64;
  else
    static_assert(sizeof(T) == 0, "keras::Tensor holds float, double, int32_t or int64_t");
}

// A shape; -1 stands for an unknown dimension (Keras's None), usually the batch.
using Shape = std::vector<std::int64_t>;
constexpr std::int64_t kUnknownDim = -1;

std::string shape_to_string(const Shape& shape);  // Keras's tuple text: "(None, 784)"
std::int64_t shape_numel(const Shape& shape);     // -1 when any dimension is unknown
bool shape_is_known(const Shape& shape);

// Refcounted bytes, 64-byte aligned when owned; may also wrap memory the user owns (zero-copy).
class Storage {
 public:
  explicit Storage(std::size_t bytes);                                    // owning, zeroed
  Storage(void* data, std::size_t bytes, std::function<void()> release);  // borrowed
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }

 private:
  void* data_;
  std::size_t bytes_;
  bool owned_;
  std::function<void()> release_;
};

class Tensor {
 public:
  Tensor() = default;
  Tensor(Shape shape, DType dtype = DType::float32);  // zero-filled, owns its storage

  static Tensor zeros(Shape shape, DType dtype = DType::float32) {
    return Tensor(std::move(shape), dtype);
  }
  static Tensor full(Shape shape, double value, DType dtype = DType::float32);

  // Copies the values; `shape` defaults to {values.size()} (use Tensor::full({}, v) for a scalar).
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, Shape shape = {});
  template <typename T>
  static Tensor from_vector(std::initializer_list<T> values, Shape shape = {}) {
    return from_vector(std::vector<T>(values), std::move(shape));
  }
  // Zero-copy: wraps memory the caller keeps alive (and may keep alive through `owner`).
  template <typename T>
  static Tensor from_blob(T* data, Shape shape, std::shared_ptr<void> owner = nullptr);

  bool defined() const { return storage_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  std::int64_t dim(int axis) const;  // negative axes count from the end
  int ndim() const { return static_cast<int>(shape_.size()); }
  std::int64_t numel() const { return numel_; }
  std::size_t nbytes() const { return static_cast<std::size_t>(numel_) * dtype_size(dtype_); }

  void* raw_data() const;
  template <typename T>
  T* data() const;  // checks the dtype

  // Element access by full index, with bounds checks; value() converts any dtype to double.
  template <typename T, typename... Index>
  T& at(Index... index) const {
    return data<T>()[flat_index({static_cast<std::int64_t>(index)...})];
  }
  double value(std::initializer_list<std::int64_t> index) const;
  double item() const;  // the single element of a one-element tensor
  template <typename... Index>
  double operator()(Index... index) const {
    return value({static_cast<std::int64_t>(index)...});
  }

  // Views sharing storage.
  Tensor reshape(Shape shape) const;                         // one -1 allowed
  Tensor slice(std::int64_t begin, std::int64_t end) const;  // rows [begin, end) of axis 0
  Tensor operator[](std::int64_t i) const;                   // row i of axis 0, one rank less

  Tensor clone() const;
  Tensor astype(DType dtype) const;
  template <typename T>
  std::vector<T> to_vector() const;  // converts element-wise from any dtype
  bool shares_storage_with(const Tensor& other) const { return storage_ == other.storage_; }
  std::string to_string() const;

 private:
  std::int64_t flat_index(std::initializer_list<std::int64_t> index) const;

  std::shared_ptr<Storage> storage_;
  std::size_t offset_ = 0;  // bytes
  Shape shape_;
  std::int64_t numel_ = 0;
  DType dtype_ = DType::float32;
};

}  // namespace keras
