// The C++ API of Keras 2.2.4's ConvRNN2D(cell) and ConvLSTM2DCell (ConvLSTM2D's cell: the same
// results with the same weights, the cell's step is the layer's step), Keras 1's ConvRecurrent2D
// as their base, and keras::layers::Wrapper as the base of TimeDistributed, Bidirectional and a
// wrapper written here (the wrapped weights are the wrapper's).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "keras/keras.h"
#include "layer_test_util.h"

namespace {

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::expect_near;
using keras::testing::random_uniform;
using Ints = std::vector<std::int64_t>;

// x[:, t] of a (batch, time, ...) float tensor.
Tensor at_step(const Tensor& x, std::int64_t t) {
  Shape shape = x.shape();
  const std::int64_t batch = shape[0], steps = shape[1];
  shape.erase(shape.begin() + 1);
  Tensor out(shape);
  const std::int64_t size = out.numel() / batch;
  for (std::int64_t b = 0; b < batch; ++b)
    for (std::int64_t i = 0; i < size; ++i)
      out.data<float>()[b * size + i] = x.data<float>()[(b * steps + t) * size + i];
  return out;
}

void randomize(Layer& layer, std::uint32_t seed) {
  std::vector<Tensor> weights;
  for (const Tensor& w : layer.get_weights())
    weights.push_back(random_uniform(w.shape(), seed++, -0.5f, 0.5f));
  layer.set_weights(weights);
}

TEST(ConvRNN2D, OverAConvLSTM2DCellIsConvLSTM2D) {
  for (const char* format : {"channels_last", "channels_first"}) {
    const bool first = std::string(format) == "channels_first";
    const Shape shape = first ? Shape{3, 2, 5, 6} : Shape{3, 5, 6, 2};
    ConvLSTM2DOptions o{
        .padding = "same", .data_format = format, .return_sequences = true, .go_backwards = true};
    auto rnn = std::make_shared<ConvRNN2D>(
        ConvLSTM2DCell(3, Ints{3, 3}, o),
        ConvRNN2DOptions{.return_sequences = true, .go_backwards = true});
    auto lstm = std::make_shared<ConvLSTM2D>(3, Ints{3, 3}, o);
    auto input = Input({.shape = shape});
    Model ours(input, (*rnn)(input));
    Model reference(input, (*lstm)(input));
    randomize(*lstm, 7);
    rnn->set_weights(lstm->get_weights());
    Shape batch{2};
    batch.insert(batch.end(), shape.begin(), shape.end());
    Tensor x = random_uniform(batch, 3);
    expect_near(ours.predict(x), reference.predict(x), 1e-6);
    EXPECT_EQ(rnn->compute_output_shape(Shape{-1, 3, 5, 6, 2}),
              lstm->compute_output_shape(Shape{-1, 3, 5, 6, 2}));
  }
  // ConvLSTM2D is Keras 2.2.4's ConvRNN2D over its cell, named as the layer.
  ConvLSTM2D layer(2, 3, 3, {.name = "clstm"});
  EXPECT_NE(dynamic_cast<ConvRNN2D*>(&layer), nullptr);
  EXPECT_NE(dynamic_cast<ConvRecurrent2D*>(&layer), nullptr);
  EXPECT_EQ(layer.lstm_cell().name(), "clstm");
  EXPECT_EQ(layer.lstm_cell().state_size(), (Ints{2, 2}));
}

TEST(ConvLSTM2DCell, StepIsTheLayersStep) {
  auto cell = std::make_shared<ConvLSTM2DCell>(2, Ints{3, 3}, ConvLSTM2DOptions{.padding = "same"});
  auto lstm = std::make_shared<ConvLSTM2D>(
      2, Ints{3, 3}, ConvLSTM2DOptions{.padding = "same", .return_sequences = true});
  auto input = Input({.shape = Shape{2, 4, 4, 3}});
  Model reference(input, (*lstm)(input));
  randomize(*lstm, 11);
  cell->build({-1, 4, 4, 3});
  cell->set_weights(lstm->get_weights());
  // Two steps by hand from zero states.
  auto step_input = Input({.shape = Shape{4, 4, 3}});
  auto h0 = Input({.shape = Shape{4, 4, 2}});
  auto c0 = Input({.shape = Shape{4, 4, 2}});
  CellStep one = cell->step(step_input, {h0, c0});
  K::Function f({step_input, h0, c0}, {one.states[0], one.states[1]});
  Tensor x = random_uniform({2, 2, 4, 4, 3}, 5);
  Tensor zero({2, 4, 4, 2});
  auto first = f(std::vector<Tensor>{at_step(x, 0), zero, zero});
  auto second = f(std::vector<Tensor>{at_step(x, 1), first[0], first[1]});
  Tensor sequence = reference.predict(x);
  expect_near(first[0], at_step(sequence, 0), 1e-5);
  expect_near(second[0], at_step(sequence, 1), 1e-5);
}

// An encoder's final [h, c] as a decoder's initial state continue the sequence: with the same
// weights, one layer over both halves gives the decoder's output.
TEST(ConvRNN2D, InitialStateContinuesTheSequence) {
  ConvLSTM2DOptions o{.padding = "same"};
  auto encoder = std::make_shared<ConvLSTM2D>(2, Ints{3, 3}, [o] {
    auto e = o;
    e.return_state = true;
    return e;
  }());
  auto decoder = std::make_shared<ConvLSTM2D>(2, Ints{3, 3}, o);
  auto whole = std::make_shared<ConvLSTM2D>(2, Ints{3, 3}, o);
  auto first = Input({.shape = Shape{2, 4, 4, 1}});
  auto second = Input({.shape = Shape{3, 4, 4, 1}});
  auto states = encoder->apply({first});
  Model model({first, second}, (*decoder)(second, {states[1], states[2]}));
  auto all = Input({.shape = Shape{5, 4, 4, 1}});
  Model reference(all, (*whole)(all));
  randomize(*whole, 13);
  encoder->set_weights(whole->get_weights());
  decoder->set_weights(whole->get_weights());
  Tensor x = random_uniform({2, 5, 4, 4, 1}, 17);
  Tensor a({2, 2, 4, 4, 1}), b({2, 3, 4, 4, 1});
  for (std::int64_t n = 0; n < 2; ++n)
    for (std::int64_t i = 0; i < 16; ++i) {
      for (std::int64_t t = 0; t < 2; ++t)
        a.data<float>()[(n * 2 + t) * 16 + i] = x.data<float>()[(n * 5 + t) * 16 + i];
      for (std::int64_t t = 0; t < 3; ++t)
        b.data<float>()[(n * 3 + t) * 16 + i] = x.data<float>()[(n * 5 + 2 + t) * 16 + i];
    }
  expect_near(model.predict(Arrays{a, b})[0], reference.predict(x), 1e-5);
  expect_invalid([&] { (*decoder)(second, {states[1]}); }, {"2 states", "1 initial states"});
}

TEST(ConvRNN2D, ConfigRoundTripAndErrors) {
  ConvRNN2D layer(ConvLSTM2DCell(4, Ints{3, 3}, {.strides = {2, 2}, .dropout = 0.25}),
                  {.return_state = true});
  nlohmann::json config = serialize(layer);
  EXPECT_EQ(config["config"]["cell"]["class_name"], "ConvLSTM2DCell");
  EXPECT_EQ(config["config"]["cell"]["config"]["dropout"], 0.25);
  EXPECT_EQ(config["config"]["return_state"], true);
  LayerPtr again = deserialize(config);
  ASSERT_NE(dynamic_cast<ConvRNN2D*>(again.get()), nullptr);
  EXPECT_EQ(serialize(*again), config);
  auto outputs = again->apply({Input({.shape = Shape{2, 7, 7, 3}})});
  ASSERT_EQ(outputs.size(), 3u);
  for (const auto& out : outputs) EXPECT_EQ(out.shape(), (Shape{-1, 3, 3, 4}));

  expect_invalid(
      [] {
        ConvRNN2D(ConvLSTM2DCell(2, Ints{3, 3}), {.unroll = true});
      },
      {"Unrolling isn't possible"});
  expect_invalid([] { ConvRNN2D(LayerPtr(std::make_shared<Dense>(3))); },
                 {"ConvRNN2D", "convolutional RNN cell", "Dense"});
  expect_invalid([] { ConvLSTM2DCell(0, Ints{3, 3}); }, {"ConvLSTM2DCell", "filters"});
}

// A wrapper as a C++ user writes one: the wrapped layer's output doubled.
class Doubling : public Wrapper {
 public:
  explicit Doubling(LayerPtr layer) : Wrapper("Doubling", std::move(layer), {}) {}
  KERAS_LAYER_CLASS(Doubling)
  void build(const Shape& input_shape) override { layer_->build(input_shape); }
  SymbolicTensor call(const SymbolicTensor& x) override { return layer_->call(x) * 2.0; }
  Shape compute_output_shape(const Shape& input_shape) const override {
    return layer_->compute_output_shape(input_shape);
  }
};

TEST(Wrapper, TheWrappedWeightsAreTheWrappers) {
  auto dense = std::make_shared<Dense>(3);
  auto wrapper = std::make_shared<Doubling>(dense);
  auto input = Input({.shape = Shape{4}});
  Model model(input, (*wrapper)(input));
  ASSERT_EQ(wrapper->trainable_weights().size(), 2u);
  EXPECT_EQ(wrapper->trainable_weights()[0].node(), dense->kernel().node());
  EXPECT_EQ(model.trainable_weights().size(), 2u);
  EXPECT_EQ(wrapper->count_params(), 15);
  EXPECT_EQ(wrapper->get_config()["layer"]["class_name"], "Dense");
  Tensor x = random_uniform({5, 4}, 9);
  auto w = dense->get_weights();
  Tensor y = model.predict(x);
  for (std::int64_t i = 0; i < 5; ++i)
    for (std::int64_t j = 0; j < 3; ++j) {
      double expected = w[1].at<float>(j);
      for (std::int64_t k = 0; k < 4; ++k) expected += x.at<float>(i, k) * w[0].at<float>(k, j);
      EXPECT_NEAR(y.at<float>(i, j), 2 * expected, 1e-5);
    }
  wrapper->set_trainable(false);
  EXPECT_TRUE(wrapper->trainable_weights().empty());
  EXPECT_EQ(wrapper->non_trainable_weights().size(), 2u);
  expect_invalid([&] { wrapper->set_weights({w[0]}); }, {"expecting 2 weights"});

  EXPECT_NE(dynamic_cast<Wrapper*>(std::make_shared<TimeDistributed>(Dense(2)).get()), nullptr);
  auto bi = std::make_shared<Bidirectional>(LSTM(2));
  ASSERT_NE(dynamic_cast<Wrapper*>(bi.get()), nullptr);
  bi->apply({Input({.shape = Shape{3, 2}})});
  EXPECT_EQ(bi->get_weights().size(), 6u);  // forward's, then backward's
  EXPECT_EQ(bi->layer(), bi->forward_layer());
}

}  // namespace
