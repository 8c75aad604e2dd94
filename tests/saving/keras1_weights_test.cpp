// Keras 1 weight files load as Keras 2.2.4's loader converts them
// (keras/engine/saving.py preprocess_weights_for_loading): the 12 per-gate LSTM arrays and the 9
// per-gate GRU arrays joined, channels-first ('th') convolution kernels transposed, Theano's
// flipped kernels flipped back. The files are written here in Keras 1's layout with the HDF5 C
// library (no h5py needed); expected outputs are computed by hand from the per-gate arrays.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <string_view>

#include <unistd.h>

#include "keras/keras.h"
#include "saving/hdf5.h"

using namespace keras;
using namespace keras::layers;
namespace fs = std::filesystem;

namespace {

// Concatenation built piecewise (GCC 12 misreports -Wrestrict on "a" + std::string).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

Tensor random_tensor(Shape shape, std::mt19937& rng) {
  Tensor t(shape);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

fs::path scratch(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / cat({"keras1_weights_test_", std::to_string(::getpid())});
  fs::create_directories(dir);
  return dir / name;
}

// A weights file in Keras 1.2.2's layout: root attribute layer_names, one group per layer with
// weight_names; no keras_version attribute (Keras 1 wrote none in weight groups), and a backend
// attribute only when given.
void write_weights_file(const fs::path& path, const std::string& layer,
                        const std::vector<std::pair<std::string, Tensor>>& weights,
                        const std::string& backend = "", const std::string& version = "") {
  saving::h5::File file(path.string(), "w");
  file.root().write_string_array_attr("layer_names", {layer});
  if (!backend.empty()) file.root().write_string_attr("backend", backend);
  if (!version.empty()) file.root().write_string_attr("keras_version", version);
  saving::h5::Group group = file.root().create_group(layer);
  std::vector<std::string> names;
  for (const auto& [name, value] : weights) names.push_back(name);
  group.write_string_array_attr("weight_names", names);
  for (const auto& [name, value] : weights) group.write_dataset(name, value);
  file.close();
}

double hard_sigmoid(double x) {
  return std::clamp(0.2 * x + 0.5, 0.0, 1.0);
}

// x (T, D) row-major times W (D, U) plus h (U) times U (U, U) plus b, for unit u.
double gate(const Tensor& x, std::int64_t t, const std::vector<double>& h, const Tensor& W,
            const Tensor& U, const Tensor& b, std::int64_t u) {
  double z = b.at<float>(u);
  for (std::int64_t d = 0; d < W.dim(0); ++d) z += x.at<float>(0, t, d) * W.at<float>(d, u);
  for (std::int64_t k = 0; k < U.dim(0); ++k) z += h[k] * U.at<float>(k, u);
  return z;
}

}  // namespace

TEST(Keras1Weights, LstmPerGateArraysLoadInKeras2GateOrder) {
  const std::int64_t T = 4, D = 3, units = 5;
  std::mt19937 rng(11);
  // Keras 1.2.2's LSTM.trainable_weights: W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o,
  // b_o.
  std::vector<std::pair<std::string, Tensor>> file_weights;
  std::map<std::string, Tensor> w;
  for (const char* g : {"i", "c", "f", "o"})
    for (const char* kind : {"W", "U", "b"}) {
      Shape shape = std::string(kind) == "W"   ? Shape{D, units}
                    : std::string(kind) == "U" ? Shape{units, units}
                                               : Shape{units};
      std::string key = cat({kind, "_", g});
      w[key] = random_tensor(shape, rng);
      file_weights.emplace_back(cat({"lstm_1_", key}), w[key]);
    }
  fs::path path = scratch("lstm_keras1.h5");
  write_weights_file(path, "lstm_1", file_weights);

  auto input = Input({.shape = Shape{T, D}});
  auto output = LSTM(units, {.name = "lstm_1"})(input);
  Model model({.input = {input}, .output = output});
  model.load_weights(path.string());

  auto weights = model.get_layer("lstm_1")->get_weights();
  ASSERT_EQ(weights.size(), 3u);
  EXPECT_EQ(weights[0].shape(), (Shape{D, 4 * units}));
  EXPECT_EQ(weights[1].shape(), (Shape{units, 4 * units}));
  EXPECT_EQ(weights[2].shape(), (Shape{4 * units}));
  // Keras 2's gate order i, f, c, o: the forget gate's bias is the second block.
  for (std::int64_t u = 0; u < units; ++u) {
    EXPECT_EQ(weights[2].at<float>(units + u), w["b_f"].at<float>(u));
    EXPECT_EQ(weights[2].at<float>(2 * units + u), w["b_c"].at<float>(u));
    EXPECT_EQ(weights[0].at<float>(1, 3 * units + u), w["W_o"].at<float>(1, u));
  }

  Tensor x = random_tensor({1, T, D}, rng);
  Tensor y = model.predict(x);
  // Keras 1's LSTM step, by hand from the per-gate arrays.
  std::vector<double> h(units, 0.0), c(units, 0.0);
  for (std::int64_t t = 0; t < T; ++t) {
    std::vector<double> h_next(units), c_next(units);
    for (std::int64_t u = 0; u < units; ++u) {
      double i = hard_sigmoid(gate(x, t, h, w["W_i"], w["U_i"], w["b_i"], u));
      double f = hard_sigmoid(gate(x, t, h, w["W_f"], w["U_f"], w["b_f"], u));
      double g = std::tanh(gate(x, t, h, w["W_c"], w["U_c"], w["b_c"], u));
      double o = hard_sigmoid(gate(x, t, h, w["W_o"], w["U_o"], w["b_o"], u));
      c_next[u] = f * c[u] + i * g;
      h_next[u] = o * std::tanh(c_next[u]);
    }
    h.swap(h_next);
    c.swap(c_next);
  }
  for (std::int64_t u = 0; u < units; ++u) EXPECT_NEAR(y.at<float>(0, u), h[u], 1e-5) << u;
  fs::remove_all(path.parent_path());
}

TEST(Keras1Weights, GruPerGateArraysLoadAsZRH) {
  const std::int64_t T = 3, D = 4, units = 3;
  std::mt19937 rng(12);
  // Keras 1.2.2's GRU.trainable_weights: W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h.
  std::vector<std::pair<std::string, Tensor>> file_weights;
  std::map<std::string, Tensor> w;
  for (const char* g : {"z", "r", "h"})
    for (const char* kind : {"W", "U", "b"}) {
      Shape shape = std::string(kind) == "W"   ? Shape{D, units}
                    : std::string(kind) == "U" ? Shape{units, units}
                                               : Shape{units};
      std::string key = cat({kind, "_", g});
      w[key] = random_tensor(shape, rng);
      file_weights.emplace_back(cat({"gru_1_", key}), w[key]);
    }
  fs::path path = scratch("gru_keras1.h5");
  write_weights_file(path, "gru_1", file_weights);

  auto input = Input({.shape = Shape{T, D}});
  auto output = GRU(units, {.name = "gru_1"})(input);
  Model model({.input = {input}, .output = output});
  model.load_weights(path.string());

  Tensor x = random_tensor({1, T, D}, rng);
  Tensor y = model.predict(x);
  std::vector<double> h(units, 0.0);
  for (std::int64_t t = 0; t < T; ++t) {
    std::vector<double> z(units), r(units), rh(units), h_next(units);
    for (std::int64_t u = 0; u < units; ++u) {
      z[u] = hard_sigmoid(gate(x, t, h, w["W_z"], w["U_z"], w["b_z"], u));
      r[u] = hard_sigmoid(gate(x, t, h, w["W_r"], w["U_r"], w["b_r"], u));
    }
    for (std::int64_t u = 0; u < units; ++u) rh[u] = r[u] * h[u];
    for (std::int64_t u = 0; u < units; ++u) {
      double hh = std::tanh(gate(x, t, rh, w["W_h"], w["U_h"], w["b_h"], u));
      h_next[u] = z[u] * h[u] + (1 - z[u]) * hh;
    }
    h.swap(h_next);
  }
  for (std::int64_t u = 0; u < units; ++u) EXPECT_NEAR(y.at<float>(0, u), h[u], 1e-5) << u;
  fs::remove_all(path.parent_path());
}

namespace {

// A channels-first Conv2D(3, (3, 3)) over (2, 5, 5) inputs loading `kernel` (the file's layout)
// and bias from a weights file with the given backend and version attributes; returns the
// prediction for x.
Tensor conv_prediction(const Tensor& kernel, const Tensor& bias, const Tensor& x,
                       const std::string& backend, const std::string& version) {
  fs::path path = scratch("conv.h5");
  write_weights_file(path, "conv_1", {{"conv_1_W", kernel}, {"conv_1_b", bias}}, backend, version);
  auto input = Input({.shape = Shape{2, 5, 5}});
  auto output = Conv2D(3, {3, 3}, {.data_format = "channels_first", .name = "conv_1"})(input);
  Model model({.input = {input}, .output = output});
  model.load_weights(path.string());
  EXPECT_EQ(model.get_layer("conv_1")->get_weights()[0].shape(), (Shape{3, 3, 2, 3}));
  fs::remove_all(path.parent_path());
  return model.predict(x);
}

// y[o, i, j] = b[o] + sum over c, u, v of x[c, i + u, j + v] * k(o, c, u, v): correlation with
// a kernel indexed (out, in, row, col).
template <typename K>
void expect_correlation(const Tensor& y, const Tensor& x, const Tensor& bias, K k) {
  for (std::int64_t o = 0; o < 3; ++o)
    for (std::int64_t i = 0; i < 3; ++i)
      for (std::int64_t j = 0; j < 3; ++j) {
        double sum = bias.at<float>(o);
        for (std::int64_t c = 0; c < 2; ++c)
          for (std::int64_t u = 0; u < 3; ++u)
            for (std::int64_t v = 0; v < 3; ++v)
              sum += x.at<float>(0, c, i + u, j + v) * k(o, c, u, v);
        EXPECT_NEAR(y.at<float>(0, o, i, j), sum, 1e-5) << o << " " << i << " " << j;
      }
}

}  // namespace

TEST(Keras1Weights, ThConv2DKernelIsTransposedFromOutInRowsCols) {
  std::mt19937 rng(13);
  // Keras 1 with dim_ordering 'th' saved Convolution2D kernels as (nb_filter, stack, rows, cols).
  Tensor kernel = random_tensor({3, 2, 3, 3}, rng), bias = random_tensor({3}, rng);
  Tensor x = random_tensor({1, 2, 5, 5}, rng);
  Tensor y = conv_prediction(kernel, bias, x, "", "");
  ASSERT_EQ(y.shape(), (Shape{1, 3, 3, 3}));
  expect_correlation(y, x, bias,
                     [&](auto o, auto c, auto u, auto v) { return kernel.at<float>(o, c, u, v); });
}

TEST(Keras1Weights, TheanoKernelsAreFlipped) {
  std::mt19937 rng(14);
  Tensor kernel = random_tensor({3, 2, 3, 3}, rng), bias = random_tensor({3}, rng);
  Tensor x = random_tensor({1, 2, 5, 5}, rng);
  // A Keras 1 'th' file from the Theano backend: transposed, then its convolution kernel flipped
  // in both spatial axes (Theano convolves where this library correlates).
  Tensor y = conv_prediction(kernel, bias, x, "theano", "");
  expect_correlation(y, x, bias, [&](auto o, auto c, auto u, auto v) {
    return kernel.at<float>(o, c, 2 - u, 2 - v);
  });

  // A Keras 2 Theano file keeps Keras 2's layout (rows, cols, in, out): flipped only.
  Tensor keras2 = random_tensor({3, 3, 2, 3}, rng);
  y = conv_prediction(keras2, bias, x, "theano", "2.2.4");
  expect_correlation(y, x, bias, [&](auto o, auto c, auto u, auto v) {
    return keras2.at<float>(2 - u, 2 - v, c, o);
  });

  // The same file from TensorFlow loads unchanged.
  y = conv_prediction(keras2, bias, x, "tensorflow", "2.2.4");
  expect_correlation(y, x, bias,
                     [&](auto o, auto c, auto u, auto v) { return keras2.at<float>(u, v, c, o); });
}

TEST(Keras1Weights, MismatchedPerGateArraysRaiseAClearError) {
  std::mt19937 rng(15);
  std::vector<std::pair<std::string, Tensor>> file_weights;
  for (int g = 0; g < 4; ++g) {
    file_weights.emplace_back(cat({"W", std::to_string(g)}),
                              random_tensor({3, g == 2 ? 4 : 5}, rng));
    file_weights.emplace_back(cat({"U", std::to_string(g)}), random_tensor({5, 5}, rng));
    file_weights.emplace_back(cat({"b", std::to_string(g)}), random_tensor({5}, rng));
  }
  fs::path path = scratch("bad_lstm.h5");
  write_weights_file(path, "lstm_1", file_weights);
  auto input = Input({.shape = Shape{2, 3}});
  Model model({.input = {input}, .output = LSTM(5, {.name = "lstm_1"})(input)});
  try {
    model.load_weights(path.string());
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lstm_1"), std::string::npos) << e.what();
  }
  fs::remove_all(path.parent_path());
}

// Keras 1 configs of the layers above, as Keras 1.2.2 wrote them in model_config.
TEST(Keras1Weights, Keras1ConfigKeysOfLstmAndConvolution2D) {
  auto lstm = layers::deserialize(nlohmann::json::parse(R"({"class_name": "LSTM", "config": {
      "name": "lstm_1", "trainable": true, "batch_input_shape": [null, 3, 2],
      "return_sequences": true, "consume_less": "gpu", "output_dim": 4, "init": "glorot_uniform",
      "inner_init": "orthogonal", "forget_bias_init": "zero", "activation": "tanh",
      "inner_activation": "sigmoid", "dropout_W": 0.25, "dropout_U": 0.5}})"));
  auto config = lstm->get_config();
  EXPECT_EQ(config["units"], 4);
  EXPECT_EQ(config["recurrent_activation"], "sigmoid");
  EXPECT_EQ(config["unit_forget_bias"], false);
  EXPECT_EQ(config["implementation"], 2);
  EXPECT_EQ(config["dropout"], 0.25);
  EXPECT_EQ(config["recurrent_dropout"], 0.5);
  EXPECT_EQ(config["return_sequences"], true);

