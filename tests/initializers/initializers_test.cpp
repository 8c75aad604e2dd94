// Initializers: shapes, bounds, statistics of large draws, orthogonality and seeding.
#include "keras/initializers.h"
#include "keras/initializers_custom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backend/random_state.h"

namespace init = keras::initializers;
using keras::DType;
using keras::Shape;
using keras::Tensor;

namespace {

struct Stats {
  double mean = 0, stddev = 0, min = 0, max = 0;
};

Stats stats_of(const Tensor& t) {
  std::vector<double> v = t.to_vector<double>();
  Stats s;
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  for (double x : v) s.stddev += (x - s.mean) * (x - s.mean);
  s.stddev = std::sqrt(s.stddev / static_cast<double>(v.size()));
  return s;
}

std::string error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument thrown";
  return "";
}

// (a^T b) for row-major (rows x cols) matrices a and b: cols x cols.
std::vector<double> gram_columns(const std::vector<double>& a, const std::vector<double>& b,
                                 std::size_t rows, std::size_t cols) {
  std::vector<double> g(cols * cols, 0.0);
  for (std::size_t i = 0; i < cols; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      for (std::size_t r = 0; r < rows; ++r) g[i * cols + j] += a[r * cols + i] * b[r * cols + j];
  return g;
}

void expect_identity(const std::vector<double>& g, std::size_t n, double scale,
                     const std::string& what) {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      EXPECT_NEAR(g[i * n + j], i == j ? scale : 0.0, 1e-10)
          << what << " (" << i << ", " << j << ")";
}

}  // namespace

TEST(Initializers, ConstantsHaveTheShapeAndDtype) {
  Tensor z = init::zeros()({2, 3}, DType::float32);
  EXPECT_EQ(z.shape(), (Shape{2, 3}));
  EXPECT_EQ(z.dtype(), DType::float32);
  EXPECT_EQ(z.to_vector<float>(), std::vector<float>(6, 0.0f));
  Tensor o = init::ones()({4}, DType::float64);
  EXPECT_EQ(o.to_vector<double>(), std::vector<double>(4, 1.0));
  Tensor c = init::constant(2.5)({2, 2}, DType::float64);
  EXPECT_EQ(c.to_vector<double>(), std::vector<double>(4, 2.5));
  Tensor ci = init::constant(7)({3}, DType::int64);
  EXPECT_EQ(ci.to_vector<std::int64_t>(), (std::vector<std::int64_t>{7, 7, 7}));
  EXPECT_EQ(init::get("zero")({2}, DType::float32).to_vector<float>(), std::vector<float>(2, 0.0f));
  EXPECT_EQ(init::get("one")({2}, DType::float32).to_vector<float>(), std::vector<float>(2, 1.0f));
  EXPECT_EQ(init::get("Ones")({2}, DType::float32).to_vector<float>(), std::vector<float>(2, 1.0f));
  EXPECT_EQ(init::constant()({1}, DType::float32).to_vector<float>(), std::vector<float>(1, 0.0f));
}

TEST(Initializers, RandomUniformBoundsAndMoments) {
  Tensor t = init::random_uniform()({400, 500}, DType::float64);
  Stats s = stats_of(t);
  EXPECT_GE(s.min, -0.05);
  EXPECT_LT(s.max, 0.05);
  EXPECT_NEAR(s.mean, 0.0, 5e-4);
  EXPECT_NEAR(s.stddev, 0.1 / std::sqrt(12.0), 2e-4);
  Stats c = stats_of(init::random_uniform(2.0, 5.0)({100000}, DType::float32));
  EXPECT_GE(c.min, 2.0);
  EXPECT_LE(c.max, 5.0);
  EXPECT_NEAR(c.mean, 3.5, 0.02);
  EXPECT_EQ(init::get("uniform")({3}, DType::float32).dtype(), DType::float32);
}

