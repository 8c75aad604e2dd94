// ConvLSTM2D: outputs against a naive double loop written here (Keras 2.2.4's equations, gate
// order i, f, c, o, both data formats, go_backwards, masking), float64 finite-difference gradients
// with respect to the input and every weight, both argument spellings, errors naming the layer,
// config round trips, statefulness, dropout phases, save/load, and a model that learns.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include "keras/backend/plan_cache.h"
#include "keras/keras.h"
#include "layer_gradcheck_util.h"
#include "layer_test_util.h"

namespace {

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::expect_near;
using keras::testing::random_uniform;

// A channels_last image batch in double: (batch, rows, cols, channels).
struct Images {
  std::int64_t n = 0, rows = 0, cols = 0, ch = 0;
  std::vector<double> v;
  double& at(std::int64_t i, std::int64_t r, std::int64_t c, std::int64_t k) {
    return v[static_cast<std::size_t>(((i * rows + r) * cols + c) * ch + k)];
  }
  double at(std::int64_t i, std::int64_t r, std::int64_t c, std::int64_t k) const {
    return v[static_cast<std::size_t>(((i * rows + r) * cols + c) * ch + k)];
  }
};

Images zeros(std::int64_t n, std::int64_t rows, std::int64_t cols, std::int64_t ch) {
  return {n, rows, cols, ch, std::vector<double>(static_cast<std::size_t>(n * rows * cols * ch))};
}

// TensorFlow's convolution: 'same' pads (total / 2) before; kernel (kr, kc, in, out) over the
// output channels [o0, o0 + count).
Images naive_conv(const Images& x, const Tensor& w, std::int64_t o0, std::int64_t count,
                  std::int64_t stride, std::int64_t dilation, bool same) {
  const std::int64_t kr = w.dim(0), kc = w.dim(1);
  auto out_len = [&](std::int64_t in, std::int64_t k) {
    const std::int64_t eff = (k - 1) * dilation + 1;
    return same ? (in + stride - 1) / stride : (in - eff) / stride + 1;
  };
  const std::int64_t orows = out_len(x.rows, kr), ocols = out_len(x.cols, kc);
  auto pad = [&](std::int64_t in, std::int64_t out, std::int64_t k) {
    if (!same) return std::int64_t{0};
    return std::max<std::int64_t>((out - 1) * stride + (k - 1) * dilation + 1 - in, 0) / 2;
  };
  const std::int64_t pr = pad(x.rows, orows, kr), pc = pad(x.cols, ocols, kc);
  Images y = zeros(x.n, orows, ocols, count);
  for (std::int64_t i = 0; i < x.n; ++i)
    for (std::int64_t r = 0; r < orows; ++r)
      for (std::int64_t c = 0; c < ocols; ++c)
        for (std::int64_t o = 0; o < count; ++o) {
          double acc = 0;
          for (std::int64_t a = 0; a < kr; ++a)
            for (std::int64_t b = 0; b < kc; ++b) {
              const std::int64_t rr = r * stride + a * dilation - pr,
                                 cc = c * stride + b * dilation - pc;
              if (rr < 0 || rr >= x.rows || cc < 0 || cc >= x.cols) continue;
              for (std::int64_t k = 0; k < x.ch; ++k)
                acc += x.at(i, rr, cc, k) * w.at<float>(a, b, k, o0 + o);
            }
          y.at(i, r, c, o) = acc;
        }
  return y;
}

double hard_sigmoid(double v) {
  return std::clamp(0.2 * v + 0.5, 0.0, 1.0);
}

struct Naive {
  std::int64_t filters, stride = 1, dilation = 1;
  bool same = true, go_backwards = false, return_sequences = true;
};

// x (batch, time, rows, cols, channels) channels_last; returns channels_last outputs. mask[i][t]
// == 0 keeps the previous h and c.
Tensor naive_conv_lstm(const Tensor& x, const Tensor& kernel, const Tensor& recurrent,
                       const Tensor& bias, const Naive& p,
                       const std::vector<std::vector<int>>& mask = {}) {
  const std::int64_t n = x.dim(0), steps = x.dim(1), f = p.filters;
  Images h, c;
  std::vector<Images> outputs;
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = p.go_backwards ? steps - 1 - k : k;
    Images xt = zeros(n, x.dim(2), x.dim(3), x.dim(4));
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t r = 0; r < x.dim(2); ++r)
        for (std::int64_t s = 0; s < x.dim(3); ++s)
          for (std::int64_t ch = 0; ch < x.dim(4); ++ch)
            xt.at(i, r, s, ch) = x.at<float>(i, t, r, s, ch);
    std::vector<Images> xg, hg;
    for (std::int64_t g = 0; g < 4; ++g)
      xg.push_back(naive_conv(xt, kernel, g * f, f, p.stride, p.dilation, p.same));
    if (k == 0) {
      h = zeros(n, xg[0].rows, xg[0].cols, f);
      c = h;
    }
    for (std::int64_t g = 0; g < 4; ++g)
      hg.push_back(naive_conv(h, recurrent, g * f, f, 1, 1, true));
    Images hn = h, cn = c;
    for (std::int64_t i = 0; i < n; ++i) {
      const bool keep =
          !mask.empty() && mask[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)] == 0;
      for (std::int64_t r = 0; r < h.rows; ++r)
        for (std::int64_t s = 0; s < h.cols; ++s)
          for (std::int64_t o = 0; o < f; ++o) {
            auto pre = [&](std::int64_t g) {
              return xg[static_cast<std::size_t>(g)].at(i, r, s, o) +
                     hg[static_cast<std::size_t>(g)].at(i, r, s, o) +
                     (bias.defined() ? bias.at<float>(g * f + o) : 0.0);
            };
            const double ig = hard_sigmoid(pre(0)), fg = hard_sigmoid(pre(1)),
                         cg = std::tanh(pre(2)), og = hard_sigmoid(pre(3));
            const double cv = fg * c.at(i, r, s, o) + ig * cg;
            if (keep) continue;
            cn.at(i, r, s, o) = cv;
            hn.at(i, r, s, o) = og * std::tanh(cv);
          }
    }
    h = hn;
    c = cn;
    outputs.push_back(h);
  }
  const std::int64_t orows = h.rows, ocols = h.cols;
  Tensor y =
      p.return_sequences ? Tensor({n, steps, orows, ocols, f}) : Tensor({n, orows, ocols, f});
  for (std::int64_t k = 0; k < (p.return_sequences ? steps : 1); ++k) {
    const Images& o = p.return_sequences ? outputs[static_cast<std::size_t>(k)] : h;
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t r = 0; r < orows; ++r)
        for (std::int64_t s = 0; s < ocols; ++s)
          for (std::int64_t q = 0; q < f; ++q) {
            const float v = static_cast<float>(o.at(i, r, s, q));
            if (p.return_sequences)
              y.at<float>(i, k, r, s, q) = v;
            else
              y.at<float>(i, r, s, q) = v;
          }
  }
  return y;
}

