// Keras 1's convolution spellings. Deconvolution2D(nb_filter, nb_row, nb_col, output_shape,
// ...): the output rows and columns come from output_shape (any size a convolution takes back to
// the input's, as TensorFlow's conv2d_transpose allows), checked against a naive scatter written
// here; shapes that do not fit raise a clear error; Keras 1 configs and get_config / from_config
// round trips. AtrousConvolution1D/2D configs deserialize to dilated convolutions.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "keras/keras.h"
#include "layer_test_util.h"
#include "testing/tensor_utils.h"

namespace {

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::expect_near;
using keras::testing::random_uniform;

// channels_last transposed convolution to (out_rows, out_cols): every input pixel adds
// x * w[a, b, f, c] at (i * s + a - pad_top, j * s + b - pad_left), TensorFlow's padding.
Tensor naive_deconv(const Tensor& x, const Tensor& w, std::int64_t s, bool same,
                    std::int64_t out_rows, std::int64_t out_cols) {
  const std::int64_t n = x.dim(0), rows = x.dim(1), cols = x.dim(2), ch = x.dim(3);
  const std::int64_t kr = w.dim(0), kc = w.dim(1), f = w.dim(2);
  auto pad = [&](std::int64_t in, std::int64_t k, std::int64_t out) {
    return same ? std::max<std::int64_t>((in - 1) * s + k - out, 0) / 2 : std::int64_t{0};
  };
  const std::int64_t pt = pad(rows, kr, out_rows), pl = pad(cols, kc, out_cols);
  Tensor y({n, out_rows, out_cols, f});
  for (std::int64_t b = 0; b < n; ++b)
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = 0; j < cols; ++j)
        for (std::int64_t a = 0; a < kr; ++a)
          for (std::int64_t e = 0; e < kc; ++e) {
            const std::int64_t r = i * s + a - pt, c = j * s + e - pl;
            if (r < 0 || r >= out_rows || c < 0 || c >= out_cols) continue;
            for (std::int64_t o = 0; o < f; ++o)
              for (std::int64_t k = 0; k < ch; ++k)
                y.at<float>(b, r, c, o) += x.at<float>(b, i, j, k) * w.at<float>(a, e, o, k);
          }
  return y;
}

TEST(Deconvolution2D, Keras1SignatureTakesTheOutputShape) {
  // Keras 1's docstring example: 3x3, stride 1 on 12x12 -> (None, 14, 14, 3) with TensorFlow.
  Deconvolution2D layer(3, 3, 3, {-1, 14, 14, 3},
                        {.padding = "valid", .input_shape = Shape{12, 12, 4}});
  EXPECT_EQ(layer.compute_output_shape({-1, 12, 12, 4}), (Shape{-1, 14, 14, 3}));
  // th ordering: output_shape is (batch, filters, rows, cols); stride 2 -> 25x25.
  Deconvolution2D th(3, 3, 3, {-1, 3, 25, 25},
                     {.strides = {2, 2}, .data_format = "channels_first"});
  EXPECT_EQ(th.compute_output_shape({-1, 4, 12, 12}), (Shape{-1, 3, 25, 25}));
  nlohmann::json config = th.get_config();
  EXPECT_EQ(config["output_shape"], nlohmann::json::parse("[null, 3, 25, 25]"));
  EXPECT_EQ(config["data_format"], "channels_first");
}

TEST(Deconvolution2D, EveryOutputSizeTheConvolutionMapsBackMatchesANaiveScatter) {
  for (const char* backend : {"cpu", "reference"})
    for (bool same : {false, true}) {
      keras::testing::ScopedBackend scoped(backend);
      // 3 rows, stride 2, kernel 3: valid fits 7 or 8 rows, same 5 or 6.
      for (std::int64_t extra : {0, 1}) {
        const std::int64_t rows = (same ? 5 : 7) + extra, cols = (same ? 7 : 9) + 1 - extra;
        auto layer =
            std::make_shared<Conv2DTranspose>(2, 3, 3, Shape{-1, rows, cols, 2},
                                              ConvOptions{.strides = {2, 2},
                                                          .padding = same ? "same" : "valid",
                                                          .use_bias = false,
                                                          .input_shape = Shape{3, 4, 3}});
        Sequential model;
        model.add(LayerPtr(layer));
        EXPECT_EQ(model.output_shape(), (Shape{-1, rows, cols, 2}));
        Tensor w = random_uniform({3, 3, 2, 3}, 1), x = random_uniform({2, 3, 4, 3}, 2);
        layer->set_weights({w});
        expect_near(model.predict(x), naive_deconv(x, w, 2, same, rows, cols), 1e-4);
        // The config carries Keras 2's output_padding for the same shape, and Keras 1's key.
        nlohmann::json config = layer->get_config();
        EXPECT_TRUE(config.contains("output_shape"));
        auto back = layers::deserialize({{"class_name", "Conv2DTranspose"}, {"config", config}});
        EXPECT_EQ(back->compute_output_shape({-1, 3, 4, 3}), (Shape{-1, rows, cols, 2}));
        config.erase("output_shape");
        auto keras2 = layers::deserialize({{"class_name", "Conv2DTranspose"}, {"config", config}});
        EXPECT_EQ(keras2->compute_output_shape({-1, 3, 4, 3}), (Shape{-1, rows, cols, 2}))
            << config.dump();
      }
    }
}

