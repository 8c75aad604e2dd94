// Keras's core layers beyond Dense/Activation/Dropout: values against plain loops, shapes,
// configs, errors, and training through the layers with weights.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"
#include "layer_test_util.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::expect_near;
using keras::testing::layer_test;
using keras::testing::random_uniform;

TEST(Flatten, FlattensInRowMajorOrder) {
  Tensor x = random_uniform({3, 2, 4, 5}, 1);
  auto t = layer_test(std::make_shared<Flatten>(FlattenOptions{.input_shape = Shape{2, 4, 5}}), x,
                      {"data_format"});
  expect_near(t.output, x.reshape({3, 40}));
}

TEST(Flatten, ChannelsFirstMovesChannelsLast) {
  Tensor x = random_uniform({2, 3, 4}, 2);  // (batch, channels, steps)
  auto t = layer_test(std::make_shared<Flatten>(FlattenOptions{.data_format = "channels_first",
                                                               .input_shape = Shape{3, 4}}),
                      x, {"data_format"});
  Tensor expected({2, 12});
  for (int b = 0; b < 2; ++b)
    for (int c = 0; c < 3; ++c)
      for (int s = 0; s < 4; ++s) expected.at<float>(b, s * 3 + c) = x.at<float>(b, c, s);
  expect_near(t.output, expected);
  EXPECT_EQ(t.model->layers()[0]->get_config()["data_format"], "channels_first");
}

TEST(Reshape, InfersTheUnknownDimension) {
  Tensor x = random_uniform({3, 12}, 3);
  auto t =
      layer_test(std::make_shared<Reshape>(Shape{-1, 3}, ReshapeOptions{.input_shape = Shape{12}}),
                 x, {"target_shape"});
  EXPECT_EQ(t.model->output_shape(), (Shape{-1, 4, 3}));
  expect_near(t.output, x.reshape({3, 4, 3}));
  EXPECT_EQ(t.model->layers()[0]->get_config()["target_shape"], nlohmann::json({-1, 3}));
}

TEST(Reshape, ErrorsNameBothShapes) {
  expect_invalid(
      [] {
        Sequential m({Reshape({5, 5}, {.input_shape = Shape{12}})});
      },
      {"(12,)", "(5, 5)", "reshape"});
  expect_invalid(
      [] {
        Sequential m({Reshape({-1, 5}, {.input_shape = Shape{12}})});
      },
      {"(12,)", "(-1, 5)"});
  expect_invalid([] { Reshape({-1, -1}); }, {"one unknown dimension"});
  expect_invalid([] { Reshape({0, 3}); }, {"positive"});
}

TEST(Permute, OneBasedDims) {
  Tensor x = random_uniform({2, 3, 4}, 4);
  auto t = layer_test(
      std::make_shared<Permute>(std::vector<int>{2, 1}, PermuteOptions{.input_shape = Shape{3, 4}}),
      x, {"dims"});
  ASSERT_EQ(t.output.shape(), (Shape{2, 4, 3}));
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j) EXPECT_EQ(t.output.at<float>(b, j, i), x.at<float>(b, i, j));
  expect_invalid([] { Permute({0, 1}); }, {"(0, 1)", "1..2"});
  expect_invalid(
      [] {
        Sequential m({Permute({2, 1}, {.input_shape = Shape{3, 4, 5}})});
      },
      {"ndim=3", "(None, 3, 4, 5)"});
}

TEST(RepeatVector, RepeatsAlongANewAxis) {
  Tensor x = random_uniform({2, 5}, 5);
  auto t = layer_test(
      std::make_shared<RepeatVector>(3, RepeatVectorOptions{.input_shape = Shape{5}}), x, {"n"});
  ASSERT_EQ(t.output.shape(), (Shape{2, 3, 5}));
  for (int b = 0; b < 2; ++b)
    for (int r = 0; r < 3; ++r)
      for (int j = 0; j < 5; ++j) EXPECT_EQ(t.output.at<float>(b, r, j), x.at<float>(b, j));
  EXPECT_EQ(t.model->layers()[0]->get_config()["n"], 3);
  expect_invalid([] { RepeatVector(0); }, {"positive"});
}

TEST(Lambda, InfersTheOutputShapeFromTheGraph) {
  Tensor x = random_uniform({4, 6}, 6);
  auto square_sum = [](const SymbolicTensor& v) { return K::sum(K::square(v), {1}, true); };
  auto t =
      layer_test(std::make_shared<Lambda>(square_sum, LambdaOptions{.input_shape = Shape{6}}), x,
                 {"function", "function_type", "output_shape", "output_shape_type", "arguments"});
  EXPECT_EQ(t.model->output_shape(), (Shape{-1, 1}));
  for (int b = 0; b < 4; ++b) {
    double total = 0;
    for (int j = 0; j < 6; ++j) total += x.at<float>(b, j) * x.at<float>(b, j);
    EXPECT_NEAR(t.output.at<float>(b, 0), total, 1e-5);
  }
}