TEST(Initializers, RandomNormalMoments) {
  Stats s = stats_of(init::random_normal()({200000}, DType::float64));
  EXPECT_NEAR(s.mean, 0.0, 5e-4);
  EXPECT_NEAR(s.stddev, 0.05, 5e-4);
  Stats t = stats_of(init::random_normal(1.0, 2.0)({200000}, DType::float64));
  EXPECT_NEAR(t.mean, 1.0, 0.02);
  EXPECT_NEAR(t.stddev, 2.0, 0.02);
  EXPECT_GT(t.max, 1.0 + 2.0 * 3.5);  // a plain normal has tails beyond 2 sigma
}

TEST(Initializers, TruncatedNormalStaysWithinTwoStddev) {
  Stats s = stats_of(init::truncated_normal(0.5, 0.1)({200000}, DType::float64));
  EXPECT_GE(s.min, 0.5 - 0.2);
  EXPECT_LE(s.max, 0.5 + 0.2);
  EXPECT_NEAR(s.mean, 0.5, 1e-3);
  EXPECT_NEAR(s.stddev, 0.1 * 0.87962566103423978, 1e-3);
  EXPECT_GT(s.max, 0.5 + 0.19);  // the tails reach the cut
}

TEST(Initializers, ComputeFans) {
  EXPECT_EQ(init::compute_fans({784, 64}), std::make_pair(784.0, 64.0));
  // Conv2D kernel (kh, kw, in, out), channels last: receptive field 3 * 3.
  EXPECT_EQ(init::compute_fans({3, 3, 16, 32}), std::make_pair(144.0, 288.0));
  EXPECT_EQ(init::compute_fans({5, 8, 4}), std::make_pair(40.0, 20.0));
  EXPECT_EQ(init::compute_fans({2, 3, 3, 16, 32}), std::make_pair(288.0, 576.0));
  // Theano ordering (out, in, kh, kw).
  EXPECT_EQ(init::compute_fans({32, 16, 3, 3}, "channels_first"), std::make_pair(144.0, 288.0));
  // Other ranks: sqrt(prod(shape)).
  EXPECT_EQ(init::compute_fans({16}), std::make_pair(4.0, 4.0));
  EXPECT_EQ(init::compute_fans({2, 2, 2, 2, 2, 2}), std::make_pair(8.0, 8.0));
  EXPECT_NE(error_of([] {
              init::compute_fans({3, 3, 4}, "nchw");
            }).find("Invalid data_format"),
            std::string::npos);
}

TEST(Initializers, GlorotUniformLimit) {
  const double limit = std::sqrt(6.0 / (300.0 + 200.0));
  Stats s = stats_of(init::glorot_uniform()({300, 200}, DType::float64));
  EXPECT_GE(s.min, -limit);
  EXPECT_LE(s.max, limit);
  EXPECT_GT(s.max, 0.99 * limit);
  EXPECT_LT(s.min, -0.99 * limit);
  EXPECT_NEAR(s.stddev, limit / std::sqrt(3.0), 0.01 * limit);
  // Through get() and for a conv kernel.
  const double conv_limit = std::sqrt(6.0 / (3 * 3 * 8 + 3 * 3 * 16));
  Stats c = stats_of(init::get("glorot_uniform")({3, 3, 8, 16}, DType::float32));
  EXPECT_GE(c.min, -conv_limit - 1e-7);
  EXPECT_LE(c.max, conv_limit + 1e-7);
}

TEST(Initializers, VarianceScalingNormalsHaveTheTargetVariance) {
  // Keras 2.2.4 divides the truncated normal's stddev by 0.8796 so that the variance is `scale /
  // fan`.
  struct Case {
    std::string name;
    double stddev;
  };
  const double fan_in = 400, fan_out = 300;
  for (const Case& c : std::vector<Case>{{"glorot_normal", std::sqrt(2.0 / (fan_in + fan_out))},
                                         {"he_normal", std::sqrt(2.0 / fan_in)},
                                         {"lecun_normal", std::sqrt(1.0 / fan_in)}}) {
    Stats s = stats_of(init::get(c.name)({400, 300}, DType::float64));
    EXPECT_NEAR(s.stddev, c.stddev, 0.01 * c.stddev) << c.name;
    EXPECT_NEAR(s.mean, 0.0, 0.01 * c.stddev) << c.name;
    double cut = 2.0 * c.stddev / 0.87962566103423978;
    EXPECT_LE(s.max, cut) << c.name;
    EXPECT_GE(s.min, -cut) << c.name;
  }
}

