// Keras 2.2.4's _convert_rnn_weights at the array level: CuDNNGRU's weights into
// GRU(reset_after=True)'s layout (kernel blocks transposed from cuDNN's row-major matrices,
// recurrent blocks transposed, the 6 * units bias as (2, 3 * units)), LSTM's and GRU's weights
// into the CuDNN layers' layout, and Keras's refusals.
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

TEST(CudnnWeights, RecurrentWeightsConvertIntoCudnnLayersAndBack) {
  std::mt19937 rng(5);
  const std::int64_t units = 3, input_dim = 2;
  // LSTM into CuDNNLSTM: each bias split in halves (numpy's tile(0.5 * bias, 2)), kernels back in
  // cuDNN's layout; and back to LSTM unchanged.
  std::vector<Tensor> lstm = {uniform({input_dim, 4 * units}, rng),
                              uniform({units, 4 * units}, rng), uniform({4 * units}, rng)};
  auto cudnn =
      saving::detail::convert_rnn_weights("CuDNNLSTM", nlohmann::json::object(), lstm, "t");
  ASSERT_EQ(cudnn[2].shape(), (Shape{8 * units}));
  for (std::int64_t k = 0; k < 4 * units; ++k) {
    EXPECT_FLOAT_EQ(cudnn[2].data<float>()[k], 0.5f * lstm[2].data<float>()[k]);
    EXPECT_FLOAT_EQ(cudnn[2].data<float>()[4 * units + k], 0.5f * lstm[2].data<float>()[k]);
  }
  // Gate g's kernel block holds W = the LSTM block's transpose, row-major; its recurrent block,
  // R = the LSTM block's transpose.
  for (int g = 0; g < 4; ++g)
    for (std::int64_t j = 0; j < units; ++j) {
      for (std::int64_t i = 0; i < input_dim; ++i) {
        const std::int64_t n = j * input_dim + i;  // W[j][i]
        EXPECT_EQ(cudnn[0].at<float>(n / units, g * units + n % units),
                  lstm[0].at<float>(i, g * units + j));
      }
      for (std::int64_t k = 0; k < units; ++k)
        EXPECT_EQ(cudnn[1].at<float>(j, g * units + k), lstm[1].at<float>(k, g * units + j));
    }
  auto again = saving::detail::convert_rnn_weights("LSTM", nlohmann::json::object(), cudnn, "t");
  for (std::size_t k = 0; k < 3; ++k) {
    std::vector<float> a = again[k].to_vector<float>(), b = lstm[k].to_vector<float>();
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(a[i], b[i]);
  }
  // GRU(reset_after=True) into CuDNNGRU: the bias rows flattened; CuDNNGRU's own pass unchanged.
  std::vector<Tensor> gru = {uniform({input_dim, 3 * units}, rng), uniform({units, 3 * units}, rng),
                             uniform({2, 3 * units}, rng)};
  auto cudnn_gru = saving::detail::convert_rnn_weights("CuDNNGRU", {}, gru, "t");
  EXPECT_EQ(cudnn_gru[2].shape(), (Shape{6 * units}));
  EXPECT_EQ(cudnn_gru[2].to_vector<float>(), gru[2].to_vector<float>());
  auto back = saving::detail::convert_rnn_weights("GRU", {{"reset_after", true}}, cudnn_gru, "t");
  EXPECT_EQ(back[0].to_vector<float>(), gru[0].to_vector<float>());
  EXPECT_EQ(back[1].to_vector<float>(), gru[1].to_vector<float>());
  EXPECT_EQ(
      saving::detail::convert_rnn_weights("CuDNNGRU", {}, cudnn_gru, "t")[0].to_vector<float>(),
      cudnn_gru[0].to_vector<float>());
}
