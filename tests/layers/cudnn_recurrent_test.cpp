// CuDNNLSTM and CuDNNGRU (Keras 2.2.4's keras.layers.cudnn_recurrent) against cuDNN's equations:
// random cuDNN matrices W (units, input_dim), R (units, units) and biases per gate, stored as
// Keras's CuDNN layers store them, predict what the naive loop of LSTM / GRU(reset_after) gives
// with W^T, R^T and those biases (naive_rnn.h); states, statefulness, Bidirectional, configs,
// saving, weights converted to and from LSTM / GRU on loading, and Keras's errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

#include "keras/keras.h"
#include "layer_gradcheck_util.h"
#include "layer_test_util.h"
#include "naive_rnn.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::expect_near;
using keras::testing::random_uniform;
using namespace keras::testing::rnn;

namespace {

double sigmoid(double v) {
  return 1.0 / (1.0 + std::exp(-v));
}

// cuDNN's parameters of a layer: per gate, W (units, input_dim), R (units, units), bW, bR.
struct CudnnParams {
  std::vector<Tensor> W, R, bW, bR;
};

CudnnParams random_params(int gates, std::int64_t units, std::int64_t input_dim,
                          std::uint32_t seed) {
  CudnnParams p;
  for (int g = 0; g < gates; ++g) {
    p.W.push_back(random_uniform({units, input_dim}, seed++, -0.8f, 0.8f));
    p.R.push_back(random_uniform({units, units}, seed++, -0.8f, 0.8f));
    p.bW.push_back(random_uniform({units}, seed++, -0.8f, 0.8f));
    p.bR.push_back(random_uniform({units}, seed++, -0.8f, 0.8f));
  }
  return p;
}

// Keras 2.2.4's CuDNN layers' arrays: each kernel block holds W's values in row-major order (the
// block flattened in C order is what _canonical_to_params hands cuDNN), each recurrent block R;
// the bias is the input biases, then the recurrent ones.
std::vector<Tensor> cudnn_arrays(const CudnnParams& p) {
  const std::int64_t gates = static_cast<std::int64_t>(p.W.size());
  const std::int64_t u = p.R[0].dim(0), d = p.W[0].dim(1), width = gates * u;
  Tensor kernel({d, width}), recurrent({u, width}), bias({2 * width});
  for (std::int64_t g = 0; g < gates; ++g) {
    for (std::int64_t n = 0; n < u * d; ++n)
      kernel.data<float>()[(n / u) * width + g * u + n % u] = p.W[g].data<float>()[n];
    for (std::int64_t i = 0; i < u; ++i)
      for (std::int64_t j = 0; j < u; ++j)
        recurrent.at<float>(i, g * u + j) = p.R[g].at<float>(i, j);
    for (std::int64_t j = 0; j < u; ++j) {
      bias.data<float>()[g * u + j] = p.bW[g].data<float>()[j];
      bias.data<float>()[width + g * u + j] = p.bR[g].data<float>()[j];
    }
  }
  return {kernel, recurrent, bias};
}

// The LSTM's / GRU(reset_after)'s weights computing cuDNN's equations: x @ W^T, h @ R^T; LSTM
// sums the biases, GRU keeps them as the rows (input, recurrent).
std::vector<Tensor> keras_arrays(const CudnnParams& p, bool lstm) {
  const std::int64_t gates = static_cast<std::int64_t>(p.W.size());
  const std::int64_t u = p.R[0].dim(0), d = p.W[0].dim(1), width = gates * u;
  Tensor kernel({d, width}), recurrent({u, width});
  Tensor bias = lstm ? Tensor({width}) : Tensor({2, width});
  for (std::int64_t g = 0; g < gates; ++g)
    for (std::int64_t j = 0; j < u; ++j) {
      for (std::int64_t i = 0; i < d; ++i) kernel.at<float>(i, g * u + j) = p.W[g].at<float>(j, i);
      for (std::int64_t i = 0; i < u; ++i)
        recurrent.at<float>(i, g * u + j) = p.R[g].at<float>(j, i);
      const float bw = p.bW[g].data<float>()[j], br = p.bR[g].data<float>()[j];
      if (lstm) {
        bias.data<float>()[g * u + j] = bw + br;
      } else {
        bias.at<float>(0, g * u + j) = bw;
        bias.at<float>(1, g * u + j) = br;
      }
    }
  return {kernel, recurrent, bias};
}

std::shared_ptr<CuDNNRecurrent> make_cudnn(bool lstm, std::int64_t units, CuDNNRNNOptions o) {
  if (lstm) return std::make_shared<CuDNNLSTM>(units, std::move(o));
  return std::make_shared<CuDNNGRU>(units, std::move(o));
}

}  // namespace

