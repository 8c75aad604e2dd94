// The cuda backend's runtime: the device (first visible one), its stream, cuBLASLt and cuDNN
// handles, a shared workspace, device and pinned allocations for the executor's plans, and the
// host fallback that runs an op's reference kernel on host copies of its operands.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "kernels/cuda/cuda_util.cuh"
#include "ops/op_def.h"

namespace keras::kernels::cuda {

namespace {

std::string where(const char* call, const char* file, int line) {
  return std::string(call) + " (" + file + ":" + std::to_string(line) + ")";
}

struct Runtime;
Runtime& runtime();

// The device and its handles, made once per process on first use.
struct Runtime final : Device {
  int device = 0;
  cudaStream_t stream = nullptr;
  cublasLtHandle_t lt = nullptr;
  cudnnHandle_t dnn = nullptr;
  void* scratch = nullptr;
  std::size_t scratch_bytes = 0;
  bool nondeterministic = false;

  Runtime() {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess || count == 0) {
      const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
      throw std::runtime_error(
          std::string("The cuda backend cannot start: ") +
          (status != cudaSuccess
               ? std::string("cudaGetDeviceCount failed with ") + cudaGetErrorName(status) + " (" +
                     cudaGetErrorString(status) + ")"
               : std::string("no CUDA device is visible")) +
          (visible ? std::string(" with CUDA_VISIBLE_DEVICES='") + visible + "'" : "") +
          ". It needs an NVIDIA GPU of compute capability 8.0 or newer and its driver (nvidia-smi "
          "lists them). Select backend 'cpu' instead (keras.json \"backend\", KERAS_BACKEND=cpu or "
          "K::set_backend(\"cpu\")), or run on a machine with a GPU.");
    }
    KERAS_CUDA_CHECK(cudaSetDevice(device));
    KERAS_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    KERAS_CUDA_CHECK(cublasLtCreate(&lt));
    KERAS_CUDA_CHECK(cudnnCreate(&dnn));
    KERAS_CUDA_CHECK(cudnnSetStream(dnn, stream));
    const char* fast = std::getenv("KERAS_CUDA_FAST_NONDETERMINISTIC");
    nondeterministic = fast && *fast && std::string(fast) != "0";
  }
  // Never destroyed: plans freed at exit may still release memory through it.

  std::shared_ptr<void> allocate(std::size_t bytes) const override {
    void* p = nullptr;
    KERAS_CUDA_CHECK(cudaSetDevice(device));
    KERAS_CUDA_CHECK(cudaMalloc(&p, bytes ? bytes : 1));
    KERAS_CUDA_CHECK(cudaMemsetAsync(p, 0, bytes, stream));
    KERAS_CUDA_CHECK(cudaStreamSynchronize(stream));
    return {p, [](void* q) { cudaFree(q); }};  // no throw from a deleter
  }
  std::shared_ptr<void> allocate_pinned(std::size_t bytes) const override {
    void* p = nullptr;
    KERAS_CUDA_CHECK(cudaMallocHost(&p, bytes ? bytes : 1));
    std::memset(p, 0, bytes);
    return {p, [](void* q) { cudaFreeHost(q); }};
  }
  void copy_to_device(void* to, const void* from, std::size_t bytes) const override {
    if (bytes) KERAS_CUDA_CHECK(cudaMemcpyAsync(to, from, bytes, cudaMemcpyHostToDevice, stream));
  }
  void copy_to_host(void* to, const void* from, std::size_t bytes) const override {
    if (bytes) KERAS_CUDA_CHECK(cudaMemcpyAsync(to, from, bytes, cudaMemcpyDeviceToHost, stream));
  }
  void synchronize() const override { KERAS_CUDA_CHECK(cudaStreamSynchronize(stream)); }
};

Runtime& runtime() {
  // A failed start throws from here every time it is asked for (a static's constructor that
  // throws is retried on the next call).
  static Runtime* made = new Runtime();
  return *made;
}

}  // namespace

