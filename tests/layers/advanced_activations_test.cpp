// LeakyReLU, PReLU, ELU, ThresholdedReLU against plain loops.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"
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
