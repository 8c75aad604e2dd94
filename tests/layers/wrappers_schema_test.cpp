// The wrappers and the other layers built from their schemas late (Bidirectional,
// TimeDistributed, Lambda, InputLayer, ConvLSTM2D, RNN): Bidirectional over any recurrent layer
// (RNN(cell) equal to the layer of that cell with the same weights), RNN's constants reaching
// every step of a cell that takes them (Keras 2.2.4's `rnn(x, constants=c)`), Lambda on a list
// of tensors with a mask function, InputLayer's input_tensor, and strict configs.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "keras/keras.h"
#include "layer_test_util.h"
#include "naive_rnn.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::expect_near;
using keras::testing::random_uniform;
using namespace keras::testing::rnn;
namespace K = keras::backend;

namespace {

// Keras's docstring example of a cell taking constants: h_t = x_t W + h_{t-1} U + c V.
class ConstantCell : public Layer, public RNNCell {
 public:
  explicit ConstantCell(std::int64_t units, std::string name = "")
      : Layer("ConstantCell", LayerArguments{.name = std::move(name)}), units_(units) {}
  static LayerPtr from_config(const nlohmann::json& config) {
    return std::make_shared<ConstantCell>(config.at("units").get<std::int64_t>());
  }
  KERAS_LAYER_CLASS(ConstantCell)
  void build(const Shape&) override {
    throw std::invalid_argument("ConstantCell is built with its constants' shapes");
  }
  void build_list(const std::vector<Shape>& shapes) override {
    kernel_ = add_weight("kernel", {shapes[0][1], units_}, initializers::get("uniform"));
    recurrent_kernel_ =
        add_weight("recurrent_kernel", {units_, units_}, initializers::get("uniform"));
    constant_kernel_ =
        add_weight("constant_kernel", {shapes[1][1], units_}, initializers::get("uniform"));
  }
  SymbolicTensor call(const SymbolicTensor& x) override { return x; }
  nlohmann::json get_config() const override {
    nlohmann::json config = Layer::get_config();
    config["units"] = units_;
    return config;
  }
  std::vector<std::int64_t> state_size() const override { return {units_}; }
  CellStep step(const SymbolicTensor&, const std::vector<SymbolicTensor>&) override {
    throw std::invalid_argument("ConstantCell steps with its constants");
  }
  bool takes_constants() const override { return true; }
  CellStep step_with_constants(const SymbolicTensor& x, const std::vector<SymbolicTensor>& states,
                               const std::vector<SymbolicTensor>& constants) override {
    SymbolicTensor h = K::dot(x, kernel_) + K::dot(states[0], recurrent_kernel_) +
                       K::dot(constants[0], constant_kernel_);
    return {h, {h}};
  }

 private:
  std::int64_t units_;
  SymbolicTensor kernel_, recurrent_kernel_, constant_kernel_;
};

// x W + h U + c V over the steps in processing order: (batch, steps, units).
Tensor naive_constant_rnn(const Tensor& x, const Tensor& c, const std::vector<Tensor>& w,
                          bool go_backwards) {
  const std::int64_t B = x.dim(0), T = x.dim(1), D = x.dim(2), n = w[1].dim(0), E = c.dim(1);
  Tensor out({B, T, n});
  for (std::int64_t b = 0; b < B; ++b) {
    std::vector<double> h(n, 0.0);
    for (std::int64_t s = 0; s < T; ++s) {
      const std::int64_t t = go_backwards ? T - 1 - s : s;
      std::vector<double> next(n, 0.0);
      for (std::int64_t j = 0; j < n; ++j) {
        for (std::int64_t d = 0; d < D; ++d) next[j] += x(b, t, d) * w[0](d, j);
        for (std::int64_t k = 0; k < n; ++k) next[j] += h[k] * w[1](k, j);
        for (std::int64_t e = 0; e < E; ++e) next[j] += c(b, e) * w[2](e, j);
      }
      h = next;
      for (std::int64_t j = 0; j < n; ++j) out.at<float>(b, s, j) = static_cast<float>(h[j]);
    }
  }
  return out;
}

}  // namespace