void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status == cudaSuccess) return;
  throw std::runtime_error("CUDA error " + std::string(cudaGetErrorName(status)) + " (" +
                           cudaGetErrorString(status) + ") in " + where(call, file, line));
}

void check(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw std::runtime_error("cuBLAS error " + std::to_string(static_cast<int>(status)) + " in " +
                           where(call, file, line));
}

void check(cudnnStatus_t status, const char* call, const char* file, int line) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  throw std::runtime_error("cuDNN error " + std::string(cudnnGetErrorString(status)) + " in " +
                           where(call, file, line));
}

const Device& device() {
  return runtime();
}
cudaStream_t stream() {
  return runtime().stream;
}
cublasLtHandle_t cublas_lt() {
  return runtime().lt;
}
cudnnHandle_t cudnn() {
  return runtime().dnn;
}
bool nondeterministic_allowed() {
  return runtime().nondeterministic;
}

void* workspace(std::size_t bytes) {
  Runtime& r = runtime();
  if (bytes > r.scratch_bytes) {
    // The stream may still read the old one.
    KERAS_CUDA_CHECK(cudaStreamSynchronize(r.stream));
    if (r.scratch) KERAS_CUDA_CHECK(cudaFree(r.scratch));
    r.scratch = nullptr;
    r.scratch_bytes = 0;
    KERAS_CUDA_CHECK(cudaMalloc(&r.scratch, bytes));
    r.scratch_bytes = bytes;
  }
  return r.scratch;
}

void check_rank(OpKind op, const Shape& shape) {
  if (shape.size() > static_cast<std::size_t>(kMaxRank))
    throw std::invalid_argument(std::string("cuda kernel ") + backend::op_name(op) +
                                ": tensors of rank " + std::to_string(shape.size()) +
                                " are not supported (at most " + std::to_string(kMaxRank) + ")");
}

void broadcast_strides(const Shape& src, const Shape& dst, std::int64_t* strides) {
  std::int64_t stride = 1;
  for (std::size_t d = 0; d < dst.size(); ++d) strides[d] = 0;
  for (std::size_t i = 0; i < src.size(); ++i) {
    const std::size_t s = src.size() - 1 - i, d = dst.size() - 1 - i;
    strides[d] = src[s] == 1 && dst[d] != 1 ? 0 : stride;
    stride *= src[s];
  }
}

void contiguous_strides(const Shape& shape, std::int64_t* strides) {
  std::int64_t stride = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= shape[d];
  }
}

namespace {
// The host copies of a fallback step's operands, kept for the life of the plan.
struct HostCopies {
  std::vector<std::vector<char>> inputs;
  std::vector<char> output;
};
}  // namespace

void host_fallback(const KernelCall& call) {
  const ops::OpDef& def = ops::op_def(call.op);
  if (!def.reference.fn)
    throw std::logic_error(std::string("no kernel for op ") + def.name + " on the cuda backend");
  if (!call.state) call.state = std::make_shared<HostCopies>();
  auto& copies = *static_cast<HostCopies*>(call.state.get());
  copies.inputs.resize(call.inputs.size());
  KernelCall host = call;
  host.state = nullptr;
  const Runtime& r = runtime();
  for (std::size_t k = 0; k < call.inputs.size(); ++k) {
    const Buffer& in = call.inputs[k];
    copies.inputs[k].resize(static_cast<std::size_t>(in.numel) * dtype_size(in.dtype));
    r.copy_to_host(copies.inputs[k].data(), in.data, copies.inputs[k].size());
    host.inputs[k].data = copies.inputs[k].data();
  }
  r.synchronize();
  copies.output.resize(static_cast<std::size_t>(call.output.numel) * dtype_size(call.output.dtype));
  host.output.data = copies.output.data();
  def.reference.fn(host);
  r.copy_to_device(call.output.data, copies.output.data(), copies.output.size());
  r.synchronize();  // the host buffer is reused by the next run
}

}  // namespace keras::kernels::cuda
