// Keras 2.2.4's _convert_rnn_weights at the array level: CuDNNGRU's weights into
// GRU(reset_after=True)'s layout (kernel blocks transposed from cuDNN's row-major matrices,
// recurrent blocks transposed, the 6 * units bias as (2, 3 * units)), and Keras's refusals.
// (CuDNNLSTM files are tested end to end in h5py_interop_test.cpp.)
#include <gtest/gtest.h>

#include <random>

#include "keras/keras.h"
#include "saving/saving_internal.h"

using namespace keras;

namespace {

Tensor uniform(Shape shape, std::mt19937& rng) {
  Tensor t(shape);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// CuDNNGRU's stored arrays for cuDNN's matrices W[g] (units, input_dim), R[g] (units, units) and
// biases bW[g], bR[g], gates z, r, h: each kernel block holds W[g]'s values in row-major order,
// each recurrent block R[g]; the bias is the input biases, then the recurrent ones.
std::vector<Tensor> cudnn_gru_arrays(const std::vector<Tensor>& W, const std::vector<Tensor>& R,
                                     const std::vector<Tensor>& bW, const std::vector<Tensor>& bR) {
  const std::int64_t units = R[0].dim(0), input_dim = W[0].dim(1);
  Tensor kernel({input_dim, 3 * units}), recurrent({units, 3 * units}), bias({6 * units});
  for (int g = 0; g < 3; ++g) {
    for (std::int64_t n = 0; n < units * input_dim; ++n)
      kernel.data<float>()[(n / units) * 3 * units + g * units + n % units] = W[g].data<float>()[n];
    for (std::int64_t i = 0; i < units; ++i)
      for (std::int64_t j = 0; j < units; ++j)
        recurrent.data<float>()[i * 3 * units + g * units + j] = R[g].at<float>(i, j);
    for (std::int64_t j = 0; j < units; ++j) {
      bias.data<float>()[g * units + j] = bW[g].data<float>()[j];
      bias.data<float>()[3 * units + g * units + j] = bR[g].data<float>()[j];
    }
  }
  return {kernel, recurrent, bias};
}

}  // namespace

TEST(CudnnWeights, CudnnGruBecomesResetAfterGru) {
  std::mt19937 rng(3);
  const std::int64_t units = 4, input_dim = 3;
  std::vector<Tensor> W, R, bW, bR;
  for (int g = 0; g < 3; ++g) {
    W.push_back(uniform({units, input_dim}, rng));
    R.push_back(uniform({units, units}, rng));
    bW.push_back(uniform({units}, rng));
    bR.push_back(uniform({units}, rng));
  }
  auto converted = saving::detail::convert_rnn_weights("GRU", {{"reset_after", true}},
                                                       cudnn_gru_arrays(W, R, bW, bR), "test");
  ASSERT_EQ(converted.size(), 3u);
  ASSERT_EQ(converted[0].shape(), (Shape{input_dim, 3 * units}));
  ASSERT_EQ(converted[1].shape(), (Shape{units, 3 * units}));
  ASSERT_EQ(converted[2].shape(), (Shape{2, 3 * units}));
  for (int g = 0; g < 3; ++g)
    for (std::int64_t j = 0; j < units; ++j) {
      for (std::int64_t i = 0; i < input_dim; ++i)  // x @ kernel == W x
        EXPECT_EQ(converted[0].at<float>(i, g * units + j), W[g].at<float>(j, i));
      for (std::int64_t i = 0; i < units; ++i)  // h @ recurrent_kernel == R h
        EXPECT_EQ(converted[1].at<float>(i, g * units + j), R[g].at<float>(j, i));
      EXPECT_EQ(converted[2].at<float>(0, g * units + j), bW[g].data<float>()[j]);
      EXPECT_EQ(converted[2].at<float>(1, g * units + j), bR[g].data<float>()[j]);
    }
  // GRU(reset_after=True)'s own weights pass unchanged.
  auto same = saving::detail::convert_rnn_weights("GRU", {{"reset_after", true}}, converted, "t");
  EXPECT_EQ(same[2].shape(), (Shape{2, 3 * units}));
  EXPECT_EQ(same[0].to_vector<float>(), converted[0].to_vector<float>());
}

TEST(CudnnWeights, IncompatibleGruAndBadBiasesAreRefusedAsKerasDoes) {
  std::mt19937 rng(4);
  const std::int64_t units = 2;
  std::vector<Tensor> cudnn = {uniform({3, 3 * units}, rng), uniform({units, 3 * units}, rng),
                               uniform({6 * units}, rng)};
  auto message = [&](const std::string& cls, const nlohmann::json& config,
                     std::vector<Tensor> weights) -> std::string {
    try {
      saving::detail::convert_rnn_weights(cls, config, std::move(weights), "layer 'g'");
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message("GRU", nlohmann::json::object(), cudnn)
                .find("CuDNNGRU is not compatible with GRU(reset_after=False)"),
            std::string::npos);
  std::vector<Tensor> reset_after = {cudnn[0], cudnn[1], uniform({2, 3 * units}, rng)};
  EXPECT_NE(message("GRU", nlohmann::json::object(), reset_after)
                .find("GRU(reset_after=True) is not compatible with GRU(reset_after=False)"),
            std::string::npos);
  std::vector<Tensor> odd = {cudnn[0], cudnn[1], uniform({5}, rng)};
  EXPECT_NE(message("GRU", {{"reset_after", true}}, odd).find("Invalid bias shape: (5,)"),
            std::string::npos);
  EXPECT_NE(message("LSTM", nlohmann::json::object(),
                    {uniform({3, 8}, rng), uniform({2, 8}, rng), uniform({12}, rng)})
                .find("Invalid bias shape: (12,)"),
            std::string::npos);
  // A CuDNNLSTM bias with a kernel of the wrong width: a clear error, not a bad read.
  EXPECT_NE(message("LSTM", nlohmann::json::object(),
                    {uniform({3, 6}, rng), uniform({2, 8}, rng), uniform({16}, rng)})
                .find("CuDNN weights should be"),
            std::string::npos);
  // Other layers and bias-less RNNs are left alone.
  EXPECT_EQ(message("Dense", nlohmann::json::object(), {uniform({5}, rng)}), "no error");
  EXPECT_EQ(message("LSTM", nlohmann::json::object(), {cudnn[0], cudnn[1]}), "no error");
}

TEST(CudnnWeights, CudnnConfigsReadAsRecurrentLayers) {
  auto config = nlohmann::json::parse(R"({"class_name": "Sequential", "config": {"layers": [
    {"class_name": "Bidirectional", "config": {"name": "b", "merge_mode": "concat",
      "layer": {"class_name": "CuDNNGRU", "config": {"name": "g", "units": 2}}}},
    {"class_name": "CuDNNLSTM", "config": {"name": "l", "units": 3}}]}})");
  saving::detail::cudnn_layers_as_recurrent(config, {});
  const auto& layers = config["config"]["layers"];
  const auto& gru = layers[0]["config"]["layer"];
  EXPECT_EQ(gru["class_name"], "GRU");
  EXPECT_EQ(gru["config"]["reset_after"], true);
  EXPECT_EQ(gru["config"]["recurrent_activation"], "sigmoid");
  EXPECT_EQ(layers[1]["class_name"], "LSTM");
  EXPECT_EQ(layers[1]["config"]["activation"], "tanh");
  EXPECT_EQ(layers[1]["config"]["recurrent_activation"], "sigmoid");
  EXPECT_EQ(layers[1]["config"]["use_bias"], true);
  // A user's own CuDNNLSTM class wins.
  auto mine = nlohmann::json::parse(R"({"class_name": "CuDNNLSTM", "config": {"units": 3}})");
  saving::detail::cudnn_layers_as_recurrent(
      mine, CustomObjects{.layers = {{"CuDNNLSTM",
                                      [](const nlohmann::json&) -> LayerPtr { return nullptr; }}}});
  EXPECT_EQ(mine["class_name"], "CuDNNLSTM");
}
