// BatchNormalization: batch statistics while training, moving statistics at inference, the
// moving averages updated by the compiled training step, axis, weights order, config.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "keras/keras.h"
#include "layer_test_util.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::random_uniform;
using keras::testing::run_in_phase;

TEST(BatchNormalization, TrainingUsesBatchStatistics) {
  Tensor x = random_uniform({6, 3}, 1, -2.0f, 3.0f);
  auto layer =
      std::make_shared<BatchNormalization>(BatchNormalizationOptions{.input_shape = Shape{3}});
  Sequential model({layer});
  Tensor gamma = Tensor::from_vector<float>({1.5f, 0.5f, 2.0f});
  Tensor beta = Tensor::from_vector<float>({0.1f, -0.2f, 0.3f});
  Tensor mm = Tensor::from_vector<float>({0.5f, -1.0f, 0.0f});
  Tensor mv = Tensor::from_vector<float>({2.0f, 0.5f, 1.0f});
  layer->set_weights({gamma, beta, mm, mv});
  Tensor train = run_in_phase(model.input(), model.output(), x, true);
  Tensor infer = run_in_phase(model.input(), model.output(), x, false);
  for (int c = 0; c < 3; ++c) {
    double mean = 0, var = 0;
    for (int i = 0; i < 6; ++i) mean += x(i, c) / 6;
    for (int i = 0; i < 6; ++i) var += (x(i, c) - mean) * (x(i, c) - mean) / 6;
    for (int i = 0; i < 6; ++i) {
      double expected_train = (x(i, c) - mean) / std::sqrt(var + 1e-3) * gamma(c) + beta(c);
      double expected_infer = (x(i, c) - mm(c)) / std::sqrt(mv(c) + 1e-3) * gamma(c) + beta(c);
      EXPECT_NEAR(train(i, c), expected_train, 1e-5);
      EXPECT_NEAR(infer(i, c), expected_infer, 1e-5);
    }
  }
}

TEST(BatchNormalization, TrainStepMovesTheAverages) {
  Tensor x = random_uniform({8, 2}, 2, -1.0f, 4.0f);
  auto layer = std::make_shared<BatchNormalization>(
      BatchNormalizationOptions{.momentum = 0.9, .input_shape = Shape{2}});
  Sequential model({layer});
  model.compile({.optimizer = optimizers::SGD({.lr = 0.0}), .loss = "mse"});
  model.fit(x, Tensor({8, 2}), {.batch_size = 8, .epochs = 1, .verbose = 0, .shuffle = false});
  auto w = layer->get_weights();
  ASSERT_EQ(w.size(), 4u);
  for (int c = 0; c < 2; ++c) {
    double mean = 0, var = 0;
    for (int i = 0; i < 8; ++i) mean += x(i, c) / 8;
    for (int i = 0; i < 8; ++i) var += (x(i, c) - mean) * (x(i, c) - mean);
    var /= 8 - (1 + 1e-3);  // Keras 2.2.4's unbiased estimate
    EXPECT_NEAR(w[2](c), 0.1 * mean, 1e-5);
    EXPECT_NEAR(w[3](c), 0.9 + 0.1 * var, 1e-5);
  }
  // Predicting and evaluating leave them alone.
  model.predict(x);
  model.evaluate(x, Tensor({8, 2}), {.verbose = 0});
  EXPECT_EQ(layer->get_weights()[2].to_vector<double>(), w[2].to_vector<double>());
  EXPECT_EQ(model.layers()[0]->non_trainable_weights().size(), 2u);
  EXPECT_EQ(model.layers()[0]->trainable_weights().size(), 2u);
}