TEST(Lambda, DeclaredOutputShapes) {
  auto first_half = [](const SymbolicTensor& v) { return K::slice(v, 1, 0, 3); };
  Lambda raw(first_half, {.output_shape = Shape{3}, .input_shape = Shape{6}});
  EXPECT_EQ(raw.compute_output_shape({-1, 6}), (Shape{-1, 3}));
  EXPECT_EQ(raw.get_config()["output_shape"], nlohmann::json({3}));
  Lambda fn(first_half, {.output_shape = {[](const Shape& s) {
                                            return Shape{s[0], s[1] / 2};
                                          },
                                          "halve"}});
  EXPECT_EQ(fn.compute_output_shape({-1, 6}), (Shape{-1, 3}));
  EXPECT_EQ(fn.get_config()["output_shape_type"], "function");
  EXPECT_EQ(fn.get_config()["output_shape"], "halve");
  auto t = layer_test(std::make_shared<Lambda>(first_half, LambdaOptions{.output_shape = Shape{3},
                                                                         .input_shape = Shape{6}}),
                      random_uniform({2, 6}, 7), {"output_shape"});
  EXPECT_EQ(t.output.shape(), (Shape{2, 3}));
  expect_invalid(
      [&] {
        Sequential m({Lambda(first_half, {.output_shape = Shape{4}, .input_shape = Shape{6}})});
      },
      {"(None, 3)", "(None, 4)"});
}

// Keras's Lambda called on a list: the function gets every tensor; a tuple output_shape takes the
// batch axis of the first input; a one-tensor function refuses a list.
TEST(Lambda, OnAListGetsEveryInput) {
  auto a = Input({.shape = Shape{3}}), b = Input({.shape = Shape{3}});
  auto difference_of = [](const std::vector<SymbolicTensor>& xs) { return xs[0] - xs[1]; };
  Shared difference = Lambda({.function = LambdaFunctionArg(nullptr, difference_of, "difference")});
  auto out = difference({a, b});
  EXPECT_EQ(out.shape(), (Shape{-1, 3}));
  Model model({a, b}, {out});
  Tensor x = random_uniform({2, 3}, 3), y = random_uniform({2, 3}, 4);
  Tensor got = model.predict(Arrays(std::vector<Tensor>{x, y})).front();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(got.at<float>(i, j), x.at<float>(i, j) - y.at<float>(i, j), 1e-6);
  auto dot_of = [](const std::vector<SymbolicTensor>& xs) {
    return K::sum(xs[0] * xs[1], {1}, true);
  };
  Lambda summed({.function = LambdaFunctionArg(nullptr, dot_of, "dot"), .output_shape = Shape{1}});
  EXPECT_EQ(summed.compute_output_shape_list({{4, 3}, {4, 3}}), (std::vector<Shape>{{4, 1}}));
  Shared one = Lambda([](const SymbolicTensor& v) { return v; });
  expect_invalid([&] { one({a, b}); }, {"takes one tensor", "called on 2"});
}

TEST(ActivityRegularization, AddsThePenaltyOfItsOutputToTheLoss) {
  Tensor x = random_uniform({8, 3}, 8);
  Tensor y = random_uniform({8, 2}, 9);
  auto make = [&](bool regularize) {
    auto m = std::make_unique<Sequential>();
    m->add(Dense(2, {.kernel_initializer = "ones", .input_dim = 3}));
    if (regularize) m->add(ActivityRegularization({.l1 = 0.01, .l2 = 0.02}));
    m->compile({.optimizer = "sgd", .loss = "mse"});
    return m;
  };
  auto plain = make(false), regularized = make(true);
  double base = plain->evaluate(x, y, {.batch_size = 8, .verbose = 0})[0];
  double total = regularized->evaluate(x, y, {.batch_size = 8, .verbose = 0})[0];
  // The penalty is over the whole batch (Keras 2.2.4 does not divide by its size).
  double penalty = 0;
  for (int b = 0; b < 8; ++b) {
    double h = x.at<float>(b, 0) + x.at<float>(b, 1) + x.at<float>(b, 2);  // each output unit
    penalty += 2 * (0.01 * std::abs(h) + 0.02 * h * h);
  }
  EXPECT_NEAR(total, base + penalty, 1e-4 * (1 + penalty));
  auto config = ActivityRegularization({.l1 = 0.5}).get_config();
  EXPECT_EQ(config["l1"], 0.5);
  EXPECT_EQ(config["l2"], 0.0);
  expect_invalid([] { ActivityRegularization({.l1 = -1}); }, {"l1", ">= 0"});
}

