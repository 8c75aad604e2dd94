// The layer argument schema: Keras 1 configs renamed to Keras 2's, strict from_config naming the
// unknown key and the valid ones, get_config from the schema; ReLU and Softmax (Keras 2.2.4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "keras/keras.h"
#include "layer_test_util.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_near;
using keras::testing::layer_test;
using keras::testing::map_values;
using keras::testing::random_uniform;

namespace {

std::string error_of(const nlohmann::json& config) {
  try {
    layers::deserialize(config);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(LayerSchema, UnknownConfigKeyNamesTheKeyTheClassAndTheValidKeys) {
  std::string message =
      error_of({{"class_name", "Dense"}, {"config", {{"units", 3}, {"activaton", "relu"}}}});
  EXPECT_NE(message.find("Dense.from_config"), std::string::npos) << message;
  EXPECT_NE(message.find("'activaton'"), std::string::npos) << message;
  for (const char* valid : {"units", "activation", "kernel_initializer", "output_dim", "init",
                            "W_regularizer", "name", "input_dim", "batch_input_shape"})
    EXPECT_NE(message.find(valid), std::string::npos) << valid << " in " << message;
  EXPECT_NE(error_of({{"class_name", "ReLU"}, {"config", {{"alpha", 0.1}}}})
                .find("ReLU takes: max_value, negative_slope, threshold"),
            std::string::npos);
}

TEST(LayerSchema, Keras1DenseConfigReadsAsKeras2) {
  auto layer = layers::deserialize(
      {{"class_name", "Dense"},
       {"config",
        {{"name", "d"},
         {"output_dim", 3},
         {"init", "uniform"},
         {"W_regularizer", {{"name", "L1L2Regularizer"}, {"l1", 0.0}, {"l2", 0.01}}},
         {"b_constraint", nullptr},
         {"bias", false},
         {"input_dim", 4},
         {"weights", nullptr}}}});
  nlohmann::json config = layer->get_config();
  EXPECT_EQ(config["units"], 3);
  EXPECT_EQ(config["use_bias"], false);
  EXPECT_EQ(config["kernel_initializer"]["class_name"], "RandomUniform");
  EXPECT_EQ(config["kernel_regularizer"]["class_name"], "L1L2");
  EXPECT_FALSE(config.contains("output_dim"));
  EXPECT_NE(error_of({{"class_name", "Dense"}, {"config", {{"units", 3}, {"output_dim", 4}}}})
                .find("both Keras 1's 'output_dim' and Keras 2's 'units'"),
            std::string::npos);
  EXPECT_NE(error_of({{"class_name", "Dense"}, {"config", {{"activation", "relu"}}}})
                .find("'units' is required"),
            std::string::npos);
}

TEST(LayerSchema, Keras1ValuesConvert) {
  auto th = layers::deserialize({{"class_name", "Flatten"}, {"config", {{"dim_ordering", "th"}}}});
  EXPECT_EQ(th->get_config()["data_format"], "channels_first");
  auto tf =
      layers::deserialize({{"class_name", "Flatten"}, {"config", {{"dim_ordering", "default"}}}});
  EXPECT_EQ(tf->get_config()["data_format"], "channels_last");
  auto noise = layers::deserialize({{"class_name", "GaussianNoise"}, {"config", {{"sigma", 0.2}}}});
  EXPECT_DOUBLE_EQ(noise->get_config()["stddev"].get<double>(), 0.2);
}

TEST(LayerSchema, GetConfigRoundTrips) {
  for (const LayerPtr& layer : std::vector<LayerPtr>{
           std::make_shared<Dense>(4, DenseOptions{.activation = "relu", .use_bias = false}),
           std::make_shared<Dropout>(0.25, DropoutOptions{.seed = 7}),
           std::make_shared<Reshape>(Shape{-1, 2}),
           std::make_shared<Permute>(std::vector<int>{2, 1}),
           std::make_shared<PReLU>(PReLUOptions{.shared_axes = {1, 2}}),
           std::make_shared<ReLU>(ReLUOptions{.max_value = 6.0, .negative_slope = 0.1}),
           std::make_shared<Masking>(-1.0)}) {
    nlohmann::json config = layers::serialize(*layer);
    EXPECT_EQ(layers::serialize(*layers::deserialize(config)), config) << config.dump();
  }
}

TEST(LayerSchema, MaskingIsRegistered) {
  auto names = registered_layer_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "Masking"), names.end());
  auto layer = layers::deserialize({{"class_name", "Masking"}, {"config", {{"mask_value", -1.0}}}});
  EXPECT_DOUBLE_EQ(layer->get_config()["mask_value"].get<double>(), -1.0);
}

TEST(ReLU, MaxValueNegativeSlopeThreshold) {
  Tensor x = random_uniform({4, 6}, 5, -3, 3);
  auto plain = layer_test(std::make_shared<ReLU>(ReLUOptions{.input_shape = Shape{6}}), x,
                          {"max_value", "negative_slope", "threshold"});
  expect_near(plain.output, map_values(x, [](double v) { return v > 0 ? v : 0.0; }));
  EXPECT_TRUE(plain.model->layers().back()->get_config()["max_value"].is_null());
  auto all = layer_test(
      std::make_shared<ReLU>(ReLUOptions{
          .max_value = 2.0, .negative_slope = 0.1, .threshold = 0.5, .input_shape = Shape{6}}),
      x, {"max_value"});
  expect_near(all.output,
              map_values(x, [](double v) { return v > 0.5 ? std::min(v, 2.0) : 0.1 * (v - 0.5); }));
  EXPECT_THROW(ReLU(ReLUOptions{.max_value = -1.0}), std::invalid_argument);
  EXPECT_THROW(ReLU(ReLUOptions{.negative_slope = -0.5}), std::invalid_argument);
}

TEST(Softmax, OverTheGivenAxis) {
  Tensor x = random_uniform({2, 3, 4}, 6, -2, 2);
  auto t =
      layer_test(std::make_shared<Softmax>(SoftmaxOptions{.axis = 1, .input_shape = Shape{3, 4}}),
                 x, {"axis"});
  for (int b = 0; b < 2; ++b)
    for (int j = 0; j < 4; ++j) {
      double total = 0;
      for (int i = 0; i < 3; ++i) total += std::exp(x.value({b, i, j}));
      for (int i = 0; i < 3; ++i)
        EXPECT_NEAR(t.output.value({b, i, j}), std::exp(x.value({b, i, j})) / total, 1e-5);
    }
  auto last = layer_test(std::make_shared<Softmax>(SoftmaxOptions{.input_shape = Shape{3, 4}}), x,
                         {"axis"});
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 3; ++i) {
      double total = 0;
      for (int j = 0; j < 4; ++j) total += last.output.value({b, i, j});
      EXPECT_NEAR(total, 1.0, 1e-5);
    }
}
