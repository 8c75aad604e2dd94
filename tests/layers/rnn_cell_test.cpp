// Keras 2.2.4's cell API: RNN(SimpleRNNCell / GRUCell / LSTMCell) against SimpleRNN / GRU / LSTM
// with the same weights (the fused path), StackedRNNCells against stacked layers, a cell written
// in C++ run step by step (against a naive loop and finite differences), mixed stacks (the
// built-in cells' step against their fused sequence), configs and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "keras/keras.h"
#include "layer_gradcheck_util.h"
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

// Keras's MinimalRNNCell (the RNN docstring's example): h_t = x_t W + h_{t-1} U.
class MinimalRNNCell : public Layer, public RNNCell {
 public:
  explicit MinimalRNNCell(std::int64_t units, std::string name = "")
      : Layer("MinimalRNNCell", LayerArguments{.name = std::move(name)}), units_(units) {}
  KERAS_LAYER_CLASS(MinimalRNNCell)
  void build(const Shape& input_shape) override {
    kernel_ = add_weight("kernel", {input_shape[1], units_}, initializers::get("uniform"));
    recurrent_kernel_ =
        add_weight("recurrent_kernel", {units_, units_}, initializers::get("uniform"));
  }
  SymbolicTensor call(const SymbolicTensor& x) override { return x; }
  nlohmann::json get_config() const override {
    nlohmann::json config = Layer::get_config();
    config["units"] = units_;
    return config;
  }
  std::vector<std::int64_t> state_size() const override { return {units_}; }
  CellStep step(const SymbolicTensor& x, const std::vector<SymbolicTensor>& states) override {
    SymbolicTensor h = K::dot(x, kernel_) + K::dot(states[0], recurrent_kernel_);
    return {h, {h}};
  }

 private:
  std::int64_t units_;
  SymbolicTensor kernel_, recurrent_kernel_;
};

// x W + h U over the steps (processing order), masked steps keeping h; the naive oracle.
Tensor naive_minimal(const Tensor& x, const Tensor& w, const Tensor& u, bool go_backwards,
                     const std::vector<int>& mask = {}) {
  const std::int64_t B = x.dim(0), T = x.dim(1), D = x.dim(2), n = u.dim(0);
  Tensor out({B, T, n});
  for (std::int64_t b = 0; b < B; ++b) {
    std::vector<double> h(n, 0.0);
    for (std::int64_t s = 0; s < T; ++s) {
      const std::int64_t t = go_backwards ? T - 1 - s : s;
      if (mask.empty() || mask[static_cast<std::size_t>(b * T + t)]) {
        std::vector<double> next(n, 0.0);
        for (std::int64_t j = 0; j < n; ++j) {
          for (std::int64_t d = 0; d < D; ++d) next[j] += x(b, t, d) * w(d, j);
          for (std::int64_t k = 0; k < n; ++k) next[j] += h[k] * u(k, j);
        }
        h = next;
      }
      for (std::int64_t j = 0; j < n; ++j) out.at<float>(b, s, j) = static_cast<float>(h[j]);
    }
  }
  return out;
}

LayerPtr builtin_cell(Cell cell, std::int64_t units, bool reset_after = false) {
  if (cell == Cell::kLSTM) return std::make_shared<LSTMCell>(units);
  if (cell == Cell::kGRU)
    return std::make_shared<GRUCell>(units, GRUCellOptions{.reset_after = reset_after});
  return std::make_shared<SimpleRNNCell>(units);
}

struct Case {
  Cell cell;
  bool reset_after;
};

}  // namespace

class CellLayer : public ::testing::TestWithParam<Case> {};

