// The narrow interface between the executor and the kernels of every backend.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/graph.h"

namespace keras::kernels {

using backend::OpAttrs;
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
  const OpAttrs* attrs = nullptr;  // the node's; read them as its op's struct: attrs_as<T>()
  std::vector<Buffer> inputs;
  Buffer output;
  // Device backends: the run counter in device memory, written before each run with the staged
  // inputs. A kernel replayed from a CUDA graph keeps the arguments it was captured with, so a
  // device kernel reads the counter there, on the device.
  const std::uint64_t* device_counter = nullptr;
  // Why a CUDA graph cannot replay this step, set by its kernel when it ran (nullptr: it can): it
  // ran on the host (cuda::host_fallback), or it took the run counter on the host.
  mutable const char* not_capturable = nullptr;
  // Per-step kernel state (cached oneDNN primitives), made by the kernel's prepare function when
  // the plan is made (or on the step's first run) and kept for the life of the plan, whose shapes
  // never change.
  mutable std::shared_ptr<void> state;
  // Memory the kernel needs only while it runs, as many bytes as its prepare function asked for:
  // one region that every step of the compiled function's plans shares (they run one at a time),
  // sized by the planner, never allocated by the kernel itself.
  void* scratch = nullptr;
  std::size_t scratch_bytes = 0;

  // How many times the step's function ran before: random ops draw fresh numbers. A value read
  // here is frozen into a captured graph, so the step is marked not capturable.
  std::uint64_t counter() const {
    not_capturable = "takes the run counter on the host (a device kernel reads device_counter)";
    return counter_;
  }
  void set_counter(std::uint64_t runs) { counter_ = runs; }

  // Throws std::logic_error naming the op and both types when the op's attributes are not a T.
  template <typename T>
  const T& attrs_as() const {
    return attrs->get<T>(op);
  }
  // nullptr when the op's attributes are not a T (ops that share a kernel, some with attributes).
  template <typename T>
  const T* attrs_if() const {
    return attrs ? attrs->get_if<T>() : nullptr;
  }

 private:
  std::uint64_t counter_ = 0;
};

using KernelFn = void (*)(const KernelCall&);
// At plan time, once per step (shapes final, buffers placed): makes the step's `state` if the
// kernel keeps one, and returns the scratch bytes the kernel needs while it runs.
using PrepareFn = std::size_t (*)(const KernelCall&);

// Lays a kernel's scratch out: the same sequence of take<T>(n) calls first counts the bytes (at
// plan time, a Counting layout) and then hands out the pieces of call.scratch (when running), so
// a kernel's layout is written once. Pieces are 64-byte aligned.
class ScratchLayout {
 public:
  static ScratchLayout counting() { return ScratchLayout(nullptr, 0, true); }
  explicit ScratchLayout(const KernelCall& call)
      : ScratchLayout(static_cast<char*>(call.scratch), call.scratch_bytes, false) {}

  template <typename T>
  T* take(std::int64_t n) {
    const std::size_t at = used_;
    used_ += (static_cast<std::size_t>(n) * sizeof(T) + 63) / 64 * 64;
    if (counting_) return nullptr;
    if (used_ > size_ || base_ == nullptr)
      throw std::logic_error("a kernel asked for more scratch (" + std::to_string(used_) +
                             " bytes) than its step was planned with (" + std::to_string(size_) +
                             ")");
    return reinterpret_cast<T*>(base_ + at);
  }
  std::size_t bytes() const { return used_; }

 private:
  ScratchLayout(char* base, std::size_t size, bool counting)
      : base_(base), size_(size), counting_(counting) {}
  char* base_;
  std::size_t size_;
  bool counting_;
  std::size_t used_ = 0;
};
struct FusedProgram;

