// GaussianNoise and GaussianDropout: the identity at inference, noise of the right moments while
// training.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"
#include "layer_test_util.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_near;
using keras::testing::layer_test;
using keras::testing::random_uniform;
using keras::testing::run_in_phase;

namespace {
struct Moments {
  double mean, stddev;
};
Moments moments(const std::vector<double>& v) {
  double mean = 0, var = 0;
  for (double a : v) mean += a;
  mean /= static_cast<double>(v.size());
  for (double a : v) var += (a - mean) * (a - mean);
  return {mean, std::sqrt(var / static_cast<double>(v.size()))};
}
}  // namespace

TEST(GaussianNoise, IdentityAtInferenceNoiseWhileTraining) {
  Tensor x = random_uniform({4, 5}, 1);
  auto t = layer_test(
      std::make_shared<GaussianNoise>(0.5, GaussianNoiseOptions{.input_shape = Shape{5}}), x,
      {"stddev"});
  expect_near(t.output, x, 0);

  GaussianNoise layer(0.5);
  SymbolicTensor in = K::placeholder({-1, 400});
  SymbolicTensor out = layer(in);
  Tensor ones = Tensor::full({100, 400}, 1.0);
  expect_near(run_in_phase(in, out, ones, false), ones, 0);
  K::Function train({in}, {out}, {},
                    K::Givens{{K::learning_phase(), K::constant(1.0, DType::int32)}});
  Tensor noisy = train({ones})[0];
  std::vector<double> noise;
  for (double v : noisy.to_vector<double>()) noise.push_back(v - 1.0);
  auto m = moments(noise);
  EXPECT_NEAR(m.mean, 0.0, 0.01);
  EXPECT_NEAR(m.stddev, 0.5, 0.01);
  // Fresh noise at every run.
  Tensor again = train({ones})[0];
  EXPECT_NE(noisy.to_vector<float>(), again.to_vector<float>());
  EXPECT_DOUBLE_EQ(layer.get_config()["stddev"].get<double>(), 0.5);
  keras::testing::expect_invalid([] { GaussianNoise(-1); }, {"stddev", ">= 0"});
}

TEST(GaussianDropout, IdentityAtInferenceMultiplicativeNoiseWhileTraining) {
  Tensor x = random_uniform({4, 5}, 2);
  auto t = layer_test(
      std::make_shared<GaussianDropout>(0.3, GaussianDropoutOptions{.input_shape = Shape{5}}), x,
      {"rate"});
  expect_near(t.output, x, 0);

  GaussianDropout layer(0.2);
  SymbolicTensor in = K::placeholder({-1, 400});
  SymbolicTensor out = layer(in);
  Tensor twos = Tensor::full({100, 400}, 2.0);
  Tensor noisy = run_in_phase(in, out, twos, true);
  std::vector<double> factors;
  for (double v : noisy.to_vector<double>()) factors.push_back(v / 2.0);
  auto m = moments(factors);
  EXPECT_NEAR(m.mean, 1.0, 0.01);
  EXPECT_NEAR(m.stddev, std::sqrt(0.2 / 0.8), 0.01);
  EXPECT_DOUBLE_EQ(layer.get_config()["rate"].get<double>(), 0.2);
  keras::testing::expect_invalid([] { GaussianDropout(1.0); }, {"rate", "[0, 1)"});
}

TEST(NoiseLayers, TrainingStillLowersTheLoss) {
  utils::set_random_seed(3);
  Tensor x = random_uniform({64, 4}, 4);
  Tensor y = random_uniform({64, 2}, 5);
  Sequential model;
  model.add(GaussianNoise(0.05, {.input_shape = Shape{4}}));
  model.add(Dense(8, {.activation = "tanh"}));
  model.add(GaussianDropout(0.1));
  model.add(Dense(2));
  auto losses = keras::testing::fit_losses(model, x, y, 15);
  EXPECT_LT(losses.back(), losses.front());
}

TEST(NoiseLayers, SameSeedSameNoise) {
  auto draw = [] {
    utils::set_random_seed(42);
    GaussianNoise layer(1.0);
    SymbolicTensor in = K::placeholder({-1, 10});
    return run_in_phase(in, layer(in), Tensor::full({2, 10}, 0.0), true).to_vector<float>();
  };
  EXPECT_EQ(draw(), draw());
}