TEST_P(CellLayer, RNNOfTheCellComputesTheLayer) {
  const auto [cell, reset_after] = GetParam();
  for (bool backwards : {false, true}) {
    auto input = Input({.shape = Shape{5, 3}});
    auto masked = Masking()(input);
    auto rnn =
        std::make_shared<RNN>(builtin_cell(cell, 4, reset_after),
                              RNNLayerOptions{.return_sequences = true, .go_backwards = backwards});
    auto layer = make(
        cell, 4, {.return_sequences = true, .go_backwards = backwards, .reset_after = reset_after});
    Model a(input, (*rnn)(masked)), b(input, (*layer)(masked));
    auto w = randomize(*rnn, 3);
    ASSERT_EQ(rnn->get_weights().size(), layer->get_weights().size());
    layer->set_weights(w);
    Tensor x = random_uniform({2, 5, 3}, 9);
    for (std::int64_t d = 0; d < 3; ++d) x.at<float>(1, 2, d) = 0.0f;  // a masked step
    Tensor y = a.predict(x);
    EXPECT_TRUE(keras::testing::all_close(y, b.predict(x), 0, 0)) << "bit for bit";
    expect_near(y, naive_rnn(cell, x, w, backwards, {1, 1, 1, 1, 1, 1, 1, 0, 1, 1}), 2e-5);
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, CellLayer,
                         ::testing::Values(Case{Cell::kSimple, false}, Case{Cell::kGRU, false},
                                           Case{Cell::kGRU, true}, Case{Cell::kLSTM, false}));

TEST(RNNCells, WeightsAreTheCellsInKerasOrder) {
  auto cell = std::make_shared<LSTMCell>(4, LSTMCellOptions{.bias_initializer = "zeros"});
  RNN rnn(cell, {.input_shape = Shape{5, 3}});
  Sequential model({std::make_shared<RNN>(std::move(rnn))});
  auto weights = model.layers()[0]->get_weights();
  ASSERT_EQ(weights.size(), 3u);
  EXPECT_EQ(weights[0].shape(), (Shape{3, 16}));
  EXPECT_EQ(weights[1].shape(), (Shape{4, 16}));
  EXPECT_EQ(weights[2].shape(), (Shape{16}));
  EXPECT_FLOAT_EQ(weights[2].at<float>(4), 1.0f);  // unit_forget_bias
  EXPECT_EQ(cell->get_weights().size(), 3u);       // the cell holds them, as Keras's
  EXPECT_EQ(model.layers()[0]->count_params(), 3 * 16 + 4 * 16 + 16);
}

TEST(RNNCells, StackedCellsComputeTwoLayers) {
  for (bool backwards : {false, true}) {
    auto input = Input({.shape = Shape{6, 3}});
    auto masked = Masking()(input);
    auto stacked = std::make_shared<RNN>(
        std::vector<LayerPtr>{std::make_shared<LSTMCell>(4), std::make_shared<GRUCell>(5)},
        RNNLayerOptions{.return_sequences = true, .return_state = true, .go_backwards = backwards});
    auto outputs = stacked->apply({masked});
    ASSERT_EQ(outputs.size(), 4u);  // output, h1, c1, h2
    auto first =
        std::make_shared<LSTM>(4, RNNOptions{.return_sequences = true, .go_backwards = backwards});
    auto second = std::make_shared<GRU>(5, RNNOptions{.return_sequences = true});
    Model a(input, outputs), b(input, (*second)((*first)(masked)));
    auto w = randomize(*stacked, 5);
    first->set_weights({w[0], w[1], w[2]});
    second->set_weights({w[3], w[4], w[5]});
    Tensor x = random_uniform({2, 6, 3}, 2);
    for (std::int64_t d = 0; d < 3; ++d) x.at<float>(0, 4, d) = 0.0f;
    auto ys = a.predict(Arrays{x});
    if (!backwards) expect_near(ys[0], b.predict(x), 1e-6);
    // Each cell skips the masked step at its place in processing order (two layers cannot: the
    // second would read the mask in time order), as the naive loops over the stack do.
    std::vector<int> mask{1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1};
    Tensor first_outputs = naive_rnn(Cell::kLSTM, x, {w[0], w[1], w[2]}, backwards, mask);
    if (backwards) std::reverse(mask.begin(), mask.begin() + 6);
    expect_near(ys[0], naive_rnn(Cell::kGRU, first_outputs, {w[3], w[4], w[5]}, false, mask), 2e-5);
    expect_near(ys[3], last_step(ys[0]), 1e-6);
    EXPECT_EQ(ys[1].shape(), (Shape{2, 4}));
  }
}

TEST(RNNCells, MixedStackStepsTheBuiltinCellAsItsSequence) {
  // A stack with a cell of its own runs step by step: the LSTMCell's step must equal LSTM.
  auto input = Input({.shape = Shape{5, 3}});
  auto minimal = std::make_shared<MinimalRNNCell>(2);
  auto stacked =
      std::make_shared<RNN>(std::vector<LayerPtr>{std::make_shared<LSTMCell>(4), minimal},
                            RNNLayerOptions{.return_sequences = true});
  auto lstm = std::make_shared<LSTM>(4, RNNOptions{.return_sequences = true});
  auto second = std::make_shared<RNN>(std::make_shared<MinimalRNNCell>(2),
                                      RNNLayerOptions{.return_sequences = true});
  Model a(input, (*stacked)(input)), b(input, (*second)((*lstm)(input)));
  auto w = randomize(*stacked, 8);
  lstm->set_weights({w[0], w[1], w[2]});
  second->set_weights({w[3], w[4]});
  Tensor x = random_uniform({2, 5, 3}, 4);
  expect_near(a.predict(x), b.predict(x), 1e-5);
}

TEST(RNNCells, CellOfItsOwnMatchesTheNaiveLoopAndFiniteDifferences) {
  for (bool backwards : {false, true}) {
    auto rnn =
        std::make_shared<RNN>(std::make_shared<MinimalRNNCell>(3),
                              RNNLayerOptions{.return_sequences = true, .go_backwards = backwards});
    auto input = Input({.shape = Shape{4, 2}});
    Model model(input, (*rnn)(Masking()(input)));
    auto w = randomize(*rnn, 6);
    Tensor x = random_uniform({2, 4, 2}, 1);
    x.at<float>(1, 1, 0) = x.at<float>(1, 1, 1) = 0.0f;
    expect_near(model.predict(x), naive_minimal(x, w[0], w[1], backwards, {1, 1, 1, 1, 1, 0, 1, 1}),
                1e-5);
  }
  keras::testing::expect_layer_gradients(
      [] {
        return std::static_pointer_cast<Layer>(
            std::make_shared<RNN>(std::vector<LayerPtr>{std::make_shared<MinimalRNNCell>(3),
                                                        std::make_shared<GRUCell>(2)},
                                  RNNLayerOptions{.return_sequences = true}));
      },
      {2, 4, 3}, 5, 1e-5);
}

TEST(RNNCells, InitialAndFinalStatesAndStatefulness) {
  auto input = Input({.shape = Shape{5, 3}});
  auto h0 = Input({.shape = Shape{4}}), c0 = Input({.shape = Shape{4}});
  auto rnn =
      std::make_shared<RNN>(std::make_shared<LSTMCell>(4), RNNLayerOptions{.return_state = true});
  auto outputs = (*rnn)(input, {h0, c0});
  ASSERT_EQ(outputs.size(), 3u);
  auto lstm = std::make_shared<LSTM>(4, RNNOptions{.return_state = true});
  auto reference = (*lstm)(input, {h0, c0});
  Model a({input, h0, c0}, outputs), b({input, h0, c0}, reference);
  lstm->set_weights(randomize(*rnn, 2));
  std::vector<Tensor> feed{random_uniform({2, 5, 3}, 1), random_uniform({2, 4}, 2),
                           random_uniform({2, 4}, 3)};
  auto ya = a.predict(Arrays(feed)), yb = b.predict(Arrays(feed));
  for (std::size_t k = 0; k < 3; ++k) expect_near(ya[k], yb[k], 0);

  // Stateful: the second batch starts where the first ended, until reset_states.
  auto stateful =
      std::make_shared<RNN>(std::make_shared<SimpleRNNCell>(3),
                            RNNLayerOptions{.stateful = true, .batch_input_shape = Shape{2, 4, 2}});
  Sequential model({stateful});
  Tensor x = random_uniform({2, 4, 2}, 5);
  Tensor first = model.predict(x, {.batch_size = 2});
  Tensor second = model.predict(x, {.batch_size = 2});
  EXPECT_FALSE(keras::testing::all_close(first, second, 1e-6, 1e-6));
  model.reset_states();
  expect_near(model.predict(x, {.batch_size = 2}), first, 0);
}

TEST(RNNCells, ConfigRoundTrip) {
  auto rnn = std::make_shared<RNN>(
      std::vector<LayerPtr>{
          std::make_shared<GRUCell>(
              3, GRUCellOptions{.recurrent_activation = "sigmoid", .reset_after = true}),
          std::make_shared<SimpleRNNCell>(2, SimpleRNNCellOptions{.activation = "relu"})},
      RNNLayerOptions{.return_sequences = true, .go_backwards = true, .input_shape = Shape{4, 3}});
  Sequential model({rnn});
  nlohmann::json config = serialize(*rnn);
  EXPECT_EQ(config["config"]["cell"]["class_name"], "StackedRNNCells");
  const auto& cells = config["config"]["cell"]["config"]["cells"];
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0]["class_name"], "GRUCell");
  EXPECT_EQ(cells[0]["config"]["reset_after"], true);
  EXPECT_FALSE(cells[1]["config"].contains("recurrent_activation"));  // SimpleRNNCell has none
  auto copy = std::dynamic_pointer_cast<RNN>(deserialize(config));
  ASSERT_TRUE(copy);
  EXPECT_EQ(serialize(*copy)["config"]["cell"], config["config"]["cell"]);
  Sequential again({copy});
  again.set_weights(model.get_weights());
  Tensor x = random_uniform({2, 4, 3}, 7);
  expect_near(again.predict(x), model.predict(x), 0);

  nlohmann::json bad = config;
  bad["config"]["cell"]["config"]["cells"][0]["config"]["units_"] = 3;
  expect_invalid([&] { deserialize(bad); }, {"GRUCell", "units_"});
}