TEST(BidirectionalRNN, OfACellEqualsTheLayerOfThatCellWithTheSameWeights) {
  Tensor x = random_uniform({2, 5, 3}, 31);
  for (const char* mode : {"concat", "sum", "mul", "ave"}) {
    for (bool sequences : {false, true}) {
      auto input = Input({.shape = Shape{5, 3}});
      auto of_cell =
          std::make_shared<Bidirectional>(RNN(LSTMCell(4), {.return_sequences = sequences}),
                                          BidirectionalOptions{.merge_mode = mode});
      auto of_layer = std::make_shared<Bidirectional>(LSTM(4, {.return_sequences = sequences}),
                                                      BidirectionalOptions{.merge_mode = mode});
      Model a(input, (*of_cell)(input)), b(input, (*of_layer)(input));
      // The backward copy is the same class, from the config with go_backwards flipped.
      EXPECT_EQ(of_cell->backward_layer()->class_name(), "RNN");
      EXPECT_EQ(of_cell->backward_layer()->get_config()["go_backwards"], true);
      EXPECT_EQ(of_cell->backward_layer()->name(), "backward_" + of_cell->forward_layer()->name());
      ASSERT_EQ(of_cell->get_weights().size(), 6u);
      of_layer->set_weights(randomize(*of_cell, 40));
      expect_near(a.predict(x), b.predict(x), 1e-6);
    }
  }
}

TEST(BidirectionalRNN, StatesAndConfigOfAnRNNOfCells) {
  auto input = Input({.shape = Shape{4, 3}});
  std::vector<KerasTensor> states;
  for (int k = 0; k < 4; ++k) states.push_back(Input({.shape = Shape{2}}));
  auto bi = std::make_shared<Bidirectional>(
      RNN(std::vector<LayerPtr>{std::make_shared<GRUCell>(2), std::make_shared<GRUCell>(2)},
          {.return_state = true}),
      BidirectionalOptions{.merge_mode = std::nullopt});
  auto outputs = (*bi)(input, states);
  ASSERT_EQ(outputs.size(), 6u);  // forward, backward outputs; 2 forward states, 2 backward
  auto reference = std::make_shared<RNN>(
      std::vector<LayerPtr>{std::make_shared<GRUCell>(2), std::make_shared<GRUCell>(2)},
      RNNLayerOptions{.return_state = true});
  std::vector<KerasTensor> forward_states(states.begin(), states.begin() + 2);
  auto expected = (*reference)(input, forward_states);
  std::vector<KerasTensor> all_inputs{input};
  all_inputs.insert(all_inputs.end(), states.begin(), states.end());
  Model a(all_inputs, outputs), b(all_inputs, expected);
  auto w = randomize(*bi, 3);
  reference->set_weights(std::vector<Tensor>(w.begin(), w.begin() + 6));
  std::vector<Tensor> feed{random_uniform({2, 4, 3}, 1)};
  for (int k = 0; k < 4; ++k) feed.push_back(random_uniform({2, 2}, 10 + k));
  auto ya = a.predict(Arrays(feed)), yb = b.predict(Arrays(feed));
  expect_near(ya[0], yb[0], 1e-6);  // the forward output
  expect_near(ya[2], yb[1], 1e-6);  // its states
  expect_near(ya[3], yb[2], 1e-6);

  nlohmann::json config = bi->get_config();
  EXPECT_TRUE(config["merge_mode"].is_null());
  EXPECT_EQ(config["layer"]["class_name"], "RNN");
  auto copy = std::dynamic_pointer_cast<Bidirectional>(Bidirectional::from_config(config));
  ASSERT_TRUE(copy);
  EXPECT_FALSE(copy->merge_mode().has_value());
  EXPECT_EQ(copy->get_config()["layer"]["config"]["cell"], config["layer"]["config"]["cell"]);
}

