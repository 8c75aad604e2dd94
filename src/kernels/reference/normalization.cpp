// Reference kernels of batch normalization: per-channel loops in double precision over x seen as
// (outer, channels, inner) (kernels/batch_norm.h).
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/batch_norm.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/normalization.h"

namespace keras::kernels::reference {

namespace {

// Calls body(a_offset) for the start of every contiguous run of channel c: x[offset + b].
template <typename Body>
void for_channel(const ChannelView& v, std::int64_t c, Body&& body) {
  for (std::int64_t a = 0; a < v.outer; ++a) body((a * v.channels + c) * v.inner);
}

}  // namespace

void batch_norm_stats(const KernelCall& call) {
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  const double n = static_cast<double>(v.count());
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T* x = call.inputs[0].as<T>();
    T* out = call.output.as<T>();
    for (std::int64_t c = 0; c < v.channels; ++c) {
      double sum = 0, squares = 0;
      for_channel(v, c, [&](std::int64_t o) {
        for (std::int64_t b = 0; b < v.inner; ++b) sum += x[o + b];
      });
      const double mean = sum / n;
      for_channel(v, c, [&](std::int64_t o) {
        for (std::int64_t b = 0; b < v.inner; ++b) squares += (x[o + b] - mean) * (x[o + b] - mean);
      });
      out[c] = static_cast<T>(mean);
      out[v.channels + c] = static_cast<T>(squares / n);
    }
  });
}

void batch_norm(const KernelCall& call) {
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  const double epsilon = call.attrs_as<ops::BatchNormAttrs>().epsilon;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T* x = call.inputs[0].as<T>();
    const T* stats = call.inputs[1].as<T>();
    const T* gamma = call.inputs[2].as<T>();
    const T* beta = call.inputs[3].as<T>();
    T* y = call.output.as<T>();
    for (std::int64_t c = 0; c < v.channels; ++c) {
      const double mean = stats[c];
      const double scale =
          gamma[c] / std::sqrt(static_cast<double>(stats[v.channels + c]) + epsilon);
      for_channel(v, c, [&](std::int64_t o) {
        for (std::int64_t b = 0; b < v.inner; ++b)
          y[o + b] = static_cast<T>((x[o + b] - mean) * scale + beta[c]);
      });
    }
  });
}

// dx = gamma / std * (dy - [mean(dy) + xhat mean(dy xhat)]), the bracket only with batch_stats.
void batch_norm_grad(const KernelCall& call) {
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  const double epsilon = call.attrs_as<ops::BatchNormAttrs>().epsilon,
               n = static_cast<double>(v.count());
  const bool through = call.attrs_as<ops::BatchNormAttrs>().batch_stats;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T* x = call.inputs[0].as<T>();
    const T* stats = call.inputs[1].as<T>();
    const T* gamma = call.inputs[2].as<T>();
    const T* dy = call.inputs[3].as<T>();
    T* dx = call.output.as<T>();
    for (std::int64_t c = 0; c < v.channels; ++c) {
      const double mean = stats[c];
      const double inv_std = 1.0 / std::sqrt(static_cast<double>(stats[v.channels + c]) + epsilon);
      double mean_dy = 0, mean_dy_xhat = 0;
      if (through) {
        for_channel(v, c, [&](std::int64_t o) {
          for (std::int64_t b = 0; b < v.inner; ++b) {
            mean_dy += dy[o + b];
            mean_dy_xhat += dy[o + b] * (x[o + b] - mean) * inv_std;
          }
        });
        mean_dy /= n;
        mean_dy_xhat /= n;
      }
      const double scale = gamma[c] * inv_std;
      for_channel(v, c, [&](std::int64_t o) {
        for (std::int64_t b = 0; b < v.inner; ++b) {
          const double xhat = (x[o + b] - mean) * inv_std;
          dx[o + b] = static_cast<T>(scale * (dy[o + b] - mean_dy - xhat * mean_dy_xhat));
        }
      });
    }
  });
}

void batch_norm_grad_params(const KernelCall& call) {
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  const double epsilon = call.attrs_as<ops::BatchNormAttrs>().epsilon;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T* x = call.inputs[0].as<T>();
    const T* stats = call.inputs[1].as<T>();
    const T* dy = call.inputs[2].as<T>();
    T* out = call.output.as<T>();
    for (std::int64_t c = 0; c < v.channels; ++c) {
      const double mean = stats[c];
      const double inv_std = 1.0 / std::sqrt(static_cast<double>(stats[v.channels + c]) + epsilon);
      double sum_dy = 0, sum_dy_xhat = 0;
      for_channel(v, c, [&](std::int64_t o) {
        for (std::int64_t b = 0; b < v.inner; ++b) {
          sum_dy += dy[o + b];
          sum_dy_xhat += dy[o + b] * (x[o + b] - mean) * inv_std;
        }
      });
      out[c] = static_cast<T>(sum_dy_xhat);
      out[v.channels + c] = static_cast<T>(sum_dy);
    }
  });
}

void l2_normalize(const KernelCall& call) {
  const Shape& shape = call.inputs[0].shape;
  ChannelView v{1, call.output.numel, 1};  // the normalized axis as the channels
  if (!call.attrs_as<ops::L2NormalizeAttrs>().axes.empty()) {
    const int axis = call.attrs_as<ops::L2NormalizeAttrs>().axes[0];
    v = channel_view(shape, axis < 0 ? axis + static_cast<int>(shape.size()) : axis);
  }
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T* x = call.inputs[0].as<T>();
    T* y = call.output.as<T>();
    for (std::int64_t a = 0; a < v.outer; ++a)
      for (std::int64_t b = 0; b < v.inner; ++b) {
        const std::int64_t start = a * v.channels * v.inner + b;
        double squares = 0;
        for (std::int64_t c = 0; c < v.channels; ++c) {
          const double value = x[start + c * v.inner];
          squares += value * value;
        }
        const double scale = 1.0 / std::sqrt(std::max(squares, kL2NormalizeFloor));
        for (std::int64_t c = 0; c < v.channels; ++c)
          y[start + c * v.inner] = static_cast<T>(x[start + c * v.inner] * scale);
      }
  });
}

}  // namespace keras::kernels::reference