// (batch, time, rows, cols, ch) <-> (batch, time, ch, rows, cols).
Tensor time_channels_first(const Tensor& x) {
  Tensor y({x.dim(0), x.dim(1), x.dim(4), x.dim(2), x.dim(3)});
  for (std::int64_t i = 0; i < x.dim(0); ++i)
    for (std::int64_t t = 0; t < x.dim(1); ++t)
      for (std::int64_t r = 0; r < x.dim(2); ++r)
        for (std::int64_t c = 0; c < x.dim(3); ++c)
          for (std::int64_t k = 0; k < x.dim(4); ++k)
            y.at<float>(i, t, k, r, c) = x.at<float>(i, t, r, c, k);
  return y;
}

Tensor image_channels_first(const Tensor& x) {
  Tensor y({x.dim(0), x.dim(3), x.dim(1), x.dim(2)});
  for (std::int64_t i = 0; i < x.dim(0); ++i)
    for (std::int64_t r = 0; r < x.dim(1); ++r)
      for (std::int64_t c = 0; c < x.dim(2); ++c)
        for (std::int64_t k = 0; k < x.dim(3); ++k)
          y.at<float>(i, k, r, c) = x.at<float>(i, r, c, k);
  return y;
}

TEST(ConvLSTM2D, MatchesANaiveDoubleLoop) {
  for (const char* backend : {"cpu", "reference"}) {
    keras::testing::ScopedBackend scoped(backend);
    auto layer = std::make_shared<ConvLSTM2D>(
        3, Ints{3, 3},
        ConvLSTM2DOptions{
            .padding = "same", .return_sequences = true, .input_shape = Shape{4, 5, 4, 2}});
    Sequential model;
    model.add(LayerPtr(layer));
    EXPECT_EQ(model.output_shape(), (Shape{-1, 4, 5, 4, 3}));
    EXPECT_EQ(layer->kernel().shape(), (Shape{3, 3, 2, 12}));
    EXPECT_EQ(layer->recurrent_kernel().shape(), (Shape{3, 3, 3, 12}));
    EXPECT_EQ(layer->bias().shape(), (Shape{12}));
    Tensor k = random_uniform({3, 3, 2, 12}, 1, -0.5f, 0.5f),
           u = random_uniform({3, 3, 3, 12}, 2, -0.5f, 0.5f), b = random_uniform({12}, 3);
    layer->set_weights({k, u, b});
    Tensor x = random_uniform({2, 4, 5, 4, 2}, 4);
    expect_near(model.predict(x), naive_conv_lstm(x, k, u, b, {.filters = 3}), 1e-5);
  }
}

