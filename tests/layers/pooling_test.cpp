// MaxPooling / AveragePooling 1D-3D and the global poolings: values against loops written here,
// Keras's output shapes and argument spellings (Keras 1 and 2), errors, config round trips.
#include <gtest/gtest.h>

#include <algorithm>
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

Tensor predict_one(const LayerPtr& layer, const Tensor& x) {
  Sequential model;
  model.add(LayerPtr(layer));
  EXPECT_EQ(model.output_shape(), layer->compute_output_shape(model.input_shape()));
  return model.predict(x);
}

// Channels_last 2D pooling with explicit top/left padding; windows clipped to the input.
Tensor naive_pool2d(const Tensor& x, std::int64_t ph, std::int64_t pw, std::int64_t sh,
                    std::int64_t sw, std::int64_t pt, std::int64_t pl, std::int64_t oh,
                    std::int64_t ow, bool max) {
  const std::int64_t h = x.dim(1), w = x.dim(2), c = x.dim(3);
  Tensor y({x.dim(0), oh, ow, c});
  for (std::int64_t n = 0; n < x.dim(0); ++n)
    for (std::int64_t i = 0; i < oh; ++i)
      for (std::int64_t j = 0; j < ow; ++j)
        for (std::int64_t ch = 0; ch < c; ++ch) {
          double acc = max ? -1e30 : 0.0;
          int count = 0;
          for (std::int64_t a = i * sh - pt; a < i * sh - pt + ph; ++a)
            for (std::int64_t b = j * sw - pl; b < j * sw - pl + pw; ++b) {
              if (a < 0 || a >= h || b < 0 || b >= w) continue;
              double v = x.data<float>()[((n * h + a) * w + b) * c + ch];
              acc = max ? std::max(acc, v) : acc + v;
              ++count;
            }
          y.data<float>()[((n * oh + i) * ow + j) * c + ch] =
              static_cast<float>(max ? acc : acc / count);
        }
  return y;
}

TEST(Pooling2D, MatchesANaiveLoop) {
  for (const char* backend : {"cpu", "reference"}) {
    K::set_backend(backend);
    Tensor x = random_uniform({2, 7, 6, 3}, 1);
    for (bool max : {true, false}) {
      // valid 2x2: 3x3 out; same 3x3 stride 2: 4x3 out, padding (1, 1) rows, (0, 1) columns.
      auto valid = std::make_shared<Pooling>(
          max ? MaxPooling2D({2, 2}, {.input_shape = Shape{7, 6, 3}})
              : AveragePooling2D({2, 2}, {.input_shape = Shape{7, 6, 3}}));
      expect_near(predict_one(valid, x), naive_pool2d(x, 2, 2, 2, 2, 0, 0, 3, 3, max), 1e-5);
      PoolingOptions same{.strides = {2, 2}, .padding = "same", .input_shape = Shape{7, 6, 3}};
      auto padded = std::make_shared<Pooling>(max ? MaxPooling2D({3, 3}, same)
                                                  : AveragePooling2D({3, 3}, same));
      expect_near(predict_one(padded, x), naive_pool2d(x, 3, 3, 2, 2, 1, 0, 4, 3, max), 1e-5);
    }
  }
  K::set_backend("cpu");
}

TEST(Pooling, ShapesOf1DAnd3DAndChannelsFirst) {
  EXPECT_EQ(MaxPooling1D().compute_output_shape({-1, 9, 4}), (Shape{-1, 4, 4}));
  EXPECT_EQ(
      AveragePooling1D(3, {.strides = {1}, .padding = "same"}).compute_output_shape({-1, 9, 4}),
      (Shape{-1, 9, 4}));
  EXPECT_EQ(MaxPooling3D().compute_output_shape({-1, 4, 5, 6, 2}), (Shape{-1, 2, 2, 3, 2}));
  EXPECT_EQ(AveragePooling3D({2, 2, 2}, {.data_format = "channels_first"})
                .compute_output_shape({-1, 2, 4, 5, 6}),
            (Shape{-1, 2, 2, 2, 3}));
  EXPECT_EQ(
      MaxPooling2D({2, 2}, {.data_format = "channels_first"}).compute_output_shape({-1, 3, 8, 6}),
      (Shape{-1, 3, 4, 3}));
  // Keras 1 spellings, in configs (the C++ options hold Keras 2's names).
  EXPECT_EQ(pooling_from_config("MaxPooling1D", {{"pool_length", 3}, {"stride", 1}})
                ->compute_output_shape({-1, 9, 4}),
            (Shape{-1, 7, 4}));
  EXPECT_EQ(pooling_from_config("MaxPooling2D", {{"border_mode", "same"}, {"dim_ordering", "th"}})
                ->compute_output_shape({-1, 3, 5, 5}),
            (Shape{-1, 3, 3, 3}));
}

