// Kernels that move data: reshape, transpose (one strided gather kernel per element size),
// slice, its gradient, concatenate (2D copies on the stream), gather and one_hot (indices checked
// on the device; a bad one is reported as the reference kernel reports it).
#include <cstring>
#include <memory>

#include "kernels/axis_split.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "ops/indexing.h"
#include "ops/shape.h"

namespace keras::kernels::cuda {

namespace {

std::size_t bytes_of(const Buffer& b) {
  return static_cast<std::size_t>(b.numel) * dtype_size(b.dtype);
}

// Rows of `width` bytes, `height` of them, between pitched layouts.
void copy_rows(void* to, std::size_t to_pitch, const void* from, std::size_t from_pitch,
               std::size_t width, std::int64_t height) {
  if (width == 0 || height == 0) return;
  KERAS_CUDA_CHECK(cudaMemcpy2DAsync(to, to_pitch, from, from_pitch, width,
                                     static_cast<std::size_t>(height), cudaMemcpyDeviceToDevice,
                                     stream()));
}

template <typename E>
__global__ void strided_gather_kernel(const E* x, E* y, std::int64_t n, Walk walk) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = x[walk.offset(i, 0)];
}

// The first out-of-range index a kernel met (its position and value), read back after the step.
struct IndexCheck {
  std::shared_ptr<void> device;  // long long[2]: position (-1: none), value
  std::shared_ptr<void> pinned;
};

constexpr long long kNoBadIndex = -1;

template <typename I, typename E>
__global__ void gather_kernel(const E* ref, const I* indices, E* y, std::int64_t n,
                              std::int64_t width, std::int64_t rows, long long* bad) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t at = i / width, row = static_cast<std::int64_t>(indices[at]);
    if (row < 0 || row >= rows) {
      if (atomicCAS(reinterpret_cast<unsigned long long*>(bad),
                    static_cast<unsigned long long>(kNoBadIndex),
                    static_cast<unsigned long long>(at)) ==
          static_cast<unsigned long long>(kNoBadIndex))
        bad[1] = row;
      y[i] = E(0);
      continue;
    }
    y[i] = ref[row * width + i % width];
  }
}

template <typename I, typename T>
__global__ void one_hot_kernel(const I* indices, T* y, std::int64_t n, std::int64_t classes,
                               long long* bad) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t at = i / classes, c = static_cast<std::int64_t>(indices[at]);
    if ((c < 0 || c >= classes) && i % classes == 0) {
      if (atomicCAS(reinterpret_cast<unsigned long long*>(bad),
                    static_cast<unsigned long long>(kNoBadIndex),
                    static_cast<unsigned long long>(at)) ==
          static_cast<unsigned long long>(kNoBadIndex))
        bad[1] = c;
    }
    y[i] = T(i % classes == c ? 1 : 0);
  }
}

// The step's flag, reset before its kernel.
long long* index_flag(const KernelCall& call) {
  if (!call.state) {
    auto check = std::make_shared<IndexCheck>();
    check->device = device().allocate(2 * sizeof(long long));
    check->pinned = device().allocate_pinned(2 * sizeof(long long));
    call.state = check;
  }
  auto& check = *static_cast<IndexCheck*>(call.state.get());
  const long long none[2] = {kNoBadIndex, 0};
  std::memcpy(check.pinned.get(), none, sizeof(none));
  device().copy_to_device(check.device.get(), check.pinned.get(), sizeof(none));
  return static_cast<long long*>(check.device.get());
}

// Waits for the step and throws the reference kernel's error for a bad index.
void throw_bad_index(const KernelCall& call, std::int64_t rows) {
  auto& check = *static_cast<IndexCheck*>(call.state.get());
  device().copy_to_host(check.pinned.get(), check.device.get(), 2 * sizeof(long long));
  device().synchronize();
  const auto* flag = static_cast<const long long*>(check.pinned.get());
  if (flag[0] != kNoBadIndex)
    throw std::out_of_range("K::gather: index " + std::to_string(flag[1]) +
                            " is out of range [0, " + std::to_string(rows) + ")");
}

template <typename Body>
void dispatch_index(OpKind op, DType dtype, Body&& body) {
  if (dtype == DType::int32)
    body.template operator()<std::int32_t>();
  else if (dtype == DType::int64)
    body.template operator()<std::int64_t>();
  else
    unsupported_dtype(op, dtype);
}

template <typename Body>
void dispatch_element_size(OpKind op, DType dtype, Body&& body) {
  if (dtype_size(dtype) == 4)
    body.template operator()<std::uint32_t>();
  else if (dtype_size(dtype) == 8)
    body.template operator()<std::uint64_t>();
  else
    unsupported_dtype(op, dtype);
}

}  // namespace