TEST(ConvLSTM2D, ChannelsFirstValidStridedBackwards) {
  for (const char* backend : {"cpu", "reference"}) {
    keras::testing::ScopedBackend scoped(backend);
    Sequential shapes;
    shapes.add(std::make_shared<ConvLSTM2D>(
        2, Ints{3, 2},
        ConvLSTM2DOptions{
            .strides = {2, 1}, .data_format = "channels_first", .input_shape = Shape{3, 2, 7, 5}}));
    EXPECT_EQ(shapes.output_shape(), (Shape{-1, 2, 3, 4}));
    auto layer = std::make_shared<ConvLSTM2D>(2, Ints{3, 2},
                                              ConvLSTM2DOptions{.strides = {2, 2},
                                                                .data_format = "channels_first",
                                                                .go_backwards = true,
                                                                .input_shape = Shape{3, 2, 7, 5}});
    Sequential model;
    model.add(LayerPtr(layer));
    EXPECT_EQ(model.output_shape(), (Shape{-1, 2, 3, 2}));
    Tensor k = random_uniform({3, 2, 2, 8}, 5, -0.5f, 0.5f),
           u = random_uniform({3, 2, 2, 8}, 6, -0.5f, 0.5f), b = random_uniform({8}, 7);
    layer->set_weights({k, u, b});
    Tensor x = random_uniform({2, 3, 7, 5, 2}, 8);  // channels_last for the naive loop
    Tensor expected = naive_conv_lstm(x, k, u, b,
                                      {.filters = 2,
                                       .stride = 2,
                                       .same = false,
                                       .go_backwards = true,
                                       .return_sequences = false});
    expect_near(model.predict(time_channels_first(x)), image_channels_first(expected), 1e-5);
  }
}

TEST(ConvLSTM2D, DilationAndNoBias) {
  auto layer = std::make_shared<ConvLSTM2D>(2, Ints{2, 2},
                                            ConvLSTM2DOptions{.dilation_rate = {2},
                                                              .use_bias = false,
                                                              .return_sequences = true,
                                                              .input_shape = Shape{3, 6, 6, 1}});
  Sequential model;
  model.add(LayerPtr(layer));
  ASSERT_EQ(layer->weights().size(), 2u);
  Tensor k = random_uniform({2, 2, 1, 8}, 9), u = random_uniform({2, 2, 2, 8}, 10, -0.5f, 0.5f);
  layer->set_weights({k, u});
  Tensor x = random_uniform({2, 3, 6, 6, 1}, 11);
  expect_near(model.predict(x),
              naive_conv_lstm(x, k, u, Tensor(), {.filters = 2, .dilation = 2, .same = false}),
              1e-5);
}