TEST(Deconvolution2D, AnOutputShapeThatDoesNotFitIsAClearError) {
  expect_invalid(
      [] {
        Sequential model;
        model.add(std::make_shared<Conv2DTranspose>(
            3, 3, 3, Shape{-1, 13, 14, 3},
            ConvOptions{.input_shape = Shape{12, 12, 4}, .name = "deconv"}));
      },
      {"deconv", "output_shape (None, 13, 14, 3)", "14 rows, not 13"});
  expect_invalid(
      [] {
        Sequential model;
        model.add(std::make_shared<Conv2DTranspose>(
            3, 3, 3, Shape{-1, 25, 27, 3},
            ConvOptions{.strides = {2, 2}, .input_shape = Shape{12, 12, 4}, .name = "d2"}));
      },
      {"d2", "from 25 to 26 columns, not 27"});
  expect_invalid(
      [] {
        Conv2DTranspose(3, 3, 3, Shape{-1, 14, 14, 5});
      },
      {"output_shape (None, 14, 14, 5) has 5 channels", "3 filters"});
  expect_invalid(
      [] {
        Conv2DTranspose(3, 3, 3, Shape{14, 3});
      },
      {"output_shape must have 4 entries"});
  // The 3 entries after the batch axis are the same output shape.
  Sequential model;
  model.add(std::make_shared<Conv2DTranspose>(3, 3, 3, Shape{14, 14, 3},
                                              ConvOptions{.input_shape = Shape{12, 12, 4}}));
  EXPECT_EQ(model.output_shape(), (Shape{-1, 14, 14, 3}));
}

TEST(Deconvolution2D, Keras1Config) {
  auto layer = layers::deserialize(nlohmann::json::parse(R"({
      "class_name": "Deconvolution2D",
      "config": {"name": "deconvolution2d_1", "trainable": true, "nb_filter": 3, "nb_row": 3,
                 "nb_col": 3, "init": "glorot_uniform", "activation": "linear",
                 "border_mode": "valid", "subsample": [2, 2], "dim_ordering": "tf",
                 "output_shape": [null, 26, 26, 3], "W_regularizer": null,
                 "b_regularizer": null, "activity_regularizer": null, "W_constraint": null,
                 "b_constraint": null, "bias": true, "batch_input_shape": [null, 12, 12, 4]}})"));
  ASSERT_EQ(layer->class_name(), "Conv2DTranspose");
  Sequential model;
  model.add(layer);
  EXPECT_EQ(model.output_shape(), (Shape{-1, 26, 26, 3}));
  EXPECT_EQ(layer->get_config()["output_padding"], nlohmann::json({1, 1}));
  expect_invalid(
      [] {
        auto bad = layers::deserialize(nlohmann::json::parse(R"({
            "class_name": "Deconvolution2D",
            "config": {"name": "bad", "nb_filter": 3, "nb_row": 3, "nb_col": 3,
                       "border_mode": "valid", "subsample": [1, 1], "dim_ordering": "tf",
                       "output_shape": [null, 20, 14, 3], "batch_input_shape": [null, 12, 12, 4]}})"));
        Sequential m;
        m.add(bad);
      },
      {"bad", "output_shape (None, 20, 14, 3)", "14 rows, not 20"});
}

}  // namespace

namespace {

TEST(AtrousConvolution2D, Keras1ConfigsDeserializeToDilatedConvolutions) {
  using namespace keras;
  auto layer = layers::deserialize(nlohmann::json::parse(R"({
      "class_name": "AtrousConvolution2D",
      "config": {"name": "atrousconvolution2d_1", "nb_filter": 4, "nb_row": 3, "nb_col": 3,
                 "init": "glorot_uniform", "activation": "relu", "border_mode": "valid",
                 "subsample": [1, 1], "atrous_rate": [2, 2], "dim_ordering": "tf",
                 "bias": true, "batch_input_shape": [null, 9, 9, 1]}})"));
  ASSERT_EQ(layer->class_name(), "Conv2D");
  EXPECT_EQ(layer->get_config()["dilation_rate"], nlohmann::json({2, 2}));
  EXPECT_EQ(layer->compute_output_shape({-1, 9, 9, 1}), (Shape{-1, 5, 5, 4}));
  auto one = layers::deserialize(nlohmann::json::parse(R"({
      "class_name": "AtrousConvolution1D",
      "config": {"name": "a1", "nb_filter": 2, "filter_length": 3, "atrous_rate": 3,
                 "border_mode": "valid", "subsample_length": 1}})"));
  ASSERT_EQ(one->class_name(), "Conv1D");
  EXPECT_EQ(one->compute_output_shape({-1, 10, 1}), (Shape{-1, 4, 2}));
}

}  // namespace
