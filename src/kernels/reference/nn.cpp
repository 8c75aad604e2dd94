// Reference kernels of the neural-network ops: softmax, cross-entropy and dropout masks.
#include <algorithm>
#include <cmath>

#include "backend/random_state.h"
#include "keras/backend/backend.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/random.h"

namespace keras::kernels::reference {

namespace {
std::int64_t last_dim(const Shape& shape) {
  return shape.empty() ? 1 : shape.back();
}
}  // namespace

void softmax(const KernelCall& call) {
  std::int64_t n = last_dim(call.output.shape);
  std::int64_t rows = n ? call.output.numel / n : 0;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* x = call.inputs[0].as<T>() + r * n;
      T* y = call.output.as<T>() + r * n;
      double peak = x[0];
      for (std::int64_t j = 1; j < n; ++j) peak = x[j] > peak ? x[j] : peak;
      double total = 0;
      for (std::int64_t j = 0; j < n; ++j) total += std::exp(static_cast<double>(x[j]) - peak);
      for (std::int64_t j = 0; j < n; ++j)
        y[j] = static_cast<T>(std::exp(static_cast<double>(x[j]) - peak) / total);
    }
  });
}

void softmax_grad(const KernelCall& call) {
  std::int64_t n = last_dim(call.output.shape);
  std::int64_t rows = n ? call.output.numel / n : 0;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* y = call.inputs[0].as<T>() + r * n;
      const T* dy = call.inputs[1].as<T>() + r * n;
      T* dx = call.output.as<T>() + r * n;
      double dot = 0;
      for (std::int64_t j = 0; j < n; ++j) dot += static_cast<double>(y[j]) * dy[j];
      for (std::int64_t j = 0; j < n; ++j) dx[j] = static_cast<T>(y[j] * (dy[j] - dot));
    }
  });
}

void categorical_crossentropy(const KernelCall& call) {
  const Buffer& target = call.inputs[0];
  const Buffer& output = call.inputs[1];
  std::int64_t n = last_dim(output.shape);
  std::int64_t rows = call.output.numel;
  double eps = backend::epsilon();
  dispatch_float(call.op, output.dtype, [&]<typename T>() {
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* t = target.as<T>() + r * n;
      const T* o = output.as<T>() + r * n;
      double total = 0, loss = 0;
      for (std::int64_t j = 0; j < n; ++j) total += o[j];
      for (std::int64_t j = 0; j < n; ++j) {
        double p = std::min(std::max(o[j] / total, eps), 1.0 - eps);
        loss -= t[j] * std::log(p);
      }
      call.output.as<T>()[r] = static_cast<T>(loss);
    }
  });
}

void categorical_crossentropy_grad(const KernelCall& call) {
  const Buffer& target = call.inputs[0];
  const Buffer& output = call.inputs[1];
  const Buffer& g = call.inputs[2];
  std::int64_t n = last_dim(output.shape);
  std::int64_t rows = g.numel;
  double eps = backend::epsilon();
  dispatch_float(call.op, output.dtype, [&]<typename T>() {
    // d loss / d p, where p = clip(o / total): zero where the clip is active.
    auto dloss_dp = [eps](double t, double p) {
      double pc = std::min(std::max(p, eps), 1.0 - eps);
      return (p >= eps && p <= 1.0 - eps) ? -t / pc : 0.0;
    };
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* t = target.as<T>() + r * n;
      const T* o = output.as<T>() + r * n;
      T* d = call.output.as<T>() + r * n;
      double total = 0;
      for (std::int64_t j = 0; j < n; ++j) total += o[j];
      double weighted = 0;
      for (std::int64_t j = 0; j < n; ++j)
        weighted += dloss_dp(t[j], o[j] / total) * (o[j] / total);
      double scale = static_cast<double>(g.as<T>()[r]) / total;
      for (std::int64_t j = 0; j < n; ++j)
        d[j] = static_cast<T>((dloss_dp(t[j], o[j] / total) - weighted) * scale);
    }
  });
}

