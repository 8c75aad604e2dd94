// Keras 2.2.4's backend functions added to K::, against values computed by hand from Keras's
// documented semantics (TensorFlow's where Keras delegates to it). Gradients are checked by the op
// cases (tests/testing/op_cases_keras_backend.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "testing/tensor_utils.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::Shape;
using keras::Tensor;
using keras::backend::SymbolicTensor;
using keras::testing::all_close;
using keras::testing::values_of;

Tensor floats(std::vector<float> values, Shape shape) {
  return Tensor::from_vector(values, std::move(shape));
}

SymbolicTensor c(std::vector<float> values, Shape shape) {
  return K::constant(floats(std::move(values), std::move(shape)));
}

std::vector<double> values_at_run(const SymbolicTensor& x) {
  return values_of(K::eval(x));
}

// Runs f on both backends and checks they agree; returns the reference result.
std::vector<double> run_with(const std::string& backend, const SymbolicTensor& x) {
  const std::string previous = K::backend();
  K::set_backend(backend);
  std::vector<double> result = values_at_run(x);
  K::set_backend(previous);
  return result;
}

TEST(KerasBackendFunctions, ReluPropagatesNaNOnBothBackends) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  SymbolicTensor x = c({nan, -1, 2}, {3});
  for (const char* backend : {"reference", "cpu"}) {
    for (SymbolicTensor y : {K::relu(x), K::relu(x, 0.1), K::relu(x, 0.0, 1.5)}) {
      std::vector<double> v = run_with(backend, y * 1.0);  // * 1: a fused group on cpu
      EXPECT_TRUE(std::isnan(v[0])) << backend;
    }
    // Dense + relu: the cpu compiler's FusedDense.
    SymbolicTensor w = c({1, 1}, {1, 2});
    std::vector<double> dense = run_with(backend, K::relu(K::dot(c({nan}, {1, 1}), w)));
    EXPECT_TRUE(std::isnan(dense[0]) && std::isnan(dense[1])) << backend;
  }
  EXPECT_EQ(values_at_run(K::relu(c({-1, 3}, {2}), 0.0, 2.0)), (std::vector<double>{0, 2}));
}

TEST(KerasBackendFunctions, LearningPhaseFixedChoosesTheBranchWhenBuilt) {
  SymbolicTensor x = c({1}, {1}), alt = c({2}, {1});
  K::set_learning_phase(1);
  EXPECT_TRUE(K::in_train_phase(x, alt) == x);
  EXPECT_TRUE(K::in_test_phase(x, alt) == alt);
  EXPECT_EQ(K::fixed_learning_phase(), 1);
  K::set_learning_phase(0);
  EXPECT_TRUE(K::in_train_phase(x, alt) == alt);
  K::clear_learning_phase();
  EXPECT_FALSE(K::fixed_learning_phase().has_value());
  EXPECT_EQ(values_at_run(K::in_train_phase(x, alt)),
            (std::vector<double>{2}));  // eval: test phase
  EXPECT_THROW(K::set_learning_phase(2), std::invalid_argument);
}

TEST(KerasBackendFunctions, ElementwiseMath) {
  EXPECT_EQ(values_at_run(K::round(c({0.5f, 1.5f, 2.5f, -0.5f, -1.7f}, {5}))),
            (std::vector<double>{0, 2, 2, -0, -2}));  // half to even, as TensorFlow
  EXPECT_NEAR(values_at_run(K::sin(c({1}, {1})))[0], std::sin(1.0), 1e-6);
  EXPECT_NEAR(values_at_run(K::cos(c({1}, {1})))[0], std::cos(1.0), 1e-6);
  SymbolicTensor x = K::variable(floats({3}, {1}));
  std::vector<SymbolicTensor> g = K::gradients(K::sum(K::stop_gradient(x) * x), {x});
  EXPECT_EQ(values_at_run(g[0]),
            (std::vector<double>{3}));  // only the second factor differentiates
}