// Memory of a backend whose kernels run on an accelerator (cuda). The executor keeps a plan's
// arena, its inputs and constants in one device allocation and copies its inputs through pinned
// host staging buffers; the variables' values have one device copy each, shared by every plan
// (compiler/device_values.h). Copies and kernels run in order on the backend's one stream, and a
// plan's steps, once warmed up, are recorded and replayed as one launch (capture, launch).
class Device {
 public:
  virtual ~Device() = default;
  virtual std::shared_ptr<void> allocate(std::size_t bytes) const = 0;  // device memory (zeroed)
  virtual std::shared_ptr<void> allocate_pinned(std::size_t bytes) const = 0;  // page-locked host
  // On the stream: host memory to and from device memory; asynchronous from pinned memory, and
  // from pageable memory done with the host's side when the call returns (a variable's value).
  virtual void copy_to_device(void* device, const void* host, std::size_t bytes) const = 0;
  virtual void copy_to_host(void* host, const void* device, std::size_t bytes) const = 0;
  // Asynchronous, on the stream, and recorded by capture: device memory to device memory (a
  // plan's updates into its variables' device copies).
  virtual void copy_on_device(void* to, const void* from, std::size_t bytes) const = 0;
  virtual void synchronize() const = 0;  // waits until the stream has run everything queued
  // What `steps` queue on the stream, recorded without running it (a CUDA graph, instantiated),
  // for launch to replay. Throws std::runtime_error saying why when it cannot be recorded: a step
  // waited for the device, copied between host and device or allocated (work a replay would not
  // redo), or the driver refused; the stream is usable again afterwards. Whatever `steps` throws
  // is rethrown after the recording is dropped.
  virtual std::shared_ptr<void> capture(const std::function<void()>& steps) const = 0;
  virtual void launch(const std::shared_ptr<void>& graph) const = 0;  // asynchronous, on the stream
};

// A backend: the kernel it runs for each op (resolved once per plan, never per step), whether its
// compiler fuses (the Dense, conv and softmax cross-entropy patterns of rewrite.cpp; and on the
// cpu the elementwise groups of executor.cpp), where its buffers live and its per-thread setup
// before a run. The kernels themselves are named by each op's definition (src/ops/<family>.cpp);
// a backend without its own kernel for an op runs the reference kernel (cuda: on the host, its
// operands copied each way), and says so (KERAS_LOG_KERNELS=1).
class Backend {
 public:
  enum class Kind { kReference, kCpu, kCuda };
  struct Kernel {
    KernelFn fn = nullptr;
    const char* name = nullptr;   // "cpu::matmul", "reference::softmax_grad"
    bool fallback = false;        // the reference kernel, because this backend has none of its own
    PrepareFn prepare = nullptr;  // nullptr: no state made at plan time, no scratch
  };

  const char* name() const { return name_; }
  bool fuses() const { return kind_ != Kind::kReference; }
  bool fuses_elementwise() const { return kind_ != Kind::kReference; }
  // Whether its compiler trims recurrent layers' inference: a Recurrent keeping only its last
  // step's states, projecting its own inputs (ops::RecurrentAttrs; cuda's step kernels do not).
  bool trims_recurrent_inference() const { return kind_ == Kind::kCpu; }
  // A fused elementwise group (kernels/fused_elementwise.h): after prepare_fused once per plan,
  // run_fused per run; the name KERAS_LOG_KERNELS prints for it.
  void prepare_fused(FusedProgram& program) const;
  void run_fused(FusedProgram& program) const;
  const char* fused_kernel_name() const {
    return kind_ == Kind::kCuda ? "cuda::run_fused" : "cpu::run_fused";
  }
  // nullptr: the kernels read and write host memory.
  const Device* device() const { return device_; }
  // Throws std::logic_error for ops without kernels (the leaves).
  Kernel kernel(OpKind op) const;
  // Before each run, on the calling thread (cpu: denormals flushed to zero, and the OpenMP team
  // size lowered while other processes keep the cores busy: cpu::ThreadBudget). The caller saves
  // its MXCSR and team size before and restores them after the run.
  void prepare_thread() const;

 private:
  friend const Backend& backend_named(const std::string& name);
  Backend(const char* name, Kind kind, const Device* device = nullptr)
      : name_(name), kind_(kind), device_(device) {}
  const char* name_;
  Kind kind_;
  const Device* device_;
};

// "cpu", "reference" or "cuda" (K::backend()); throws std::invalid_argument naming the valid ones,
// and for "cuda" std::runtime_error when this build or this machine cannot run it (why, and what
// to do instead).
const Backend& backend_named(const std::string& name);

namespace cpu {
void flush_denormals();  // on the calling thread and the OpenMP workers
}  // namespace cpu

namespace cuda {
// The first CUDA device, its stream and library handles, made on first use; throws
// std::runtime_error saying why when no driver or device is present (src/kernels/cuda/runtime.cu).
const Device& device();
// An op without a cuda kernel: its reference kernel on host copies of its operands.
void host_fallback(const KernelCall& call);
// A fused elementwise group as one kernel (src/kernels/cuda/elementwise.cu).
void run_fused(FusedProgram& program);
}  // namespace cuda

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
