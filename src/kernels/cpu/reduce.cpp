// The cpu backend's reductions over float32: SumLike's column sums when the target shape is a
// suffix of the gradient's (bias gradients); Sum, Mean, Max, Min and Prod, and BroadcastLike and
// MeanGrad (their gradients' broadcasts back), when the reduced axes are one block of adjacent
// dimensions (x seen as (outer, n, inner), n reduced: GlobalMaxPooling, a mean over time, a
// softmax's row sums): walked in rows of `inner` values, vectorised and over the threads. Anything
// else runs the general reference kernels, whose arithmetic (double accumulators, the same order)
// these keep.
#include <algorithm>
#include <limits>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/reference/indexing.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/reduce.h"

namespace keras::kernels::cpu {

void sum_like(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  bool suffix = out.shape.size() <= g.shape.size() && out.dtype == DType::float32;
  for (std::size_t i = 0; suffix && i < out.shape.size(); ++i)
    suffix = out.shape[out.shape.size() - 1 - i] == g.shape[g.shape.size() - 1 - i];
  if (!suffix || out.numel == 0) return reference::sum_like(call);
  const std::int64_t cols = out.numel, rows = g.numel / cols;
  const float* in = g.as<float>();
  float* y = out.as<float>();
  for (std::int64_t j = 0; j < cols; ++j) y[j] = 0.0f;
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = in + r * cols;
    for (std::int64_t j = 0; j < cols; ++j) y[j] += row[j];
  }
}

namespace {

// `shape` seen as (outer, n, inner) with the `axes` (empty: all) as the n block; false when the
// reduced axes are not adjacent (dimensions of size 1 between them do not matter).
struct Block {
  std::int64_t outer = 1, n = 1, inner = 1;
};
bool reduced_block(const Shape& shape, const std::vector<int>& axes, Block& b) {
  const std::size_t rank = shape.size();
  std::size_t first = rank, last = 0;
  for (std::size_t d = 0; d < rank; ++d)
    if (reference::is_reduced(axes, d, rank) && shape[d] != 1) {
      first = std::min(first, d);
      last = d;
    }
  if (first == rank) first = last = 0;  // nothing of size > 1 reduced: n = 1
  for (std::size_t d = 0; d < rank; ++d) {
    const bool reduced = reference::is_reduced(axes, d, rank);
    if (d < first)
      b.outer *= shape[d];
    else if (d > last)
      b.inner *= shape[d];
    else if (reduced || shape[d] == 1)
      b.n *= shape[d];
    else
      return false;  // a kept dimension between reduced ones
  }
  return true;
}

constexpr std::int64_t kColumns = 64;  // inner values one task accumulates at once

// Reduces x (outer, n, inner) over n into out (outer, inner): acc = step(acc, value) from init,
// then finish(acc); one task per (outer row, block of kColumns inner values).
template <typename Acc, typename Step, typename Finish>
void reduce_block(const float* x, float* out, const Block& b, Acc init, Step step, Finish finish) {
  const std::int64_t column_blocks = (b.inner + kColumns - 1) / kColumns;
  const std::int64_t tasks = b.outer * column_blocks;
#pragma omp parallel for schedule(static) if (b.outer * b.n * b.inner > 65536)
  for (std::int64_t t = 0; t < tasks; ++t) {
    const std::int64_t o = t / column_blocks, j0 = (t % column_blocks) * kColumns;
    const std::int64_t width = std::min(kColumns, b.inner - j0);
    Acc acc[kColumns];
    std::fill(acc, acc + width, init);
    const float* base = x + o * b.n * b.inner + j0;
    for (std::int64_t k = 0; k < b.n; ++k) {
      const float* row = base + k * b.inner;
#pragma omp simd
      for (std::int64_t j = 0; j < width; ++j) acc[j] = step(acc[j], row[j]);
    }
    float* y = out + o * b.inner + j0;
    for (std::int64_t j = 0; j < width; ++j) y[j] = finish(acc[j]);
  }
}

}  // namespace

void reduce(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  Block b;
  if (x.dtype != DType::float32 || x.numel == 0 ||
      !reduced_block(x.shape, call.attrs_as<ops::ReduceAttrs>().axes, b))
    return reference::reduce(call);
  const float* in = x.as<float>();
  float* out = call.output.as<float>();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double count = static_cast<double>(b.n);
  auto as_float = [](double a) { return static_cast<float>(a); };
  switch (call.op) {
    case OpKind::kSum:
      return reduce_block(
          in, out, b, 0.0, [](double a, float v) { return a + v; }, as_float);
    case OpKind::kMean:
      return reduce_block(
          in, out, b, 0.0, [](double a, float v) { return a + v; },
          [count](double a) { return static_cast<float>(a / count); });
    case OpKind::kProd:
      return reduce_block(
          in, out, b, 1.0, [](double a, float v) { return a * v; }, as_float);
    // As the reference: a NaN never replaces the running extremum.
    case OpKind::kMax:
      return reduce_block(
          in, out, b, -kInf, [](double a, float v) { return v > a ? static_cast<double>(v) : a; },
          as_float);
    case OpKind::kMin:
      return reduce_block(
          in, out, b, kInf, [](double a, float v) { return v < a ? static_cast<double>(v) : a; },
          as_float);
    default:
      return reference::reduce(call);
  }
}

void broadcast_like(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  const auto& attrs = call.attrs_as<ops::BroadcastLikeAttrs>();
  Block b;
  if (attrs.numpy_broadcast || out.dtype != DType::float32 || out.numel == 0 ||
      !reduced_block(out.shape, attrs.axes, b))
    return reference::broadcast_like(call);
  const float* in = g.as<float>();
  float* y = out.as<float>();
  const float scale =
      call.op == OpKind::kMeanGrad
          ? static_cast<float>(static_cast<double>(g.numel) / static_cast<double>(out.numel))
          : 1.0f;
  const std::int64_t rows = b.outer * b.n;
#pragma omp parallel for schedule(static) if (out.numel > 65536)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* from = in + (r / b.n) * b.inner;
    float* to = y + r * b.inner;
#pragma omp simd
    for (std::int64_t j = 0; j < b.inner; ++j) to[j] = from[j] * scale;
  }
}

}  // namespace keras::kernels::cpu
