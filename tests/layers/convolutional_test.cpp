// Conv1D/2D/3D, SeparableConv2D, Conv2DTranspose, ZeroPadding, Cropping and UpSampling: outputs
// against naive loops written here, Keras's output shapes and argument spellings, errors naming
// the layer, get_config / from_config round trips, and a tiny CNN that learns.
#include <gtest/gtest.h>

#include <cmath>
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

float at(const Tensor& t, std::initializer_list<std::int64_t> index) {
  std::int64_t flat = 0;
  int d = 0;
  for (auto i : index) flat = flat * t.dim(d++) + i;
  return t.data<float>()[flat];
}

// Channels_last naive convolution with explicit padding (top, left), stride and dilation.
Tensor naive_conv2d(const Tensor& x, const Tensor& w, const Tensor& b, std::int64_t stride,
                    std::int64_t dilation, std::int64_t pt, std::int64_t pl, std::int64_t oh,
                    std::int64_t ow, bool relu) {
  Tensor y({x.dim(0), oh, ow, w.dim(3)});
  for (std::int64_t n = 0; n < x.dim(0); ++n)
    for (std::int64_t i = 0; i < oh; ++i)
      for (std::int64_t j = 0; j < ow; ++j)
        for (std::int64_t f = 0; f < w.dim(3); ++f) {
          double acc = b.defined() ? b.data<float>()[f] : 0.0;
          for (std::int64_t a = 0; a < w.dim(0); ++a)
            for (std::int64_t c = 0; c < w.dim(1); ++c) {
              std::int64_t r = i * stride + a * dilation - pt, s = j * stride + c * dilation - pl;
              if (r < 0 || r >= x.dim(1) || s < 0 || s >= x.dim(2)) continue;
              for (std::int64_t ch = 0; ch < x.dim(3); ++ch)
                acc += static_cast<double>(at(x, {n, r, s, ch})) * at(w, {a, c, ch, f});
            }
          y.data<float>()[((n * oh + i) * ow + j) * w.dim(3) + f] =
              static_cast<float>(relu && acc < 0 ? 0.0 : acc);
        }
  return y;
}

Tensor to_channels_first(const Tensor& x) {
  Tensor y({x.dim(0), x.dim(3), x.dim(1), x.dim(2)});
  for (std::int64_t n = 0; n < x.dim(0); ++n)
    for (std::int64_t i = 0; i < x.dim(1); ++i)
      for (std::int64_t j = 0; j < x.dim(2); ++j)
        for (std::int64_t c = 0; c < x.dim(3); ++c)
          y.data<float>()[((n * x.dim(3) + c) * x.dim(1) + i) * x.dim(2) + j] = at(x, {n, i, j, c});
  return y;
}

Tensor predict_one(const LayerPtr& layer, const Tensor& x) {
  Sequential model;
  model.add(LayerPtr(layer));
  return model.predict(x);
}

TEST(Conv2D, MatchesANaiveLoop) {
  for (const char* backend : {"cpu", "reference"}) {
    K::set_backend(backend);
    auto layer = std::make_shared<Conv2D>(5, Ints{3, 3},
                                          ConvOptions{.strides = {2, 2},
                                                      .padding = "same",
                                                      .activation = "relu",
                                                      .input_shape = Shape{9, 8, 3}});
    Sequential model;
    model.add(LayerPtr(layer));
    EXPECT_EQ(model.output_shape(), (Shape{-1, 5, 4, 5}));
    Tensor w = random_uniform({3, 3, 3, 5}, 1), b = random_uniform({5}, 2);
    layer->set_weights({w, b});
    Tensor x = random_uniform({2, 9, 8, 3}, 3);
    // rows: total padding (5-1)*2+3-9 = 2 -> 1 on top; columns: (4-1)*2+3-8 = 1 -> 0 on the left.
    expect_near(model.predict(x), naive_conv2d(x, w, b, 2, 1, 1, 0, 5, 4, true), 1e-4);
  }
  K::set_backend("cpu");
}