TEST(ConvLSTM2D, MaskedStepsKeepTheState) {
  // A Masking layer marks the all-zero time steps; those keep h and c.
  Sequential model;
  model.add(std::make_shared<Masking>(0.0, MaskingOptions{.input_shape = Shape{4, 3, 3, 2}}));
  auto layer = std::make_shared<ConvLSTM2D>(
      2, Ints{2, 2}, ConvLSTM2DOptions{.padding = "same", .return_sequences = true});
  model.add(LayerPtr(layer));
  Tensor k = random_uniform({2, 2, 2, 8}, 12), u = random_uniform({2, 2, 2, 8}, 13, -0.5f, 0.5f),
         b = random_uniform({8}, 14);
  layer->set_weights({k, u, b});
  Tensor x = random_uniform({2, 4, 3, 3, 2}, 15);
  std::vector<std::vector<int>> mask{{1, 0, 1, 1}, {1, 1, 1, 0}};
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t t = 0; t < 4; ++t)
      if (!mask[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)])
        for (std::int64_t r = 0; r < 3; ++r)
          for (std::int64_t c = 0; c < 3; ++c)
            for (std::int64_t ch = 0; ch < 2; ++ch) x.at<float>(i, t, r, c, ch) = 0.0f;
  expect_near(model.predict(x), naive_conv_lstm(x, k, u, b, {.filters = 2}, mask), 1e-5);
}

TEST(ConvLSTM2D, GradientsMatchFiniteDifferences) {
  using keras::testing::expect_layer_gradients;
  expect_layer_gradients(
      [] {
        return std::make_shared<ConvLSTM2D>(
            2, Ints{3, 3},
            ConvLSTM2DOptions{.padding = "same", .activation = "tanh", .return_sequences = true});
      },
      {2, 3, 4, 3, 2}, 21, 1e-6);
  expect_layer_gradients(
      [] {
        return std::make_shared<ConvLSTM2D>(2, Ints{2, 2},
                                            ConvLSTM2DOptions{.strides = {2},
                                                              .data_format = "channels_first",
                                                              .recurrent_activation = "sigmoid",
                                                              .go_backwards = true});
      },
      {2, 3, 2, 5, 4}, 22, 1e-6);
}

TEST(ConvLSTM2D, Keras1ArgumentsAndConfigs) {
  // ConvLSTM2D(nb_filter, nb_row, nb_col, ...): Keras 1's positional arguments.
  auto layer = std::make_shared<ConvLSTM2D>(4, 3, 3,
                                            ConvLSTM2DOptions{.strides = {2, 2},
                                                              .padding = "same",
                                                              .data_format = "channels_first",
                                                              .recurrent_activation = "sigmoid",
                                                              .unit_forget_bias = false,
                                                              .dropout = 0.25,
                                                              .input_shape = Shape{5, 3, 8, 8}});
  Sequential model;
  model.add(LayerPtr(layer));
  EXPECT_EQ(model.output_shape(), (Shape{-1, 4, 4, 4}));
  nlohmann::json c = layer->get_config();
  EXPECT_EQ(c["filters"], 4);
  EXPECT_EQ(c["kernel_size"], nlohmann::json({3, 3}));
  EXPECT_EQ(c["strides"], nlohmann::json({2, 2}));
  EXPECT_EQ(c["padding"], "same");
  EXPECT_EQ(c["data_format"], "channels_first");
  EXPECT_EQ(c["recurrent_activation"], "sigmoid");
  EXPECT_EQ(c["unit_forget_bias"], false);
  EXPECT_EQ(c["dropout"], 0.25);
  for (const char* key : {"return_sequences",
                          "return_state",
                          "go_backwards",
                          "stateful",
                          "unroll",
                          "dilation_rate",
                          "activation",
                          "use_bias",
                          "kernel_initializer",
                          "recurrent_initializer",
                          "bias_initializer",
                          "kernel_regularizer",
                          "recurrent_regularizer",
                          "bias_regularizer",
                          "activity_regularizer",
                          "kernel_constraint",
                          "recurrent_constraint",
                          "bias_constraint",
                          "recurrent_dropout",
                          "name",
                          "trainable",
                          "batch_input_shape",
                          "dtype"})
    EXPECT_TRUE(c.contains(key)) << key;
  // unit_forget_bias: the forget slice of the bias starts at 1 (zero here).
  auto bias = layer->get_weights()[2].to_vector<double>();
  for (double v : bias) EXPECT_EQ(v, 0.0);
  auto back = layers::deserialize({{"class_name", "ConvLSTM2D"}, {"config", c}});
  EXPECT_EQ(back->get_config(), c);

  auto keras1 = layers::deserialize(nlohmann::json::parse(R"({
      "class_name": "ConvLSTM2D",
      "config": {"name": "convlstm2d_1", "trainable": true, "return_sequences": true,
                 "go_backwards": false, "stateful": false, "nb_filter": 6, "nb_row": 3,
                 "nb_col": 3, "init": "glorot_uniform", "inner_init": "orthogonal",
                 "forget_bias_init": "one", "activation": "tanh",
                 "inner_activation": "hard_sigmoid", "dim_ordering": "tf",
                 "border_mode": "same", "subsample": [1, 1], "W_regularizer": null,
                 "U_regularizer": null, "b_regularizer": null, "dropout_W": 0.0,
                 "dropout_U": 0.1, "batch_input_shape": [null, 4, 8, 8, 1]}})"));
  auto k1 = keras1->get_config();
  EXPECT_EQ(k1["filters"], 6);
  EXPECT_EQ(k1["data_format"], "channels_last");
  EXPECT_EQ(k1["unit_forget_bias"], true);
  EXPECT_EQ(k1["recurrent_dropout"], 0.1);
  EXPECT_EQ(k1["recurrent_activation"], "hard_sigmoid");
  Sequential m1;
  m1.add(keras1);
  EXPECT_EQ(m1.output_shape(), (Shape{-1, 4, 8, 8, 6}));
  auto b1 = keras1->get_weights()[2].to_vector<double>();
  for (std::size_t i = 0; i < b1.size(); ++i) EXPECT_EQ(b1[i], i >= 6 && i < 12 ? 1.0 : 0.0) << i;
}

