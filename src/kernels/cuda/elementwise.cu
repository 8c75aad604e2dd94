// Elementwise kernels: the unary and binary ops (numpy broadcasting by strides), casts and the
// run-time switch. One kernel per dtype with the op chosen at run time (a uniform branch per warp),
// calling the scalar definitions the reference and cpu kernels share (kernels/elementwise_math.h):
// a few instantiations keep the CUDA compile time of CI small.
#include <type_traits>

#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "kernels/elementwise_math.h"

namespace keras::kernels::cuda {

namespace {

template <typename T>
__device__ T apply_unary(OpKind op, T x, double alpha, double beta) {
  switch (op) {
#define KERAS_CASE(name) \
  case OpKind::name:     \
    return unary_op<OpKind::name, T>(x, alpha, beta);
    KERAS_UNARY_OPS(KERAS_CASE)
#undef KERAS_CASE
    default:
      return x;
  }
}

template <typename T>
__device__ T apply_binary(OpKind op, T x, T y) {
  if constexpr (std::is_integral_v<T>) {
    if (op == OpKind::kPow)
      return static_cast<T>(::pow(static_cast<double>(x), static_cast<double>(y)));
  }
  switch (op) {
#define KERAS_CASE(name)                                                  \
  case OpKind::name:                                                      \
    if constexpr (!std::is_integral_v<T> || OpKind::name != OpKind::kPow) \
      return binary_op<OpKind::name, T>(x, y);                            \
    break;
    KERAS_BINARY_OPS(KERAS_CASE)
#undef KERAS_CASE
    default:
      break;
  }
  return x;
}

template <typename T>
__global__ void unary_kernel(OpKind op, const T* x, T* y, std::int64_t n, double alpha,
                             double beta) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = apply_unary(op, x[i], alpha, beta);
}

// How an operand of a binary op is read: like the output, one scalar, or broadcast by strides.
enum class Read { kSame, kScalar, kStrided };

template <typename T>
__device__ T read(const T* p, Read how, const Walk& walk, std::int64_t i, int k) {
  return how == Read::kSame ? p[i] : how == Read::kScalar ? p[0] : p[walk.offset(i, k)];
}

template <typename T>
__global__ void binary_kernel(OpKind op, const T* a, const T* b, T* y, std::int64_t n, Read read_a,
                              Read read_b, Walk walk) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = apply_binary(op, read(a, read_a, walk, i, 0), read(b, read_b, walk, i, 1));
}

template <typename From, typename To>
__global__ void cast_kernel(const From* x, To* y, std::int64_t n) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = static_cast<To>(x[i]);
}

// y[i] += bias[i % n]: a bias over the last axis.
template <typename T>
__global__ void add_bias_kernel(T* y, const T* bias, std::int64_t total, std::int64_t n) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] += bias[i % n];
}

// y = x broadcast (numpy rules) to y's shape.
template <typename T>
__global__ void broadcast_kernel(const T* x, T* y, std::int64_t n, Walk walk) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = x[walk.offset(i, 0)];
}

// y = (condition != 0 ? a : b), each broadcast to y's shape; the condition is read on the device.
template <typename C, typename T>
__global__ void switch_kernel(const C* condition, const T* a, const T* b, T* y, std::int64_t n,
                              Walk walk) {
  const bool first = *condition != C(0);
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = first ? a[walk.offset(i, 0)] : b[walk.offset(i, 1)];
}

Read how_read(const Buffer& in, const Buffer& out) {
  if (in.shape == out.shape) return Read::kSame;
  if (in.numel == 1) return Read::kScalar;
  return Read::kStrided;
}

Walk walk_of(OpKind op, const Buffer& a, const Buffer& b, const Buffer& out) {
  check_rank(op, out.shape);
  Walk walk;
  walk.rank = static_cast<int>(out.shape.size());
  for (int d = 0; d < walk.rank; ++d) walk.dims[d] = out.shape[static_cast<std::size_t>(d)];
  broadcast_strides(a.shape, out.shape, walk.strides[0]);
  broadcast_strides(b.shape, out.shape, walk.strides[1]);
  return walk;
}

}  // namespace

void unary(const KernelCall& call) {
  if (call.output.numel == 0) return;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    unary_kernel<T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        call.op, call.inputs[0].as<T>(), call.output.as<T>(), call.output.numel, call.attrs->alpha,
        call.attrs->beta);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void binary(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const Buffer &a = call.inputs[0], &b = call.inputs[1], &out = call.output;
  const Walk walk = walk_of(call.op, a, b, out);
  dispatch_all(call.op, a.dtype, [&]<typename T>() {
    binary_kernel<T><<<blocks_for(out.numel), kThreads, 0, stream()>>>(
        call.op, a.as<T>(), b.as<T>(), out.as<T>(), out.numel, how_read(a, out), how_read(b, out),
        walk);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void cast(const KernelCall& call) {
  if (call.output.numel == 0) return;
  dispatch_all(call.op, call.inputs[0].dtype, [&]<typename From>() {
    dispatch_all(call.op, call.output.dtype, [&]<typename To>() {
      cast_kernel<From, To><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
          call.inputs[0].as<From>(), call.output.as<To>(), call.output.numel);
    });
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void switch_(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const Buffer &a = call.inputs[1], &b = call.inputs[2], &out = call.output;
  const Walk walk = walk_of(call.op, a, b, out);
  dispatch_all(call.op, call.inputs[0].dtype, [&]<typename C>() {
    dispatch_all(call.op, out.dtype, [&]<typename T>() {
      switch_kernel<C, T><<<blocks_for(out.numel), kThreads, 0, stream()>>>(
          call.inputs[0].as<C>(), a.as<T>(), b.as<T>(), out.as<T>(), out.numel, walk);
    });
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void broadcast_copy(const Buffer& src, const Buffer& dst) {
  if (dst.numel == 0) return;
  const Walk walk = walk_of(OpKind::kBroadcastLike, src, src, dst);
  dispatch_all(OpKind::kBroadcastLike, dst.dtype, [&]<typename T>() {
    broadcast_kernel<T><<<blocks_for(dst.numel), kThreads, 0, stream()>>>(src.as<T>(), dst.as<T>(),
                                                                          dst.numel, walk);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void add_bias(const Buffer& data, const Buffer& bias) {
  if (data.numel == 0 || bias.numel == 0) return;
  dispatch_float(OpKind::kAdd, data.dtype, [&]<typename T>() {
    add_bias_kernel<T><<<blocks_for(data.numel), kThreads, 0, stream()>>>(
        data.as<T>(), bias.as<T>(), data.numel, bias.numel);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void apply_activation(const Attrs& attrs, const Buffer& data) {
  if (attrs.activation == OpKind::kCount || data.numel == 0) return;
  dispatch_float(attrs.activation, data.dtype, [&]<typename T>() {
    unary_kernel<T><<<blocks_for(data.numel), kThreads, 0, stream()>>>(
        attrs.activation, data.as<T>(), data.as<T>(), data.numel, attrs.alpha, attrs.beta);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace keras::kernels::cuda
