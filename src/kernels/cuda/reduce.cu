// Reductions and their inverses. A reduction runs one block per output element, its threads
// striding over the reduced elements and combining in a fixed tree (deterministic), accumulating
// in double as the reference kernels do. Cumsum and Cumprod run one thread per line along the
// axis, in the reference's order and type (bit for bit).
#include <cmath>

#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "ops/reduce.h"

namespace keras::kernels::cuda {

namespace {

constexpr int kReduceThreads = 256;

__device__ double reduce_init(OpKind op) {
  return op == OpKind::kMax    ? -INFINITY
         : op == OpKind::kMin  ? INFINITY
         : op == OpKind::kProd ? 1.0
                               : 0.0;
}

__device__ double combine(OpKind op, double acc, double v) {
  switch (op) {
    case OpKind::kMax:
      return v > acc ? v : acc;
    case OpKind::kMin:
      return v < acc ? v : acc;
    case OpKind::kProd:
      return acc * v;
    default:
      return acc + v;
  }
}

// outer: the kept dimensions with x's strides; inner: the reduced ones.
template <typename T>
__global__ void reduce_kernel(OpKind op, const T* x, T* y, std::int64_t outputs, std::int64_t n_in,
                              Walk outer, Walk inner) {
  __shared__ double partial[kReduceThreads];
  for (std::int64_t o = blockIdx.x; o < outputs; o += gridDim.x) {
    const std::int64_t base = outer.offset(o, 0);
    double acc = reduce_init(op);
    for (std::int64_t i = threadIdx.x; i < n_in; i += blockDim.x)
      acc = combine(op, acc, static_cast<double>(x[base + inner.offset(i, 0)]));
    partial[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
      if (threadIdx.x < half)
        partial[threadIdx.x] = combine(op, partial[threadIdx.x], partial[threadIdx.x + half]);
      __syncthreads();
    }
    if (threadIdx.x == 0)
      y[o] =
          static_cast<T>(op == OpKind::kMean ? partial[0] / static_cast<double>(n_in) : partial[0]);
    __syncthreads();  // partial is reused by the next output
  }
}

template <typename T>
__global__ void arg_reduce_kernel(bool is_max, const T* x, std::int64_t* y, std::int64_t outer,
                                  std::int64_t n, std::int64_t inner) {
  const std::int64_t total = outer * inner;
  for (std::int64_t j = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; j < total;
       j += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const T* row = x + (j / inner) * n * inner + j % inner;
    std::int64_t best = 0;
    for (std::int64_t k = 1; k < n; ++k) {
      const T v = row[k * inner], b = row[best * inner];
      if (is_max ? v > b : v < b) best = k;
    }
    y[j] = best;
  }
}

template <typename T>
__global__ void scan_kernel(bool product, const T* x, T* y, std::int64_t outer, std::int64_t n,
                            std::int64_t inner) {
  KERAS_CUDA_GRID_LOOP(j, outer * inner) {
    const std::int64_t base = (j / inner) * n * inner + j % inner;
    T acc = product ? T(1) : T(0);
    for (std::int64_t k = 0; k < n; ++k) {
      const T v = x[base + k * inner];
      acc = product ? static_cast<T>(acc * v) : static_cast<T>(acc + v);
      y[base + k * inner] = acc;
    }
  }
}

// x seen as (outer, n, inner) around AxisAttrs' axis.
struct AxisSplit {
  std::int64_t outer = 1, n = 1, inner = 1;
};
AxisSplit split_at_axis(const KernelCall& call) {
  const Shape& shape = call.inputs[0].shape;
  const int rank = static_cast<int>(shape.size());
  const int given = call.attrs_as<ops::AxisAttrs>().axis;
  const int axis = given < 0 ? given + rank : given;
  AxisSplit s;
  s.n = shape[static_cast<std::size_t>(axis)];
  for (int d = 0; d < axis; ++d) s.outer *= shape[static_cast<std::size_t>(d)];
  for (int d = axis + 1; d < rank; ++d) s.inner *= shape[static_cast<std::size_t>(d)];
  return s;
}

template <typename T>
__global__ void scaled_broadcast_kernel(const T* g, T* y, std::int64_t n, T scale, Walk walk) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = g[walk.offset(i, 0)] * scale;
}

// Reduces x over the dimensions `reduced` marks (op: Sum, Mean, Max, Min or Prod) into y.
void launch_reduce(OpKind op, const Buffer& x, const Buffer& y, const bool* reduced) {
  check_rank(op, x.shape);
  std::int64_t strides[kMaxRank];
  contiguous_strides(x.shape, strides);
  Walk outer, inner;
  std::int64_t n_in = 1;
  for (std::size_t d = 0; d < x.shape.size(); ++d) {
    Walk& w = reduced[d] ? inner : outer;
    w.dims[w.rank] = x.shape[d];
    w.strides[0][w.rank] = strides[d];
    ++w.rank;
    if (reduced[d]) n_in *= x.shape[d];
  }
  if (y.numel == 0) return;
  const unsigned blocks = static_cast<unsigned>(y.numel < (1 << 20) ? y.numel : (1 << 20));
  dispatch_all(op, x.dtype, [&]<typename T>() {
    reduce_kernel<T><<<blocks, kReduceThreads, 0, stream()>>>(op, x.as<T>(), y.as<T>(), y.numel,
                                                              n_in, outer, inner);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

bool is_reduced(const std::vector<int>& axes, std::size_t d, std::size_t rank) {
  if (axes.empty()) return true;
  for (int a : axes)
    if (static_cast<std::size_t>(a < 0 ? a + static_cast<int>(rank) : a) == d) return true;
  return false;
}

}  // namespace

void reduce(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  bool flags[kMaxRank] = {};
  check_rank(call.op, x.shape);
  for (std::size_t d = 0; d < x.shape.size(); ++d)
    flags[d] = is_reduced(call.attrs_as<ops::ReduceAttrs>().axes, d, x.shape.size());
  launch_reduce(call.op, x, call.output, flags);
}

void sum_like(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  check_rank(call.op, g.shape);
  // Dimensions of g that numpy broadcasting added to `out`'s shape are summed.
  const std::size_t lead = g.shape.size() - out.shape.size();
  bool summed[kMaxRank] = {};
  for (std::size_t d = 0; d < g.shape.size(); ++d)
    summed[d] = d < lead || (out.shape[d - lead] == 1 && g.shape[d] != 1);
  if (!is_floating(out.dtype)) unsupported_dtype(call.op, out.dtype);
  launch_reduce(OpKind::kSum, g, out, summed);
}

void arg_reduce(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const AxisSplit s = split_at_axis(call);
  if (s.outer * s.inner == 0) return;
  dispatch_all(call.op, x.dtype, [&]<typename T>() {
    arg_reduce_kernel<T><<<blocks_for(s.outer * s.inner), kThreads, 0, stream()>>>(
        call.op == OpKind::kArgMax, x.as<T>(), call.output.as<std::int64_t>(), s.outer, s.n,
        s.inner);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void scan(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const AxisSplit s = split_at_axis(call);
  if (call.output.numel == 0) return;
  dispatch_all(call.op, x.dtype, [&]<typename T>() {
    scan_kernel<T><<<blocks_for(s.outer * s.inner), kThreads, 0, stream()>>>(
        call.op == OpKind::kCumprod, x.as<T>(), call.output.as<T>(), s.outer, s.n, s.inner);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void broadcast_like(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  const auto& attrs = call.attrs_as<ops::BroadcastLikeAttrs>();
  if (attrs.numpy_broadcast) return broadcast_copy(g, out);
  check_rank(call.op, out.shape);
  // g holds the reduction of `out`'s shape over `axes`: its strides skip the reduced axes.
  Walk walk;
  walk.rank = static_cast<int>(out.shape.size());
  std::int64_t running = 1;
  for (std::size_t d = out.shape.size(); d-- > 0;) {
    const bool reduced = is_reduced(attrs.axes, d, out.shape.size());
    walk.dims[d] = out.shape[d];
    walk.strides[0][d] = reduced ? 0 : running;
    if (!reduced) running *= out.shape[d];
  }
  if (out.numel == 0) return;
  dispatch_float(call.op, out.dtype, [&]<typename T>() {
    const T scale =
        call.op == OpKind::kMeanGrad
            ? static_cast<T>(static_cast<double>(g.numel) / static_cast<double>(out.numel))
            : T(1);
    scaled_broadcast_kernel<T><<<blocks_for(out.numel), kThreads, 0, stream()>>>(
        g.as<T>(), out.as<T>(), out.numel, scale, walk);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace keras::kernels::cuda