  auto conv = layers::deserialize(nlohmann::json::parse(R"({"class_name": "Convolution2D",
      "config": {"name": "convolution2d_1", "trainable": true, "batch_input_shape": [null, 2, 5, 5],
      "nb_filter": 3, "nb_row": 3, "nb_col": 2, "init": "glorot_uniform", "activation": "relu",
      "border_mode": "same", "subsample": [2, 1], "dim_ordering": "th", "bias": false}})"));
  config = conv->get_config();
  EXPECT_EQ(conv->class_name(), "Conv2D");
  EXPECT_EQ(config["filters"], 3);
  EXPECT_EQ(config["kernel_size"], nlohmann::json({3, 2}));
  EXPECT_EQ(config["strides"], nlohmann::json({2, 1}));
  EXPECT_EQ(config["padding"], "same");
  EXPECT_EQ(config["data_format"], "channels_first");
  EXPECT_EQ(config["use_bias"], false);
  EXPECT_EQ(config["activation"], "relu");

  EXPECT_THROW(layers::deserialize(nlohmann::json::parse(R"({"class_name": "Convolution2D",
      "config": {"nb_filter": 3, "nb_row": 3, "nb_col": 3, "dim_ordering": "xy"}})")),
               std::invalid_argument);
}

TEST(Keras1Weights, Conv1DKernelsOfKeras12AndKeras11Layouts) {
  std::mt19937 rng(16);
  // Keras 2 kernel (filter_length 3, input_dim 2, filters 4), and the two Keras 1 layouts.
  Tensor kernel = random_tensor({3, 2, 4}, rng), bias = random_tensor({4}, rng);
  Tensor keras12({3, 1, 2, 4}), keras11({4, 2, 3, 1});
  for (std::int64_t l = 0; l < 3; ++l)
    for (std::int64_t c = 0; c < 2; ++c)
      for (std::int64_t o = 0; o < 4; ++o) {
        keras12.at<float>(l, 0, c, o) = kernel.at<float>(l, c, o);
        keras11.at<float>(o, c, l, 0) = kernel.at<float>(l, c, o);
      }
  for (const Tensor& stored : {keras12, keras11}) {
    fs::path path = scratch("conv1d.h5");
    write_weights_file(path, "conv1d_1", {{"conv1d_1_W", stored}, {"conv1d_1_b", bias}});
    auto input = Input({.shape = Shape{6, 2}});
    Model model({.input = {input}, .output = Conv1D(4, {3}, {.name = "conv1d_1"})(input)});
    model.load_weights(path.string());
    auto weights = model.get_layer("conv1d_1")->get_weights();
    EXPECT_EQ(weights[0].to_vector<float>(), kernel.to_vector<float>());
    fs::remove_all(path.parent_path());
  }
}