TEST(BatchNormalization, AxisOneOfA3DInput) {
  Tensor x = random_uniform({4, 3, 5}, 3);
  auto layer = std::make_shared<BatchNormalization>(
      BatchNormalizationOptions{.axis = 1, .center = false, .input_shape = Shape{3, 5}});
  Sequential model({layer});
  ASSERT_EQ(layer->weights().size(), 3u);  // gamma, moving_mean, moving_variance
  EXPECT_EQ(layer->weights()[0].shape(), (Shape{3}));
  Tensor train = run_in_phase(model.input(), model.output(), x, true);
  for (int c = 0; c < 3; ++c) {
    double mean = 0, sq = 0;
    for (int i = 0; i < 4; ++i)
      for (int t = 0; t < 5; ++t) {
        mean += train(i, c, t) / 20;
        sq += train(i, c, t) * train(i, c, t) / 20;
      }
    EXPECT_NEAR(mean, 0.0, 1e-5);
    EXPECT_NEAR(sq, 1.0, 1e-2);  // epsilon makes it a little under 1
  }
}

TEST(BatchNormalization, ConfigAndErrors) {
  BatchNormalization layer({.momentum = 0.9, .epsilon = 1e-4, .scale = false, .name = "bn"});
  auto config = layer.get_config();
  for (const char* key :
       {"axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
        "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer",
        "gamma_regularizer", "beta_constraint", "gamma_constraint"})
    EXPECT_TRUE(config.contains(key)) << key;
  EXPECT_EQ(BatchNormalization::from_config(config)->get_config(), config);
  expect_invalid(
      [] {
        Sequential m({std::make_shared<BatchNormalization>(
            BatchNormalizationOptions{.axis = 3, .input_shape = Shape{4}, .name = "bn_axis"})});
      },
      {"bn_axis", "axis 3"});
}

TEST(BatchNormalization, TrainsInAModel) {
  utils::set_random_seed(3);
  Tensor x = random_uniform({64, 4}, 4, 0.0f, 10.0f);
  Tensor y({64, 1});
  for (int i = 0; i < 64; ++i) y.at<float>(i, 0) = static_cast<float>(x(i, 0) - x(i, 2)) / 5.0f;
  Sequential model({std::make_shared<Dense>(8, DenseOptions{.input_shape = Shape{4}}),
                    std::make_shared<BatchNormalization>(), std::make_shared<Activation>("relu"),
                    std::make_shared<Dense>(1)});
  model.compile({.optimizer = optimizers::Adam({.lr = 0.01}), .loss = "mse"});
  auto history = model.fit(x, y, {.batch_size = 16, .epochs = 30, .verbose = 0});
  auto losses = history.history.at("loss");
  EXPECT_LT(losses.back(), 0.3 * losses.front()) << ::testing::PrintToString(losses);
}

// The layer's training step is the fused ops (oneDNN's batch normalization on the cpu backend),
// not a composition of means and broadcasts; inference is one BatchNorm with the moving
// statistics.
TEST(BatchNormalization, CompilesToTheFusedOps) {
  for (int axis : {-1, 1}) {
    auto layer = std::make_shared<BatchNormalization>(BatchNormalizationOptions{.axis = axis});
    auto x = K::placeholder({-1, 4, 3, 5});
    auto y = (*layer)(x);
    auto grads = K::gradients(K::sum(K::square(y)), {x, layer->gamma(), layer->beta()});
    std::vector<SymbolicTensor> outputs{y};
    outputs.insert(outputs.end(), grads.begin(), grads.end());
    K::Function train({x}, outputs, layer->updates(),
                      {{K::learning_phase(), K::constant(1.0, DType::int32)}});
    train({random_uniform({2, 4, 3, 5}, 5)});
    auto steps = train.step_names();
    for (const char* op : {"BatchNormStats", "BatchNorm", "BatchNormGrad", "BatchNormGradParams"})
      EXPECT_NE(std::find(steps.begin(), steps.end(), op), steps.end()) << op;
    for (const char* op : {"Mean", "MeanGrad", "SumLike"})
      EXPECT_EQ(std::find(steps.begin(), steps.end(), op), steps.end()) << op;
    K::Function infer({x}, {y}, {}, {{K::learning_phase(), K::constant(0.0, DType::int32)}});
    infer({random_uniform({2, 4, 3, 5}, 6)});
    steps = infer.step_names();
    EXPECT_EQ(std::count(steps.begin(), steps.end(), "BatchNorm"), 1);
    EXPECT_EQ(std::find(steps.begin(), steps.end(), "BatchNormStats"), steps.end());
  }
}