TEST(Initializers, VarianceScalingUniformLimits) {
  struct Case {
    std::string name;
    double limit;
  };
  for (const Case& c : std::vector<Case>{{"he_uniform", std::sqrt(6.0 / 400)},
                                         {"lecun_uniform", std::sqrt(3.0 / 400)},
                                         {"glorot_uniform", std::sqrt(6.0 / 700)}}) {
    Stats s = stats_of(init::get(c.name)({400, 300}, DType::float64));
    EXPECT_LE(s.max, c.limit) << c.name;
    EXPECT_GT(s.max, 0.99 * c.limit) << c.name;
    EXPECT_GE(s.min, -c.limit) << c.name;
  }
  // mode fan_out, scale 3: limit sqrt(9 / 300).
  Stats s = stats_of(init::variance_scaling(3.0, "fan_out", "uniform")({400, 300}, DType::float64));
  EXPECT_LE(s.max, std::sqrt(9.0 / 300));
  EXPECT_GT(s.max, 0.99 * std::sqrt(9.0 / 300));
  // Keras 2.3's untruncated_normal: plain normal with stddev sqrt(scale / fan).
  Stats u = stats_of(
      init::variance_scaling(1.0, "fan_avg", "untruncated_normal")({400, 300}, DType::float64));
  EXPECT_NEAR(u.stddev, std::sqrt(1.0 / 350), 0.01 * std::sqrt(1.0 / 350));
  EXPECT_GT(u.max, 2.5 * std::sqrt(1.0 / 350));
  // Fans below 1 are clamped to 1: a scalar-like (1, 1) weight.
  Stats one = stats_of(init::variance_scaling(1.0, "fan_in", "uniform")({1, 1}, DType::float64));
  EXPECT_LE(std::abs(one.max), std::sqrt(3.0));
}

TEST(Initializers, VarianceScalingRejectsBadArguments) {
  EXPECT_NE(error_of([] { init::variance_scaling(0.0); }).find("`scale` must be a positive float"),
            std::string::npos);
  EXPECT_NE(error_of([] { init::variance_scaling(1.0, "fan_sum"); }).find("Invalid `mode`"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              init::variance_scaling(1.0, "fan_in", "cauchy");
            }).find("Invalid `distribution`"),
            std::string::npos);
}

TEST(Initializers, RandomInitializersNeedFloatDtypes) {
  EXPECT_NE(error_of([] {
              init::glorot_uniform()({2, 2}, DType::int32);
            }).find("int32"),
            std::string::npos);
  EXPECT_NE(error_of([] { init::random_normal()({2}, DType::int64); }).find("int64"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              init::zeros()({-1, 2}, DType::float32);
            }).find("fully known"),
            std::string::npos);
}

TEST(Initializers, Identity) {
  Tensor i = init::identity()({3, 3}, DType::float32);
  EXPECT_EQ(i.to_vector<float>(), (std::vector<float>{1, 0, 0, 0, 1, 0, 0, 0, 1}));
  Tensor g = init::identity(0.5)({2, 2}, DType::float64);
  EXPECT_EQ(g.to_vector<double>(), (std::vector<double>{0.5, 0, 0, 0.5}));
  // Keras 2.2.4: identities side by side along the long side when it is a multiple of the short.
  EXPECT_EQ(init::identity()({2, 4}, DType::float32).to_vector<float>(),
            (std::vector<float>{1, 0, 1, 0, 0, 1, 0, 1}));
  EXPECT_EQ(init::identity(2.0)({3, 1}, DType::float32).to_vector<float>(),
            (std::vector<float>{2, 2, 2}));
  EXPECT_NE(error_of([] {
              init::identity()({2, 3}, DType::float32);
            }).find("Long side should be multiple of short side"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              init::get("identity")({2, 2, 2}, DType::float32);
            }).find("can only be used for 2D matrices"),
            std::string::npos);
}

