// Metrics against Keras 2.2.4's formulas evaluated by hand, and the accuracy resolution rule.
#include "keras/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"

namespace K = keras::backend;
namespace metrics = keras::metrics;
using K::SymbolicTensor;
using keras::DType;
using keras::Shape;
using keras::Tensor;

namespace {

using Rows = std::vector<std::vector<double>>;

Tensor matrix(const Rows& rows, DType dtype = DType::float64) {
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  return Tensor::from_vector<double>(flat, {static_cast<std::int64_t>(rows.size()),
                                            static_cast<std::int64_t>(rows[0].size())})
      .astype(dtype);
}

Tensor evaluate_tensor(const metrics::MetricFunction& metric, const Tensor& y_true,
                       const Tensor& y_pred) {
  Shape true_shape = y_true.shape(), pred_shape = y_pred.shape();
  true_shape[0] = -1;
  pred_shape[0] = -1;
  SymbolicTensor t = K::placeholder(true_shape, y_true.dtype(), "y_true");
  SymbolicTensor p = K::placeholder(pred_shape, y_pred.dtype(), "y_pred");
  K::Function f({t, p}, {metric(t, p)});
  return f({y_true, y_pred})[0];
}

std::vector<double> evaluate(const metrics::MetricFunction& metric, const Tensor& y_true,
                             const Tensor& y_pred) {
  Tensor r = evaluate_tensor(metric, y_true, y_pred);
  EXPECT_EQ(r.shape(), Shape{y_pred.shape()[0]});
  EXPECT_EQ(r.dtype(), y_pred.dtype());
  return r.to_vector<double>();
}

std::size_t argmax(const std::vector<double>& row) {
  return static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
}

// TF's in_top_k: fewer than k entries strictly greater than the target's.
double in_top_k(const std::vector<double>& row, std::size_t target, int k) {
  int greater = 0;
  for (double x : row) greater += x > row[target];
  return greater < k ? 1.0 : 0.0;
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

const Rows kScores = {{0.1, 0.5, 0.2, 0.2},
                      {0.3, 0.3, 0.2, 0.2},
                      {0.05, 0.15, 0.4, 0.4},
                      {0.7, 0.1, 0.1, 0.1},
                      {0.25, 0.2, 0.3, 0.25}};
const std::vector<std::size_t> kClasses = {1, 2, 3, 1, 0};

Rows one_hot(const std::vector<std::size_t>& classes, std::size_t n) {
  Rows out;
  for (auto c : classes) {
    std::vector<double> row(n, 0.0);
    row[c] = 1.0;
    out.push_back(row);
  }
  return out;
}

}  // namespace

TEST(Metrics, BinaryAccuracyRoundsHalfToEven) {
  const Rows t = {{1, 0, 1, 0}, {0, 0, 2, 2}, {1, 1, -2, 0}};
  const Rows p = {{0.9, 0.5, 0.51, 0.49}, {0.5, -0.4, 2.5, 1.5}, {1.5, 0.7, -2.5, -0.5}};
  ASSERT_EQ(std::fegetround(), FE_TONEAREST);
  std::vector<double> expected;
  for (std::size_t i = 0; i < t.size(); ++i) {
    double hits = 0;
    for (std::size_t j = 0; j < t[i].size(); ++j) hits += t[i][j] == std::nearbyint(p[i][j]);
    expected.push_back(hits / 4.0);
  }
  EXPECT_EQ(evaluate(metrics::binary_accuracy, matrix(t), matrix(p)), expected);
  EXPECT_EQ(expected, (std::vector<double>{1.0, 1.0, 0.75}));
  // Single-column outputs, the usual binary classifier.
  EXPECT_EQ(
      evaluate(metrics::binary_accuracy, matrix({{1}, {0}, {1}}), matrix({{0.7}, {0.2}, {0.3}})),
      (std::vector<double>{1, 1, 0}));
  // float32: large values pass through unrounded.
  EXPECT_EQ(evaluate(metrics::binary_accuracy, matrix({{8388609.0, 1.0}}, DType::float32),
                     matrix({{8388609.0, 0.5}}, DType::float32)),
            (std::vector<double>{0.5}));
}

TEST(Metrics, CategoricalAccuracy) {
  Rows t = one_hot(kClasses, 4);
  std::vector<double> expected;
  for (std::size_t i = 0; i < t.size(); ++i)
    expected.push_back(argmax(t[i]) == argmax(kScores[i]) ? 1 : 0);
  EXPECT_EQ(evaluate(metrics::categorical_accuracy, matrix(t), matrix(kScores)), expected);
  EXPECT_EQ(expected, (std::vector<double>{1, 0, 0, 0, 0}));
  EXPECT_EQ(evaluate(metrics::categorical_accuracy, matrix(t, DType::float32),
                     matrix(kScores, DType::float32)),
            expected);
}

TEST(Metrics, SparseCategoricalAccuracy) {
  std::vector<double> expected;
  for (std::size_t i = 0; i < kScores.size(); ++i)
    expected.push_back(kClasses[i] == argmax(kScores[i]) ? 1 : 0);
  std::vector<double> ids(kClasses.begin(), kClasses.end());
  EXPECT_EQ(evaluate(metrics::sparse_categorical_accuracy, Tensor::from_vector<double>(ids),
                     matrix(kScores)),
            expected);
  EXPECT_EQ(evaluate(metrics::sparse_categorical_accuracy, Tensor::from_vector<double>(ids, {5, 1}),
                     matrix(kScores)),
            expected);
  EXPECT_EQ(evaluate(metrics::sparse_categorical_accuracy,
                     Tensor::from_vector<std::int64_t>({1, 2, 3, 1, 0}, {5, 1}),
                     matrix(kScores, DType::float32)),
            expected);
  EXPECT_EQ(evaluate(metrics::sparse_categorical_accuracy,
                     Tensor::from_vector<std::int32_t>({1, 2, 3, 1, 0}), matrix(kScores)),
            expected);
  // A fractional float label never matches.
  EXPECT_EQ(evaluate(metrics::sparse_categorical_accuracy, Tensor::from_vector<double>({1.5}, {1}),
                     matrix({{0, 1, 0}})),
            (std::vector<double>{0}));
}

TEST(Metrics, TopKCategoricalAccuracyWithTies) {
  Rows t = one_hot(kClasses, 4);
  for (int k : {1, 2, 3, 4}) {
    std::vector<double> expected;
    for (std::size_t i = 0; i < t.size(); ++i)
      expected.push_back(in_top_k(kScores[i], kClasses[i], k));
    auto fn = [k](const SymbolicTensor& a, const SymbolicTensor& b) {
      return metrics::top_k_categorical_accuracy(a, b, k);
    };
    EXPECT_EQ(evaluate(fn, matrix(t), matrix(kScores)), expected) << "k = " << k;
  }
  // Row 2 ties classes 2 and 3 at the top: both count for k = 1 (TF's rule).
  auto k1 = [](const SymbolicTensor& a, const SymbolicTensor& b) {
    return metrics::top_k_categorical_accuracy(a, b, 1);
  };
  EXPECT_EQ(evaluate(k1, matrix(t), matrix(kScores))[2], 1.0);
  // k defaults to 5: everything is in the top 5 of 4 classes.
  EXPECT_EQ(evaluate(metrics::get("top_k_categorical_accuracy"), matrix(t), matrix(kScores)),
            (std::vector<double>(5, 1.0)));
}

TEST(Metrics, SparseTopKCategoricalAccuracy) {
  std::vector<double> ids(kClasses.begin(), kClasses.end());
  for (int k : {1, 2, 3}) {
    std::vector<double> expected;
    for (std::size_t i = 0; i < kScores.size(); ++i)
      expected.push_back(in_top_k(kScores[i], kClasses[i], k));
    auto fn = [k](const SymbolicTensor& a, const SymbolicTensor& b) {
      return metrics::sparse_top_k_categorical_accuracy(a, b, k);
    };
    EXPECT_EQ(evaluate(fn, Tensor::from_vector<double>(ids, {5, 1}), matrix(kScores)), expected)
        << "k = " << k;
    EXPECT_EQ(evaluate(fn, Tensor::from_vector<std::int64_t>({1, 2, 3, 1, 0}),
                       matrix(kScores, DType::float32)),
              expected)
        << "k = " << k;
  }
  EXPECT_NE(error_of([] {
              SymbolicTensor t = K::placeholder({-1}, DType::float64);
              SymbolicTensor p = K::placeholder({-1, 2, 3}, DType::float64);
              metrics::sparse_top_k_categorical_accuracy(t, p);
            }).find("2D predictions"),
            std::string::npos);
}

TEST(Metrics, LossesWorkAsMetrics) {
  Rows t = {{1, 2}, {3, 4}}, p = {{1.5, 2}, {2, 4}};
  EXPECT_EQ(evaluate(metrics::get("mse"), matrix(t), matrix(p)), (std::vector<double>{0.125, 0.5}));
  EXPECT_EQ(evaluate(metrics::get("mean_absolute_error"), matrix(t), matrix(p)),
            (std::vector<double>{0.25, 0.5}));
  EXPECT_EQ(metrics::canonical_name("mse"), "mean_squared_error");
  EXPECT_EQ(metrics::canonical_name("mae"), "mean_absolute_error");
  EXPECT_EQ(metrics::canonical_name("categorical_accuracy"), "categorical_accuracy");
  EXPECT_EQ(metrics::canonical_name("cosine"), "cosine_proximity");
  std::vector<std::string> names = metrics::names();
  EXPECT_EQ(names.size(), 5u + keras::losses::names().size());
  for (const auto& n : names) EXPECT_TRUE(static_cast<bool>(metrics::get(n))) << n;
}

TEST(Metrics, UnknownNameListsTheValidOnes) {
  std::string message = error_of([] { metrics::get("acuracy"); });
  EXPECT_EQ(message.rfind(
                "Unknown metric function: 'acuracy'. Valid metrics are: binary_accuracy, "
                "categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy, "
                "sparse_top_k_categorical_accuracy, mean_squared_error, ",
                0),
            0u)
      << message;
  EXPECT_NE(message.find("'accuracy'/'acc'"), std::string::npos);
  // "accuracy" itself depends on the loss: get() does not guess.
  EXPECT_NE(error_of([] { metrics::get("accuracy"); }).find("Unknown metric function"),
            std::string::npos);
}

TEST(ResolveAccuracy, FollowsKeras224) {
  // Data on which the accuracies disagree: binary gives (0.5, 0), categorical (1, 0).
  Tensor t_onehot = matrix({{0, 1}, {1, 0}});
  Tensor p = matrix({{0.4, 0.45}, {0.2, 0.8}});
  auto which = [&](const metrics::MetricFunction& fn) {
    auto binary = evaluate(metrics::binary_accuracy, t_onehot, p);
    auto categorical = evaluate(metrics::categorical_accuracy, t_onehot, p);
    auto got = evaluate(fn, t_onehot, p);
    if (got == binary) return std::string("binary");
    if (got == categorical) return std::string("categorical");
    return std::string("other");
  };
  auto [key1, fn1] = metrics::resolve_accuracy("accuracy", "binary_crossentropy", {-1, 2});
  EXPECT_EQ(key1, "acc");
  EXPECT_EQ(which(fn1), "binary");
  auto [key2, fn2] = metrics::resolve_accuracy("acc", "categorical_crossentropy", {-1, 2});
  EXPECT_EQ(key2, "acc");
  EXPECT_EQ(which(fn2), "categorical");
  auto [key3, fn3] = metrics::resolve_accuracy("acc", "mse", {-1, 2});
  EXPECT_EQ(key3, "acc");
  EXPECT_EQ(which(fn3), "categorical");
  auto [key4, fn4] = metrics::resolve_accuracy("accuracy", "", {-1, 2});  // a custom loss
  EXPECT_EQ(which(fn4), "categorical");

  // A single output unit means binary whatever the loss.
  auto [key5, fn5] = metrics::resolve_accuracy("accuracy", "mean_squared_error", {-1, 1});
  EXPECT_EQ(key5, "acc");
  EXPECT_EQ(evaluate(fn5, matrix({{1}, {0}}), matrix({{0.6}, {0.6}})), (std::vector<double>{1, 0}));

  // Sparse targets with sparse_categorical_crossentropy.
  auto [key6, fn6] =
      metrics::resolve_accuracy("accuracy", "sparse_categorical_crossentropy", {-1, 2});
  EXPECT_EQ(key6, "acc");
  EXPECT_EQ(evaluate(fn6, Tensor::from_vector<double>({1, 1}), p), (std::vector<double>{1, 1}));

  // The crossentropy counterparts, keyed "ce".
  auto [key7, fn7] = metrics::resolve_accuracy("crossentropy", "binary_crossentropy", {-1, 2});
  EXPECT_EQ(key7, "ce");
  auto bce = evaluate(keras::losses::binary_crossentropy, t_onehot, p);
  EXPECT_EQ(evaluate(fn7, t_onehot, p), bce);
  auto [key8, fn8] = metrics::resolve_accuracy("ce", "categorical_crossentropy", {-1, 2});
  EXPECT_EQ(key8, "ce");
  EXPECT_EQ(evaluate(fn8, t_onehot, p),
            evaluate(keras::losses::categorical_crossentropy, t_onehot, p));

  EXPECT_NE(error_of([] {
              metrics::resolve_accuracy("precision", "mse", {-1, 2});
            }).find("'precision'"),
            std::string::npos);
}