// The fused gradient of categorical_crossentropy(t, softmax(z)) with respect to z. It is the
// composition of the two ops' gradients, Keras's clip included (zero where p is clipped), done
// row by row without intermediate buffers; unclipped rows reduce to g * (y * sum(t) - t).
void softmax_cross_entropy_grad(const KernelCall& call) {
  const Buffer& y = call.inputs[0];
  const Buffer& target = call.inputs[1];
  const Buffer& g = call.inputs[2];
  std::int64_t n = last_dim(y.shape);
  double eps = backend::epsilon();
  dispatch_float(call.op, y.dtype, [&]<typename T>() {
    for (std::int64_t r = 0; r < g.numel; ++r) {
      const T* s = y.as<T>() + r * n;
      const T* t = target.as<T>() + r * n;
      T* d = call.output.as<T>() + r * n;
      double total = 0;
      for (std::int64_t j = 0; j < n; ++j) total += s[j];
      bool clipped = false;
      for (std::int64_t j = 0; j < n && !clipped; ++j) {
        double p = s[j] / total;
        clipped = p < eps || p > 1.0 - eps;
      }
      double scale = g.as<T>()[r];
      if (!clipped) {
        double t_sum = 0;
        for (std::int64_t j = 0; j < n; ++j) t_sum += t[j];
        for (std::int64_t j = 0; j < n; ++j)
          d[j] = static_cast<T>(scale * (s[j] * t_sum / total - t[j]));
        continue;
      }
      auto dloss_dp = [eps](double tj, double p) {
        return (p >= eps && p <= 1.0 - eps) ? -tj / p : 0.0;
      };
      double weighted = 0;
      for (std::int64_t j = 0; j < n; ++j)
        weighted += dloss_dp(t[j], s[j] / total) * (s[j] / total);
      auto dloss_dy = [&](std::int64_t j) {
        return (dloss_dp(t[j], s[j] / total) - weighted) * scale / total;
      };
      double dot = 0;
      for (std::int64_t j = 0; j < n; ++j) dot += s[j] * dloss_dy(j);
      for (std::int64_t j = 0; j < n; ++j) d[j] = static_cast<T>(s[j] * (dloss_dy(j) - dot));
    }
  });
}

void dropout_mask(const KernelCall& call) {
  const auto& attrs = call.attrs_as<ops::DropoutAttrs>();
  const double rate = attrs.rate;
  const std::uint64_t seed = attrs.seed;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* mask = call.output.as<T>();
    T keep = static_cast<T>(1.0 / (1.0 - rate));
    const std::uint64_t threshold = detail::keep_threshold(rate);
    const std::uint64_t stream = detail::random_stream(seed, call.counter());
    for (std::int64_t i = 0; i < call.output.numel; ++i)
      mask[i] =
          detail::random_bits53(stream, static_cast<std::uint64_t>(i)) >= threshold ? keep : T(0);
  });
}

void random_normal(const KernelCall& call) {
  const auto& attrs = call.attrs_as<ops::RandomAttrs>();
  const double mean = attrs.alpha;
  const double stddev = attrs.beta;
  const std::uint64_t seed = attrs.seed;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* out = call.output.as<T>();
    // Box-Muller on two uniform streams; 1 - u keeps the logarithm's argument in (0, 1].
    const std::uint64_t counter = call.counter() * 2;
    for (std::int64_t i = 0; i < call.output.numel; ++i) {
      const auto index = static_cast<std::uint64_t>(i);
      double u1 = 1.0 - detail::uniform01(seed, counter, index);
      double u2 = detail::uniform01(seed, counter + 1, index);
      double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
      out[i] = static_cast<T>(mean + stddev * z);
    }
  });
}

void random_uniform(const KernelCall& call) {
  const auto& attrs = call.attrs_as<ops::RandomAttrs>();
  const double low = attrs.alpha, high = attrs.beta;
  const std::uint64_t seed = attrs.seed;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* out = call.output.as<T>();
    for (std::int64_t i = 0; i < call.output.numel; ++i) {
      const double u = detail::uniform01(seed, call.counter(), static_cast<std::uint64_t>(i));
      out[i] = static_cast<T>(low + (high - low) * u);
    }
  });
}

void truncated_normal(const KernelCall& call) {
  const auto& attrs = call.attrs_as<ops::RandomAttrs>();
  const double mean = attrs.alpha;
  const double stddev = attrs.beta;
  const std::uint64_t seed = attrs.seed;
  // Each element redraws from its own sequence of streams until |z| <= 2 (TensorFlow's rule);
  // 32 tries fail with probability 0.046^32, after which the last draw is clamped.
  constexpr std::uint64_t kTries = 32;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* out = call.output.as<T>();
    for (std::int64_t i = 0; i < call.output.numel; ++i) {
      const auto index = static_cast<std::uint64_t>(i);
      double z = 0;
      for (std::uint64_t t = 0; t < kTries; ++t) {
        const std::uint64_t counter = (call.counter() * kTries + t) * 2;
        double u1 = 1.0 - detail::uniform01(seed, counter, index);
        double u2 = detail::uniform01(seed, counter + 1, index);
        z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
        if (std::fabs(z) <= 2.0) break;
      }
      z = std::clamp(z, -2.0, 2.0);
      out[i] = static_cast<T>(mean + stddev * z);
    }
  });
}

}  // namespace keras::kernels::reference
