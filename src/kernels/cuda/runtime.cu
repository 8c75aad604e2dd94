// The cuda backend's runtime: the device (first visible one), its stream and a second one for
// copies ahead of the next run (CopyStream), cuBLASLt and cuDNN handles, a shared workspace,
// device and pinned allocations for the executor's plans, the capture of a plan's steps as a CUDA
// graph, and the host fallback that runs an op's reference kernel on host copies of its operands.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "kernels/copy_stream.h"
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
struct Runtime final : Device, CopyStream {
  int device = 0;
  cudaStream_t stream = nullptr;
  cudaStream_t copies = nullptr;  // the next run's inputs, while `stream` computes (CopyStream)
  cublasLtHandle_t lt = nullptr;
  cudnnHandle_t dnn = nullptr;
  // The kernels' workspace; a captured graph holds the one it was captured with, which a larger
  // one replaces without freeing it under the graph.
  std::shared_ptr<void> scratch;
  std::size_t scratch_bytes = 0;
  bool nondeterministic = false;
  // The thread whose capture() records: its work on the host inside a step throws instead
  // (host_work).
  mutable std::atomic<std::thread::id> capturing{};

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
    KERAS_CUDA_CHECK(cudaStreamCreateWithFlags(&copies, cudaStreamNonBlocking));
    KERAS_CUDA_CHECK(cublasLtCreate(&lt));
    KERAS_CUDA_CHECK(cudnnCreate(&dnn));
    KERAS_CUDA_CHECK(cudnnSetStream(dnn, stream));
    const char* fast = std::getenv("KERAS_CUDA_FAST_NONDETERMINISTIC");
    nondeterministic = fast && *fast && std::string(fast) != "0";
  }
  // Never destroyed: plans freed at exit may still release memory through it.

  // A step that waits for the device, copies between host and device or allocates does host work
  // on every run, which a replayed graph would skip: the capture stops here with the reason.
  void host_work(const char* what) const {
    if (capturing.load() == std::this_thread::get_id())
      throw std::runtime_error(std::string(what) + " while its plan is captured as a CUDA graph");
  }

  std::shared_ptr<void> allocate(std::size_t bytes) const override {
    host_work("allocates device memory");
    void* p = nullptr;
    KERAS_CUDA_CHECK(cudaSetDevice(device));
    KERAS_CUDA_CHECK(cudaMalloc(&p, bytes ? bytes : 1));
    KERAS_CUDA_CHECK(cudaMemsetAsync(p, 0, bytes, stream));
    KERAS_CUDA_CHECK(cudaStreamSynchronize(stream));
    return {p, [](void* q) { cudaFree(q); }};  // no throw from a deleter
  }
  std::shared_ptr<void> allocate_pinned(std::size_t bytes) const override {
    host_work("allocates pinned host memory");
    void* p = nullptr;
    KERAS_CUDA_CHECK(cudaMallocHost(&p, bytes ? bytes : 1));
    std::memset(p, 0, bytes);
    return {p, [](void* q) { cudaFreeHost(q); }};
  }
  void copy_to_device(void* to, const void* from, std::size_t bytes) const override {
    host_work("copies from the host to the device");
    if (bytes) KERAS_CUDA_CHECK(cudaMemcpyAsync(to, from, bytes, cudaMemcpyHostToDevice, stream));
  }
  void copy_to_host(void* to, const void* from, std::size_t bytes) const override {
    host_work("copies from the device to the host");
    if (bytes) KERAS_CUDA_CHECK(cudaMemcpyAsync(to, from, bytes, cudaMemcpyDeviceToHost, stream));
  }
  void copy_on_device(void* to, const void* from, std::size_t bytes) const override {
    if (bytes) KERAS_CUDA_CHECK(cudaMemcpyAsync(to, from, bytes, cudaMemcpyDeviceToDevice, stream));
  }
  void synchronize() const override {
    host_work("waits for the device");
    KERAS_CUDA_CHECK(cudaStreamSynchronize(stream));
  }

  std::shared_ptr<void> capture(const std::function<void()>& steps) const override;
  void launch(const std::shared_ptr<void>& graph) const override;

  std::shared_ptr<void> make_event() const override {
    cudaEvent_t event = nullptr;
    KERAS_CUDA_CHECK(cudaSetDevice(device));
    KERAS_CUDA_CHECK(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
    return {event, [](void* e) { cudaEventDestroy(static_cast<cudaEvent_t>(e)); }};
  }
  void copy_ahead(void* to, const void* from, std::size_t bytes, void* after,
                  void* copied) const override {
    host_work("copies from the host to the device");
    KERAS_CUDA_CHECK(cudaStreamWaitEvent(copies, static_cast<cudaEvent_t>(after), 0));
    if (bytes) KERAS_CUDA_CHECK(cudaMemcpyAsync(to, from, bytes, cudaMemcpyHostToDevice, copies));
    KERAS_CUDA_CHECK(cudaEventRecord(static_cast<cudaEvent_t>(copied), copies));
  }
  void record(void* event) const override {
    KERAS_CUDA_CHECK(cudaEventRecord(static_cast<cudaEvent_t>(event), stream));
  }
  void wait_for(void* event) const override {
    KERAS_CUDA_CHECK(cudaStreamWaitEvent(stream, static_cast<cudaEvent_t>(event), 0));
  }
  void wait_host(void* event) const override {
    host_work("waits for the device");
    KERAS_CUDA_CHECK(cudaEventSynchronize(static_cast<cudaEvent_t>(event)));
  }
};

