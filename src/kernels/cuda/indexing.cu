// GatherGrad(g, indices, reference): g's rows scattered back into rows of zeros shaped like the
// reference (Embedding's gradient), deterministic and bit for bit the reference kernel's sums.
// The indices' positions are sorted by row with CUB's radix sort, which is stable: each row's
// positions stay in increasing order, so the threads at the start of a row's run (one per column)
// add that row's gradients in the reference's order, without atomics. The sort's buffers are
// per-step device memory made at plan time (prepare_gather_grad). An out-of-range index adds
// nothing here; the forward Gather of the same indices reports it.
#include <cub/device/device_radix_sort.cuh>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"

namespace keras::kernels::cuda {

namespace {

// The sort's keys (rows; out-of-range indices as `rows`, sorted last) and values (positions).
using Key = std::uint32_t;

struct SortBuffers {
  std::shared_ptr<void> memory;
  Key *keys_in = nullptr, *keys_out = nullptr, *positions_in = nullptr, *positions_out = nullptr;
  void* temp = nullptr;
  std::size_t temp_bytes = 0;
  int end_bit = 1;  // the key bits that can differ: enough for 0..rows
};

std::size_t align256(std::size_t bytes) {
  return (bytes + 255) / 256 * 256;
}

// The radix sort of the step (with d_temp_storage nullptr: only its temp_bytes).
void sort(SortBuffers& s, std::int64_t n) {
  KERAS_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
      s.temp, s.temp_bytes, s.keys_in, s.keys_out, s.positions_in, s.positions_out,
      static_cast<std::uint32_t>(n), 0, s.end_bit, stream()));
}

template <typename I>
__global__ void keys_kernel(const I* indices, Key* keys, Key* positions, std::int64_t n,
                            std::int64_t rows) {
  KERAS_CUDA_GRID_LOOP(i, n) {
    const auto row = static_cast<std::int64_t>(indices[i]);
    keys[i] = static_cast<Key>(row < 0 || row >= rows ? rows : row);
    positions[i] = static_cast<Key>(i);
  }
}

// Element (k, j) of the sorted order: when k starts a row's run, that row's column j is the sum
// of its gradients in position order. The run's end comes from a binary search (the keys are
// sorted), so the loads of a long run (a padding index) are issued kUnroll at a time while the
// adds stay in order.
constexpr int kUnroll = 8;

template <typename T>
__global__ void scatter_add_kernel(const Key* keys, const Key* positions, const T* g, T* y,
                                   std::int64_t n, std::int64_t width, std::int64_t rows) {
  KERAS_CUDA_GRID_LOOP(e, n * width) {
    const std::int64_t k = e / width, j = e % width;
    const Key row = keys[k];
    if (row >= rows || (k > 0 && keys[k - 1] == row)) continue;
    std::int64_t end = n;  // the first position past the run, in (k, n]
    for (std::int64_t lo = k + 1; lo < end;) {
      const std::int64_t mid = lo + (end - lo) / 2;
      if (keys[mid] == row)
        lo = mid + 1;
      else
        end = mid;
    }
    auto at = [&](std::int64_t m) { return static_cast<std::int64_t>(positions[m]) * width + j; };
    T sum = T(0);
    std::int64_t m = k;
    for (; m + kUnroll <= end; m += kUnroll) {
      T v[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) v[u] = g[at(m + u)];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) sum += v[u];
    }
    for (; m < end; ++m) sum += g[at(m)];
    y[static_cast<std::int64_t>(row) * width + j] = sum;
  }
}

}  // namespace

std::size_t prepare_gather_grad(const KernelCall& call) {
  const std::int64_t n = call.inputs[1].numel, rows = call.output.shape[0];
  constexpr auto kLimit = static_cast<std::int64_t>(std::numeric_limits<Key>::max());
  if (n >= kLimit || rows >= kLimit)
    throw std::invalid_argument("cuda kernel GatherGrad: " + std::to_string(n) + " indices into " +
                                std::to_string(rows) + " rows; at most " + std::to_string(kLimit) +
                                " of each are supported");
  auto s = std::make_shared<SortBuffers>();
  while (s->end_bit < 32 && (std::int64_t{1} << s->end_bit) <= rows) ++s->end_bit;
  if (n > 0) sort(*s, n);  // temp_bytes
  const std::size_t keys = align256(static_cast<std::size_t>(n) * sizeof(Key));
  s->memory = device().allocate(4 * keys + s->temp_bytes);
  char* base = static_cast<char*>(s->memory.get());
  s->keys_in = reinterpret_cast<Key*>(base);
  s->keys_out = reinterpret_cast<Key*>(base + keys);
  s->positions_in = reinterpret_cast<Key*>(base + 2 * keys);
  s->positions_out = reinterpret_cast<Key*>(base + 3 * keys);
  s->temp = base + 4 * keys;
  call.state = s;
  return 0;
}

void gather_grad(const KernelCall& call) {
  const Buffer &g = call.inputs[0], &indices = call.inputs[1], &out = call.output;
  if (out.numel == 0) return;
  KERAS_CUDA_CHECK(cudaMemsetAsync(
      out.data, 0, static_cast<std::size_t>(out.numel) * dtype_size(out.dtype), stream()));
  const std::int64_t n = indices.numel, rows = out.shape[0], width = out.numel / rows;
  if (n == 0) return;
  if (!call.state) prepare_gather_grad(call);
  SortBuffers& s = *static_cast<SortBuffers*>(call.state.get());
  auto keys = [&]<typename I>() {
    keys_kernel<I><<<blocks_for(n), kThreads, 0, stream()>>>(indices.as<I>(), s.keys_in,
                                                             s.positions_in, n, rows);
  };
  if (indices.dtype == DType::int32)
    keys.template operator()<std::int32_t>();
  else if (indices.dtype == DType::int64)
    keys.template operator()<std::int64_t>();
  else
    unsupported_dtype(call.op, indices.dtype);
  KERAS_CUDA_CHECK_LAUNCH();
  sort(s, n);
  dispatch_float(call.op, out.dtype, [&]<typename T>() {
    scatter_add_kernel<T><<<blocks_for(n * width), kThreads, 0, stream()>>>(
        s.keys_out, s.positions_out, g.as<T>(), out.as<T>(), n, width, rows);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace keras::kernels::cuda