TEST(RNNConstants, ReachEveryStepOfTheCell) {
  for (bool backwards : {false, true}) {
    auto input = Input({.shape = Shape{4, 3}});
    auto constant = Input({.shape = Shape{5}});
    auto rnn =
        std::make_shared<RNN>(std::make_shared<ConstantCell>(2),
                              RNNLayerOptions{.return_sequences = true, .go_backwards = backwards});
    auto outputs = (*rnn)(input, {}, {constant});
    ASSERT_EQ(outputs.size(), 1u);
    Model model({input, constant}, outputs);
    auto w = randomize(*rnn, 7);
    ASSERT_EQ(w.size(), 3u);
    EXPECT_EQ(w[2].shape(), (Shape{5, 2}));  // built with the constant's shape
    Tensor x = random_uniform({2, 4, 3}, 1), c = random_uniform({2, 5}, 2);
    expect_near(model.predict(Arrays{x, c}).front(), naive_constant_rnn(x, c, w, backwards), 1e-5);
    EXPECT_EQ(rnn->get_config()["num_constants"], 1);
  }
}

TEST(RNNConstants, WithInitialStatesInBidirectionalAndErrors) {
  CustomObjectScope scope({.layers = {{"ConstantCell", ConstantCell::from_config}}});
  auto input = Input({.shape = Shape{4, 3}});
  auto constant = Input({.shape = Shape{5}});
  auto h_forward = Input({.shape = Shape{2}}), h_backward = Input({.shape = Shape{2}});
  auto bi = std::make_shared<Bidirectional>(RNN(std::make_shared<ConstantCell>(2)),
                                            BidirectionalOptions{.merge_mode = std::nullopt});
  auto outputs = (*bi)(input, {h_forward, h_backward}, {constant});
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(bi->get_config()["num_constants"], 1);
  Model model({input, h_forward, h_backward, constant}, outputs);
  auto w = randomize(*bi, 11);
  Tensor x = random_uniform({2, 4, 3}, 1), c = random_uniform({2, 5}, 2);
  Tensor zeros({2, 2});
  auto y = model.predict(Arrays{x, zeros, zeros, c});
  expect_near(y[0], last_step(naive_constant_rnn(x, c, {w[0], w[1], w[2]}, false)), 1e-5);
  expect_near(y[1], last_step(naive_constant_rnn(x, c, {w[3], w[4], w[5]}, true)), 1e-5);

  // Keras's error: a cell whose call takes no constants.
  auto lstm = std::make_shared<RNN>(std::make_shared<LSTMCell>(2));
  expect_invalid(
      [&] {
        (*lstm)(Input({.shape = Shape{4, 3}}), {}, {Input({.shape = Shape{5}})});
      },
      {"RNN cell does not support constants"});
  expect_invalid([&] { Bidirectional(LSTM(2), {.num_constants = 1}); }, {"takes no constants"});
}

TEST(WrapperConfigs, FromConfigIsStrictAndNamesTheValidKeys) {
  auto check = [](const std::string& class_name, nlohmann::json config,
                  std::vector<std::string> valid) {
    config["colour"] = 1;
    valid.insert(valid.begin(), {class_name, "'colour'"});
    expect_invalid([&] { deserialize({{"class_name", class_name}, {"config", config}}); }, valid);
  };
  const nlohmann::json lstm = serialize(LSTM(2));
  check("Bidirectional", {{"layer", lstm}}, {"layer", "merge_mode"});
  check("TimeDistributed", {{"layer", serialize(Dense(2))}}, {"layer"});
  {
    CustomObjectScope square(
        {.functions = {{"square", [](const SymbolicTensor& t) { return K::square(t); }}}});
    check("Lambda", {{"function", "square"}}, {"function", "output_shape", "arguments"});
  }
  check("InputLayer", {{"batch_input_shape", {nullptr, 3}}},
        {"batch_input_shape", "dtype", "input_dtype", "sparse"});
  check("ConvLSTM2D", {{"filters", 2}, {"kernel_size", {3, 3}}},
        {"filters", "nb_filter", "kernel_size", "nb_row", "border_mode", "dropout_U"});
  check("RNN", serialize(RNN(LSTMCell(2)))["config"], {"cell", "return_sequences", "unroll"});
  expect_invalid(
      [&] {
        deserialize({{"class_name", "Bidirectional"}, {"config", {}}});
      },
      {"'layer' is required"});
  expect_invalid(
      [&] {
        deserialize({{"class_name", "Bidirectional"},
                     {"config", {{"layer", lstm}, {"merge_mode", "max"}}}});
      },
      {"Invalid merge mode", "max"});
  expect_invalid([&] { Bidirectional(Dense(2)); }, {"Bidirectional", "go_backwards", "Dense"});
}

