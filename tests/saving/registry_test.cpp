// The layer registry knows every layer class of the library (Keras 2 and Keras 1 names): each
// minimal config deserializes, and its serialization reads back to the same config.
#include <gtest/gtest.h>

#include "keras/keras.h"

using namespace keras;

TEST(LayerRegistry, EveryLibraryLayerRoundTrips) {
  const char* configs[] = {
      R"({"class_name": "Conv1D", "config": {"filters": 4, "kernel_size": [3]}})",
      R"({"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 3]}})",
      R"({"class_name": "Conv3D", "config": {"filters": 2, "kernel_size": [2, 2, 2]}})",
      R"({"class_name": "SeparableConv2D", "config": {"filters": 4, "kernel_size": [3, 3]}})",
      R"({"class_name": "Conv2DTranspose", "config": {"filters": 4, "kernel_size": [3, 3]}})",
      R"({"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2], "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}})",
      R"({"class_name": "AveragePooling1D", "config": {"pool_size": [2], "padding": "valid", "strides": [2], "data_format": "channels_last"}})",
      R"({"class_name": "GlobalAveragePooling2D", "config": {"data_format": "channels_last"}})",
      R"({"class_name": "GlobalMaxPooling1D", "config": {"data_format": "channels_last"}})",
      R"({"class_name": "ZeroPadding2D", "config": {"padding": [[1, 1], [1, 1]], "data_format": "channels_last"}})",
      R"({"class_name": "Cropping1D", "config": {"cropping": [1, 1]}})",
      R"({"class_name": "UpSampling2D", "config": {"size": [2, 2], "data_format": "channels_last"}})",
      R"({"class_name": "SpatialDropout2D", "config": {"rate": 0.2}})",
      R"({"class_name": "Embedding", "config": {"input_dim": 10, "output_dim": 4}})",
      R"({"class_name": "BatchNormalization", "config": {}})",
      R"({"class_name": "SimpleRNN", "config": {"units": 3}})",
      R"({"class_name": "GRU", "config": {"units": 3}})",
      R"({"class_name": "LSTM", "config": {"units": 3}})",
      R"({"class_name": "Bidirectional", "config": {"layer": {"class_name": "LSTM", "config": {"units": 3}}}})",
  };
  for (const char* text : configs) {
    SCOPED_TRACE(text);
    nlohmann::json config = nlohmann::json::parse(text);
    LayerPtr layer;
    ASSERT_NO_THROW(layer = layers::deserialize(config));
    EXPECT_EQ(layer->class_name(), config["class_name"]);
    nlohmann::json written = layers::serialize(*layer);
    LayerPtr again = layers::deserialize(written);
    EXPECT_EQ(layers::serialize(*again), written);
  }
}

TEST(LayerRegistry, SequentialConvModelSavesAndLoads) {
  backend::clear_session();
  Sequential model;
  model.add(layers::deserialize(nlohmann::json::parse(
      R"({"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [3, 3],
          "batch_input_shape": [null, 6, 6, 1], "activation": "relu"}})")));
  model.add(layers::deserialize(nlohmann::json::parse(
      R"({"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2], "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}})")));
  model.add(
      layers::deserialize(nlohmann::json::parse(R"({"class_name": "Flatten", "config": {}})")));
  model.add(layers::deserialize(
      nlohmann::json::parse(R"({"class_name": "Dense", "config": {"units": 3}})")));
  model.compile("adam", "mse");
  std::string path = (std::filesystem::temp_directory_path() / "keras_registry_conv.h5").string();
  model.save(path);
  auto loaded = models::load_model(path);
  Tensor x = Tensor::full({2, 6, 6, 1}, 0.25);
  EXPECT_EQ(loaded->predict(x).to_vector<float>(), model.predict(x).to_vector<float>());
}