namespace {
double sigmoid(double v) {
  return 1.0 / (1.0 + std::exp(-v));
}
}  // namespace

TEST(Highway, MatchesKeras1FormulaAndWeightOrder) {
  Tensor x = random_uniform({4, 3}, 10);
  auto layer = std::make_shared<Highway>(HighwayOptions{.activation = "tanh", .input_dim = 3});
  auto t =
      layer_test(layer, x,
                 {"init", "activation", "W_regularizer", "b_regularizer", "activity_regularizer",
                  "W_constraint", "b_constraint", "bias", "input_dim", "transform_bias"});
  auto weights = layer->weights();
  ASSERT_EQ(weights.size(), 4u);
  EXPECT_EQ(weights[0].shape(), (Shape{3, 3}));
  EXPECT_EQ(weights[1].shape(), (Shape{3}));
  EXPECT_EQ(weights[2].shape(), (Shape{3, 3}));
  EXPECT_EQ(weights[3].shape(), (Shape{3}));
  auto values = layer->get_weights();
  for (float v : values[3].to_vector<float>()) EXPECT_EQ(v, -2.0f);  // transform_bias
  // Non-trivial biases so that every term is checked.
  values[1] = random_uniform({3}, 11);
  values[3] = random_uniform({3}, 12);
  layer->set_weights(values);
  Tensor out = t.model->predict(x);
  const Tensor &W = values[0], &b = values[1], &Wc = values[2], &bc = values[3];
  for (int s = 0; s < 4; ++s)
    for (int j = 0; j < 3; ++j) {
      double carry = bc.at<float>(j), act = b.at<float>(j);
      for (int i = 0; i < 3; ++i) {
        carry += x.at<float>(s, i) * Wc.at<float>(i, j);
        act += x.at<float>(s, i) * W.at<float>(i, j);
      }
      double gate = sigmoid(carry);
      EXPECT_NEAR(out.at<float>(s, j), std::tanh(act) * gate + (1 - gate) * x.at<float>(s, j),
                  1e-5);
    }
  EXPECT_EQ(Highway({.bias = false, .input_dim = 3}).get_config()["bias"], false);
}

TEST(Highway, Trains) {
  utils::set_random_seed(1);
  Tensor x = random_uniform({64, 4}, 13);
  Tensor y = keras::testing::map_values(x, [](double v) { return 0.5 * v; });
  Sequential model;
  model.add(Highway({.activation = "relu", .input_dim = 4}));
  auto losses = keras::testing::fit_losses(model, x, y, 10);
  EXPECT_LT(losses.back(), losses.front());
}

TEST(MaxoutDense, MaximumOverFeatures) {
  Tensor x = random_uniform({5, 3}, 14);
  auto layer =
      std::make_shared<MaxoutDense>(2, MaxoutDenseOptions{.nb_feature = 3, .input_dim = 3});
  auto t =
      layer_test(layer, x,
                 {"output_dim", "init", "nb_feature", "W_regularizer", "b_regularizer",
                  "activity_regularizer", "W_constraint", "b_constraint", "bias", "input_dim"});
  auto values = layer->get_weights();
  ASSERT_EQ(values.size(), 2u);
  ASSERT_EQ(values[0].shape(), (Shape{3, 3, 2}));
  ASSERT_EQ(values[1].shape(), (Shape{3, 2}));
  values[1] = random_uniform({3, 2}, 15);
  layer->set_weights(values);
  Tensor out = t.model->predict(x);
  ASSERT_EQ(out.shape(), (Shape{5, 2}));
  for (int s = 0; s < 5; ++s)
    for (int o = 0; o < 2; ++o) {
      double best = -1e30;
      for (int k = 0; k < 3; ++k) {
        double v = values[1].at<float>(k, o);
        for (int i = 0; i < 3; ++i) v += x.at<float>(s, i) * values[0].at<float>(k, i, o);
        best = std::max(best, v);
      }
      EXPECT_NEAR(out.at<float>(s, o), best, 1e-5);
    }
  expect_invalid([] { MaxoutDense(2, {.nb_feature = 0}); }, {"nb_feature"});
}

TEST(MaxoutDense, Trains) {
  utils::set_random_seed(2);
  Tensor x = random_uniform({64, 4}, 16);
  Tensor y = random_uniform({64, 2}, 17);
  Sequential model;
  model.add(MaxoutDense(2, {.input_dim = 4}));
  auto losses = keras::testing::fit_losses(model, x, y, 10);
  EXPECT_LT(losses.back(), losses.front());
}

