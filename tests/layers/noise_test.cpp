// GaussianNoise and GaussianDropout: the identity at inference, noise of the right moments while
// training.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"
#include "layer_test_util.h"
#include "testing/tensor_utils.h"

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

  Shared layer = GaussianNoise(0.5);
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
  EXPECT_DOUBLE_EQ(layer->get_config()["stddev"].get<double>(), 0.5);
  keras::testing::expect_invalid([] { GaussianNoise(-1); }, {"stddev", ">= 0"});
}

TEST(GaussianDropout, IdentityAtInferenceMultiplicativeNoiseWhileTraining) {
  Tensor x = random_uniform({4, 5}, 2);
  auto t = layer_test(
      std::make_shared<GaussianDropout>(0.3, GaussianDropoutOptions{.input_shape = Shape{5}}), x,
      {"rate"});
  expect_near(t.output, x, 0);

  Shared layer = GaussianDropout(0.2);
  SymbolicTensor in = K::placeholder({-1, 400});
  SymbolicTensor out = layer(in);
  Tensor twos = Tensor::full({100, 400}, 2.0);
  Tensor noisy = run_in_phase(in, out, twos, true);
  std::vector<double> factors;
  for (double v : noisy.to_vector<double>()) factors.push_back(v / 2.0);
  auto m = moments(factors);
  EXPECT_NEAR(m.mean, 1.0, 0.01);
  EXPECT_NEAR(m.stddev, std::sqrt(0.2 / 0.8), 0.01);
  EXPECT_DOUBLE_EQ(layer->get_config()["rate"].get<double>(), 0.2);
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
    Shared layer = GaussianNoise(1.0);
    SymbolicTensor in = K::placeholder({-1, 10});
    return run_in_phase(in, layer(in), Tensor::full({2, 10}, 0.0), true).to_vector<float>();
  };
  EXPECT_EQ(draw(), draw());
}

namespace {
// Keras 2.2.4's AlphaDropout constants.
const double kAlphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;
double alpha_a(double rate) {
  return 1.0 / std::sqrt((1 - rate) * (1 + rate * kAlphaP * kAlphaP));
}
double alpha_b(double rate) {
  return -alpha_a(rate) * kAlphaP * rate;
}
}  // namespace

TEST(AlphaDropout, IdentityAtInference) {
  Tensor x = keras::testing::random_normal({4, 5}, 3);
  auto t =
      layer_test(std::make_shared<AlphaDropout>(0.3, AlphaDropoutOptions{.input_shape = Shape{5}}),
                 x, {"rate", "noise_shape", "seed"});
  expect_near(t.output, x, 0);
}

TEST(AlphaDropout, KeepsTheMeanAndVarianceOfSeluInputsWhileTraining) {
  const double rate = 0.2;
  Shared layer = AlphaDropout(rate);
  SymbolicTensor in = K::placeholder({-1, 500});
  Tensor x = keras::testing::random_normal({200, 500}, 4);  // zero mean, unit variance
  std::vector<double> in_values = x.to_vector<double>();
  std::vector<double> out = run_in_phase(in, layer(in), x, true).to_vector<double>();
  auto m = moments(out);
  EXPECT_NEAR(m.mean, 0.0, 0.02);
  EXPECT_NEAR(m.stddev, 1.0, 0.02);
  // Each value is kept (a x + b) or dropped (a alpha_p + b); `rate` of them are dropped.
  const double a = alpha_a(rate), b = alpha_b(rate), dropped_value = a * kAlphaP + b;
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (std::abs(out[i] - dropped_value) < 1e-5) {
      ++dropped;
      continue;
    }
    ASSERT_NEAR(out[i], a * in_values[i] + b, 1e-4) << "at " << i;
  }
  EXPECT_NEAR(static_cast<double>(dropped) / static_cast<double>(out.size()), rate, 0.01);
}