TEST(Initializers, OrthogonalColumnsWhenTall) {
  Tensor q = init::orthogonal()({7, 4}, DType::float64);
  EXPECT_EQ(q.shape(), (Shape{7, 4}));
  auto v = q.to_vector<double>();
  expect_identity(gram_columns(v, v, 7, 4), 4, 1.0, "Q^T Q");
}

TEST(Initializers, OrthogonalRowsWhenWide) {
  Tensor q = init::orthogonal()({3, 8}, DType::float64);
  auto v = q.to_vector<double>();
  // Q Q^T = I: the Gram matrix of the transpose's columns.
  std::vector<double> t(24);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 8; ++j) t[j * 3 + i] = v[i * 8 + j];
  expect_identity(gram_columns(t, t, 8, 3), 3, 1.0, "Q Q^T");
}

TEST(Initializers, OrthogonalSquareWithGainAndConvShapes) {
  auto sq = init::orthogonal(2.0)({6, 6}, DType::float64).to_vector<double>();
  expect_identity(gram_columns(sq, sq, 6, 6), 6, 4.0, "gain 2");
  // Recurrent kernel of an LSTM with 5 units: (5, 20), orthonormal rows.
  auto lstm = init::get("orthogonal")({5, 20}, DType::float32);
  EXPECT_EQ(lstm.dtype(), DType::float32);
  // Conv kernel (3, 3, 4, 8): a (36, 8) matrix with orthonormal columns.
  auto conv = init::orthogonal()({3, 3, 4, 8}, DType::float64).to_vector<double>();
  expect_identity(gram_columns(conv, conv, 36, 8), 8, 1.0, "conv");
  // A vector is a unit row.
  auto vec = init::orthogonal()({5}, DType::float64).to_vector<double>();
  double norm = 0;
  for (double x : vec) norm += x * x;
  EXPECT_NEAR(norm, 1.0, 1e-12);
  EXPECT_NE(error_of([] { init::orthogonal()({}, DType::float64); }).find("rank >= 1"),
            std::string::npos);
}

TEST(Initializers, OrthogonalUsesTheSignConventionOfQrTimesSignDiagR) {
  // With a seed the underlying N(0, 1) matrix A is random_normal(0, 1, seed) of the same shape, so
  // R = Q^T A can be checked: upper triangular with a positive diagonal (numpy's q *
  // sign(diag(r))).
  for (Shape shape : {Shape{6, 4}, Shape{5, 5}}) {
    auto rows = static_cast<std::size_t>(shape[0]), cols = static_cast<std::size_t>(shape[1]);
    auto q = init::orthogonal(1.0, 99)(shape, DType::float64).to_vector<double>();
    auto a = init::random_normal(0.0, 1.0, 99)(shape, DType::float64).to_vector<double>();
    std::vector<double> r = gram_columns(q, a, rows, cols);
    for (std::size_t i = 0; i < cols; ++i) {
      EXPECT_GT(r[i * cols + i], 0.0) << keras::shape_to_string(shape);
      for (std::size_t j = 0; j < i; ++j)
        EXPECT_NEAR(r[i * cols + j], 0.0, 1e-10) << keras::shape_to_string(shape);
    }
  }
  // Wide: the rows of Q come from the QR of A^T, so Q A^T = R, upper triangular with a positive
  // diagonal.
  auto q = init::orthogonal(1.0, 5)({3, 6}, DType::float64).to_vector<double>();
  auto a = init::random_normal(0.0, 1.0, 5)({3, 6}, DType::float64).to_vector<double>();
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      double dot = 0;
      for (std::size_t k = 0; k < 6; ++k) dot += q[i * 6 + k] * a[j * 6 + k];
      if (i == j) {
        EXPECT_GT(dot, 0.0);
      } else if (i > j) {
        EXPECT_NEAR(dot, 0.0, 1e-10);
      }
    }
}

