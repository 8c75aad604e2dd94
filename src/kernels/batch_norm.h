// The layout the batch-normalization kernels (reference and cpu) share: x seen as
// (outer, channels, inner), the channels being attrs.axis; statistics are (2, channels), the mean
// and then the biased variance.
#pragma once

#include <cstdint>

#include "keras/tensor/tensor.h"

namespace keras::kernels {

struct ChannelView {
  std::int64_t outer = 1, channels = 1, inner = 1;
  std::int64_t count() const { return outer * inner; }  // elements per channel
};

inline ChannelView channel_view(const Shape& x, int axis) {
  ChannelView v;
  for (int d = 0; d < static_cast<int>(x.size()); ++d) {
    const std::int64_t n = x[static_cast<std::size_t>(d)];
    if (d < axis)
      v.outer *= n;
    else if (d == axis)
      v.channels = n;
    else
      v.inner *= n;
  }
  return v;
}

}  // namespace keras::kernels