TEST(AlphaDropout, NoiseShapeSharesTheMaskAlongItsOnes) {
  Shared layer = AlphaDropout(0.5, {.noise_shape = Shape{-1, 1, 6}});
  SymbolicTensor in = K::placeholder({-1, 4, 6});
  Tensor out = run_in_phase(in, layer(in), Tensor::full({8, 4, 6}, 0.0), true);
  for (int b = 0; b < 8; ++b)
    for (int t = 1; t < 4; ++t)
      for (int f = 0; f < 6; ++f) ASSERT_EQ(out.at<float>(b, t, f), out.at<float>(b, 0, f));
  EXPECT_EQ(layer->get_config()["noise_shape"], nlohmann::json::parse("[null, 1, 6]"));
}

TEST(AlphaDropout, ConfigRoundTripAndClearErrors) {
  AlphaDropout layer(0.1, {.noise_shape = Shape{-1, 3}, .seed = 5});
  nlohmann::json config = layers::serialize(layer);
  EXPECT_EQ(layers::serialize(*layers::deserialize(config)), config) << config.dump();
  keras::testing::expect_invalid([] { AlphaDropout(1.0); }, {"AlphaDropout", "rate", "[0, 1)"});
  keras::testing::expect_invalid(
      [] {
        AlphaDropout(0.1, {.noise_shape = Shape{0, 3}});
      },
      {"noise_shape", "positive"});
  keras::testing::expect_invalid(
      [] {
        Shared wrong_rank = AlphaDropout(0.1, {.noise_shape = Shape{-1, 1, 3}});
        wrong_rank(K::placeholder({-1, 3}));
      },
      {"noise_shape", "(None, 1, 3)", "rank of the input (2)"});
  keras::testing::expect_invalid(
      [] {
        layers::deserialize(
            {{"class_name", "AlphaDropout"}, {"config", {{"rate", 0.1}, {"p", 0.1}}}});
      },
      {"'p'", "AlphaDropout takes: rate, noise_shape, seed"});
}

TEST(Dropout, NoiseShapeBroadcastsOneMaskValue) {
  const double rate = 0.4;
  Shared layer = Dropout(rate, {.noise_shape = Shape{-1, 1, 50}});
  SymbolicTensor in = K::placeholder({-1, 3, 50});
  Tensor out = run_in_phase(in, layer(in), Tensor::full({40, 3, 50}, 1.0), true);
  std::size_t dropped = 0;
  for (int b = 0; b < 40; ++b)
    for (int f = 0; f < 50; ++f) {
      const float v = out.at<float>(b, 0, f);
      ASSERT_TRUE(v == 0.0f || std::abs(v - 1 / (1 - rate)) < 1e-5) << v;
      dropped += v == 0.0f;
      for (int t = 1; t < 3; ++t) ASSERT_EQ(out.at<float>(b, t, f), v);
    }
  EXPECT_NEAR(static_cast<double>(dropped) / 2000.0, rate, 0.05);
  expect_near(run_in_phase(in, layer(in), Tensor::full({2, 3, 50}, 1.0), false),
              Tensor::full({2, 3, 50}, 1.0), 0);
  nlohmann::json config = layers::serialize(*layer);
  EXPECT_EQ(config["config"]["noise_shape"], nlohmann::json::parse("[null, 1, 50]"));
  EXPECT_EQ(layers::serialize(*layers::deserialize(config)), config);
}

TEST(Dropout, NoiseShapeThatDoesNotFitIsAClearError) {
  keras::testing::expect_invalid(
      [] {
        Shared layer = Dropout(0.5, {.noise_shape = Shape{-1, 1}});
        layer(K::placeholder({-1, 3, 4}));
      },
      {"Dropout", "noise_shape", "(None, 1)", "rank of the input (3)", "(None, 3, 4)"});
  keras::testing::expect_invalid(
      [] {
        Shared layer = Dropout(0.5, {.noise_shape = Shape{-1, 2, 4}});
        layer(K::placeholder({-1, 3, 4}));
      },
      {"does not broadcast", "axis 1"});
}