class CudnnTest : public ::testing::TestWithParam<std::tuple<bool, bool, bool>> {};

TEST_P(CudnnTest, ComputesCudnnEquations) {
  auto [lstm, sequences, backwards] = GetParam();
  const std::int64_t units = 5, input_dim = 3;
  Tensor x = random_uniform({4, 6, input_dim}, 7);
  auto layer = make_cudnn(lstm, units,
                          {.return_sequences = sequences,
                           .go_backwards = backwards,
                           .input_shape = Shape{6, input_dim}});
  Sequential model({layer});
  CudnnParams p = random_params(lstm ? 4 : 3, units, input_dim, 20);
  layer->set_weights(cudnn_arrays(p));
  Tensor expected = naive_rnn(
      lstm ? Cell::kLSTM : Cell::kGRU, x, keras_arrays(p, lstm), backwards, {},
      [](double v) { return std::tanh(v); }, sigmoid);
  expect_near(model.predict(x), sequences ? expected : last_step(expected), 2e-5);
  EXPECT_EQ(model.output_shape(), sequences ? (Shape{-1, 6, units}) : (Shape{-1, units}));
}

std::string cudnn_case_name(const ::testing::TestParamInfo<std::tuple<bool, bool, bool>>& info) {
  return std::string(std::get<0>(info.param) ? "CuDNNLSTM" : "CuDNNGRU") +
         (std::get<1>(info.param) ? "_sequences" : "_last") +
         (std::get<2>(info.param) ? "_backwards" : "");
}

INSTANTIATE_TEST_SUITE_P(Layers, CudnnTest,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool(),
                                            ::testing::Bool()),
                         cudnn_case_name);

TEST(CuDNNRecurrent, WeightsAndInitialBiasAreKeras) {
  for (bool lstm : {true, false}) {
    auto layer = make_cudnn(lstm, 3, {.bias_initializer = "ones", .input_shape = Shape{4, 2}});
    Sequential model({layer});
    auto w = layer->get_weights();
    ASSERT_EQ(w.size(), 3u);
    EXPECT_EQ(w[0].shape(), (Shape{2, lstm ? 12 : 9}));
    EXPECT_EQ(w[1].shape(), (Shape{3, lstm ? 12 : 9}));
    EXPECT_EQ(w[2].shape(), (Shape{lstm ? 24 : 18}));
    EXPECT_EQ(w[2].to_vector<double>(), std::vector<double>(lstm ? 24 : 18, 1.0));
  }
  // unit_forget_bias: ones for the recurrent forget gate (the 6th block of 8), zeros elsewhere.
  auto layer = std::make_shared<CuDNNLSTM>(2, CuDNNRNNOptions{.input_shape = Shape{4, 2}});
  Sequential model({layer});
  std::vector<double> expected(16, 0.0);
  expected[10] = expected[11] = 1.0;
  EXPECT_EQ(layer->get_weights()[2].to_vector<double>(), expected);
}