TEST(Pooling, OneAndThreeDimensionalValues) {
  Tensor x = Tensor::from_vector(std::vector<float>{1, -1, 3, 2, 0, 5}, {1, 3, 2});
  auto max1 =
      std::make_shared<Pooling>(MaxPooling1D(2, {.strides = {1}, .input_shape = Shape{3, 2}}));
  EXPECT_EQ(predict_one(max1, x).to_vector<float>(), (std::vector<float>{3, 2, 3, 5}));
  auto avg3 =
      std::make_shared<Pooling>(AveragePooling3D({2, 2, 2}, {.input_shape = Shape{2, 2, 2, 1}}));
  Tensor cube = Tensor::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 2, 2, 1});
  EXPECT_EQ(predict_one(avg3, cube).to_vector<float>(), (std::vector<float>{4.5}));
}

TEST(GlobalPooling, MaxAndMeanOverSpace) {
  Tensor x = random_uniform({2, 3, 4, 5}, 2);
  auto gmax = std::make_shared<GlobalPooling>(GlobalMaxPooling2D({.input_shape = Shape{3, 4, 5}}));
  auto gavg =
      std::make_shared<GlobalPooling>(GlobalAveragePooling2D({.input_shape = Shape{3, 4, 5}}));
  Tensor ymax = predict_one(gmax, x), yavg = predict_one(gavg, x);
  ASSERT_EQ(ymax.shape(), (Shape{2, 5}));
  for (std::int64_t n = 0; n < 2; ++n)
    for (std::int64_t c = 0; c < 5; ++c) {
      double m = -1e30, s = 0;
      for (std::int64_t p = 0; p < 12; ++p) {
        double v = x.data<float>()[(n * 12 + p) * 5 + c];
        m = std::max(m, v);
        s += v;
      }
      EXPECT_NEAR(ymax.data<float>()[n * 5 + c], m, 1e-6);
      EXPECT_NEAR(yavg.data<float>()[n * 5 + c], s / 12, 1e-6);
    }
  EXPECT_EQ(GlobalAveragePooling1D().compute_output_shape({-1, 7, 3}), (Shape{-1, 3}));
  EXPECT_EQ(
      GlobalMaxPooling3D({.data_format = "channels_first"}).compute_output_shape({-1, 4, 2, 2, 2}),
      (Shape{-1, 4}));
}

TEST(Pooling, Errors) {
  expect_invalid(
      [] {
        Sequential model;
        model.add(MaxPooling2D({4, 4}, {.input_shape = Shape{3, 3, 1}, .name = "pool"}));
      },
      {"pool", "larger than the input"});
  expect_invalid(
      [] {
        Sequential model;
        model.add(MaxPooling2D({2, 2}, {.input_shape = Shape{3, 1}, .name = "p2"}));
      },
      {"p2", "expected ndim=4, found ndim=3"});
  expect_invalid([] { MaxPooling2D({2, 2}, {.padding = "causal"}); }, {"padding"});
  expect_invalid([] { MaxPooling2D({2, 2, 2}); }, {"pool_size"});
}

TEST(Pooling, ConfigRoundTrips) {
  for (const auto& layer :
       {MaxPooling1D(3), MaxPooling2D({2, 3}, {.strides = {1, 1}, .padding = "same"}),
        MaxPooling3D(), AveragePooling1D(),
        AveragePooling2D({3, 3}, {.data_format = "channels_first"}), AveragePooling3D()}) {
    auto rebuilt = pooling_from_config(layer.class_name(), layer.get_config());
    EXPECT_EQ(rebuilt->get_config(), layer.get_config());
    EXPECT_EQ(rebuilt->class_name(), layer.class_name());
  }
  auto config = MaxPooling2D({2, 3}).get_config();
  for (const char* key : {"pool_size", "padding", "strides", "data_format", "name", "trainable"})
    EXPECT_TRUE(config.contains(key)) << key;
  for (const auto& layer :
       {GlobalMaxPooling1D(), GlobalMaxPooling2D(), GlobalMaxPooling3D(), GlobalAveragePooling1D(),
        GlobalAveragePooling2D(), GlobalAveragePooling3D()}) {
    auto rebuilt = global_pooling_from_config(layer.class_name(), layer.get_config());
    EXPECT_EQ(rebuilt->get_config(), layer.get_config());
  }
}

}  // namespace
