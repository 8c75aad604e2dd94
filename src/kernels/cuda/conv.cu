// Zero padding (Pad) as a scatter of the input into the zeroed output, and convolution on cuDNN:
// forward, gradient of the input (backward data) and of the kernel (backward filter), channels_last
// tensors (NHWC, NDHWC for 3 spatial dims, 1D as 2D). Keras's kernel layout (k..., in / groups,
// out) is transposed to cuDNN's (out, k..., in / groups) into step scratch. Algorithms are chosen
// once per step by cuDNN's heuristics: deterministic ones unless
// KERAS_CUDA_FAST_NONDETERMINISTIC=1, FMA math (no TF32), so float32 stays within rounding of the
// reference. A geometry cuDNN cannot express (padding larger at the end than at the start, as
// "same" with an even window) or a configuration it does not support runs on the host.
#include <array>
#include <memory>
#include <vector>

#include "backend/conv_geometry.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "ops/shape.h"

namespace keras::kernels::cuda {

namespace {

using backend::detail::window_geometry;
using backend::detail::WindowGeometry;

enum class Direction { kForward, kGradInput, kGradKernel };

// One step's descriptors, algorithm, workspace size and transposed-kernel scratch.
struct CudnnConv {
  bool on_host = false;  // cuDNN cannot run this step: the host fallback does
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  int algo = 0;
  std::size_t workspace = 0;
  std::shared_ptr<void> kernel;  // (out, k..., in / groups)
  ~CudnnConv() {
    if (x) cudnnDestroyTensorDescriptor(x);
    if (y) cudnnDestroyTensorDescriptor(y);
    if (w) cudnnDestroyFilterDescriptor(w);
    if (conv) cudnnDestroyConvolutionDescriptor(conv);
  }
};

// (T, C, K) <-> (K, T, C): the kernel's taps T, input channels per group C, output channels K.
template <typename E>
__global__ void permute3_kernel(const E* in, E* out, std::int64_t n, std::int64_t d0,
                                std::int64_t d1, std::int64_t d2, std::int64_t s0, std::int64_t s1,
                                std::int64_t s2) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t a = i / (d1 * d2), b = (i / d2) % d1, c = i % d2;
    out[i] = in[a * s0 + b * s1 + c * s2];
  }
  (void)d0;
}

// to_cudnn: Keras (T, C, K) -> cuDNN (K, T, C); else back.
void permute_kernel(DType dtype, const void* from, void* to, std::int64_t taps,
                    std::int64_t channels, std::int64_t outputs, bool to_cudnn) {
  const std::int64_t n = taps * channels * outputs;
  if (n == 0) return;
  auto launch = [&]<typename E>() {
    if (to_cudnn)  // out index (k, t, c) reads in[(t * C + c) * K + k]
      permute3_kernel<E><<<blocks_for(n), kThreads, 0, stream()>>>(
          static_cast<const E*>(from), static_cast<E*>(to), n, outputs, taps, channels, 1,
          channels * outputs, outputs);
    else  // out index (t, c, k) reads in[(k * T + t) * C + c]
      permute3_kernel<E><<<blocks_for(n), kThreads, 0, stream()>>>(
          static_cast<const E*>(from), static_cast<E*>(to), n, taps, channels, outputs, channels, 1,
          taps * channels);
  };
  if (dtype == DType::float32)
    launch.template operator()<float>();
  else
    launch.template operator()<double>();
  KERAS_CUDA_CHECK_LAUNCH();
}

// The geometry's last `s` spatial entries (2 or 3) as ints.
std::vector<int> tail(const std::array<std::int64_t, 3>& a, int s) {
  std::vector<int> v;
  for (int i = 3 - s; i < 3; ++i) v.push_back(static_cast<int>(a[static_cast<std::size_t>(i)]));
  return v;
}

cudnnTensorDescriptor_t tensor(cudnnDataType_t type, std::int64_t batch, std::int64_t channels,
                               const std::vector<int>& spatial) {
  std::vector<int> dims = {static_cast<int>(batch), static_cast<int>(channels)};
  dims.insert(dims.end(), spatial.begin(), spatial.end());
  cudnnTensorDescriptor_t d = nullptr;
  KERAS_CUDA_CHECK(cudnnCreateTensorDescriptor(&d));
  const cudnnStatus_t status = cudnnSetTensorNdDescriptorEx(
      d, CUDNN_TENSOR_NHWC, type, static_cast<int>(dims.size()), dims.data());
  if (status != CUDNN_STATUS_SUCCESS) {
    cudnnDestroyTensorDescriptor(d);
    return nullptr;
  }
  return d;
}