TEST(ConvLSTM2D, ClearErrors) {
  expect_invalid([] { ConvLSTM2D(ConvLSTM2DOptions{.filters = 2}); },
                 {"ConvLSTM2D", "kernel_size"});
  expect_invalid([] { ConvLSTM2D(2, {3, 3}, {.padding = "causal"}); }, {"ConvLSTM2D", "padding"});
  expect_invalid([] { ConvLSTM2D(2, {3, 3}, {.dropout = 1.5}); }, {"dropout"});
  expect_invalid(
      [] {
        Sequential m;
        m.add(std::make_shared<ConvLSTM2D>(
            2, Ints{3, 3}, ConvLSTM2DOptions{.stateful = true, .input_shape = Shape{2, 5, 5, 1}}));
      },
      {"stateful", "batch size"});
  expect_invalid(
      [] {
        Sequential m;
        m.add(std::make_shared<ConvLSTM2D>(
            2, Ints{3, 3}, ConvLSTM2DOptions{.input_shape = Shape{5, 5, 1}, .name = "rank"}));
      },
      {"rank", "expected ndim=5, found ndim=4"});
  expect_invalid(
      [] {
        Sequential m;
        m.add(std::make_shared<ConvLSTM2D>(
            2, Ints{6, 6}, ConvLSTM2DOptions{.input_shape = Shape{2, 5, 5, 1}, .name = "big"}));
      },
      {"big", "larger than the input"});
  expect_invalid(
      [] {
        layers::deserialize(nlohmann::json::parse(
            R"({"class_name": "ConvLSTM2D",
                "config": {"filters": 2, "kernel_size": [3, 3], "unroll": true}})"));
      },
      {"ConvLSTM2D", "Unrolling isn't possible"});
}

