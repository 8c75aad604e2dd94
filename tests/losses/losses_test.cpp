// Losses against Keras 2.2.4's formulas evaluated by hand.
#include "keras/losses.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"

namespace K = keras::backend;
namespace losses = keras::losses;
using K::SymbolicTensor;
using keras::DType;
using keras::Shape;
using keras::Tensor;

namespace {

constexpr double kEps = 1e-7;
using Rows = std::vector<std::vector<double>>;

Tensor matrix(const Rows& rows, DType dtype = DType::float64) {
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  return Tensor::from_vector<double>(flat, {static_cast<std::int64_t>(rows.size()),
                                            static_cast<std::int64_t>(rows[0].size())})
      .astype(dtype);
}

// Runs loss(y_true, y_pred) on concrete arrays through a compiled function.
std::vector<double> evaluate(const losses::LossFunction& loss, const Tensor& y_true,
                             const Tensor& y_pred) {
  Shape true_shape = y_true.shape(), pred_shape = y_pred.shape();
  true_shape[0] = -1;
  pred_shape[0] = -1;
  SymbolicTensor t = K::placeholder(true_shape, y_true.dtype(), "y_true");
  SymbolicTensor p = K::placeholder(pred_shape, y_pred.dtype(), "y_pred");
  SymbolicTensor out = loss(t, p);
  K::Function f({t, p}, {out});
  Tensor result = f({y_true, y_pred})[0];
  EXPECT_EQ(result.shape(), Shape(y_pred.shape().begin(), y_pred.shape().end() - 1));
  return result.to_vector<double>();
}

// Applies a per-row reduction of (true row, pred row) by hand.
std::vector<double> by_hand(
    const Rows& t, const Rows& p,
    const std::function<double(const std::vector<double>&, const std::vector<double>&)>& f) {
  std::vector<double> out;
  for (std::size_t i = 0; i < t.size(); ++i) out.push_back(f(t[i], p[i]));
  return out;
}

void expect_close(const std::vector<double>& actual, const std::vector<double>& expected,
                  double tol = 1e-12) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], tol * std::max(1.0, std::abs(expected[i]))) << "row " << i;
}

double clip(double x, double lo, double hi) {
  return std::min(std::max(x, lo), hi);
}

// Regression-style values with negatives and a zero target.
const Rows kTrue = {{1.0, -2.0, 0.0, 3.5}, {0.5, 0.25, -1.0, 2.0}, {-3.0, 1.0, 1.0, 0.0}};
const Rows kPred = {{0.8, -1.0, 0.5, 3.0}, {0.0, 0.75, 1.5, -2.0}, {-2.0, 2.0, 0.9, 0.1}};
// Probabilities (rows not normalised on purpose, one exact zero) and one-hot / soft targets.
const Rows kProbTrue = {{0.0, 1.0, 0.0}, {0.2, 0.3, 0.5}, {1.0, 0.0, 0.0}};
const Rows kProbPred = {{0.2, 0.7, 0.1}, {0.1, 0.1, 0.6}, {0.0, 0.5, 0.5}};
// Hinge targets in {-1, 1}.
const Rows kSign = {{1, -1, 1, -1}, {-1, -1, 1, 1}, {1, 1, -1, 1}};

std::string error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument thrown";
  return "";
}

}  // namespace

TEST(Losses, MeanSquaredError) {
  auto expected = by_hand(kTrue, kPred, [](const auto& t, const auto& p) {
    double s = 0;
    for (std::size_t j = 0; j < t.size(); ++j) s += (p[j] - t[j]) * (p[j] - t[j]);
    return s / static_cast<double>(t.size());
  });
  expect_close(evaluate(losses::mean_squared_error, matrix(kTrue), matrix(kPred)), expected);
  expect_close(evaluate(losses::get("mse"), matrix(kTrue), matrix(kPred)), expected);
  expect_close(evaluate(losses::get("MSE"), matrix(kTrue), matrix(kPred)), expected);
}

TEST(Losses, MeanAbsoluteError) {
  auto expected = by_hand(kTrue, kPred, [](const auto& t, const auto& p) {
    double s = 0;
    for (std::size_t j = 0; j < t.size(); ++j) s += std::abs(p[j] - t[j]);
    return s / static_cast<double>(t.size());
  });
  expect_close(evaluate(losses::mean_absolute_error, matrix(kTrue), matrix(kPred)), expected);
  expect_close(evaluate(losses::get("mae"), matrix(kTrue), matrix(kPred)), expected);
}