TEST(Conv2D, DilatedValid) {
  auto layer = std::make_shared<Conv2D>(
      3, Ints{2, 3},
      ConvOptions{.dilation_rate = {2, 2}, .use_bias = false, .input_shape = Shape{7, 9, 2}});
  Tensor w = random_uniform({2, 3, 2, 3}, 4), x = random_uniform({2, 7, 9, 2}, 5);
  Sequential model;
  model.add(LayerPtr(layer));
  layer->set_weights({w});
  EXPECT_EQ(model.output_shape(), (Shape{-1, 5, 5, 3}));
  expect_near(model.predict(x), naive_conv2d(x, w, Tensor(), 1, 2, 0, 0, 5, 5, false), 1e-4);
}

TEST(Conv2D, ChannelsFirstIsTheTransposeOfChannelsLast) {
  auto last = std::make_shared<Conv2D>(
      4, Ints{3, 3}, ConvOptions{.padding = "same", .input_shape = Shape{6, 5, 2}});
  auto first = std::make_shared<Conv2D>(
      4, Ints{3, 3},
      ConvOptions{
          .padding = "same", .data_format = "channels_first", .input_shape = Shape{2, 6, 5}});
  Sequential a, b;
  a.add(LayerPtr(last));
  b.add(LayerPtr(first));
  EXPECT_EQ(b.output_shape(), (Shape{-1, 4, 6, 5}));
  first->set_weights(last->get_weights());
  Tensor x = random_uniform({3, 6, 5, 2}, 6);
  expect_near(b.predict(to_channels_first(x)), to_channels_first(a.predict(x)), 1e-5);
}

// C++ takes Keras 2's names; Keras 1's come through configs (the schema's aliases).
TEST(Conv2D, Keras1Arguments) {
  auto layer = layers::deserialize(nlohmann::json::parse(R"({"class_name": "Convolution2D",
      "config": {"nb_filter": 8, "nb_row": 3, "nb_col": 3, "border_mode": "same",
                 "subsample": [2, 2], "dim_ordering": "th", "init": "glorot_uniform",
                 "W_regularizer": null, "bias": true, "batch_input_shape": [null, 3, 10, 10]}})"));
  auto config = layer->get_config();
  EXPECT_EQ(config["filters"], 8);
  EXPECT_EQ(config["kernel_size"], nlohmann::json({3, 3}));
  EXPECT_EQ(config["strides"], nlohmann::json({2, 2}));
  EXPECT_EQ(config["padding"], "same");
  EXPECT_EQ(config["data_format"], "channels_first");
  EXPECT_EQ(config["kernel_initializer"]["class_name"], "VarianceScaling");
  EXPECT_EQ(layer->compute_output_shape({-1, 3, 10, 10}), (Shape{-1, 8, 5, 5}));
  Conv2D atrous = AtrousConvolution2D(4, 3, 3, {.dilation_rate = {2, 2}});
  EXPECT_EQ(atrous.dilation_rate(), (Ints{2, 2}));
  auto c1 = layers::deserialize(nlohmann::json::parse(R"({"class_name": "Convolution1D",
      "config": {"nb_filter": 6, "filter_length": 5, "subsample_length": 2, "input_dim": 7,
                 "input_length": 20}})"));
  Sequential model;
  model.add(c1);
  EXPECT_EQ(model.output_shape(), (Shape{-1, 8, 6}));
  // Both spellings at once, or half of nb_row / nb_col, are clear errors.
  expect_invalid(
      [] {
        layers::deserialize(nlohmann::json::parse(
            R"({"class_name": "Conv2D", "config": {"filters": 2, "nb_filter": 3,
                "kernel_size": 3}})"));
      },
      {"both Keras 1's 'nb_filter' and Keras 2's 'filters'"});
  expect_invalid(
      [] {
        layers::deserialize(nlohmann::json::parse(
            R"({"class_name": "Conv2D", "config": {"filters": 2, "nb_row": 3}})"));
      },
      {"'nb_row', 'nb_col'", "only some"});
  expect_invalid(
      [] {
        layers::deserialize(nlohmann::json::parse(
            R"({"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": 3,
                "depth_multiplier": 2}})"));
      },
      {"unexpected keyword argument 'depth_multiplier'",
       "Conv2D takes: filters, nb_filter, kernel_size"});
}