TEST(Keras1Weights, BidirectionalLstmOfPerGateArrays) {
  const std::int64_t T = 3, D = 2, units = 2;
  std::mt19937 rng(17);
  // Keras 1.2.2's Bidirectional: the forward LSTM's 12 arrays, then the backward LSTM's.
  std::vector<std::pair<std::string, Tensor>> file_weights;
  std::vector<std::map<std::string, Tensor>> w(2);
  for (int direction = 0; direction < 2; ++direction)
    for (const char* g : {"i", "c", "f", "o"})
      for (const char* kind : {"W", "U", "b"}) {
        Shape shape = std::string_view(kind) == "W"   ? Shape{D, units}
                      : std::string_view(kind) == "U" ? Shape{units, units}
                                                      : Shape{units};
        std::string key = cat({kind, "_", g});
        w[direction][key] = random_tensor(shape, rng);
        file_weights.emplace_back(cat({direction ? "backward_" : "forward_", key}),
                                  w[direction][key]);
      }
  fs::path path = scratch("bidirectional_keras1.h5");
  write_weights_file(path, "bidirectional_1", file_weights);
  auto input = Input({.shape = Shape{T, D}});
  auto output = Bidirectional(LSTM(units), {.name = "bidirectional_1"})(input);
  Model model({.input = {input}, .output = output});
  model.load_weights(path.string());
  auto weights = model.get_layer("bidirectional_1")->get_weights();
  ASSERT_EQ(weights.size(), 6u);
  for (int direction = 0; direction < 2; ++direction) {
    const Tensor& bias = weights[3 * direction + 2];
    ASSERT_EQ(bias.shape(), (Shape{4 * units}));
    for (std::int64_t u = 0; u < units; ++u) {
      EXPECT_EQ(bias.at<float>(u), w[direction]["b_i"].at<float>(u));
      EXPECT_EQ(bias.at<float>(units + u), w[direction]["b_f"].at<float>(u));
      EXPECT_EQ(bias.at<float>(2 * units + u), w[direction]["b_c"].at<float>(u));
      EXPECT_EQ(bias.at<float>(3 * units + u), w[direction]["b_o"].at<float>(u));
    }
  }
  fs::remove_all(path.parent_path());
}