TEST(Losses, MeanAbsolutePercentageError) {
  // The zero target is clipped to epsilon, as Keras.
  auto expected = by_hand(kTrue, kPred, [](const auto& t, const auto& p) {
    double s = 0;
    for (std::size_t j = 0; j < t.size(); ++j)
      s += std::abs((t[j] - p[j]) / std::max(std::abs(t[j]), kEps));
    return 100.0 * s / static_cast<double>(t.size());
  });
  expect_close(evaluate(losses::mean_absolute_percentage_error, matrix(kTrue), matrix(kPred)),
               expected);
  expect_close(evaluate(losses::get("mape"), matrix(kTrue), matrix(kPred)), expected);
}

TEST(Losses, MeanSquaredLogarithmicError) {
  auto expected = by_hand(kTrue, kPred, [](const auto& t, const auto& p) {
    double s = 0;
    for (std::size_t j = 0; j < t.size(); ++j) {
      double d = std::log(std::max(p[j], kEps) + 1.0) - std::log(std::max(t[j], kEps) + 1.0);
      s += d * d;
    }
    return s / static_cast<double>(t.size());
  });
  expect_close(evaluate(losses::mean_squared_logarithmic_error, matrix(kTrue), matrix(kPred)),
               expected);
  expect_close(evaluate(losses::get("msle"), matrix(kTrue), matrix(kPred)), expected);
}

TEST(Losses, Hinge) {
  auto expected = by_hand(kSign, kPred, [](const auto& t, const auto& p) {
    double s = 0;
    for (std::size_t j = 0; j < t.size(); ++j) s += std::max(1.0 - t[j] * p[j], 0.0);
    return s / static_cast<double>(t.size());
  });
  expect_close(evaluate(losses::hinge, matrix(kSign), matrix(kPred)), expected);
}

TEST(Losses, SquaredHinge) {
  auto expected = by_hand(kSign, kPred, [](const auto& t, const auto& p) {
    double s = 0;
    for (std::size_t j = 0; j < t.size(); ++j) s += std::pow(std::max(1.0 - t[j] * p[j], 0.0), 2);
    return s / static_cast<double>(t.size());
  });
  expect_close(evaluate(losses::squared_hinge, matrix(kSign), matrix(kPred)), expected);
}

TEST(Losses, CategoricalHinge) {
  const Rows t = {{0, 1, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}};
  auto expected = by_hand(t, kPred, [](const auto& tr, const auto& p) {
    double pos = 0, neg = -1e300;
    for (std::size_t j = 0; j < tr.size(); ++j) {
      pos += tr[j] * p[j];
      neg = std::max(neg, (1.0 - tr[j]) * p[j]);
    }
    return std::max(0.0, neg - pos + 1.0);
  });
  expect_close(evaluate(losses::categorical_hinge, matrix(t), matrix(kPred)), expected);
}

TEST(Losses, Logcosh) {
  auto expected = by_hand(kTrue, kPred, [](const auto& t, const auto& p) {
    double s = 0;
    for (std::size_t j = 0; j < t.size(); ++j) s += std::log(std::cosh(p[j] - t[j]));
    return s / static_cast<double>(t.size());
  });
  expect_close(evaluate(losses::logcosh, matrix(kTrue), matrix(kPred)), expected, 1e-12);
  // Large errors do not overflow: log(cosh(x)) ~ |x| - log 2.
  auto big = evaluate(losses::logcosh, matrix({{0.0}}), matrix({{1000.0}}));
  EXPECT_NEAR(big[0], 1000.0 - std::log(2.0), 1e-9);
}

TEST(Losses, CategoricalCrossentropyNormalisesAndClips) {
  auto expected = by_hand(kProbTrue, kProbPred, [](const auto& t, const auto& p) {
    double total = 0, loss = 0;
    for (double x : p) total += x;
    for (std::size_t j = 0; j < t.size(); ++j)
      loss -= t[j] * std::log(clip(p[j] / total, kEps, 1 - kEps));
    return loss;
  });
  expect_close(evaluate(losses::categorical_crossentropy, matrix(kProbTrue), matrix(kProbPred)),
               expected);
  // Row 2 puts all mass on a zero prediction: -log(1e-7).
  EXPECT_NEAR(expected[2], -std::log(kEps), 1e-9);
}