// Keras 2.2.4's DepthwiseConv2D, SeparableConv1D, Conv3DTranspose and bilinear UpSampling2D:
// shapes, weights in Keras's order and shapes, config round trips.
TEST(NewConvolutions, ShapesWeightsAndConfigs) {
  auto depthwise = std::make_shared<DepthwiseConv2D>(
      Ints{3, 3},
      ConvOptions{.strides = {2, 2}, .depth_multiplier = 3, .input_shape = Shape{7, 7, 2}});
  Sequential a;
  a.add(LayerPtr(depthwise));
  EXPECT_EQ(a.output_shape(), (Shape{-1, 3, 3, 6}));
  ASSERT_EQ(depthwise->get_weights().size(), 2u);
  EXPECT_EQ(depthwise->get_weights()[0].shape(), (Shape{3, 3, 2, 3}));
  EXPECT_EQ(depthwise->get_weights()[1].shape(), (Shape{6}));
  auto config = depthwise->get_config();
  EXPECT_FALSE(config.contains("filters"));
  EXPECT_EQ(DepthwiseConv2D::from_config(config)->get_config(), config);

  auto separable = std::make_shared<SeparableConv1D>(
      4, 3, ConvOptions{.depth_multiplier = 2, .input_shape = Shape{9, 3}});
  Sequential b;
  b.add(LayerPtr(separable));
  EXPECT_EQ(b.output_shape(), (Shape{-1, 7, 4}));
  EXPECT_EQ(separable->get_weights()[1].shape(), (Shape{1, 6, 4}));
  EXPECT_EQ(SeparableConv1D::from_config(separable->get_config())->get_config(),
            separable->get_config());

  Conv3DTranspose transpose(2, {3, 3, 3}, {.strides = {2, 2, 2}, .padding = "same"});
  EXPECT_EQ(transpose.compute_output_shape({-1, 2, 3, 4, 5}), (Shape{-1, 4, 6, 8, 2}));
  EXPECT_EQ(Conv3DTranspose::from_config(transpose.get_config())->get_config(),
            transpose.get_config());

  auto up = UpSampling2D({2, 2}, {.interpolation = "bilinear"});
  EXPECT_EQ(up.get_config()["interpolation"], "bilinear");
  expect_invalid(
      [] {
        UpSampling3D({2, 2, 2}, {.interpolation = "bilinear"});
      },
      {"UpSampling3D", "interpolation"});
  expect_invalid(
      [] {
        DepthwiseConv2D(Ints{3, 3}, {.depth_multiplier = 0});
      },
      {"depth_multiplier"});
}

TEST(Conv2D, ErrorsNameTheLayer) {
  expect_invalid(
      [] {
        Sequential model;
        model.add(Conv2D(4, {5, 5}, {.input_shape = Shape{3, 3, 1}, .name = "big"}));
      },
      {"big", "larger than the input", "padding 'valid'"});
  expect_invalid(
      [] {
        Sequential model;
        model.add(Conv2D(4, {3, 3}, {.input_shape = Shape{10, 3}, .name = "flat"}));
      },
      {"flat", "expected ndim=4, found ndim=3"});
  expect_invalid([] { Conv2D(0, {3, 3}); }, {"filters"});
  expect_invalid([] { Conv2D(4, {3, 3, 3}); }, {"kernel_size", "2 integers"});
  expect_invalid([] { Conv2D(4, {3, 3}, {.padding = "causal"}); }, {"padding", "valid"});
  expect_invalid([] { Conv2D(4, {3, 3}, {.data_format = "nhwc"}); }, {"data_format"});
}

TEST(Conv1D, CausalPaddingOnlySeesThePast) {
  auto layer = std::make_shared<Conv1D>(2, 3,
                                        ConvOptions{.padding = "causal",
                                                    .dilation_rate = {2},
                                                    .use_bias = false,
                                                    .input_shape = Shape{10, 2}});
  Sequential model;
  model.add(LayerPtr(layer));
  EXPECT_EQ(model.output_shape(), (Shape{-1, 10, 2}));
  Tensor w = random_uniform({3, 2, 2}, 7), x = random_uniform({2, 10, 2}, 8);
  layer->set_weights({w});
  Tensor y = model.predict(x);
  for (std::int64_t n = 0; n < 2; ++n)
    for (std::int64_t t = 0; t < 10; ++t)
      for (std::int64_t f = 0; f < 2; ++f) {
        double acc = 0;
        for (std::int64_t k = 0; k < 3; ++k) {
          std::int64_t s = t - 4 + 2 * k;  // left padding dilation * (k - 1) = 4
          if (s < 0) continue;
          for (std::int64_t c = 0; c < 2; ++c) acc += at(x, {n, s, c}) * at(w, {k, c, f});
        }
        EXPECT_NEAR(at(y, {n, t, f}), acc, 1e-5);
      }
}