// A config's Lambda function that takes the layer's `arguments` (Keras's
// function(inputs, **arguments)), on a list of inputs; a plain function refuses them.
TEST(WrapperConfigs, LambdaFromConfigCallsAKeywordFunctionWithItsArguments) {
  auto mix = [](const std::vector<SymbolicTensor>& xs, const nlohmann::json& arguments) {
    const double alpha = arguments.at("alpha").get<double>();
    return xs.at(0) * alpha + xs.at(1) * (1.0 - alpha);
  };
  const nlohmann::json config = {
      {"class_name", "Lambda"},
      {"config", {{"name", "mix"}, {"function", "mix"}, {"arguments", {{"alpha", 0.25}}}}}};
  {
    CustomObjectScope scope({.lambda_functions = {{"mix", mix}}});
    LayerPtr layer = deserialize(config);
    EXPECT_EQ(layer->get_config()["arguments"], (nlohmann::json{{"alpha", 0.25}}));
    auto a = Input({.shape = Shape{2}}), b = Input({.shape = Shape{2}});
    Model model({a, b}, (*layer)(std::vector<KerasTensor>{a, b}));
    auto y = model.predict(Arrays{Tensor::full({3, 2}, 1.0f), Tensor::full({3, 2}, 0.0f)});
    expect_near(y.front(), Tensor::full({3, 2}, 0.25f), 1e-6);
  }
  CustomObjectScope plain(
      {.functions = {{"mix", [](const SymbolicTensor& t) { return K::square(t); }}}});
  expect_invalid([&] { deserialize(config); },
                 {"'arguments'", "takes no keyword arguments", "lambda_functions"});
}

TEST(WrapperConfigs, TimeDistributedAndConvLSTM2DRoundTrip) {
  TimeDistributed td(Dense(3, {.activation = "relu"}), {.input_shape = Shape{4, 2}});
  nlohmann::json config = td.get_config();
  EXPECT_EQ(config["layer"]["class_name"], "Dense");
  EXPECT_EQ(config["layer"]["config"]["units"], 3);
  auto copy = TimeDistributed::from_config(config);
  EXPECT_EQ(copy->get_config(), config);
  Sequential model({copy});
  EXPECT_EQ(model.output_shape(), (Shape{-1, 4, 3}));

  // Keras 1's ConvLSTM2D spellings, renamed by the schema; return_state and unroll are keywords
  // outside the signature, written in the config.
  auto keras1 = deserialize(nlohmann::json::parse(R"({"class_name": "ConvLSTM2D", "config": {
      "nb_filter": 2, "nb_row": 3, "nb_col": 1, "border_mode": "same", "subsample": [1, 1],
      "dim_ordering": "th", "forget_bias_init": "zero", "inner_activation": "sigmoid",
      "dropout_W": 0.1, "batch_input_shape": [null, 3, 1, 5, 5]}})"));
  nlohmann::json k2 = keras1->get_config();
  EXPECT_EQ(k2["filters"], 2);
  EXPECT_EQ(k2["kernel_size"], nlohmann::json({3, 1}));
  EXPECT_EQ(k2["data_format"], "channels_first");
  EXPECT_EQ(k2["unit_forget_bias"], false);
  EXPECT_EQ(k2["recurrent_activation"], "sigmoid");
  EXPECT_EQ(k2["return_state"], false);
  EXPECT_EQ(k2["unroll"], false);
  EXPECT_FALSE(k2.contains("nb_filter"));
  EXPECT_EQ(deserialize({{"class_name", "ConvLSTM2D"}, {"config", k2}})->get_config(), k2);
  expect_invalid(
      [] {
        deserialize(nlohmann::json::parse(R"({"class_name": "ConvLSTM2D", "config": {
            "filters": 2, "kernel_size": 3, "nb_filter": 4}})"));
      },
      {"both Keras 1's 'nb_filter' and Keras 2's 'filters'"});
}

