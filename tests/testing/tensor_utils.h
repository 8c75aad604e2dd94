// Small helpers shared by the backend tests: seeded random tensors, scoped backend / floatx
// settings and element-wise comparison with a readable failure message.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/tensor/tensor.h"

namespace keras::testing {

// Standard-normal float32 values drawn from std::mt19937(seed): the engine tests' training data.
inline Tensor random_normal(const Shape& shape, std::uint32_t seed) {
  Tensor t(shape);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = normal(rng);
  return t;
}

// Uniform values in [low, high); integer dtypes get integers in [low, high).
inline Tensor random_tensor(const Shape& shape, DType dtype, std::mt19937_64& rng,
                            double low = -1.0, double high = 1.0) {
  Tensor t(shape, dtype);
  std::uniform_real_distribution<double> real(low, high);
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    switch (dtype) {
      case DType::float32:
        t.data<float>()[i] = static_cast<float>(real(rng));
        break;
      case DType::float64:
        t.data<double>()[i] = real(rng);
        break;
      case DType::int32:
        t.data<std::int32_t>()[i] = static_cast<std::int32_t>(std::floor(real(rng)));
        break;
      case DType::int64:
        t.data<std::int64_t>()[i] = static_cast<std::int64_t>(std::floor(real(rng)));
        break;
    }
  }
  return t;
}

inline Tensor random_tensor(const Shape& shape, DType dtype, std::uint64_t seed, double low = -1.0,
                            double high = 1.0) {
  std::mt19937_64 rng(seed);
  return random_tensor(shape, dtype, rng, low, high);
}

// A stable seed per name, so each case draws its own values whatever the test order.
inline std::uint64_t seed_of(const std::string& name, std::uint64_t salt = 0) {
  std::uint64_t h = 1469598103934665603ull ^ salt;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Functions compile for the backend current at construction; these restore the previous one.
class ScopedBackend {
 public:
  explicit ScopedBackend(const std::string& name) : previous_(backend::backend()) {
    backend::set_backend(name);
  }
  ~ScopedBackend() { backend::set_backend(previous_); }
  ScopedBackend(const ScopedBackend&) = delete;
  ScopedBackend& operator=(const ScopedBackend&) = delete;

 private:
  std::string previous_;
};

// K::one_hot and friends take floatx() when the graph is built.
class ScopedFloatx {
 public:
  explicit ScopedFloatx(DType dtype) : previous_(backend::floatx()) { backend::set_floatx(dtype); }
  ~ScopedFloatx() { backend::set_floatx(previous_); }
  ScopedFloatx(const ScopedFloatx&) = delete;
  ScopedFloatx& operator=(const ScopedFloatx&) = delete;

 private:
  DType previous_;
};

inline std::vector<double> values_of(const Tensor& t) {
  return t.to_vector<double>();
}

// |actual - expected| <= atol * scale + rtol * |expected| element-wise, where scale is the largest
// |expected| (at least 1): sums that cancel are judged against the size of their terms.
inline ::testing::AssertionResult all_close(const Tensor& actual, const Tensor& expected,
                                            double rtol, double atol,
                                            const std::string& what = "") {
  if (!actual.defined() || !expected.defined())
    return ::testing::AssertionFailure() << what << ": undefined tensor";
  if (actual.shape() != expected.shape())
    return ::testing::AssertionFailure() << what << ": shape " << shape_to_string(actual.shape())
                                         << " vs expected " << shape_to_string(expected.shape());
  if (actual.dtype() != expected.dtype())
    return ::testing::AssertionFailure() << what << ": dtype " << dtype_name(actual.dtype())
                                         << " vs expected " << dtype_name(expected.dtype());
  std::vector<double> a = values_of(actual), e = values_of(expected);
  double scale = 1.0;
  for (double v : e)
    if (std::isfinite(v)) scale = std::max(scale, std::abs(v));
  int bad = 0;
  std::ostringstream details;
  for (std::size_t i = 0; i < a.size(); ++i) {
    bool ok = std::isnan(e[i])
                  ? std::isnan(a[i])
                  : (a[i] == e[i] || std::abs(a[i] - e[i]) <= atol * scale + rtol * std::abs(e[i]));
    if (!ok && bad++ < 5)
      details << "\n  [" << i << "] got " << a[i] << ", expected " << e[i] << " (diff "
              << std::abs(a[i] - e[i]) << ")";
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << what << ": " << bad << " of " << a.size() << " elements differ" << details.str();
}

}  // namespace keras::testing