// Descriptors and an algorithm for the step; on_host when cuDNN cannot express or run it.
std::shared_ptr<CudnnConv> make_conv(const KernelCall& call, const WindowGeometry& g,
                                     Direction direction) {
  auto c = std::make_shared<CudnnConv>();
  const int s = g.rank == 3 ? 3 : 2;
  for (int i = 0; i < 3; ++i)
    if (g.pad_end[static_cast<std::size_t>(i)] > g.pad_begin[static_cast<std::size_t>(i)])
      c->on_host = true;  // cuDNN pads both ends alike
  if (c->on_host) return c;
  const bool f64 = call.output.dtype == DType::float64;
  const cudnnDataType_t type = f64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
  c->x = tensor(type, g.batch, g.in_channels, tail(g.in, s));
  c->y = tensor(type, g.batch, g.out_channels, tail(g.out, s));
  KERAS_CUDA_CHECK(cudnnCreateFilterDescriptor(&c->w));
  std::vector<int> w_dims = {static_cast<int>(g.out_channels),
                             static_cast<int>(g.in_channels / g.groups)};
  const std::vector<int> k = tail(g.k, s);
  w_dims.insert(w_dims.end(), k.begin(), k.end());
  KERAS_CUDA_CHECK(cudnnCreateConvolutionDescriptor(&c->conv));
  const std::vector<int> pad = tail(g.pad_begin, s), stride = tail(g.stride, s),
                         dilation = tail(g.dilation, s);
  if (!c->x || !c->y ||
      cudnnSetFilterNdDescriptor(c->w, type, CUDNN_TENSOR_NHWC, static_cast<int>(w_dims.size()),
                                 w_dims.data()) != CUDNN_STATUS_SUCCESS ||
      cudnnSetConvolutionNdDescriptor(c->conv, s, pad.data(), stride.data(), dilation.data(),
                                      CUDNN_CROSS_CORRELATION, type) != CUDNN_STATUS_SUCCESS) {
    c->on_host = true;
    return c;
  }
  KERAS_CUDA_CHECK(cudnnSetConvolutionGroupCount(c->conv, static_cast<int>(g.groups)));
  KERAS_CUDA_CHECK(cudnnSetConvolutionMathType(c->conv, CUDNN_FMA_MATH));
  // cuDNN's output size must be ours (padding at the end that no window reaches is equivalent).
  std::vector<int> out(static_cast<std::size_t>(s + 2));
  KERAS_CUDA_CHECK(cudnnGetConvolutionNdForwardOutputDim(c->conv, c->x, c->w, s + 2, out.data()));
  const std::vector<int> ours = tail(g.out, s);
  for (int i = 0; i < s; ++i)
    if (out[static_cast<std::size_t>(i + 2)] != ours[static_cast<std::size_t>(i)])
      c->on_host = true;
  if (c->on_host) return c;

  constexpr int kCandidates = 8;
  int found = 0;
  const bool any = nondeterministic_allowed();
  auto pick = [&](const auto* perf) {
    for (int i = 0; i < found; ++i)
      if (perf[i].status == CUDNN_STATUS_SUCCESS &&
          (any || perf[i].determinism == CUDNN_DETERMINISTIC)) {
        c->algo = static_cast<int>(perf[i].algo);
        c->workspace = perf[i].memory;
        return true;
      }
    return false;
  };
  bool ok = false;
  if (direction == Direction::kForward) {
    cudnnConvolutionFwdAlgoPerf_t perf[kCandidates];
    KERAS_CUDA_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(cudnn(), c->x, c->w, c->conv, c->y,
                                                            kCandidates, &found, perf));
    ok = pick(perf);
  } else if (direction == Direction::kGradInput) {
    cudnnConvolutionBwdDataAlgoPerf_t perf[kCandidates];
    KERAS_CUDA_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnn(), c->w, c->y, c->conv, c->x,
                                                                 kCandidates, &found, perf));
    ok = pick(perf);
  } else {
    cudnnConvolutionBwdFilterAlgoPerf_t perf[kCandidates];
    KERAS_CUDA_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(
        cudnn(), c->x, c->y, c->conv, c->w, kCandidates, &found, perf));
    ok = pick(perf);
  }
  if (!ok) {
    c->on_host = true;
    return c;
  }
  const std::size_t kernel_bytes =
      static_cast<std::size_t>(g.k_spatial() * (g.in_channels / g.groups) * g.out_channels) *
      dtype_size(call.output.dtype);
  c->kernel = device().allocate(kernel_bytes);
  return c;
}

// The step's cuDNN state, or nullptr when it runs on the host.
CudnnConv* conv_state(const KernelCall& call, const WindowGeometry& g, Direction direction) {
  if (!is_floating(call.output.dtype)) unsupported_dtype(call.op, call.output.dtype);
  if (!call.state) call.state = make_conv(call, g, direction);
  auto* c = static_cast<CudnnConv*>(call.state.get());
  return c->on_host ? nullptr : c;
}

// The host fallback keeps its own state: a separate call whose state is not the cuDNN one.
void on_host(const KernelCall& call) {
  KernelCall host = call;
  host.state = nullptr;
  host_fallback(host);
  call.not_capturable = host.not_capturable;
}

struct Scalars {
  double one64 = 1, zero64 = 0;
  float one32 = 1, zero32 = 0;
  const void* one(DType t) const {
    return t == DType::float64 ? static_cast<const void*>(&one64) : &one32;
  }
  const void* zero(DType t) const {
    return t == DType::float64 ? static_cast<const void*>(&zero64) : &zero32;
  }
};