TEST(Losses, SparseCategoricalCrossentropyMatchesOneHot) {
  const Rows pred = {{0.2, 0.7, 0.1}, {0.1, 0.3, 0.6}, {0.5, 0.25, 0.25}, {0.05, 0.05, 0.9}};
  const std::vector<std::int64_t> ids = {1, 2, 0, 0};
  Rows one_hot;
  for (auto id : ids) {
    std::vector<double> row(3, 0.0);
    row[static_cast<std::size_t>(id)] = 1.0;
    one_hot.push_back(row);
  }
  auto expected = evaluate(losses::categorical_crossentropy, matrix(one_hot), matrix(pred));
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_NEAR(expected[i], -std::log(pred[i][static_cast<std::size_t>(ids[i])]), 1e-12);

  // (batch,) int64, (batch, 1) int32, (batch,) float64 and (batch, 1) float32 ids.
  expect_close(evaluate(losses::sparse_categorical_crossentropy,
                        Tensor::from_vector<std::int64_t>(ids), matrix(pred)),
               expected);
  expect_close(evaluate(losses::sparse_categorical_crossentropy,
                        Tensor::from_vector<std::int32_t>({1, 2, 0, 0}, {4, 1}), matrix(pred)),
               expected);
  expect_close(evaluate(losses::sparse_categorical_crossentropy,
                        Tensor::from_vector<double>({1, 2, 0, 0}), matrix(pred)),
               expected);
  expect_close(evaluate(losses::get("sparse_categorical_crossentropy"),
                        Tensor::from_vector<float>({1, 2, 0, 0}, {4, 1}), matrix(pred)),
               expected);
}

TEST(Losses, SparseCategoricalCrossentropyOnSequences) {
  // (batch, steps, classes) predictions with (batch, steps) ids.
  std::vector<double> p = {0.2, 0.8, 0.6, 0.4, 0.5, 0.5, 0.9, 0.1};
  Tensor pred = Tensor::from_vector<double>(p, {2, 2, 2});
  Tensor ids = Tensor::from_vector<double>({1, 0, 0, 1}, {2, 2});
  SymbolicTensor t = K::placeholder({-1, 2}, DType::float64);
  SymbolicTensor y = K::placeholder({-1, 2, 2}, DType::float64);
  K::Function f({t, y}, {losses::sparse_categorical_crossentropy(t, y)});
  Tensor out = f({ids, pred})[0];
  ASSERT_EQ(out.shape(), (Shape{2, 2}));
  EXPECT_NEAR(out(0, 0), -std::log(0.8), 1e-12);
  EXPECT_NEAR(out(0, 1), -std::log(0.6), 1e-12);
  EXPECT_NEAR(out(1, 0), -std::log(0.5), 1e-12);
  EXPECT_NEAR(out(1, 1), -std::log(0.1), 1e-12);
}

TEST(Losses, BinaryCrossentropy) {
  const Rows t = {{1, 0, 1}, {0, 0, 1}, {0.5, 1, 0}};
  const Rows p = {{0.9, 0.2, 1.0}, {0.0, 0.4, 0.6}, {0.5, 0.99, 0.01}};
  auto expected = by_hand(t, p, [](const auto& tr, const auto& pr) {
    double s = 0;
    for (std::size_t j = 0; j < tr.size(); ++j) {
      double q = clip(pr[j], kEps, 1 - kEps);
      s += -(tr[j] * std::log(q) + (1 - tr[j]) * std::log(1 - q));
    }
    return s / static_cast<double>(tr.size());
  });
  expect_close(evaluate(losses::binary_crossentropy, matrix(t), matrix(p)), expected, 1e-10);
}

TEST(Losses, KullbackLeiblerDivergence) {
  auto expected = by_hand(kProbTrue, kProbPred, [](const auto& t, const auto& p) {
    double s = 0;
    for (std::size_t j = 0; j < t.size(); ++j) {
      double a = clip(t[j], kEps, 1), b = clip(p[j], kEps, 1);
      s += a * std::log(a / b);
    }
    return s;
  });
  expect_close(evaluate(losses::kullback_leibler_divergence, matrix(kProbTrue), matrix(kProbPred)),
               expected);
  expect_close(evaluate(losses::get("kld"), matrix(kProbTrue), matrix(kProbPred)), expected);
  expect_close(evaluate(losses::get("KLD"), matrix(kProbTrue), matrix(kProbPred)), expected);
}

TEST(Losses, Poisson) {
  const Rows t = {{1, 0, 3}, {2, 2, 0}};
  const Rows p = {{0.5, 0.1, 2.5}, {1.0, 3.0, 0.0}};
  auto expected = by_hand(t, p, [](const auto& tr, const auto& pr) {
    double s = 0;
    for (std::size_t j = 0; j < tr.size(); ++j) s += pr[j] - tr[j] * std::log(pr[j] + kEps);
    return s / static_cast<double>(tr.size());
  });
  expect_close(evaluate(losses::poisson, matrix(t), matrix(p)), expected);
}

