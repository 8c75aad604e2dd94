// LeakyReLU, PReLU, ELU, ThresholdedReLU, ParametricSoftplus and SReLU against plain loops.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"
#include "layer_gradcheck_util.h"
#include "layer_test_util.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_near;
using keras::testing::layer_test;
using keras::testing::map_values;
using keras::testing::random_uniform;

TEST(LeakyReLU, DefaultAndGivenAlpha) {
  Tensor x = random_uniform({4, 6}, 1, -2, 2);
  auto t = layer_test(std::make_shared<LeakyReLU>(LeakyReLUOptions{.input_shape = Shape{6}}), x,
                      {"alpha"});
  expect_near(t.output, map_values(x, [](double v) { return v > 0 ? v : 0.3 * v; }));
  auto u = layer_test(std::make_shared<LeakyReLU>(0.1, LeakyReLUOptions{.input_shape = Shape{6}}),
                      x, {"alpha"});
  expect_near(u.output, map_values(x, [](double v) { return v > 0 ? v : 0.1 * v; }));
  EXPECT_DOUBLE_EQ(LeakyReLU().get_config()["alpha"].get<double>(), 0.3);
}

TEST(ELU, Values) {
  Tensor x = random_uniform({4, 6}, 2, -3, 3);
  auto t =
      layer_test(std::make_shared<ELU>(0.5, ELUOptions{.input_shape = Shape{6}}), x, {"alpha"});
  expect_near(t.output,
              map_values(x, [](double v) { return v > 0 ? v : 0.5 * (std::exp(v) - 1); }));
  EXPECT_DOUBLE_EQ(ELU().get_config()["alpha"].get<double>(), 1.0);
}

TEST(ThresholdedReLU, Values) {
  Tensor x = random_uniform({4, 6}, 3, -2, 2);
  auto t =
      layer_test(std::make_shared<ThresholdedReLU>(ThresholdedReLUOptions{.input_shape = Shape{6}}),
                 x, {"theta"});
  expect_near(t.output, map_values(x, [](double v) { return v > 1.0 ? v : 0.0; }));
  auto u = layer_test(
      std::make_shared<ThresholdedReLU>(0.5, ThresholdedReLUOptions{.input_shape = Shape{6}}), x,
      {"theta"});
  expect_near(u.output, map_values(x, [](double v) { return v > 0.5 ? v : 0.0; }));
}

TEST(PReLU, AlphaPerFeatureAndSharedAxes) {
  Tensor x = random_uniform({3, 2, 4}, 4, -2, 2);
  auto layer = std::make_shared<PReLU>(PReLUOptions{.input_shape = Shape{2, 4}});
  auto t = layer_test(
      layer, x, {"alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"});
  expect_near(t.output, map_values(x, [](double v) { return std::max(v, 0.0); }));  // alpha = 0
  ASSERT_EQ(layer->alpha().shape(), (Shape{2, 4}));
  Tensor alpha = random_uniform({2, 4}, 5, 0, 1);
  layer->set_weights({alpha});
  Tensor out = t.model->predict(x);
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 4; ++j) {
        double v = x.at<float>(b, i, j);
        EXPECT_NEAR(out.at<float>(b, i, j), v > 0 ? v : alpha.at<float>(i, j) * v, 1e-6);
      }

  PReLU shared({.shared_axes = {1}, .input_shape = Shape{2, 4}});
  Sequential m;
  m.add(PReLU({.shared_axes = {1}, .input_shape = Shape{2, 4}}));
  EXPECT_EQ(m.layers()[0]->weights()[0].shape(), (Shape{1, 4}));
  EXPECT_EQ(shared.get_config()["shared_axes"], nlohmann::json({1}));
}

TEST(PReLU, Trains) {
  utils::set_random_seed(6);
  Tensor x = random_uniform({64, 4}, 7, -2, 2);
  Tensor y = map_values(x, [](double v) { return v > 0 ? v : 0.25 * v; });
  Sequential model;
  model.add(PReLU({.input_shape = Shape{4}}));
  auto losses = keras::testing::fit_losses(model, x, y, 10, "sgd");
  EXPECT_LT(losses.back(), losses.front());
  for (float a : model.layers()[0]->get_weights()[0].to_vector<float>()) EXPECT_GT(a, 0.0f);
}

namespace {
double softplus(double v) {
  return std::log1p(std::exp(v));
}
// Keras 1.2.2's SReLU of one value.
double srelu(double x, double t_left, double a_left, double t_right, double a_right) {
  const double t_r = t_left + std::abs(t_right);
  if (x <= t_left) return t_left + a_left * (x - t_left);
  if (x >= t_r) return t_r + a_right * (x - t_r);
  return x;
}
}  // namespace

