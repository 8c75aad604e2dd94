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
  std::uint64_t counter = 0;  // how many times this step ran before: random ops draw fresh numbers
  // Per-step kernel state (cached oneDNN primitives and their buffers), made by the kernel on the
  // step's first run and kept for the life of the plan, whose shapes never change.
  mutable std::shared_ptr<void> state;
};

using KernelFn = void (*)(const KernelCall&);

enum class Backend { kReference, kCpu };
Backend backend_from_name(const std::string& name);

// The kernel for `op` on `backend`; the cpu backend falls back to the reference kernel for ops it
// has no faster kernel for (kernel_name tells which one runs).
KernelFn find_kernel(Backend backend, OpKind op);
const char* kernel_name(Backend backend, OpKind op);

namespace reference {
KernelFn kernel(OpKind op);  // nullptr for leaves
}
namespace cpu {
KernelFn kernel(OpKind op);  // nullptr where the reference kernel serves
void flush_denormals();      // on the calling thread and the OpenMP workers
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