TEST(Conv3D, ShapeAndValues) {
  auto layer = std::make_shared<Conv3D>(
      2, Ints{2, 2, 2},
      ConvOptions{.kernel_initializer = "ones", .input_shape = Shape{3, 4, 5, 1}});
  Sequential model;
  model.add(LayerPtr(layer));
  EXPECT_EQ(model.output_shape(), (Shape{-1, 2, 3, 4, 2}));
  Tensor x = Tensor::full({1, 3, 4, 5, 1}, 0.5);
  Tensor y = model.predict(x);
  for (float v : y.to_vector<float>()) EXPECT_NEAR(v, 4.0, 1e-6);  // 8 taps of 0.5
}

TEST(SeparableConv2D, IsDepthwiseThenPointwise) {
  auto layer = std::make_shared<SeparableConv2D>(
      3, Ints{3, 3},
      ConvOptions{.padding = "same", .depth_multiplier = 2, .input_shape = Shape{5, 6, 2}});
  Sequential model;
  model.add(LayerPtr(layer));
  EXPECT_EQ(model.output_shape(), (Shape{-1, 5, 6, 3}));
  Tensor dw = random_uniform({3, 3, 2, 2}, 9), pw = random_uniform({1, 1, 4, 3}, 10),
         b = random_uniform({3}, 11), x = random_uniform({2, 5, 6, 2}, 12);
  layer->set_weights({dw, pw, b});
  // Depthwise: channel c with multiplier m gives intermediate channel c * 2 + m.
  Tensor mid({2, 5, 6, 4});
  for (std::int64_t c = 0; c < 2; ++c)
    for (std::int64_t m = 0; m < 2; ++m) {
      Tensor xc({2, 5, 6, 1}), wc({3, 3, 1, 1});
      for (std::int64_t i = 0; i < 60; ++i) xc.data<float>()[i] = x.data<float>()[i * 2 + c];
      for (std::int64_t i = 0; i < 9; ++i)
        wc.data<float>()[i] = dw.data<float>()[i * 4 + c * 2 + m];
      Tensor yc = naive_conv2d(xc, wc, Tensor(), 1, 1, 1, 1, 5, 6, false);
      for (std::int64_t i = 0; i < 60; ++i)
        mid.data<float>()[i * 4 + c * 2 + m] = yc.data<float>()[i];
    }
  expect_near(model.predict(x), naive_conv2d(mid, pw, b, 1, 1, 0, 0, 5, 6, false), 1e-4);
  EXPECT_TRUE(layer->get_config().contains("depth_multiplier"));
}

TEST(Conv2DTranspose, ShapesAndValuesAreTheConvolutionsAdjoint) {
  // Keras's deconv_length: valid in * s + max(k - s, 0); same in * s.
  EXPECT_EQ(Conv2DTranspose(4, {3, 3}, {.strides = {2, 2}}).compute_output_shape({-1, 5, 6, 3}),
            (Shape{-1, 11, 13, 4}));
  EXPECT_EQ(Conv2DTranspose(4, {3, 3}, {.strides = {2, 2}, .padding = "same"})
                .compute_output_shape({-1, 5, 6, 3}),
            (Shape{-1, 10, 12, 4}));
  auto layer = std::make_shared<Conv2DTranspose>(
      2, Ints{3, 3},
      ConvOptions{.strides = {2, 2}, .use_bias = false, .input_shape = Shape{3, 4, 3}});
  Sequential model;
  model.add(LayerPtr(layer));
  Tensor w = random_uniform({3, 3, 2, 3}, 13), x = random_uniform({1, 3, 4, 3}, 14);
  layer->set_weights({w});
  Tensor y = model.predict(x);
  ASSERT_EQ(y.shape(), (Shape{1, 7, 9, 2}));
  // Scatter: every input pixel adds x * w[a, b, f, c] at (i * 2 + a, j * 2 + b).
  std::vector<double> expected(7 * 9 * 2, 0.0);
  for (std::int64_t i = 0; i < 3; ++i)
    for (std::int64_t j = 0; j < 4; ++j)
      for (std::int64_t a = 0; a < 3; ++a)
        for (std::int64_t bb = 0; bb < 3; ++bb)
          for (std::int64_t f = 0; f < 2; ++f)
            for (std::int64_t c = 0; c < 3; ++c)
              expected[static_cast<std::size_t>(((i * 2 + a) * 9 + j * 2 + bb) * 2 + f)] +=
                  at(x, {0, i, j, c}) * at(w, {a, bb, f, c});
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(y.data<float>()[i], expected[i], 1e-4);
}

