// The narrow interface between the executor and the kernels of every backend.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/graph.h"

namespace keras::kernels {

using backend::Attrs;
using backend::OpKind;

// A planned buffer: where a value lives and its concrete shape.
struct Buffer {
  void* data = nullptr;
  Shape shape;
  DType dtype = DType::float32;
  std::int64_t numel = 0;

  template <typename T>
  T* as() const {
    return static_cast<T*>(data);
  }
};

struct KernelCall {
  OpKind op = OpKind::kCount;
  const Attrs* attrs = nullptr;
  std::vector<Buffer> inputs;
  Buffer output;
  // How many times the step's function ran before: random ops draw fresh numbers.
  std::uint64_t counter = 0;
  // Per-step kernel state (cached oneDNN primitives and their buffers), made by the kernel on the
  // step's first run and kept for the life of the plan, whose shapes never change.
  mutable std::shared_ptr<void> state;
};

using KernelFn = void (*)(const KernelCall&);

// A backend: the kernel it runs for each op (resolved once per plan, never per step), whether its
// compiler fuses (the Dense, conv and softmax cross-entropy patterns of rewrite.cpp and the
// elementwise groups of executor.cpp), and its per-thread setup before a run. The kernels
// themselves are named by each op's definition (src/ops/<family>.cpp); a backend without its own
// kernel for an op runs the reference kernel, and says so (KERAS_LOG_KERNELS=1).
class Backend {
 public:
  struct Kernel {
    KernelFn fn = nullptr;
    const char* name = nullptr;  // "cpu::matmul", "reference::softmax_grad"
    bool fallback = false;       // the reference kernel, because this backend has none of its own
  };

  const char* name() const { return name_; }
  bool fuses() const { return cpu_; }
  // Throws std::logic_error for ops without kernels (the leaves).
  Kernel kernel(OpKind op) const;
  // Before each run, on the calling thread (cpu: denormals flushed to zero).
  void prepare_thread() const;

 private:
  friend const Backend& backend_named(const std::string& name);
  Backend(const char* name, bool cpu) : name_(name), cpu_(cpu) {}
  const char* name_;
  bool cpu_;
};

// "cpu" or "reference" (K::backend()); throws std::invalid_argument naming the valid ones.
const Backend& backend_named(const std::string& name);

namespace cpu {
void flush_denormals();  // on the calling thread and the OpenMP workers
}  // namespace cpu

[[noreturn]] inline void unsupported_dtype(OpKind op, DType dtype) {
  throw std::invalid_argument(std::string("kernel ") + backend::op_name(op) +
                              " does not support dtype " + dtype_name(dtype));
}

// Calls body.template operator()<T>() for the buffer's dtype.
template <typename Body>
void dispatch_all(OpKind op, DType dtype, Body&& body) {
  switch (dtype) {
    case DType::float32:
      body.template operator()<float>();
      return;
    case DType::float64:
      body.template operator()<double>();
      return;
    case DType::int32:
      body.template operator()<std::int32_t>();
      return;
    case DType::int64:
      body.template operator()<std::int64_t>();
      return;
  }
  unsupported_dtype(op, dtype);
}

template <typename Body>
void dispatch_float(OpKind op, DType dtype, Body&& body) {
  switch (dtype) {
    case DType::float32:
      body.template operator()<float>();
      return;
    case DType::float64:
      body.template operator()<double>();
      return;
    default:
      unsupported_dtype(op, dtype);
  }
}

}  // namespace keras::kernels