TEST(Losses, CosineProximity) {
  Rows t = kTrue, p = kPred;
  t.push_back({0, 0, 0, 0});  // a zero vector: l2_normalize's 1e-12 floor keeps it finite
  p.push_back({1, 2, 3, 4});
  auto expected = by_hand(t, p, [](const auto& a, const auto& b) {
    double na = 0, nb = 0, dot = 0;
    for (std::size_t j = 0; j < a.size(); ++j) {
      na += a[j] * a[j];
      nb += b[j] * b[j];
    }
    na = std::sqrt(std::max(na, 1e-12));
    nb = std::sqrt(std::max(nb, 1e-12));
    for (std::size_t j = 0; j < a.size(); ++j) dot += (a[j] / na) * (b[j] / nb);
    return -dot;
  });
  expect_close(evaluate(losses::cosine_proximity, matrix(t), matrix(p)), expected);
  expect_close(evaluate(losses::get("cosine"), matrix(t), matrix(p)), expected);
  EXPECT_EQ(expected.back(), 0.0);
}

TEST(Losses, TargetsAreCastToThePredictionDtype) {
  auto mixed = evaluate(losses::mean_squared_error, matrix(kTrue, DType::float32), matrix(kPred));
  auto same = evaluate(losses::mean_squared_error, matrix(kTrue), matrix(kPred));
  expect_close(mixed, same, 1e-6);
}

TEST(Losses, Float32Works) {
  auto f32 = evaluate(losses::categorical_crossentropy, matrix(kProbTrue, DType::float32),
                      matrix(kProbPred, DType::float32));
  auto f64 = evaluate(losses::categorical_crossentropy, matrix(kProbTrue), matrix(kProbPred));
  expect_close(f32, f64, 1e-5);
}

TEST(Losses, EveryLossIsDifferentiable) {
  // The training step differentiates mean(loss) with respect to the weights behind y_pred.
  for (const std::string& name : losses::names()) {
    SymbolicTensor w = K::variable(matrix({{0.3, 0.5, 0.2}, {0.1, 0.6, 0.3}}), "w");
    SymbolicTensor t = K::constant(matrix({{0, 1, 0}, {1, 0, 0}}));
    if (name == "sparse_categorical_crossentropy")
      t = K::constant(Tensor::from_vector<double>({1, 0}));
    SymbolicTensor loss = K::mean(losses::get(name)(t, w * 1.0));
    std::vector<SymbolicTensor> grads = K::gradients(loss, {w});
    K::Function f({}, {loss, grads[0]});
    auto r = f({});
    EXPECT_TRUE(std::isfinite(r[0].item())) << name;
    for (double g : r[1].to_vector<double>()) EXPECT_TRUE(std::isfinite(g)) << name;
  }
}

TEST(Losses, MeanSquaredErrorGradient) {
  SymbolicTensor w = K::variable(matrix({{1.0, 2.0}, {3.0, 5.0}}), "w");
  SymbolicTensor t = K::constant(matrix({{0.0, 1.0}, {1.0, 1.0}}));
  SymbolicTensor loss = K::mean(losses::mean_squared_error(t, w));
  K::Function f({}, {K::gradients(loss, {w})[0]});
  // d/dw mean_rows(mean_cols((w - t)^2)) = 2 (w - t) / 4.
  EXPECT_EQ(f({})[0].to_vector<double>(), (std::vector<double>{0.5, 0.5, 1.0, 2.0}));
}

TEST(Losses, NamesAndAliases) {
  EXPECT_EQ(losses::canonical_name("mse"), "mean_squared_error");
  EXPECT_EQ(losses::canonical_name("MAE"), "mean_absolute_error");
  EXPECT_EQ(losses::canonical_name("mape"), "mean_absolute_percentage_error");
  EXPECT_EQ(losses::canonical_name("msle"), "mean_squared_logarithmic_error");
  EXPECT_EQ(losses::canonical_name("kld"), "kullback_leibler_divergence");
  EXPECT_EQ(losses::canonical_name("cosine"), "cosine_proximity");
  EXPECT_EQ(losses::canonical_name("hinge"), "hinge");
  std::vector<std::string> names = losses::names();
  EXPECT_EQ(names.size(), 25u);
  for (const auto& n : names) EXPECT_TRUE(static_cast<bool>(losses::get(n))) << n;
  // Keras 1's module name.
  keras::objectives::LossFunction f = keras::objectives::get("binary_crossentropy");
  EXPECT_TRUE(static_cast<bool>(f));
}

TEST(Losses, UnknownNameListsTheValidOnes) {
  std::string message = error_of([] { losses::get("mean_square_error"); });
  EXPECT_EQ(
      message.rfind(
          "Unknown loss function: 'mean_square_error'. Valid losses are: mean_squared_error, ", 0),
      0u)
      << message;
  EXPECT_NE(message.find("sparse_categorical_crossentropy"), std::string::npos);
  EXPECT_NE(message.find("cosine."), std::string::npos) << message;
  EXPECT_NE(error_of([] { losses::canonical_name("nope"); }).find("Unknown loss function: 'nope'"),
            std::string::npos);
}