TEST(Initializers, GlobalSeedReproducesDraws) {
  keras::detail::seed_global_generator(1234);
  Tensor a = init::glorot_uniform()({20, 10}, DType::float32);
  Tensor b = init::orthogonal()({8, 8}, DType::float64);
  Tensor c = init::truncated_normal()({50}, DType::float64);
  keras::detail::seed_global_generator(1234);
  EXPECT_EQ(init::glorot_uniform()({20, 10}, DType::float32).to_vector<float>(),
            a.to_vector<float>());
  EXPECT_EQ(init::orthogonal()({8, 8}, DType::float64).to_vector<double>(), b.to_vector<double>());
  EXPECT_EQ(init::truncated_normal()({50}, DType::float64).to_vector<double>(),
            c.to_vector<double>());
  // Successive draws differ, and another seed gives other values.
  EXPECT_NE(init::glorot_uniform()({20, 10}, DType::float32).to_vector<float>(),
            a.to_vector<float>());
  keras::detail::seed_global_generator(4321);
  EXPECT_NE(init::glorot_uniform()({20, 10}, DType::float32).to_vector<float>(),
            a.to_vector<float>());
}

TEST(Initializers, ExplicitSeedIsIndependentOfTheGlobalGenerator) {
  keras::detail::seed_global_generator(1);
  Tensor a = init::he_normal(42)({30, 30}, DType::float64);
  Tensor global_after_seeded = init::random_uniform()({10}, DType::float64);
  keras::detail::seed_global_generator(2);
  Tensor b = init::he_normal(42)({30, 30}, DType::float64);
  EXPECT_EQ(a.to_vector<double>(), b.to_vector<double>());
  EXPECT_NE(init::he_normal(43)({30, 30}, DType::float64).to_vector<double>(),
            a.to_vector<double>());
  // A seeded initializer does not advance the global generator.
  keras::detail::seed_global_generator(1);
  EXPECT_EQ(init::random_uniform()({10}, DType::float64).to_vector<double>(),
            global_after_seeded.to_vector<double>());
}

TEST(Initializers, GetAcceptsKeras1And2AndClassNames) {
  for (const std::string name : {"zero",
                                 "zeros",
                                 "one",
                                 "ones",
                                 "constant",
                                 "uniform",
                                 "random_uniform",
                                 "normal",
                                 "random_normal",
                                 "truncated_normal",
                                 "variance_scaling",
                                 "orthogonal",
                                 "glorot_uniform",
                                 "glorot_normal",
                                 "he_uniform",
                                 "he_normal",
                                 "lecun_uniform",
                                 "lecun_normal",
                                 "Zeros",
                                 "RandomNormal",
                                 "RandomUniform",
                                 "TruncatedNormal",
                                 "VarianceScaling",
                                 "Orthogonal",
                                 "GlorotUniform",
                                 "GlorotNormal",
                                 "HeNormal",
                                 "HeUniform",
                                 "LecunNormal",
                                 "LecunUniform",
                                 "Constant"}) {
    Tensor t = init::get(name)({4, 4}, DType::float32);
    EXPECT_EQ(t.shape(), (Shape{4, 4})) << name;
  }
  EXPECT_EQ(init::get("Identity")({2, 2}, DType::float32).to_vector<float>(),
            (std::vector<float>{1, 0, 0, 1}));
}

TEST(Initializers, UnknownNameListsTheValidOnes) {
  std::string message = error_of([] { init::get("glorot"); });
  EXPECT_EQ(
      message.rfind(
          "Unknown initializer: 'glorot'. Valid initializers are: zeros, zero, ones, one, ", 0),
      0u)
      << message;
  EXPECT_NE(message.find("lecun_normal."), std::string::npos) << message;
  EXPECT_NE(error_of([] { init::get("ZEROS"); }).find("'ZEROS'"), std::string::npos);
}