// Keras's weights= on the wrappers: TimeDistributed's are the wrapped layer's, set once that is
// built (by the wrapper's first call); Bidirectional's are the forward layer's, then the
// backward's.
TEST(WrapperWeights, WeightsArgumentSetsTheWrappedLayersWeights) {
  Tensor kernel = random_uniform({3, 2}, 91), bias = random_uniform({2}, 92);
  auto td = std::make_shared<TimeDistributed>(
      Dense(2), TimeDistributedOptions{.weights = {kernel, bias}, .input_shape = Shape{4, 3}});
  Sequential model({td});
  ASSERT_EQ(td->get_weights().size(), 2u);
  expect_near(td->get_weights()[0], kernel, 0);
  expect_near(td->get_weights()[1], bias, 0);
  Tensor x = random_uniform({2, 4, 3}, 93);
  Tensor y = model.predict(x);
  EXPECT_NEAR(y.at<float>(1, 2, 1),
              x.at<float>(1, 2, 0) * kernel.at<float>(0, 1) +
                  x.at<float>(1, 2, 1) * kernel.at<float>(1, 1) +
                  x.at<float>(1, 2, 2) * kernel.at<float>(2, 1) + bias.at<float>(1),
              1e-5);
  expect_invalid(
      [] {
        Sequential wrong({std::make_shared<TimeDistributed>(
            Dense(2),
            TimeDistributedOptions{.weights = {Tensor({2, 2})}, .input_shape = Shape{4, 3}})});
      },
      {"weight"});
}

TEST(LambdaSchema, ListInputsMaskAndConfig) {
  auto a = Input({.shape = Shape{3}}), b = Input({.shape = Shape{3}});
  Shared difference = Lambda(
      {.function = {[](const SymbolicTensor& x) { return x; },
                    [](const std::vector<SymbolicTensor>& xs) { return K::abs(xs[0] - xs[1]); },
                    "difference"},
       .mask = {[](const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>&) {
         return K::greater(inputs[0], K::constant(0.5));
       }}});
  auto out = difference(std::vector<KerasTensor>{a, b});
  EXPECT_EQ(out.shape(), (Shape{-1, 3}));
  EXPECT_TRUE(out.keras_mask().defined());
  Model model({a, b}, out);
  Tensor x = random_uniform({2, 3}, 1), y = random_uniform({2, 3}, 2);
  Tensor got = model.predict(Arrays{x, y}).front();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(got(i, j), std::abs(x(i, j) - y(i, j)), 1e-6);
  nlohmann::json config = difference->get_config();
  EXPECT_EQ(config["function"], "difference");
  EXPECT_EQ(config["function_type"], "function");
  EXPECT_EQ(config["arguments"], nlohmann::json::object());
  EXPECT_FALSE(config.contains("mask"));
  CustomObjects objects{
      .functions = {{"square", [](const SymbolicTensor& t) { return K::square(t); }}}};
  auto square = deserialize(
      {{"class_name", "Lambda"},
       {"config", {{"function", "square"}, {"output_shape", {3}}, {"output_shape_type", "raw"}}}},
      objects);
  EXPECT_EQ(square->compute_output_shape({-1, 3}), (Shape{-1, 3}));
  expect_invalid(
      [&] {
        deserialize({{"class_name", "Lambda"},
                     {"config", {{"function", "square"}, {"arguments", {{"k", 2}}}}}},
                    objects);
      },
      {"arguments"});
}