// y[base + offset of x's index i in y's strides] = x[i].
template <typename E>
__global__ void pad_kernel(const E* x, E* y, std::int64_t n, std::int64_t base, Walk walk) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[base + walk.offset(i, 0)] = x[i];
}

}  // namespace

void pad(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const Buffer& out = call.output;
  check_rank(call.op, out.shape);
  if (out.numel == 0) return;
  KERAS_CUDA_CHECK(cudaMemsetAsync(
      out.data, 0, static_cast<std::size_t>(out.numel) * dtype_size(out.dtype), stream()));
  if (x.numel == 0) return;
  Walk walk;
  walk.rank = static_cast<int>(x.shape.size());
  contiguous_strides(out.shape, walk.strides[0]);
  std::int64_t base = 0;
  const std::vector<std::int64_t>& pad_begin = call.attrs_as<ops::PadAttrs>().pad_begin;
  for (int d = 0; d < walk.rank; ++d) {
    walk.dims[d] = x.shape[static_cast<std::size_t>(d)];
    base += pad_begin[static_cast<std::size_t>(d)] * walk.strides[0][d];
  }
  auto launch = [&]<typename E>() {
    pad_kernel<E><<<blocks_for(x.numel), kThreads, 0, stream()>>>(x.as<E>(), out.as<E>(), x.numel,
                                                                  base, walk);
  };
  if (dtype_size(x.dtype) == 4)
    launch.template operator()<std::uint32_t>();
  else
    launch.template operator()<std::uint64_t>();
  KERAS_CUDA_CHECK_LAUNCH();
}

void conv(const KernelCall& call) {
  const Buffer &x = call.inputs[0], &w = call.inputs[1];
  const WindowGeometry g =
      window_geometry(x.shape, w.shape, call.output.shape, call.attrs_as<ops::ConvAttrs>());
  if (call.output.numel == 0) return;
  CudnnConv* c = conv_state(call, g, Direction::kForward);
  if (!c) return on_host(call);
  permute_kernel(w.dtype, w.data, c->kernel.get(), g.k_spatial(), g.in_channels / g.groups,
                 g.out_channels, true);
  const Scalars k;
  KERAS_CUDA_CHECK(cudnnConvolutionForward(cudnn(), k.one(x.dtype), c->x, x.data, c->w,
                                           c->kernel.get(), c->conv,
                                           static_cast<cudnnConvolutionFwdAlgo_t>(c->algo),
                                           c->workspace ? workspace(c->workspace) : nullptr,
                                           c->workspace, k.zero(x.dtype), c->y, call.output.data));
  if (call.inputs.size() > 2) add_bias(call.output, call.inputs[2]);
  apply_activation(call.attrs_as<ops::ConvAttrs>().activation, call.output);
}

void conv_grad_input(const KernelCall& call) {
  const Buffer &dy = call.inputs[0], &w = call.inputs[1];
  const WindowGeometry g =
      window_geometry(call.output.shape, w.shape, dy.shape, call.attrs_as<ops::ConvAttrs>());
  if (call.output.numel == 0) return;
  CudnnConv* c = conv_state(call, g, Direction::kGradInput);
  if (!c) return on_host(call);
  permute_kernel(w.dtype, w.data, c->kernel.get(), g.k_spatial(), g.in_channels / g.groups,
                 g.out_channels, true);
  const Scalars k;
  KERAS_CUDA_CHECK(
      cudnnConvolutionBackwardData(cudnn(), k.one(dy.dtype), c->w, c->kernel.get(), c->y, dy.data,
                                   c->conv, static_cast<cudnnConvolutionBwdDataAlgo_t>(c->algo),
                                   c->workspace ? workspace(c->workspace) : nullptr, c->workspace,
                                   k.zero(dy.dtype), c->x, call.output.data));
}

void conv_grad_kernel(const KernelCall& call) {
  const Buffer &x = call.inputs[0], &dy = call.inputs[1];
  const WindowGeometry g =
      window_geometry(x.shape, call.output.shape, dy.shape, call.attrs_as<ops::ConvAttrs>());
  if (call.output.numel == 0) return;
  CudnnConv* c = conv_state(call, g, Direction::kGradKernel);
  if (!c) return on_host(call);
  const Scalars k;
  KERAS_CUDA_CHECK(
      cudnnConvolutionBackwardFilter(cudnn(), k.one(x.dtype), c->x, x.data, c->y, dy.data, c->conv,
                                     static_cast<cudnnConvolutionBwdFilterAlgo_t>(c->algo),
                                     c->workspace ? workspace(c->workspace) : nullptr, c->workspace,
                                     k.zero(x.dtype), c->w, c->kernel.get()));
  permute_kernel(x.dtype, c->kernel.get(), call.output.data, g.k_spatial(),
                 g.in_channels / g.groups, g.out_channels, false);
}

}  // namespace keras::kernels::cuda