TEST(Initializers, FromConfigAndSerialize) {
  nlohmann::json glorot = init::serialize("glorot_uniform");
  EXPECT_EQ(glorot, nlohmann::json::parse(R"({"class_name": "VarianceScaling",
      "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": null}})"));
  EXPECT_EQ(init::serialize("zeros"),
            nlohmann::json::parse(R"({"class_name": "Zeros", "config": {}})"));
  EXPECT_EQ(init::serialize("normal")["class_name"], "RandomNormal");
  EXPECT_EQ(init::serialize("he_normal")["config"]["scale"], 2.0);
  EXPECT_EQ(init::serialize("orthogonal")["config"]["gain"], 1.0);

  // A seeded config reproduces the named initializer with the same seed.
  nlohmann::json seeded = glorot;
  seeded["config"]["seed"] = 7;
  EXPECT_EQ(init::from_config(seeded)({5, 6}, DType::float64).to_vector<double>(),
            init::glorot_uniform(7)({5, 6}, DType::float64).to_vector<double>());
  // Every serialized name deserializes.
  for (const std::string name :
       {"zeros", "ones", "constant", "uniform", "normal", "truncated_normal", "variance_scaling",
        "orthogonal", "glorot_normal", "he_uniform", "lecun_normal"})
    EXPECT_EQ(init::from_config(init::serialize(name))({3, 3}, DType::float32).shape(),
              (Shape{3, 3}))
        << name;
  // Arguments are read.
  Tensor c = init::from_config(nlohmann::json::parse(
      R"({"class_name": "Constant", "config": {"value": 3}})"))({2}, DType::float64);
  EXPECT_EQ(c.to_vector<double>(), (std::vector<double>{3, 3}));
  Tensor u = init::from_config(nlohmann::json::parse(
      R"({"class_name": "RandomUniform", "config": {"minval": 10, "maxval": 11, "seed": null}})"))(
      {100}, DType::float64);
  EXPECT_GE(stats_of(u).min, 10.0);
  Tensor id = init::from_config(nlohmann::json::parse(
      R"({"class_name": "Identity", "config": {"gain": 3}})"))({2, 2}, DType::float64);
  EXPECT_EQ(id.to_vector<double>(), (std::vector<double>{3, 0, 0, 3}));
  // Keras 3's form and plain names (Keras 1 layer configs store "init": "glorot_uniform").
  EXPECT_EQ(
      init::from_config(nlohmann::json::parse(
          R"({"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": 3},
                    "registered_name": null})"))({4, 4}, DType::float64)
          .to_vector<double>(),
      init::glorot_uniform(3)({4, 4}, DType::float64).to_vector<double>());
  EXPECT_EQ(init::from_config("one")({2}, DType::float64).to_vector<double>(),
            (std::vector<double>{1, 1}));
  EXPECT_NE(error_of([] {
              init::from_config(nlohmann::json::parse(R"({"class_name": "Foo"})"));
            }).find("'Foo'"),
            std::string::npos);
  EXPECT_NE(error_of([] { init::from_config(nlohmann::json::parse("[1, 2]")); }).find("class_name"),
            std::string::npos);
}

TEST(Initializers, CustomInitializersByKey) {
  init::Initializer fives = [](const Shape& shape, DType dtype) {
    return init::constant(5.0)(shape, dtype);
  };
  std::string key = init::register_custom(fives, "fives");
  EXPECT_NE(key, init::register_custom(fives, "fives"));  // a fresh key per registration
  EXPECT_EQ(init::get(key)({2}, DType::float64).to_vector<double>(), (std::vector<double>{5, 5}));
  EXPECT_EQ(init::serialize(key), nlohmann::json("fives"));  // Keras writes a function's name
  EXPECT_EQ(init::deserialize_name(key), key);
  // The written name needs the function again to be read, as in Keras.
  EXPECT_NE(error_of([] { init::get("fives"); }).find("'fives'"), std::string::npos);
  EXPECT_NE(error_of([] { init::get("fives#custom999999"); }).find("Unknown initializer"),
            std::string::npos);
  EXPECT_THROW(init::register_custom(init::Initializer(), "empty"), std::invalid_argument);
}

TEST(Initializers, Keras1ModuleNameAlias) {
  keras::initializations::Initializer f = keras::initializations::get("glorot_uniform");
  EXPECT_EQ(f({2, 3}, DType::float32).shape(), (Shape{2, 3}));
}