TEST(KerasBackendFunctions, ElementwiseSwitchBroadcastsALowerRankCondition) {
  SymbolicTensor cond = c({1, 0}, {2});
  SymbolicTensor a = c({1, 2, 3, 4}, {2, 2}), b = c({-1, -2, -3, -4}, {2, 2});
  EXPECT_EQ(values_at_run(K::switch_(cond, a, b)), (std::vector<double>{1, 2, -3, -4}));
  EXPECT_THROW(K::switch_(c({1, 0, 1, 0, 1, 1, 1, 1}, {2, 2, 2}), a, b), std::invalid_argument);
}

TEST(KerasBackendFunctions, Reductions) {
  SymbolicTensor x = c({1, 2, 3, 4, 5, 6}, {2, 3});
  std::vector<double> lse = values_at_run(K::logsumexp(x, {1}));
  EXPECT_NEAR(lse[0], std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)), 1e-5);
  EXPECT_NEAR(lse[1], std::log(std::exp(4.0) + std::exp(5.0) + std::exp(6.0)), 1e-5);
  EXPECT_EQ(K::int_shape(K::logsumexp(x, {1}, true)), (Shape{2, 1}));
  EXPECT_NEAR(values_at_run(K::logsumexp(c({1000, 1000}, {2})))[0], 1000 + std::log(2.0), 1e-3);
  SymbolicTensor z = c({0, 0, 1, 2, 3, 0}, {2, 3});
  EXPECT_EQ(values_at_run(K::any(z, {1})), (std::vector<double>{1, 1}));
  EXPECT_EQ(values_at_run(K::all(z, {1})), (std::vector<double>{0, 0}));
  EXPECT_EQ(values_at_run(K::all(z, {0})), (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(values_at_run(K::any(c({0, 0}, {2}))), (std::vector<double>{0}));
  EXPECT_EQ(values_at_run(K::cumsum(x, 1)), (std::vector<double>{1, 3, 6, 4, 9, 15}));
  EXPECT_EQ(values_at_run(K::cumsum(x)), (std::vector<double>{1, 2, 3, 5, 7, 9}));
  EXPECT_EQ(values_at_run(K::cumprod(x, -1)), (std::vector<double>{1, 2, 6, 4, 20, 120}));
  EXPECT_THROW(K::cumsum(x, 2), std::invalid_argument);
}

TEST(KerasBackendFunctions, SoftmaxAlongAnAxis) {
  SymbolicTensor x = c({1, 2, 3, 5}, {2, 2});
  std::vector<double> y = values_at_run(K::softmax(x, 0));
  const double e = 1.0 / (1.0 + std::exp(2.0));
  EXPECT_NEAR(y[0], e, 1e-6);  // column 0: exp(1) / (exp(1) + exp(3))
  EXPECT_NEAR(y[2], 1 - e, 1e-6);
  EXPECT_NEAR(y[1], 1.0 / (1.0 + std::exp(3.0)), 1e-6);
}

TEST(KerasBackendFunctions, LeavesAndUpdates) {
  EXPECT_EQ(values_of(K::get_value(K::eye(2, 3))), (std::vector<double>{1, 0, 0, 0, 1, 0}));
  EXPECT_EQ(values_at_run(K::arange(5)), (std::vector<double>{0, 1, 2, 3, 4}));
  EXPECT_EQ(K::dtype(K::arange(5)), DType::int32);
  EXPECT_EQ(values_at_run(K::arange(1, 2, 0.25, DType::float32)),
            (std::vector<double>{1, 1.25, 1.5, 1.75}));
  EXPECT_EQ(values_at_run(K::arange(3, 0, -1)), (std::vector<double>{3, 2, 1}));
  // zeros_like / ones_like follow a run-time batch.
  SymbolicTensor x = K::placeholder({-1, 2});
  K::Function f({x}, {K::ones_like(x), K::zeros_like(x, DType::int32)});
  auto out = f({Tensor::full({3, 2}, 7.0)});
  EXPECT_EQ(out[0].shape(), (Shape{3, 2}));
  EXPECT_EQ(values_of(out[0]), std::vector<double>(6, 1.0));
  EXPECT_EQ(out[1].dtype(), DType::int32);
  SymbolicTensor u = K::random_uniform_variable({200}, -1, 3, DType::float32, 5);
  for (double v : values_of(K::get_value(u))) EXPECT_TRUE(v >= -1 && v < 3);
  // Updates: all read the values from before the run.
  SymbolicTensor v = K::variable(floats({1, 2}, {2}));
  SymbolicTensor m = K::variable(floats({10, 10}, {2}));
  K::Function step({}, {}, {K::update_add(v, c({1, 1}, {2})), K::moving_average_update(m, v, 0.9)});
  step({});
  EXPECT_EQ(values_of(K::get_value(v)), (std::vector<double>{2, 3}));
  EXPECT_TRUE(all_close(K::get_value(m), floats({9.1f, 9.2f}, {2}), 1e-6, 1e-6));
  EXPECT_THROW(K::update(c({1}, {1}), c({2}, {1})), std::invalid_argument);
}

TEST(KerasBackendFunctions, RandomTensorsDrawAtEveryRun) {
  SymbolicTensor u = K::random_uniform({2000}, 2.0, 4.0, DType::float64, 3);
  K::Function f({}, {u});
  std::vector<double> a = values_of(f({})[0]), b = values_of(f({})[0]);
  EXPECT_NE(a, b);
  double mean = 0;
  for (double v : a) {
    EXPECT_TRUE(v >= 2 && v < 4);
    mean += v / 2000;
  }
  EXPECT_NEAR(mean, 3.0, 0.1);
  for (double v : values_at_run(K::truncated_normal({2000}, 1.0, 0.5, DType::float32, 4)))
    EXPECT_TRUE(v >= 0.0 - 1e-6 && v <= 2.0 + 1e-6);
  double ones = 0;
  for (double v : values_at_run(K::random_binomial({4000}, 0.25, DType::float32, 6))) {
    EXPECT_TRUE(v == 0 || v == 1);
    ones += v;
  }
  EXPECT_NEAR(ones / 4000, 0.25, 0.04);
  EXPECT_THROW(K::random_uniform({-1, 2}), std::invalid_argument);
}

TEST(KerasBackendFunctions, TileRepeatStackReverse) {
  SymbolicTensor x = c({1, 2, 3, 4}, {2, 2});
  EXPECT_EQ(values_at_run(K::tile(x, {1, 2})), (std::vector<double>{1, 2, 1, 2, 3, 4, 3, 4}));
  EXPECT_EQ(K::int_shape(K::tile(x, {2, 3})), (Shape{4, 6}));
  EXPECT_EQ(values_at_run(K::repeat_elements(x, 2, 0)),
            (std::vector<double>{1, 2, 1, 2, 3, 4, 3, 4}));
  EXPECT_EQ(values_at_run(K::repeat_elements(x, 2, 1)),
            (std::vector<double>{1, 1, 2, 2, 3, 3, 4, 4}));
  EXPECT_EQ(K::int_shape(K::repeat(K::placeholder({-1, 3}), 4)), (Shape{-1, 4, 3}));
  EXPECT_EQ(values_at_run(K::repeat(x, 2)), (std::vector<double>{1, 2, 1, 2, 3, 4, 3, 4}));
  SymbolicTensor s = K::stack({c({1, 2}, {2}), c({3, 4}, {2})}, 1);
  EXPECT_EQ(K::int_shape(s), (Shape{2, 2}));
  EXPECT_EQ(values_at_run(s), (std::vector<double>{1, 3, 2, 4}));
  auto parts = K::unstack(x, 1);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(values_at_run(parts[1]), (std::vector<double>{2, 4}));
  EXPECT_EQ(values_at_run(K::reverse(x, {0, 1})), (std::vector<double>{4, 3, 2, 1}));
  EXPECT_THROW(K::tile(x, {2}), std::invalid_argument);
  // repeat_elements with several sizes known only at run time (batch and time)
  SymbolicTensor p = K::placeholder({-1, -1, 2});
  SymbolicTensor r = K::repeat_elements(p, 3, 1);
  EXPECT_EQ(K::int_shape(r), (Shape{-1, -1, 2}));
  K::Function f({p}, {r});
  EXPECT_EQ(values_of(f({floats({1, 2, 3, 4}, {1, 2, 2})})[0]),
            (std::vector<double>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
}

TEST(KerasBackendFunctions, SlicesAndStridedSlices) {
  SymbolicTensor x = c({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
  EXPECT_EQ(values_at_run(K::slice(x, {1, 1}, {2, -1})), (std::vector<double>{5, 6, 7, 9, 10, 11}));
  const std::int64_t end = std::numeric_limits<std::int64_t>::max();
  // x[::2, 3:0:-1]
  EXPECT_EQ(values_at_run(K::strided_slice(x, {0, 3}, {end, 0}, {2, -1})),
            (std::vector<double>{3, 2, 1, 11, 10, 9}));
  // x[:, ::-1] on an unknown batch.
  SymbolicTensor p = K::placeholder({-1, 3});
  SymbolicTensor r = K::strided_slice(p, {0, 2}, {end, -1}, {1, -1});
  EXPECT_EQ(K::int_shape(r), (Shape{-1, 3}));
  K::Function f({p}, {r});
  EXPECT_EQ(values_of(f({floats({1, 2, 3, 4, 5, 6}, {2, 3})})[0]),
            (std::vector<double>{3, 2, 1, 6, 5, 4}));
  // An unknown axis sliced by bounds from its start or its end: p[1:2], p[-2:], p[1:-1, 1:].
  SymbolicTensor row = K::strided_slice(p, {1, 0}, {2, end}, {1, 1});
  SymbolicTensor tail = K::strided_slice(p, {-2, 0}, {end, end}, {1, 1});
  SymbolicTensor middle = K::strided_slice(p, {1, 1}, {-1, end}, {1, 1});
  EXPECT_EQ(K::int_shape(row), (Shape{1, 3}));
  EXPECT_EQ(K::int_shape(tail), (Shape{2, 3}));
  EXPECT_EQ(K::int_shape(middle), (Shape{-1, 2}));
  K::Function g({p}, {row, tail, middle});
  auto parts = g({floats({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {4, 3})});
  EXPECT_EQ(values_of(parts[0]), (std::vector<double>{4, 5, 6}));
  EXPECT_EQ(values_of(parts[1]), (std::vector<double>{7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(values_of(parts[2]), (std::vector<double>{5, 6, 8, 9}));
  // From a bound to its end (p[1:], p[1:, 1:]; Keras's slice with size -1), values and gradients
  // as numpy's, checked against the size at run time.
  SymbolicTensor rest = K::strided_slice(p, {1, 1}, {end, end}, {1, 1});
  SymbolicTensor rest_by_size = K::slice(p, {2, 0}, {-1, 2});
  EXPECT_EQ(K::int_shape(rest), (Shape{-1, 2}));
  EXPECT_EQ(K::int_shape(rest_by_size), (Shape{-1, 2}));
  SymbolicTensor grad = K::gradients(K::sum(rest * rest), {p})[0];
  K::Function h({p}, {rest, rest_by_size, grad});
  auto to_end = h({floats({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {4, 3})});
  EXPECT_EQ(values_of(to_end[0]), (std::vector<double>{5, 6, 8, 9, 11, 12}));
  EXPECT_EQ(values_of(to_end[1]), (std::vector<double>{7, 8, 10, 11}));
  EXPECT_EQ(values_of(to_end[2]), (std::vector<double>{0, 0, 0, 0, 10, 12, 0, 16, 18, 0, 22, 24}));
  K::Function past_the_end({p}, {K::strided_slice(p, {5, 0}, {end, end}, {1, 1})});
  try {
    past_the_end({floats({1, 2, 3, 4, 5, 6}, {2, 3})});
    ADD_FAILURE() << "p[5:] of 2 rows ran";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("[5, end of axis) is out of bounds"), std::string::npos)
        << e.what();
  }
  // Other steps on the unknown axis, bounds as written (end: omitted), resolved per size:
  // p[::2], p[-1::-2, 1:], with the gradient of the second.
  SymbolicTensor even = K::strided_slice(p, {end, 0}, {end, end}, {2, 1});
  SymbolicTensor odd_back = K::strided_slice(p, {-1, 1}, {end, end}, {-2, 1});
  EXPECT_EQ(K::int_shape(even), (Shape{-1, 3}));
  EXPECT_EQ(K::int_shape(odd_back), (Shape{-1, 2}));
  SymbolicTensor odd_grad = K::gradients(K::sum(odd_back * odd_back), {p})[0];
  K::Function stepped({p}, {even, odd_back, odd_grad});
  auto five = stepped({floats({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {5, 3})});
  EXPECT_EQ(values_of(five[0]), (std::vector<double>{1, 2, 3, 7, 8, 9, 13, 14, 15}));
  EXPECT_EQ(values_of(five[1]), (std::vector<double>{14, 15, 8, 9, 2, 3}));
  EXPECT_EQ(values_of(five[2]),
            (std::vector<double>{0, 4, 6, 0, 0, 0, 0, 16, 18, 0, 0, 0, 0, 28, 30}));
  auto two = stepped({floats({1, 2, 3, 4, 5, 6}, {2, 3})});  // another size, another trace
  EXPECT_EQ(values_of(two[0]), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(values_of(two[1]), (std::vector<double>{5, 6}));
  EXPECT_THROW(K::strided_slice(x, {0, 0}, {end, end}, {1, 0}), std::invalid_argument);
}

TEST(KerasBackendFunctions, PaddingAndResizing) {
  SymbolicTensor x = c({1, 2, 3, 4}, {1, 2, 2, 1});
  EXPECT_EQ(K::int_shape(K::temporal_padding(c({1, 2}, {1, 2, 1}), {1, 2})), (Shape{1, 5, 1}));
  EXPECT_EQ(K::int_shape(K::spatial_2d_padding(x, {{1, 0}, {0, 2}})), (Shape{1, 3, 4, 1}));
  EXPECT_EQ(K::int_shape(K::spatial_2d_padding(K::placeholder({-1, 1, 2, 2}), {{1, 1}, {2, 2}},
                                               "channels_first")),
            (Shape{-1, 1, 4, 6}));
  EXPECT_EQ(K::int_shape(K::spatial_3d_padding(K::placeholder({-1, 2, 2, 2, 1}))),
            (Shape{-1, 4, 4, 4, 1}));
  EXPECT_EQ(values_at_run(K::resize_images(x, 2, 1, "channels_last")),
            (std::vector<double>{1, 2, 1, 2, 3, 4, 3, 4}));
  // TensorFlow 1's resize_bilinear, align_corners=False: 1 -> 1.5 -> 2 (the last repeated).
  EXPECT_EQ(
      values_at_run(K::resize_images(c({1, 2}, {1, 1, 2, 1}), 1, 2, "channels_last", "bilinear")),
      (std::vector<double>{1, 1.5, 2, 2}));
  EXPECT_EQ(
      K::int_shape(K::resize_volumes(K::placeholder({-1, 1, 2, 2, 2}), 2, 3, 1, "channels_first")),
      (Shape{-1, 1, 4, 6, 2}));
  EXPECT_THROW(K::resize_images(x, 2, 2, "", "bicubic"), std::invalid_argument);
}

TEST(KerasBackendFunctions, CrossentropiesWithLogits) {
  SymbolicTensor logits = c({1, 2, 0.5f, -1, 0, 3}, {2, 3});
  SymbolicTensor target = c({0, 1, 0, 0, 0, 1}, {2, 3});
  std::vector<double> from_logits =
      values_at_run(K::categorical_crossentropy(target, logits, true));
  std::vector<double> from_probs =
      values_at_run(K::categorical_crossentropy(target, K::softmax(logits)));
  EXPECT_NEAR(from_logits[0], from_probs[0], 1e-5);
  EXPECT_NEAR(from_logits[1], from_probs[1], 1e-5);
  // Sparse: labels (2,) or (2, 1), any numeric dtype.
  for (SymbolicTensor labels : {c({1, 2}, {2}), c({1, 2}, {2, 1})}) {
    std::vector<double> sparse =
        values_at_run(K::sparse_categorical_crossentropy(labels, logits, true));
    ASSERT_EQ(sparse.size(), 2u);
    EXPECT_NEAR(sparse[0], from_probs[0], 1e-5);
    EXPECT_NEAR(sparse[1], from_probs[1], 1e-5);
  }
  EXPECT_EQ(K::int_shape(K::sparse_categorical_crossentropy(K::placeholder({-1, 5}),
                                                            K::placeholder({-1, 5, 4}))),
            (Shape{-1, 5}));
  // Binary from logits: softplus(x) - x z.
  SymbolicTensor x = c({-2, 0.5f, 3}, {3}), z = c({1, 0, 1}, {3});
  std::vector<double> bce = values_at_run(K::binary_crossentropy(z, x, true));
  const double xs[] = {-2, 0.5, 3}, zs[] = {1, 0, 1};
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(bce[static_cast<std::size_t>(i)], std::log1p(std::exp(xs[i])) - xs[i] * zs[i],
                1e-5);
}

TEST(KerasBackendFunctions, InTopK) {
  SymbolicTensor predictions = c({0.1f, 0.5f, 0.4f, 0.3f, 0.3f, 0.4f}, {2, 3});
  SymbolicTensor targets = K::constant(Tensor::from_vector<std::int32_t>({2, 0}));
  EXPECT_EQ(values_at_run(K::in_top_k(predictions, targets, 1)), (std::vector<double>{0, 0}));
  EXPECT_EQ(values_at_run(K::in_top_k(predictions, targets, 2)),
            (std::vector<double>{1, 1}));  // a tie
}

// -log p of the labels by brute force: the sum over every path of length T that collapses to
// them (merge repeats, drop blanks).
double ctc_brute_force(const std::vector<std::vector<double>>& probs,
                       const std::vector<std::int64_t>& labels, std::int64_t blank) {
  const std::size_t time = probs.size(), classes = probs[0].size();
  double total = 0;
  std::vector<std::size_t> path(time, 0);
  while (true) {
    std::vector<std::int64_t> collapsed;
    std::int64_t previous = -1;
    double p = 1;
    for (std::size_t t = 0; t < time; ++t) {
      const auto k = static_cast<std::int64_t>(path[t]);
      p *= probs[t][path[t]];
      if (k != previous && k != blank) collapsed.push_back(k);
      previous = k;
    }
    if (collapsed == labels) total += p;
    std::size_t t = 0;
    while (t < time && ++path[t] == classes) path[t++] = 0;
    if (t == time) break;
  }
  return -std::log(total);
}

TEST(KerasBackendFunctions, CtcBatchCostMatchesTheSumOverAlignments) {
  // Two samples, 4 steps, classes {0, 1, blank}; the second uses 3 steps and one label.
  std::vector<float> p = {0.5f, 0.3f, 0.2f, 0.2f, 0.6f, 0.2f, 0.3f, 0.3f, 0.4f, 0.6f, 0.1f, 0.3f,
                          0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f, 0.7f, 0.2f, 0.1f, 0.2f, 0.2f, 0.6f};
  SymbolicTensor y_pred = K::constant(Tensor::from_vector(p, {2, 4, 3}).astype(DType::float64));
  SymbolicTensor y_true = c({0, 1, 1, 0}, {2, 2});
  SymbolicTensor input_length = K::constant(Tensor::from_vector<std::int64_t>({4, 3}, {2, 1}));
  SymbolicTensor label_length = K::constant(Tensor::from_vector<std::int64_t>({2, 1}, {2, 1}));
  std::vector<double> loss =
      values_at_run(K::ctc_batch_cost(y_true, y_pred, input_length, label_length));
  ASSERT_EQ(loss.size(), 2u);
  auto probs = [&](int b, int time) {
    // Keras feeds log(y_pred + epsilon) to a loss that normalises it again.
    std::vector<std::vector<double>> rows;
    for (int t = 0; t < time; ++t) {
      std::vector<double> row;
      double total = 0;
      for (int k = 0; k < 3; ++k) total += p[static_cast<std::size_t>((b * 4 + t) * 3 + k)] + 1e-7;
      for (int k = 0; k < 3; ++k)
        row.push_back((p[static_cast<std::size_t>((b * 4 + t) * 3 + k)] + 1e-7) / total);
      rows.push_back(row);
    }
    return rows;
  };
  EXPECT_NEAR(loss[0], ctc_brute_force(probs(0, 4), {0, 1}, 2), 1e-5);
  EXPECT_NEAR(loss[1], ctc_brute_force(probs(1, 3), {1}, 2), 1e-5);
  // A label out of range is an error naming it.
  SymbolicTensor bad = c({2, 0, 0, 0}, {2, 2});
  EXPECT_THROW(K::eval(K::ctc_batch_cost(bad, y_pred, input_length, label_length)),
               std::invalid_argument);
}

TEST(KerasBackendFunctions, CtcGreedyDecode) {
  // Best classes per step: 0 0 2 1 1 2 0 (blank 2) -> 0 1 0; sample 2 uses 3 steps: 1 2 1 -> 1 1.
  auto onehot = [](std::vector<int> best) {
    std::vector<float> v;
    for (int k : best)
      for (int j = 0; j < 3; ++j) v.push_back(j == k ? 0.8f : 0.1f);
    return v;
  };
  std::vector<float> a = onehot({0, 0, 2, 1, 1, 2, 0}), b = onehot({1, 2, 1, 0, 0, 0, 0});
  a.insert(a.end(), b.begin(), b.end());
  SymbolicTensor y_pred = c(a, {2, 7, 3});
  SymbolicTensor lengths = K::constant(Tensor::from_vector<std::int32_t>({7, 3}, {2, 1}));
  K::CtcDecoded d = K::ctc_decode_greedy(y_pred, lengths);
  EXPECT_EQ(values_at_run(d.decoded),
            (std::vector<double>{0, 1, 0, -1, -1, -1, -1, 1, 1, -1, -1, -1, -1, -1}));
  std::vector<double> log_prob = values_at_run(d.log_prob);
  EXPECT_NEAR(log_prob[0], -7 * std::log(0.8 + 1e-7), 1e-4);
  EXPECT_NEAR(log_prob[1], -3 * std::log(0.8 + 1e-7), 1e-4);
}

}  // namespace

// K::print_tensor: the identity, which writes its message and its value each time it runs (a
// long tensor as numpy summarizes it: first and last three entries of each axis).
TEST(PrintTensor, WritesTheMessageAndTheValueEachRun) {
  SymbolicTensor x = K::placeholder({-1, 2});
  SymbolicTensor printed = K::print_tensor(x * 2.0, "x times 2: ");
  K::Function f = K::function({x}, {printed + 1.0});
  ::testing::internal::CaptureStderr();
  std::vector<Tensor> out = f({floats({1, 2, 3, 4}, {2, 2})});
  f({floats({0.5f, -1}, {1, 2})});
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "x times 2: [[2 4] [6 8]]\nx times 2: [[1 -2]]\n");
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{3, 5, 7, 9}));

  std::vector<float> many(2000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<float>(i);
  ::testing::internal::CaptureStderr();
  K::eval(K::print_tensor(c(many, {1000, 2})));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "[[0 1] [2 3] [4 5] ... [1994 1995] [1996 1997] [1998 1999]]\n");
  ::testing::internal::CaptureStderr();
  K::eval(K::print_tensor(K::cast(c({7, 8, 9}, {3}), DType::int32), "ints "));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "ints [7 8 9]\n");
}

TEST(PrintTensor, GradientPassesThrough) {
  SymbolicTensor w = K::variable(floats({1, -2, 3}, {3}));
  SymbolicTensor loss = K::sum(K::square(K::print_tensor(w, "w: ")));
  ::testing::internal::CaptureStderr();
  std::vector<double> grad = values_at_run(K::gradients(loss, {w})[0]);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(grad, (std::vector<double>{2, -4, 6}));
}