// Keras 1's Deconvolution2D and 'th' Convolution3D kernels: the layout changes Keras 2.2.4's loader
// makes, checked element by element.
TEST(Keras1Weights, DeconvolutionAndThConv3DKernelLayouts) {
  std::mt19937 rng(18);
  {
    // 'tf' Deconvolution2D: (rows, cols, stack_size, filters) -> (rows, cols, filters, stack_size).
    Tensor stored = random_tensor({3, 3, 2, 4}, rng), bias = random_tensor({4}, rng);
    fs::path path = scratch("deconv.h5");
    write_weights_file(path, "deconv_1", {{"deconv_1_W", stored}, {"deconv_1_b", bias}});
    auto input = Input({.shape = Shape{5, 5, 2}});
    auto output =
        Conv2DTranspose(4, {3, 3}, {.data_format = "channels_last", .name = "deconv_1"})(input);
    Model model({.input = {input}, .output = output});
    model.load_weights(path.string());
    Tensor kernel = model.get_layer("deconv_1")->get_weights()[0];
    ASSERT_EQ(kernel.shape(), (Shape{3, 3, 4, 2}));
    for (std::int64_t r = 0; r < 3; ++r)
      for (std::int64_t c = 0; c < 3; ++c)
        for (std::int64_t i = 0; i < 2; ++i)
          for (std::int64_t o = 0; o < 4; ++o)
            EXPECT_EQ(kernel.at<float>(r, c, o, i), stored.at<float>(r, c, i, o));
    fs::remove_all(path.parent_path());
  }
  {
    // 'th' Convolution3D: (filters, stack, d1, d2, d3) -> (d1, d2, d3, stack, filters).
    Tensor stored = random_tensor({3, 2, 2, 2, 2}, rng), bias = random_tensor({3}, rng);
    fs::path path = scratch("conv3d.h5");
    write_weights_file(path, "conv3d_1", {{"conv3d_1_W", stored}, {"conv3d_1_b", bias}});
    auto input = Input({.shape = Shape{2, 4, 4, 4}});
    auto output =
        Conv3D(3, {2, 2, 2}, {.data_format = "channels_first", .name = "conv3d_1"})(input);
    Model model({.input = {input}, .output = output});
    model.load_weights(path.string());
    Tensor kernel = model.get_layer("conv3d_1")->get_weights()[0];
    ASSERT_EQ(kernel.shape(), (Shape{2, 2, 2, 2, 3}));
    for (std::int64_t o = 0; o < 3; ++o)
      for (std::int64_t i = 0; i < 2; ++i)
        for (std::int64_t a = 0; a < 2; ++a)
          for (std::int64_t b = 0; b < 2; ++b)
            for (std::int64_t c = 0; c < 2; ++c)
              EXPECT_EQ(kernel.at<float>(a, b, c, i, o), stored.at<float>(o, i, a, b, c));
    fs::remove_all(path.parent_path());
  }
}