TEST(ConvLSTM2D, StatefulChunksEqualTheWholeSequenceAndResetStatesResets) {
  const Shape batch_shape{2, 6, 4, 4, 1};
  auto make = [](const Shape& shape) {
    auto model = std::make_shared<Sequential>();
    model->add(std::make_shared<ConvLSTM2D>(2, Ints{3, 3},
                                            ConvLSTM2DOptions{.padding = "same",
                                                              .return_sequences = true,
                                                              .stateful = true,
                                                              .batch_input_shape = shape}));
    return model;
  };
  auto whole = make(batch_shape);
  auto chunked = make({2, 3, 4, 4, 1});
  chunked->set_weights(whole->get_weights());
  Tensor x = random_uniform({2, 6, 4, 4, 1}, 31);
  Tensor full = whole->predict(x, {.batch_size = 2});
  // Split along time: predict the first three steps, then the last three.
  Tensor first({2, 3, 4, 4, 1}), second({2, 3, 4, 4, 1});
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t t = 0; t < 6; ++t)
      for (std::int64_t r = 0; r < 4; ++r)
        for (std::int64_t c = 0; c < 4; ++c)
          (t < 3 ? first : second).at<float>(i, t % 3, r, c, 0) = x.at<float>(i, t, r, c, 0);
  chunked->reset_states();
  Tensor y1 = chunked->predict(first, {.batch_size = 2});
  Tensor y2 = chunked->predict(second, {.batch_size = 2});
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t t = 0; t < 6; ++t)
      for (std::int64_t r = 0; r < 4; ++r)
        for (std::int64_t c = 0; c < 4; ++c)
          for (std::int64_t f = 0; f < 2; ++f)
            EXPECT_NEAR((t < 3 ? y1 : y2).at<float>(i, t % 3, r, c, f),
                        full.at<float>(i, t, r, c, f), 1e-5);
  chunked->reset_states();
  expect_near(chunked->predict(first, {.batch_size = 2}), y1, 1e-6);
}

TEST(ConvLSTM2D, DropoutOnlyInTraining) {
  auto layer = std::make_shared<ConvLSTM2D>(
      2, Ints{2, 2},
      ConvLSTM2DOptions{.padding = "same", .dropout = 0.5, .recurrent_dropout = 0.5, .seed = 3});
  SymbolicTensor in = K::placeholder({-1, 3, 4, 4, 2});
  SymbolicTensor out = (*layer)(in);
  auto plain = std::make_shared<ConvLSTM2D>(2, Ints{2, 2}, ConvLSTM2DOptions{.padding = "same"});
  SymbolicTensor out_plain = (*plain)(in);
  plain->set_weights(layer->get_weights());
  Tensor x = random_uniform({2, 3, 4, 4, 2}, 41);
  Tensor test = keras::testing::run_in_phase(in, out, x, false);
  expect_near(test, keras::testing::run_in_phase(in, out_plain, x, false), 1e-6);
  Tensor train = keras::testing::run_in_phase(in, out, x, true);
  double diff = 0;
  for (std::int64_t i = 0; i < train.numel(); ++i)
    diff += std::abs(train.data<float>()[i] - test.data<float>()[i]);
  EXPECT_GT(diff, 1e-3);
}

TEST(ConvLSTM2D, LearnsAndSurvivesSaveLoad) {
  auto model = std::make_shared<Sequential>();
  model->add(std::make_shared<ConvLSTM2D>(
      3, Ints{3, 3}, ConvLSTM2DOptions{.padding = "same", .input_shape = Shape{3, 5, 5, 1}}));
  model->add(std::make_shared<Flatten>());
  model->add(std::make_shared<Dense>(1));
  Tensor x = random_uniform({32, 3, 5, 5, 1}, 51);
  Tensor y({32, 1});
  for (std::int64_t i = 0; i < 32; ++i)
    y.data<float>()[i] = x.at<float>(i, 0, 2, 2, 0) + 0.5f * x.at<float>(i, 2, 1, 3, 0);
  model->compile({.optimizer = optimizers::Adam({.lr = 0.01}), .loss = "mse"});
  auto history = model->fit(x, y, {.batch_size = 16, .epochs = 10, .verbose = 0});
  auto losses = history.history.at("loss");
  EXPECT_LT(losses.back(), 0.5 * losses.front()) << ::testing::PrintToString(losses);

  auto dir = std::filesystem::temp_directory_path() / "keras_conv_recurrent_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "clstm.h5").string();
  model->save(path);
  auto loaded = models::load_model(path);
  expect_near(loaded->predict(x), model->predict(x), 1e-6);
  std::filesystem::remove_all(dir);
}

