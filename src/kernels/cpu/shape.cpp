// The cpu backend's SliceGrad: the gradient of a slice, zeros around it. The reference kernel
// zeroes the whole output, then copies the slice in, on one thread; here each outer row is written
// once (zeros before, the slice, zeros after), the rows spread over the threads. An LSTM layer's
// last output is two slices of the sequence's packed states, whose gradients are 11 MB per step
// at batch 128.
#include <omp.h>

#include <cstring>

#include "kernels/axis_split.h"
#include "kernels/cpu/cpu_kernels.h"

namespace keras::kernels::cpu {

void slice_grad(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  const SliceRows r =
      slice_rows(out.shape, g.shape, call.attrs_as<ops::SliceAttrs>(), dtype_size(out.dtype));
  char* to = static_cast<char*>(out.data);
  const char* from = static_cast<const char*>(g.data);
#pragma omp parallel for schedule(static) if (r.outer * r.row > (std::int64_t{1} << 18))
  for (std::int64_t o = 0; o < r.outer; ++o) {
    char* row = to + o * r.row;
    std::memset(row, 0, static_cast<std::size_t>(r.head));
    std::memcpy(row + r.head, from + o * r.body, static_cast<std::size_t>(r.body));
    std::memset(row + r.head + r.body, 0, static_cast<std::size_t>(r.row - r.head - r.body));
  }
}

}  // namespace keras::kernels::cpu