namespace {

// Keras 1's ConvLSTM2D kept W, U and b per gate (i, c, f, o); Keras 2 joins them in the order
// i, f, c, o, with 'th' kernels (filters, stack_size, rows, cols) moved to (rows, cols, stack,
// filters) gate by gate.
TEST(Keras1Weights, ConvLSTM2DGatesJoinedAndThKernelsTransposed) {
  std::mt19937 rng(23);
  const std::int64_t f = 2, stack = 3;
  const char* gates[] = {"i", "c", "f", "o"};
  for (bool th : {false, true}) {
    std::vector<std::pair<std::string, Tensor>> stored;
    for (const char* g : gates) {
      Shape w = th ? Shape{f, stack, 3, 2} : Shape{3, 2, stack, f};
      Shape u = th ? Shape{f, f, 3, 2} : Shape{3, 2, f, f};
      stored.push_back({cat({"clstm_W_", g}), random_tensor(w, rng)});
      stored.push_back({cat({"clstm_U_", g}), random_tensor(u, rng)});
      stored.push_back({cat({"clstm_b_", g}), random_tensor({f}, rng)});
    }
    fs::path path = scratch(th ? "clstm_th.h5" : "clstm_tf.h5");
    write_weights_file(path, "clstm", stored);
    auto input = Input({.shape = th ? Shape{4, stack, 5, 5} : Shape{4, 5, 5, stack}});
    auto output = ConvLSTM2D(
        f, {3, 2},
        {.data_format = th ? "channels_first" : "channels_last", .name = "clstm"})(input);
    Model model({.input = {input}, .output = output});
    model.load_weights(path.string());
    auto weights = model.get_layer("clstm")->get_weights();
    ASSERT_EQ(weights[0].shape(), (Shape{3, 2, stack, 4 * f}));
    ASSERT_EQ(weights[1].shape(), (Shape{3, 2, f, 4 * f}));
    const int keras1_gate[] = {0, 2, 1, 3};  // Keras 2 gate -> Keras 1 gate
    for (int g = 0; g < 4; ++g) {
      const auto k1 = static_cast<std::size_t>(3 * keras1_gate[g]);
      for (std::int64_t o = 0; o < f; ++o) {
        EXPECT_EQ(weights[2].at<float>(g * f + o), stored[k1 + 2].second.at<float>(o));
        for (std::int64_t r = 0; r < 3; ++r)
          for (std::int64_t c = 0; c < 2; ++c) {
            for (std::int64_t i = 0; i < stack; ++i)
              EXPECT_EQ(weights[0].at<float>(r, c, i, g * f + o),
                        th ? stored[k1].second.at<float>(o, i, r, c)
                           : stored[k1].second.at<float>(r, c, i, o));
            for (std::int64_t i = 0; i < f; ++i)
              EXPECT_EQ(weights[1].at<float>(r, c, i, g * f + o),
                        th ? stored[k1 + 1].second.at<float>(o, i, r, c)
                           : stored[k1 + 1].second.at<float>(r, c, i, o));
          }
      }
    }
    fs::remove_all(path.parent_path());
  }
}

}  // namespace