TEST(RNNCells, BadInput) {
  expect_invalid([] { RNN rnn(std::make_shared<Dense>(3)); },
                 {"`cell` should be an RNN cell", "Dense"});
  expect_invalid([] { LSTMCell cell(0); }, {"LSTMCell", "positive `units`"});
  expect_invalid([] { GRUCell cell(2, {.dropout = 1.5}); }, {"dropout must be in [0, 1)"});
  auto unrolled =
      std::make_shared<RNN>(std::make_shared<LSTMCell>(2), RNNLayerOptions{.unroll = true});
  expect_invalid([&] { (*unrolled)(Input({.shape = Shape{-1, 3}})); }, {"Cannot unroll a RNN"});
  auto two_states = std::make_shared<RNN>(std::make_shared<LSTMCell>(2));
  expect_invalid(
      [&] {
        (*two_states)(Input({.shape = Shape{3, 3}}), {Input({.shape = Shape{2}})});
      },
      {"Layer has 2 states but was passed 1 initial states."});
  expect_invalid(
      [&] {
        (*two_states)(Input({.shape = Shape{3, 3}}),
                      {Input({.shape = Shape{2}}), Input({.shape = Shape{5}})});
      },
      {"not compatible with `cell.state_size`"});
  EXPECT_THROW((*std::make_shared<LSTMCell>(2))(Input({.shape = Shape{3}})), std::invalid_argument);
}