// Over an unknown number of time steps (input_shape (None, rows, cols, channels)) the layer is
// unrolled per length when the function runs: each length matches the naive loop, and a length
// seen before costs no new plan (the predict function's plan and the traced sequence's, per
// length).
TEST(ConvLSTM2D, UnknownTimestepsMatchTheNaiveLoopWithOnePlanPerLength) {
  for (const char* backend : {"cpu", "reference"}) {
    keras::testing::ScopedBackend scoped(backend);
    auto layer = std::make_shared<ConvLSTM2D>(
        3, Ints{3, 3},
        ConvLSTM2DOptions{
            .padding = "same", .return_sequences = true, .input_shape = Shape{-1, 5, 4, 2}});
    Sequential model;
    model.add(LayerPtr(layer));
    EXPECT_EQ(model.output_shape(), (Shape{-1, -1, 5, 4, 3}));
    Tensor k = random_uniform({3, 3, 2, 12}, 61, -0.5f, 0.5f),
           u = random_uniform({3, 3, 3, 12}, 62, -0.5f, 0.5f), b = random_uniform({12}, 63);
    layer->set_weights({k, u, b});
    const std::uint64_t before = K::plan_cache_stats().builds;
    for (std::int64_t steps : {3, 6}) {
      Tensor x = random_uniform({2, steps, 5, 4, 2}, static_cast<std::uint32_t>(64 + steps));
      expect_near(model.predict(x), naive_conv_lstm(x, k, u, b, {.filters = 3}), 1e-5);
    }
    const std::uint64_t built = K::plan_cache_stats().builds;
    EXPECT_EQ(built - before, 4u);  // per length: the predict plan and the traced sequence's
    for (std::int64_t steps : {6, 3}) model.predict(random_uniform({2, steps, 5, 4, 2}, 70));
    EXPECT_EQ(K::plan_cache_stats().builds, built);
  }
}

TEST(ConvLSTM2D, UnknownTimestepsChannelsFirstStridedBackwardsLastState) {
  auto layer = std::make_shared<ConvLSTM2D>(2, Ints{3, 2},
                                            ConvLSTM2DOptions{.strides = {2, 2},
                                                              .data_format = "channels_first",
                                                              .go_backwards = true,
                                                              .input_shape = Shape{-1, 2, 7, 5}});
  Sequential model;
  model.add(LayerPtr(layer));
  EXPECT_EQ(model.output_shape(), (Shape{-1, 2, 3, 2}));
  Tensor k = random_uniform({3, 2, 2, 8}, 71, -0.5f, 0.5f),
         u = random_uniform({3, 2, 2, 8}, 72, -0.5f, 0.5f), b = random_uniform({8}, 73);
  layer->set_weights({k, u, b});
  for (std::int64_t steps : {2, 5}) {
    Tensor x = random_uniform({2, steps, 7, 5, 2}, static_cast<std::uint32_t>(74 + steps));
    Tensor expected = naive_conv_lstm(x, k, u, b,
                                      {.filters = 2,
                                       .stride = 2,
                                       .same = false,
                                       .go_backwards = true,
                                       .return_sequences = false});
    expect_near(model.predict(time_channels_first(x)), image_channels_first(expected), 1e-5);
  }
}

// The traced sequence's gradient is the unrolled one's: one SGD step on the same batch moves
// every weight of the unknown-length model as it moves the fixed-length model's.
TEST(ConvLSTM2D, UnknownTimestepsTrainAsTheFixedLengthLayer) {
  auto make = [](const Shape& input_shape) {
    auto model = std::make_shared<Sequential>();
    model->add(std::make_shared<ConvLSTM2D>(
        2, Ints{3, 3},
        ConvLSTM2DOptions{
            .padding = "same", .return_sequences = true, .input_shape = input_shape}));
    model->add(std::make_shared<ConvLSTM2D>(
        2, Ints{2, 2}, ConvLSTM2DOptions{.padding = "same", .go_backwards = true}));
    model->add(std::make_shared<Flatten>());
    model->add(std::make_shared<Dense>(1));
    model->compile({.optimizer = optimizers::SGD({.lr = 0.5}), .loss = "mse"});
    return model;
  };
  auto fixed = make({4, 5, 5, 1});
  auto variable = make({-1, 5, 5, 1});
  variable->set_weights(fixed->get_weights());
  Tensor x = random_uniform({3, 4, 5, 5, 1}, 81), y = random_uniform({3, 1}, 82);
  const double fixed_loss = fixed->train_on_batch(x, y).front();
  EXPECT_NEAR(variable->train_on_batch(x, y).front(), fixed_loss, 1e-5);
  const std::vector<Tensor> want = fixed->get_weights(), got = variable->get_weights();
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) expect_near(got[i], want[i], 1e-5);
}

}  // namespace