TEST(CuDNNRecurrent, StatesInitialStatesAndStatefulChunks) {
  const std::int64_t units = 3;
  Tensor x = random_uniform({2, 6, 2}, 3);
  CudnnParams p = random_params(4, units, 2, 40);
  // return_state: [output, h, c]; initial states are inputs of the call.
  auto input = Input({.shape = Shape{6, 2}});
  auto h0 = Input({.shape = Shape{units}}), c0 = Input({.shape = Shape{units}});
  auto lstm = std::make_shared<CuDNNLSTM>(units, CuDNNRNNOptions{.return_state = true});
  auto outputs = lstm->apply({input, h0, c0});
  ASSERT_EQ(outputs.size(), 3u);
  Model model({input, h0, c0}, outputs);
  lstm->set_weights(cudnn_arrays(p));
  Tensor h_init = random_uniform({2, units}, 5), c_init = random_uniform({2, units}, 6);
  std::vector<Tensor> y = model.predict(Arrays{x, h_init, c_init});
  Tensor final_c;
  Tensor expected = naive_rnn(
      Cell::kLSTM, x, keras_arrays(p, true), false, {}, [](double v) { return std::tanh(v); },
      sigmoid, {h_init, c_init}, &final_c);
  expect_near(y[0], last_step(expected), 2e-5);
  expect_near(y[1], last_step(expected), 2e-5);
  expect_near(y[2], final_c, 2e-5);
  // Stateful: two chunks of 3 steps give the whole sequence's last output.
  auto stateful = std::make_shared<CuDNNGRU>(
      units, CuDNNRNNOptions{.stateful = true, .batch_input_shape = Shape{2, 3, 2}});
  Sequential chunks({stateful});
  CudnnParams q = random_params(3, units, 2, 60);
  stateful->set_weights(cudnn_arrays(q));
  Tensor first({2, 3, 2}), second({2, 3, 2});
  for (std::int64_t b = 0; b < 2; ++b)
    for (std::int64_t t = 0; t < 3; ++t)
      for (std::int64_t d = 0; d < 2; ++d) {
        first.at<float>(b, t, d) = x.at<float>(b, t, d);
        second.at<float>(b, t, d) = x.at<float>(b, t + 3, d);
      }
  chunks.predict(first, {.batch_size = 2});
  Tensor whole = naive_rnn(
      Cell::kGRU, x, keras_arrays(q, false), false, {}, [](double v) { return std::tanh(v); },
      sigmoid);
  expect_near(chunks.predict(second, {.batch_size = 2}), last_step(whole), 2e-5);
  stateful->reset_states();
  expect_near(chunks.predict(first, {.batch_size = 2}),
              last_step(naive_rnn(
                  Cell::kGRU, first, keras_arrays(q, false), false, {},
                  [](double v) { return std::tanh(v); }, sigmoid)),
              2e-5);
}

TEST(CuDNNRecurrent, BidirectionalAndTraining) {
  auto layer = std::make_shared<CuDNNGRU>(4, CuDNNRNNOptions{.return_sequences = true});
  auto bi =
      std::make_shared<Bidirectional>(layer, BidirectionalOptions{.input_shape = Shape{5, 3}});
  Sequential model({bi, std::make_shared<Dense>(1)});
  EXPECT_EQ(bi->backward_layer()->class_name(), "CuDNNGRU");
  EXPECT_EQ(bi->backward_layer()->get_config()["go_backwards"], true);
  EXPECT_EQ(model.output_shape(), (Shape{-1, 5, 1}));
  // A target both directions help with: each step's features summed.
  Tensor x = random_uniform({32, 5, 3}, 8), y({32, 5, 1});
  for (std::int64_t b = 0; b < 32; ++b)
    for (std::int64_t t = 0; t < 5; ++t)
      y.at<float>(b, t, 0) = x.at<float>(b, t, 0) + x.at<float>(b, t, 1) + x.at<float>(b, t, 2);
  model.compile({.optimizer = optimizers::Adam({.lr = 0.02}), .loss = "mse"});
  std::vector<double> losses =
      model.fit(x, y, {.batch_size = 16, .epochs = 30, .verbose = 0}).history.at("loss");
  EXPECT_LT(losses.back(), losses.front() * 0.5);  // gradients reach the cuDNN-layout weights
}

TEST(CuDNNRecurrent, GradientsMatchFiniteDifferences) {
  // Through the layout conversion to the cuDNN-layout weights, and to the inputs.
  keras::testing::expect_layer_gradients(
      [] {
        return std::make_shared<CuDNNLSTM>(
            3, CuDNNRNNOptions{.bias_initializer = "glorot_uniform", .return_sequences = true});
      },
      {2, 4, 2});
  keras::testing::expect_layer_gradients(
      [] {
        return std::make_shared<CuDNNGRU>(
            3, CuDNNRNNOptions{.bias_initializer = "glorot_uniform", .go_backwards = true});
      },
      {2, 4, 2});
}