// K.normalize_batch_in_training over axes that leave more than one axis: the generic ops, with
// Keras's broadcasting of gamma and beta.
TEST(BatchNormalization, BackendNormalizesOverAnyAxes) {
  Tensor x = random_uniform({3, 4, 2}, 7, -1.0f, 2.0f);
  Tensor gamma = random_uniform({4, 2}, 8, 0.5f, 1.5f), beta = random_uniform({4, 2}, 9);
  auto xs = K::placeholder({3, 4, 2});
  auto r = K::normalize_batch_in_training(xs, K::constant(gamma), K::constant(beta), {0}, 1e-3);
  K::Function f({xs}, {r.normed, r.mean, r.variance});
  auto got = f({x});
  ASSERT_EQ(got[1].shape(), (Shape{4, 2}));
  for (int t = 0; t < 4; ++t)
    for (int c = 0; c < 2; ++c) {
      double mean = 0, var = 0;
      for (int i = 0; i < 3; ++i) mean += x(i, t, c) / 3;
      for (int i = 0; i < 3; ++i) var += (x(i, t, c) - mean) * (x(i, t, c) - mean) / 3;
      EXPECT_NEAR(got[1](t, c), mean, 1e-5);
      EXPECT_NEAR(got[2](t, c), var, 1e-5);
      for (int i = 0; i < 3; ++i)
        EXPECT_NEAR(got[0](i, t, c),
                    (x(i, t, c) - mean) / std::sqrt(var + 1e-3) * gamma(t, c) + beta(t, c), 1e-4);
    }
  // K.batch_normalization with per-channel statistics is the fused op; with statistics of
  // another shape, numpy broadcasting.
  Tensor mean = random_uniform({4, 2}, 10), var = random_uniform({4, 2}, 11, 0.5f, 2.0f);
  auto y = K::batch_normalization(xs, K::constant(mean), K::constant(var), {}, {}, -1, 1e-2);
  Tensor out = K::Function({xs}, {y})({x})[0];
  for (int i = 0; i < 3; ++i)
    for (int t = 0; t < 4; ++t)
      for (int c = 0; c < 2; ++c)
        EXPECT_NEAR(out(i, t, c), (x(i, t, c) - mean(t, c)) / std::sqrt(var(t, c) + 1e-2), 1e-5);
  EXPECT_THROW(K::normalize_batch_in_training(xs, {}, {}, {0, 3}), std::invalid_argument);
}

// Inputs big enough for the threaded paths of the cpu kernels (oneDNN's team, the per-thread
// sums), channels last and first, in both phases: the same values as the reference kernels.
TEST(BatchNormalization, CpuMatchesReferenceOnLargeInputs) {
  for (int axis : {-1, 1}) {
    SCOPED_TRACE(axis);
    Shape shape{8, 16, 16, 40};
    Tensor x = random_uniform(shape, 12, -3.0f, 5.0f), r = random_uniform(shape, 13);
    auto layer = std::make_shared<BatchNormalization>(BatchNormalizationOptions{.axis = axis});
    auto xs = K::placeholder({-1, 16, 16, 40});
    auto y = (*layer)(xs);
    const std::int64_t channels = axis == 1 ? 16 : 40;
    layer->set_weights({random_uniform({channels}, 14, 0.5f, 1.5f), random_uniform({channels}, 15),
                        random_uniform({channels}, 16),
                        random_uniform({channels}, 17, 0.5f, 2.0f)});
    auto grads = K::gradients(K::sum(y * K::constant(r)), {xs, layer->gamma(), layer->beta()});
    std::vector<SymbolicTensor> outputs{y};
    outputs.insert(outputs.end(), grads.begin(), grads.end());
    for (double phase : {1.0, 0.0}) {
      std::vector<std::vector<Tensor>> results;
      for (const char* backend : {"reference", "cpu"}) {
        keras::testing::ScopedBackend scoped(backend);
        K::Function f({xs}, outputs, {}, {{K::learning_phase(), K::constant(phase, DType::int32)}});
        results.push_back(f({x}));
      }
      const char* names[] = {"y", "dx", "dgamma", "dbeta"};
      for (std::size_t i = 0; i < outputs.size(); ++i)
        EXPECT_TRUE(keras::testing::all_close(results[1][i], results[0][i], 1e-4, 1e-5, names[i]))
            << "phase " << phase;
    }
  }
}