// An instantiated graph and the workspace its kernels were captured with.
struct Captured {
  cudaGraphExec_t exec = nullptr;
  std::shared_ptr<void> workspace;
  Captured() = default;
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;
  ~Captured() {
    if (exec) cudaGraphExecDestroy(exec);  // no throw from a destructor
  }
};

std::shared_ptr<void> Runtime::capture(const std::function<void()>& steps) const {
  // Thread-local mode: only this thread's unsafe calls (cudaMalloc, synchronisation) break it.
  KERAS_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  capturing = std::this_thread::get_id();
  cudaGraph_t graph = nullptr;
  try {
    steps();
  } catch (...) {
    capturing = std::thread::id();
    // Ends the (possibly invalidated) capture and clears its error, so the stream runs again.
    if (cudaStreamEndCapture(stream, &graph) == cudaSuccess && graph) cudaGraphDestroy(graph);
    (void)cudaGetLastError();
    throw;
  }
  capturing = std::thread::id();
  const cudaError_t ended = cudaStreamEndCapture(stream, &graph);
  if (ended != cudaSuccess || !graph) {
    (void)cudaGetLastError();
    throw std::runtime_error(std::string("cudaStreamEndCapture failed: ") +
                             cudaGetErrorName(ended) + " (" + cudaGetErrorString(ended) + ")");
  }
  auto captured = std::make_shared<Captured>();
  const cudaError_t made = cudaGraphInstantiate(&captured->exec, graph, 0);
  cudaGraphDestroy(graph);  // the executable graph keeps what it needs
  if (made != cudaSuccess) {
    captured->exec = nullptr;
    (void)cudaGetLastError();
    throw std::runtime_error(std::string("cudaGraphInstantiate failed: ") + cudaGetErrorName(made) +
                             " (" + cudaGetErrorString(made) + ")");
  }
  captured->workspace = scratch;
  return captured;
}

void Runtime::launch(const std::shared_ptr<void>& graph) const {
  KERAS_CUDA_CHECK(cudaGraphLaunch(static_cast<const Captured*>(graph.get())->exec, stream));
}

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
    r.host_work("needs a larger workspace");
    // The stream may still read the old one (graphs captured with it keep it).
    KERAS_CUDA_CHECK(cudaStreamSynchronize(r.stream));
    r.scratch.reset();
    r.scratch_bytes = 0;
    void* p = nullptr;
    KERAS_CUDA_CHECK(cudaMalloc(&p, bytes));
    r.scratch = std::shared_ptr<void>(p, [](void* q) { cudaFree(q); });
    r.scratch_bytes = bytes;
  }
  return r.scratch.get();
}

const std::uint64_t* device_counter(const KernelCall& call) {
  if (!call.device_counter)
    throw std::logic_error(std::string("cuda kernel ") + backend::op_name(call.op) +
                           " needs the run counter in device memory (a device plan's step)");
  return call.device_counter;
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
  call.not_capturable = "runs its reference kernel on the host";
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