TEST(InputLayerSchema, InputTensorKeras1AndNewerConfigs) {
  auto placeholder = K::placeholder({-1, 4}, DType::float32, "existing");
  auto layer = std::make_shared<InputLayer>(InputLayer::Options{.input_tensor = {placeholder}});
  auto out = layer->make_input();
  EXPECT_EQ(out, placeholder);  // adopted, not a new placeholder
  EXPECT_EQ(layer->batch_input_shape(), (Shape{-1, 4}));
  Model model(out, Dense(2)(out));
  EXPECT_EQ(model.predict(random_uniform({3, 4}, 1)).shape(), (Shape{3, 2}));

  auto keras1 = std::dynamic_pointer_cast<InputLayer>(InputLayer::from_config(
      {{"batch_input_shape", {nullptr, 5}}, {"input_dtype", "int32"}, {"name", "ids"}}));
  EXPECT_EQ(keras1->dtype(), DType::int32);
  auto keras3 = InputLayer::from_config(nlohmann::json::parse(
      R"({"batch_shape": [null, 2], "dtype": "float32", "sparse": false, "ragged": false,
          "name": "x", "optional": false})"));
  EXPECT_EQ(keras3->get_config()["batch_input_shape"], nlohmann::json({nullptr, 2}));
  expect_invalid(
      [] {
        InputLayer::from_config(
            nlohmann::json::parse(R"({"batch_input_shape": [null, 2], "ragged": true})"));
      },
      {"ragged"});
  auto sized =
      std::make_shared<InputLayer>(InputLayer::Options{.input_shape = Shape{3}, .batch_size = 8});
  EXPECT_EQ(sized->batch_input_shape(), (Shape{8, 3}));
}

TEST(ConvLSTM2DStates, ReturnStateAndBidirectional) {
  auto input = Input({.shape = Shape{3, 5, 5, 2}});
  auto layer = std::make_shared<ConvLSTM2D>(
      4, Ints{3, 3},
      ConvLSTM2DOptions{.padding = "same", .return_sequences = true, .return_state = true});
  auto outputs = layer->apply({input});
  ASSERT_EQ(outputs.size(), 3u);  // output, h, c
  EXPECT_EQ(outputs[1].shape(), (Shape{-1, 5, 5, 4}));
  EXPECT_EQ(layer->compute_output_shape_list({Shape{-1, 3, 5, 5, 2}}).size(), 3u);
  Model model(input, outputs);
  Tensor x = random_uniform({2, 3, 5, 5, 2}, 4);
  auto y = model.predict(Arrays{x});
  // h is the last step of the output sequence.
  for (std::int64_t b = 0; b < 2; ++b)
    for (std::int64_t i = 0; i < 5; ++i)
      for (std::int64_t f = 0; f < 4; ++f) EXPECT_FLOAT_EQ(y[1](b, i, 2, f), y[0](b, 2, i, 2, f));
  EXPECT_EQ(layer->get_config()["return_state"], true);

  // Bidirectional over a ConvLSTM2D: the backward copy from its config, its sequence reversed.
  auto bi = std::make_shared<Bidirectional>(
      ConvLSTM2D(2, Ints{3, 3}, {.padding = "same", .return_sequences = true}),
      BidirectionalOptions{.merge_mode = std::nullopt});
  auto both = bi->apply({input});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(bi->backward_layer()->class_name(), "ConvLSTM2D");
  Model pair(input, both);
  auto w = randomize(*bi, 20);
  auto reference = std::make_shared<ConvLSTM2D>(
      2, Ints{3, 3},
      ConvLSTM2DOptions{.padding = "same", .return_sequences = true, .go_backwards = true});
  Model backward(input, (*reference)(input));
  reference->set_weights({w[3], w[4], w[5]});
  auto got = pair.predict(Arrays{x});
  Tensor expected = backward.predict(x);  // in processing order: the last time step first
  for (std::int64_t t = 0; t < 3; ++t)
    EXPECT_FLOAT_EQ(got[1](1, t, 2, 3, 1), expected(1, 2 - t, 2, 3, 1));
}