// Keras 1.2.2's mode=1: each sample normalized over its features, (x - mean) /
// (sqrt(var + epsilon) + epsilon) * gamma + beta, in training and inference alike.
TEST(BatchNormalization, Keras1SampleWiseMode) {
  Tensor x = random_uniform({5, 4}, 3, -2.0f, 3.0f);
  auto layer = std::make_shared<BatchNormalization>(
      BatchNormalizationOptions{.epsilon = 1e-3, .input_shape = Shape{4}, .mode = 1});
  Sequential model({layer});
  Tensor gamma = Tensor::from_vector<float>({1.5f, 0.5f, 2.0f, 1.0f});
  Tensor beta = Tensor::from_vector<float>({0.1f, -0.2f, 0.3f, 0.0f});
  layer->set_weights({gamma, beta, Tensor::full({4}, 0.0), Tensor::full({4}, 1.0)});
  for (bool training : {true, false}) {
    Tensor out = run_in_phase(model.input(), model.output(), x, training);
    for (int i = 0; i < 5; ++i) {
      double mean = 0, var = 0;
      for (int c = 0; c < 4; ++c) mean += x(i, c) / 4;
      for (int c = 0; c < 4; ++c) var += (x(i, c) - mean) * (x(i, c) - mean) / 4;
      for (int c = 0; c < 4; ++c)
        EXPECT_NEAR(out(i, c),
                    (x(i, c) - mean) / (std::sqrt(var + 1e-3) + 1e-3) * gamma(c) + beta(c), 1e-5);
    }
  }
  EXPECT_EQ(layer->get_config()["mode"], 1);
  EXPECT_EQ(BatchNormalization::from_config(layer->get_config())->get_config(),
            layer->get_config());
  // Over the last axis only, as Keras 1 ("this mode assumes a 2D input").
  expect_invalid(
      [] {
        Sequential({std::make_shared<BatchNormalization>(
            BatchNormalizationOptions{.axis = 1, .input_shape = Shape{3, 4}, .mode = 1})});
      },
      {"axis must be -1"});
}

// Keras 1.2.2's mode=2: the batch's statistics in inference too; the moving ones never move.
TEST(BatchNormalization, Keras1BatchStatisticsMode) {
  Tensor x = random_uniform({6, 3}, 4, -1.0f, 5.0f);
  auto layer = std::make_shared<BatchNormalization>(
      BatchNormalizationOptions{.input_shape = Shape{3}, .mode = 2});
  Sequential model({layer});
  model.compile({.optimizer = optimizers::SGD({.lr = 0.0}), .loss = "mse"});
  model.fit(x, Tensor({6, 3}), {.batch_size = 6, .epochs = 1, .verbose = 0});
  auto weights = layer->get_weights();
  ASSERT_EQ(weights.size(), 4u);
  EXPECT_EQ(weights[2].to_vector<float>(), std::vector<float>(3, 0.0f));
  EXPECT_EQ(weights[3].to_vector<float>(), std::vector<float>(3, 1.0f));
  Tensor out = model.predict(x);
  for (int c = 0; c < 3; ++c) {
    double mean = 0, var = 0;
    for (int i = 0; i < 6; ++i) mean += x(i, c) / 6;
    for (int i = 0; i < 6; ++i) var += (x(i, c) - mean) * (x(i, c) - mean) / 6;
    for (int i = 0; i < 6; ++i)
      EXPECT_NEAR(out(i, c), (x(i, c) - mean) / std::sqrt(var + 1e-3), 1e-5);
  }
  EXPECT_EQ(layer->get_config()["mode"], 2);
  // mode 0 is Keras 2's layer, written without a mode; other modes are refused.
  BatchNormalization mode0({.mode = 0});
  EXPECT_FALSE(mode0.get_config().contains("mode"));
  expect_invalid([] { BatchNormalization({.mode = 3}); }, {"mode must be 0, 1 or 2"});
}