TEST(RNNCells, CellOfItsOwnOverTimestepsKnownAtRunTime) {
  // The step is traced once and unrolled per length seen; gradients reach the cell's weights.
  auto rnn = std::make_shared<RNN>(
      std::make_shared<MinimalRNNCell>(3),
      RNNLayerOptions{.return_sequences = true, .go_backwards = true, .input_shape = Shape{-1, 2}});
  Sequential model({rnn});
  EXPECT_EQ(model.output_shape(), (Shape{-1, -1, 3}));
  std::vector<Tensor> w = model.get_weights();
  for (std::int64_t steps : {4, 1, 4}) {
    Tensor x = random_uniform({2, steps, 2}, static_cast<std::uint64_t>(steps));
    expect_near(model.predict(x), naive_minimal(x, w[0], w[1], true), 1e-5);
  }
  model.compile("sgd", "mse");
  model.train_on_batch(random_uniform({2, 5, 2}, 9), random_uniform({2, 5, 3}, 10));
  EXPECT_GT(std::abs(model.get_weights()[0].to_vector<float>()[0] - w[0].to_vector<float>()[0]),
            0.0f);
}

TEST(RNNCells, UnknownTimestepsRunTheFusedCells) {
  auto rnn = std::make_shared<RNN>(
      std::vector<LayerPtr>{std::make_shared<LSTMCell>(3), std::make_shared<LSTMCell>(2)},
      RNNLayerOptions{.input_shape = Shape{-1, 2}});
  Sequential model({rnn});
  EXPECT_EQ(model.output_shape(), (Shape{-1, 2}));
  for (std::int64_t steps : {3, 7})
    EXPECT_EQ(model.predict(random_uniform({2, steps, 2}, 1)).shape(), (Shape{2, 2}));
}