TEST(CuDNNRecurrent, ConfigsRoundTripAsKeras) {
  CuDNNLSTM lstm(7, {.unit_forget_bias = false,
                     .kernel_regularizer = regularizers::l2(0.01),
                     .return_sequences = true,
                     .go_backwards = true,
                     .name = "cu"});
  nlohmann::json config = lstm.get_config();
  for (const char* key :
       {"units", "kernel_initializer", "recurrent_initializer", "bias_initializer",
        "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
        "return_sequences", "return_state", "go_backwards", "stateful"})
    EXPECT_TRUE(config.contains(key)) << key;
  for (const char* key : {"activation", "recurrent_activation", "use_bias", "dropout", "unroll",
                          "implementation", "reset_after"})
    EXPECT_FALSE(config.contains(key)) << key;
  EXPECT_EQ(config["go_backwards"], true);
  EXPECT_EQ(config["unit_forget_bias"], false);
  LayerPtr copy = deserialize({{"class_name", "CuDNNLSTM"}, {"config", config}});
  EXPECT_EQ(copy->class_name(), "CuDNNLSTM");
  EXPECT_EQ(copy->get_config(), config);
  nlohmann::json gru = CuDNNGRU(2).get_config();
  EXPECT_FALSE(gru.contains("unit_forget_bias"));
  EXPECT_EQ(deserialize({{"class_name", "CuDNNGRU"}, {"config", gru}})->get_config(), gru);
  // Keys Keras's CuDNN layers do not take are refused, naming them.
  nlohmann::json with_activation = gru;
  with_activation["activation"] = "relu";
  expect_invalid(
      [&] {
        deserialize({{"class_name", "CuDNNGRU"}, {"config", with_activation}});
      },
      {"CuDNNGRU", "activation"});
}

TEST(CuDNNRecurrent, MaskingIsRefusedAsKeras) {
  Sequential model;
  model.add(Embedding(10, 4, {.mask_zero = true, .input_length = 5}));
  expect_invalid([&] { model.add(CuDNNLSTM(3)); }, {"Masking is not supported for CuDNN RNNs."});
}

TEST(CuDNNRecurrent, SavedModelsReloadAndWeightsConvertToAndFromLstmAndGru) {
  const auto dir = std::filesystem::temp_directory_path() / "keras_cudnn_recurrent_test";
  std::filesystem::create_directories(dir);
  Tensor x = random_uniform({3, 4, 2}, 11);
  for (bool lstm : {true, false}) {
    SCOPED_TRACE(lstm ? "LSTM" : "GRU");
    backend::clear_session();
    CudnnParams p = random_params(lstm ? 4 : 3, 3, 2, 80);
    auto cudnn = make_cudnn(lstm, 3, {.input_shape = Shape{4, 2}, .name = "rnn"});
    Sequential model({cudnn});
    cudnn->set_weights(cudnn_arrays(p));
    Tensor expected = model.predict(x);
    const std::string file = (dir / "model.h5").string();
    models::save_model(model, file);
    auto reloaded = models::load_model(file);
    EXPECT_EQ(reloaded->layers()[0]->class_name(), lstm ? "CuDNNLSTM" : "CuDNNGRU");
    expect_near(reloaded->predict(x), expected, 1e-6);
    // CuDNN weights into the LSTM / GRU(reset_after=True) they stand for, and back.
    const std::string weights = (dir / "cudnn.h5").string();
    model.save_weights(weights);
    RNNOptions o{.recurrent_activation = "sigmoid",
                 .reset_after = !lstm,
                 .input_shape = Shape{4, 2},
                 .name = "rnn"};
    Sequential plain({make(lstm ? Cell::kLSTM : Cell::kGRU, 3, o)});
    plain.load_weights(weights);
    expect_near(plain.predict(x), expected, 2e-5);
    for (std::size_t k = 0; k < 3; ++k)
      expect_near(plain.get_weights()[k], keras_arrays(p, lstm)[k], 1e-6);
    plain.save_weights((dir / "plain.h5").string());
    auto back = make_cudnn(lstm, 3, {.input_shape = Shape{4, 2}, .name = "rnn"});
    Sequential again({back});
    again.load_weights((dir / "plain.h5").string());
    expect_near(again.predict(x), expected, 2e-5);
    expect_near(back->get_weights()[0], cudnn_arrays(p)[0], 1e-6);
    expect_near(back->get_weights()[1], cudnn_arrays(p)[1], 1e-6);
  }
  // GRU(reset_after=False) and CuDNNGRU do not mix, as in Keras.
  backend::clear_session();
  Sequential plain({std::make_shared<GRU>(3, RNNOptions{.input_shape = Shape{4, 2}})});
  plain.save_weights((dir / "plain_gru.h5").string());
  Sequential cudnn({std::make_shared<CuDNNGRU>(3, CuDNNRNNOptions{.input_shape = Shape{4, 2}})});
  expect_invalid([&] { cudnn.load_weights((dir / "plain_gru.h5").string()); },
                 {"GRU(reset_after=False) is not compatible with CuDNNGRU"});
  std::filesystem::remove_all(dir);
}