void reshape(const KernelCall& call) {
  if (call.output.data != call.inputs[0].data && call.output.numel)
    KERAS_CUDA_CHECK(cudaMemcpyAsync(call.output.data, call.inputs[0].data, bytes_of(call.output),
                                     cudaMemcpyDeviceToDevice, stream()));
}

void transpose(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const auto& perm = call.attrs_as<ops::TransposeAttrs>().axes;
  const std::size_t rank = x.shape.size();
  check_rank(call.op, x.shape);
  if (call.output.numel == 0) return;
  std::int64_t in_strides[kMaxRank];
  contiguous_strides(x.shape, in_strides);
  Walk walk;
  walk.rank = static_cast<int>(rank);
  for (std::size_t d = 0; d < rank; ++d) {
    walk.dims[d] = call.output.shape[d];
    walk.strides[0][d] = in_strides[positive_axis(perm[d], rank)];
  }
  dispatch_element_size(call.op, x.dtype, [&]<typename E>() {
    strided_gather_kernel<E><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        x.as<E>(), call.output.as<E>(), call.output.numel, walk);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void concatenate(const KernelCall& call) {
  const Shape& out_shape = call.output.shape;
  const int axis = positive_axis(call.attrs_as<ops::ConcatenateAttrs>().axis, out_shape.size());
  std::int64_t outer, inner;
  split_at(out_shape, axis, outer, inner);
  const std::size_t size = dtype_size(call.output.dtype);
  const std::int64_t out_row = out_shape[static_cast<std::size_t>(axis)] * inner;
  std::int64_t offset = 0;
  for (const Buffer& in : call.inputs) {
    const std::int64_t row = in.shape[static_cast<std::size_t>(axis)] * inner;
    copy_rows(static_cast<char*>(call.output.data) + offset * size,
              static_cast<std::size_t>(out_row) * size, in.data,
              static_cast<std::size_t>(row) * size, static_cast<std::size_t>(row) * size, outer);
    offset += row;
  }
}

void slice(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const auto& slice = call.attrs_as<ops::SliceAttrs>();
  const int axis = positive_axis(slice.axis, x.shape.size());
  std::int64_t outer, inner;
  split_at(x.shape, axis, outer, inner);
  const std::size_t size = dtype_size(x.dtype);
  const std::int64_t dim = x.shape[static_cast<std::size_t>(axis)];
  const auto [begin, end] = ops::slice_bounds(slice, dim);
  const std::int64_t in_row = dim * inner;
  const std::int64_t out_row = (end - begin) * inner;
  copy_rows(call.output.data, static_cast<std::size_t>(out_row) * size,
            static_cast<const char*>(x.data) + begin * inner * static_cast<std::int64_t>(size),
            static_cast<std::size_t>(in_row) * size, static_cast<std::size_t>(out_row) * size,
            outer);
}

void slice_grad(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  const SliceRows r =
      slice_rows(out.shape, g.shape, call.attrs_as<ops::SliceAttrs>(), dtype_size(out.dtype));
  if (out.numel) KERAS_CUDA_CHECK(cudaMemsetAsync(out.data, 0, bytes_of(out), stream()));
  copy_rows(static_cast<char*>(out.data) + r.head, static_cast<std::size_t>(r.row), g.data,
            static_cast<std::size_t>(r.body), static_cast<std::size_t>(r.body), r.outer);
}

void gather(const KernelCall& call) {
  const Buffer& ref = call.inputs[0];
  const Buffer& indices = call.inputs[1];
  const std::int64_t rows = ref.shape[0];
  const std::int64_t width = rows ? ref.numel / rows : 0;
  if (call.output.numel == 0) return;
  long long* bad = index_flag(call);
  dispatch_index(call.op, indices.dtype, [&]<typename I>() {
    dispatch_element_size(call.op, ref.dtype, [&]<typename E>() {
      gather_kernel<I, E><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
          ref.as<E>(), indices.as<I>(), call.output.as<E>(), call.output.numel, width, rows, bad);
    });
  });
  KERAS_CUDA_CHECK_LAUNCH();
  throw_bad_index(call, rows);
}

void one_hot(const KernelCall& call) {
  const std::int64_t classes = call.attrs_as<ops::OneHotAttrs>().count;
  if (call.output.numel == 0) return;
  long long* bad = index_flag(call);
  dispatch_index(call.op, call.inputs[0].dtype, [&]<typename I>() {
    dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
      one_hot_kernel<I, T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
          call.inputs[0].as<I>(), call.output.as<T>(), call.output.numel, classes, bad);
    });
  });
  KERAS_CUDA_CHECK_LAUNCH();
  throw_bad_index(call, classes);
}

}  // namespace keras::kernels::cuda