TEST(ParametricSoftplus, ValuesWeightsAndSharedAxes) {
  Tensor x = random_uniform({3, 2, 4}, 8, -2, 2);
  auto layer =
      std::make_shared<ParametricSoftplus>(ParametricSoftplusOptions{.input_shape = Shape{2, 4}});
  auto t = layer_test(layer, x, {"alpha_init", "beta_init", "shared_axes"});
  expect_near(t.output, map_values(x, [](double v) { return 0.2 * softplus(5.0 * v); }));
  ASSERT_EQ(layer->weights().size(), 2u);
  Tensor alphas = random_uniform({2, 4}, 9, 0.5, 1.5), betas = random_uniform({2, 4}, 10, 0.5, 2);
  layer->set_weights({alphas, betas});  // Keras 1's order: alphas, betas
  Tensor out = t.model->predict(x);
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 4; ++j)
        EXPECT_NEAR(out.at<float>(b, i, j),
                    alphas.at<float>(i, j) * softplus(betas.at<float>(i, j) * x.at<float>(b, i, j)),
                    1e-5);

  Sequential shared;
  shared.add(ParametricSoftplus(
      {.alpha_init = 0.5, .beta_init = 2.0, .shared_axes = {1}, .input_shape = Shape{2, 4}}));
  EXPECT_EQ(shared.layers()[0]->weights()[0].shape(), (Shape{1, 4}));
  expect_near(shared.predict(x), map_values(x, [](double v) { return 0.5 * softplus(2.0 * v); }));
}

TEST(ParametricSoftplus, GradientsAndTraining) {
  keras::testing::expect_layer_gradients(
      [] {
        return std::make_shared<ParametricSoftplus>(ParametricSoftplusOptions{.beta_init = 1.5});
      },
      {3, 5});
  utils::set_random_seed(11);
  Tensor x = random_uniform({64, 4}, 12, -2, 2);
  Tensor y = map_values(x, [](double v) { return 0.5 * softplus(2.0 * v); });
  Sequential model;
  model.add(ParametricSoftplus({.input_shape = Shape{4}}));
  auto losses = keras::testing::fit_losses(model, x, y, 10, "adam");
  EXPECT_LT(losses.back(), losses.front());
}

TEST(SReLU, PiecewiseLinearWithItsFourWeights) {
  Tensor x = random_uniform({5, 6}, 13, -3, 3);
  auto layer = std::make_shared<SReLU>(SReLUOptions{.input_shape = Shape{6}});
  auto t = layer_test(
      layer, x, {"t_left_init", "a_left_init", "t_right_init", "a_right_init", "shared_axes"});
  ASSERT_EQ(layer->weights().size(), 4u);
  // Keras 1's order: t_left, a_left, t_right, a_right.
  Tensor t_left = random_uniform({6}, 14, -1, 0), a_left = random_uniform({6}, 15, 0, 0.5);
  Tensor t_right = random_uniform({6}, 16, -2, 2), a_right = random_uniform({6}, 17, 0.5, 2);
  layer->set_weights({t_left, a_left, t_right, a_right});
  Tensor out = t.model->predict(x);
  for (int b = 0; b < 5; ++b)
    for (int j = 0; j < 6; ++j)
      EXPECT_NEAR(out.at<float>(b, j),
                  srelu(x.at<float>(b, j), t_left.at<float>(j), a_left.at<float>(j),
                        t_right.at<float>(j), a_right.at<float>(j)),
                  1e-5);
  // The defaults: t_left 0 and a_right 1.
  EXPECT_EQ(layer->get_config()["t_left_init"], "zero");
  EXPECT_EQ(layer->get_config()["a_right_init"], "one");
}

TEST(SReLU, GradientsSharedAxesAndErrors) {
  keras::testing::expect_layer_gradients(
      [] { return std::make_shared<SReLU>(SReLUOptions{.shared_axes = {1}}); }, {2, 3, 4});
  Sequential model;
  model.add(SReLU({.shared_axes = {1, 2}, .input_shape = Shape{3, 4, 2}}));
  for (const auto& w : model.layers()[0]->weights()) EXPECT_EQ(w.shape(), (Shape{1, 1, 2}));
  keras::testing::expect_invalid([] { SReLU({.a_left_init = "no_such_init"}); }, {"no_such_init"});
  keras::testing::expect_invalid([] { SReLU({.shared_axes = {0}}); }, {"SReLU", "1-based"});
  keras::testing::expect_invalid(
      [] {
        Sequential m;
        m.add(SReLU({.shared_axes = {3}, .input_shape = Shape{3, 4}}));
      },
      {"shared axis 3"});
}

TEST(KerasOneActivations, ConfigRoundTripsAndStrictKeys) {
  for (const LayerPtr& layer : std::vector<LayerPtr>{
           std::make_shared<ParametricSoftplus>(
               ParametricSoftplusOptions{.alpha_init = 0.3, .shared_axes = {1}}),
           std::make_shared<SReLU>(SReLUOptions{.t_right_init = "uniform", .shared_axes = {2}})}) {
    nlohmann::json config = layers::serialize(*layer);
    EXPECT_EQ(layers::serialize(*layers::deserialize(config)), config) << config.dump();
  }
  // A config as Keras 1.2.2 writes it (without shared_axes).
  auto keras1 = layers::deserialize(
      {{"class_name", "ParametricSoftplus"},
       {"config", {{"name", "p"}, {"trainable", true}, {"alpha_init", 0.25}, {"beta_init", 4.0}}}});
  EXPECT_DOUBLE_EQ(keras1->get_config()["beta_init"].get<double>(), 4.0);
  keras::testing::expect_invalid(
      [] {
        layers::deserialize(
            {{"class_name", "SReLU"}, {"config", {{"t_left_initializer", "zero"}}}});
      },
      {"'t_left_initializer'", "SReLU takes: t_left_init, a_left_init, t_right_init"});
}