TEST(TimeDistributedDense, SameDenseOnEveryTimestep) {
  Tensor x = random_uniform({2, 4, 3}, 18);
  auto layer = std::make_shared<TimeDistributedDense>(
      5, TimeDistributedDenseOptions{.activation = "relu", .input_dim = 3, .input_length = 4});
  auto t = layer_test(
      layer, x,
      {"output_dim", "init", "activation", "W_regularizer", "bias", "input_dim", "input_length"});
  EXPECT_EQ(t.model->input_shape(), (Shape{-1, 4, 3}));
  auto values = layer->get_weights();
  values[1] = random_uniform({5}, 19);
  layer->set_weights(values);
  Tensor out = t.model->predict(x);
  ASSERT_EQ(out.shape(), (Shape{2, 4, 5}));
  for (int b = 0; b < 2; ++b)
    for (int s = 0; s < 4; ++s)
      for (int o = 0; o < 5; ++o) {
        double v = values[1].at<float>(o);
        for (int i = 0; i < 3; ++i) v += x.at<float>(b, s, i) * values[0].at<float>(i, o);
        EXPECT_NEAR(out.at<float>(b, s, o), std::max(v, 0.0), 1e-5);
      }
  expect_invalid([] { Sequential m({TimeDistributedDense(2, {.input_shape = Shape{3}})}); },
                 {"ndim=3"});
}

TEST(TimeDistributedDense, Trains) {
  utils::set_random_seed(3);
  Tensor x = random_uniform({32, 3, 4}, 20);
  Tensor y = random_uniform({32, 3, 2}, 21);
  Sequential model;
  model.add(TimeDistributedDense(2, {.input_shape = Shape{3, 4}}));
  auto losses = keras::testing::fit_losses(model, x, y, 10);
  EXPECT_LT(losses.back(), losses.front());
}

TEST(CoreLayers, StackInOneModel) {
  // Flatten -> RepeatVector -> Permute -> Reshape -> Lambda, trained through a Dense.
  utils::set_random_seed(4);
  Sequential model;
  model.add(Flatten({.input_shape = Shape{2, 3}}));
  model.add(Dense(4));
  model.add(RepeatVector(2));
  model.add(Permute({2, 1}));
  model.add(Reshape({-1}));
  model.add(Lambda([](const SymbolicTensor& v) { return v * 2.0; }));
  EXPECT_EQ(model.output_shape(), (Shape{-1, 8}));
  Tensor x = random_uniform({32, 2, 3}, 22);
  Tensor y = random_uniform({32, 8}, 23);
  auto losses = keras::testing::fit_losses(model, x, y, 10);
  EXPECT_LT(losses.back(), losses.front());
}

TEST(LayerWeightsArgument, DenseStartsFromTheGivenWeights) {
  Tensor kernel = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2});
  Tensor bias = Tensor::from_vector<float>({0.5, -0.5}, {2});
  Sequential model;
  model.add(Dense(2, {.input_dim = 3, .weights = {kernel, bias}}));
  Tensor y = model.predict(Tensor::from_vector<float>({1, 1, 1}, {1, 3}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{9.5f, 11.5f}));
  auto weights = model.get_weights();
  EXPECT_EQ(weights[0].to_vector<float>(), kernel.to_vector<float>());
}

TEST(LayerWeightsArgument, WrongShapesNameTheLayer) {
  Sequential model;
  try {
    model.add(
        Dense(2, {.input_dim = 3, .name = "given", .weights = {Tensor({2, 2}), Tensor({2})}}));
    FAIL() << "a (2, 2) kernel was accepted for a (3, 2) one";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("given"), std::string::npos) << e.what();
  }
}

TEST(LayerWeightsArgument, EmbeddingTakesPretrainedVectors) {
  Tensor table = Tensor::from_vector<float>({0, 0, 1, 2, 3, 4}, {3, 2});
  Sequential model;
  model.add(Embedding(3, 2, {.input_length = 2, .weights = {table}}));
  Tensor y = model.predict(Tensor::from_vector<std::int32_t>({2, 1}, {1, 2}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{3, 4, 1, 2}));
}

TEST(LayerWeightsArgument, LayersWithSeveralWeightsTakeThemInOrder) {
  // BatchNormalization: gamma, beta, moving_mean, moving_variance; inference uses the moving ones.
  Sequential model;
  model.add(BatchNormalization(
      {.epsilon = 1e-12,
       .input_shape = Shape{2},
       .weights = {Tensor::from_vector<float>({2, 2}, {2}), Tensor::from_vector<float>({1, 1}, {2}),
                   Tensor::from_vector<float>({1, 3}, {2}),
                   Tensor::from_vector<float>({4, 4}, {2})}}));
  Tensor y = model.predict(Tensor::from_vector<float>({5, 3}, {1, 2}));
  auto values = y.to_vector<float>();  // 2 * (x - mean) / 2 + 1
  EXPECT_NEAR(values[0], 5, 1e-5);
  EXPECT_NEAR(values[1], 1, 1e-5);
}
