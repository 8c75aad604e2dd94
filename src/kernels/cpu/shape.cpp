// The cpu backend's SliceGrad: the gradient of a slice, zeros around it. The reference kernel
// zeroes the whole output, then copies the slice in, on one thread; here each outer row is written
// once (zeros before, the slice, zeros after), the rows spread over the threads. An LSTM layer's
// last output is two slices of the sequence's packed states, whose gradients are 11 MB per step
// at batch 128.
#include <omp.h>

#include <cstring>

#include "kernels/axis_split.h"
#include "kernels/cpu/cpu_kernels.h"
#include "ops/shape.h"

namespace keras::kernels::cpu {

void slice_grad(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  const auto& slice = call.attrs_as<ops::SliceAttrs>();
  const int axis = positive_axis(slice.axis, out.shape.size());
  std::int64_t outer, inner;
  split_at(out.shape, axis, outer, inner);
  const std::int64_t size = static_cast<std::int64_t>(dtype_size(out.dtype));
  const std::int64_t dim = out.shape[static_cast<std::size_t>(axis)];
  const std::int64_t begin = ops::slice_bounds(slice, dim).first;
  // Bytes of one outer row: before the slice, the slice, the row.
  const std::int64_t head = begin * inner * size;
  const std::int64_t body = g.shape[static_cast<std::size_t>(axis)] * inner * size;
  const std::int64_t row = dim * inner * size;
  char* to = static_cast<char*>(out.data);
  const char* from = static_cast<const char*>(g.data);
#pragma omp parallel for schedule(static) if (outer * row > (std::int64_t{1} << 18))
  for (std::int64_t o = 0; o < outer; ++o) {
    char* r = to + o * row;
    std::memset(r, 0, static_cast<std::size_t>(head));
    std::memcpy(r + head, from + o * body, static_cast<std::size_t>(body));
    std::memset(r + head + body, 0, static_cast<std::size_t>(row - head - body));
  }
}

}  // namespace keras::kernels::cpu