TEST(Resize, ZeroPaddingCroppingUpSampling) {
  Tensor x = Tensor::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, {1, 2, 3, 1});
  auto pad = std::make_shared<ZeroPadding>(
      ZeroPadding2D({{1, 0}, {0, 2}}, {.input_shape = Shape{2, 3, 1}}));
  Tensor padded = predict_one(pad, x);
  EXPECT_EQ(padded.shape(), (Shape{1, 3, 5, 1}));
  EXPECT_EQ(padded.to_vector<float>(),
            (std::vector<float>{0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0}));
  auto crop =
      std::make_shared<ZeroPadding>(Cropping2D({{1, 0}, {1, 1}}, {.input_shape = Shape{2, 3, 1}}));
  EXPECT_EQ(predict_one(crop, x).to_vector<float>(), (std::vector<float>{5}));
  auto up = std::make_shared<UpSampling>(UpSampling2D({2, 1}, {.input_shape = Shape{2, 3, 1}}));
  Tensor upsampled = predict_one(up, x);
  EXPECT_EQ(upsampled.shape(), (Shape{1, 4, 3, 1}));
  EXPECT_EQ(upsampled.to_vector<float>(), (std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
  auto up1 = std::make_shared<UpSampling>(UpSampling1D(3, {.input_shape = Shape{2, 2}}));
  EXPECT_EQ(predict_one(up1, Tensor::from_vector(std::vector<float>{1, 2, 3, 4}, {1, 2, 2}))
                .to_vector<float>(),
            (std::vector<float>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
  auto pad3 = std::make_shared<ZeroPadding>(
      ZeroPadding3D({{1, 1}}, {.data_format = "channels_first", .input_shape = Shape{2, 1, 2, 2}}));
  Sequential m3;
  m3.add(LayerPtr(pad3));
  EXPECT_EQ(m3.output_shape(), (Shape{-1, 2, 3, 4, 4}));
  expect_invalid(
      [] {
        Cropping1D({{2, 2}}, {.input_shape = Shape{3, 1}, .name = "crop"})
            .compute_output_shape({-1, 3, 1});
      },
      {"crop", "is more than dimension 3"});
  // Cropping a whole dimension leaves it empty (Keras's Cropping1D((2, 2)) of 4 steps).
  EXPECT_EQ(Cropping1D({{2, 2}}, {.input_shape = Shape{4, 1}}).compute_output_shape({-1, 4, 1}),
            (Shape{-1, 0, 1}));
}

// get_config -> from_config -> get_config is the identity.
TEST(Config, RoundTrips) {
  auto check = [](const Layer& layer, const std::shared_ptr<Layer>& rebuilt) {
    EXPECT_EQ(rebuilt->get_config(), layer.get_config()) << layer.class_name();
    EXPECT_EQ(rebuilt->class_name(), layer.class_name());
  };
  Conv2D c2(16, {3, 5},
            {.strides = {2, 1},
             .padding = "same",
             .dilation_rate = {1, 1},
             .activation = "relu",
             .kernel_initializer = "he_normal",
             .kernel_regularizer = regularizers::l2(0.01),
             .kernel_constraint = constraints::MaxNorm(2.0),
             .input_shape = Shape{10, 10, 3}});
  check(c2, Conv2D::from_config(c2.get_config()));
  Conv1D c1(4, 3, {.padding = "causal", .dilation_rate = {2}, .use_bias = false});
  check(c1, Conv1D::from_config(c1.get_config()));
  Conv3D c3(2, {1, 2, 3}, {.data_format = "channels_first"});
  check(c3, Conv3D::from_config(c3.get_config()));
  SeparableConv2D s(8, {3, 3}, {.depth_multiplier = 2});
  check(s, SeparableConv2D::from_config(s.get_config()));
  Conv2DTranspose t(8, {3, 3}, {.strides = {2, 2}, .output_padding = Ints{1, 1}});
  check(t, Conv2DTranspose::from_config(t.get_config()));
  for (const auto& layer : {ZeroPadding1D({{1, 2}}), ZeroPadding2D({{1, 2}, {3, 4}}),
                            ZeroPadding3D(), ZeroPadding(Cropping1D()),
                            ZeroPadding(Cropping2D({{1, 1}, {2, 2}})), ZeroPadding(Cropping3D())})
    check(layer, zero_padding_from_config(layer.class_name(), layer.get_config()));
  for (const auto& layer : {UpSampling1D(3), UpSampling2D({2, 3}), UpSampling3D()})
    check(layer, up_sampling_from_config(layer.class_name(), layer.get_config()));
}

TEST(SpatialDropout, DropsWholeFeatureMaps) {
  for (bool first : {false, true}) {
    auto layer = std::make_shared<SpatialDropout>(SpatialDropout2D(
        0.5, {.data_format = first ? "channels_first" : "channels_last", .seed = 7}));
    auto input = K::placeholder({-1, 4, 5, 6});
    auto output = (*layer)(input);
    Tensor x = Tensor::full({8, 4, 5, 6}, 1.0);
    Tensor train = keras::testing::run_in_phase(input, output, x, true);
    Tensor test = keras::testing::run_in_phase(input, output, x, false);
    EXPECT_EQ(test.to_vector<float>(), x.to_vector<float>());
    int dropped = 0, kept = 0;
    const std::int64_t channels = first ? 4 : 6, spatial = first ? 30 : 20;
    for (std::int64_t n = 0; n < 8; ++n)
      for (std::int64_t c = 0; c < channels; ++c) {
        std::vector<float> values;
        for (std::int64_t p = 0; p < spatial; ++p)
          values.push_back(first ? train.data<float>()[(n * channels + c) * spatial + p]
                                 : train.data<float>()[(n * spatial + p) * channels + c]);
        for (float v : values) EXPECT_EQ(v, values[0]);  // one draw per feature map
        (values[0] == 0.0f ? dropped : kept) += 1;
        if (values[0] != 0.0f) {
          EXPECT_FLOAT_EQ(values[0], 2.0f);
        }
      }
    EXPECT_GT(dropped, 0);
    EXPECT_GT(kept, 0);
  }
  auto layer = SpatialDropout1D(0.3, {.seed = 3});
  EXPECT_EQ(spatial_dropout_from_config("SpatialDropout1D", layer.get_config())->get_config(),
            layer.get_config());
  expect_invalid([] { SpatialDropout3D(1.5); }, {"rate"});
}

TEST(Cnn, TinyModelLearns) {
  utils::set_random_seed(3);
  // Class 1: a bright 2x2 blob in the left half; class 0: in the right half.
  const std::int64_t n = 128;
  Tensor x({n, 8, 8, 1}), y({n, 2});
  std::mt19937 rng(5);
  for (std::int64_t i = 0; i < n; ++i) {
    const bool left = i % 2 == 0;
    const std::int64_t r = static_cast<std::int64_t>(rng() % 7),
                       c = static_cast<std::int64_t>(rng() % 3) + (left ? 0 : 4);
    for (std::int64_t a = 0; a < 2; ++a)
      for (std::int64_t b = 0; b < 2; ++b) x.data<float>()[((i * 8) + r + a) * 8 + c + b] = 1.0f;
    y.data<float>()[i * 2 + (left ? 1 : 0)] = 1.0f;
  }
  Sequential model;
  model.add(
      Conv2D(4, {3, 3}, {.padding = "same", .activation = "relu", .input_shape = Shape{8, 8, 1}}));
  model.add(MaxPooling2D({2, 2}));
  model.add(Flatten());
  model.add(Dense(2, {.activation = "softmax"}));
  model.compile({.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  auto history = model.fit(x, y, {.batch_size = 16, .epochs = 30, .verbose = 0});
  const auto& loss = history.history.at("loss");
  EXPECT_LT(loss.back(), 0.3 * loss.front()) << loss.front() << " -> " << loss.back();
}

}  // namespace
