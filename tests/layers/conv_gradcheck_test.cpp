// Finite-difference gradients (float64, reference backend) through whole convolutional and
// pooling layers: data formats, bias, activation, separable, depthwise and transposed
// convolutions, padding, cropping, upsampling (nearest and bilinear) and global pooling, with
// respect to the layer's input.
#include <gtest/gtest.h>

#include <vector>

#include "keras/keras.h"
#include "testing/gradcheck.h"
#include "testing/op_cases.h"

namespace {

using namespace keras;
using namespace keras::layers;
using keras::testing::Inputs;
using keras::testing::OpCase;
using keras::testing::uniform;
using O = keras::backend::OpKind;

std::vector<OpCase> layer_cases() {
  std::vector<OpCase> c;
  c.push_back(
      {"conv2d_channels_first_tanh", O::kConv, {uniform({2, 2, 5, 4})}, [](const Inputs& in) {
         Conv2D layer(3, {3, 3},
                      {.strides = {2, 1},
                       .padding = "same",
                       .data_format = "channels_first",
                       .activation = "tanh"});
         return std::move(layer)(in[0]);
       }});
  c.push_back({"conv1d_causal", O::kConv, {uniform({2, 7, 3})}, [](const Inputs& in) {
                 Conv1D layer(2, 3, {.padding = "causal", .dilation_rate = {2}});
                 return std::move(layer)(in[0]);
               }});
  c.push_back({"conv3d", O::kConv, {uniform({1, 3, 3, 3, 2})}, [](const Inputs& in) {
                 Conv3D layer(2, {2, 2, 2});
                 return std::move(layer)(in[0]);
               }});
  c.push_back({"separable_conv2d", O::kConv, {uniform({2, 5, 5, 2})}, [](const Inputs& in) {
                 SeparableConv2D layer(3, {3, 3}, {.depth_multiplier = 2});
                 return std::move(layer)(in[0]);
               }});
  c.push_back(
      {"conv2d_transpose", O::kConvGradInput, {uniform({2, 3, 3, 2})}, [](const Inputs& in) {
         Conv2DTranspose layer(2, {3, 3}, {.strides = {2, 2}, .padding = "same"});
         return std::move(layer)(in[0]);
       }});
  c.push_back({"separable_conv1d", O::kConv, {uniform({2, 6, 2})}, [](const Inputs& in) {
                 SeparableConv1D layer(3, 3, {.padding = "same", .depth_multiplier = 2});
                 return std::move(layer)(in[0]);
               }});
  c.push_back(
      {"depthwise_conv2d_channels_first", O::kConv, {uniform({2, 2, 5, 4})}, [](const Inputs& in) {
         DepthwiseConv2D layer({3, 2}, {.strides = {2, 1},
                                        .data_format = "channels_first",
                                        .depth_multiplier = 2,
                                        .activation = "tanh"});
         return std::move(layer)(in[0]);
       }});
  c.push_back(
      {"conv3d_transpose", O::kConvGradInput, {uniform({1, 2, 2, 3, 2})}, [](const Inputs& in) {
         Conv3DTranspose layer(2, {2, 3, 2},
                               {.strides = {2, 1, 2}, .output_padding = Ints{1, 0, 1}});
         return std::move(layer)(in[0]);
       }});
  c.push_back(
      {"max_pooling2d_channels_first", O::kMaxPool, {uniform({2, 3, 4, 4})}, [](const Inputs& in) {
         auto layer = MaxPooling2D({2, 2}, {.data_format = "channels_first"});
         return std::move(layer)(in[0]);
       }});
  c.push_back({"average_pooling1d_same", O::kAvgPool, {uniform({2, 7, 3})}, [](const Inputs& in) {
                 auto layer = AveragePooling1D(3, {.strides = {2}, .padding = "same"});
                 return std::move(layer)(in[0]);
               }});
  c.push_back({"global_max_pooling2d", O::kMax, {uniform({2, 3, 4, 2})}, [](const Inputs& in) {
                 auto layer = GlobalMaxPooling2D();
                 return std::move(layer)(in[0]);
               }});
  c.push_back(
      {"global_average_pooling3d", O::kMean, {uniform({2, 2, 3, 2, 2})}, [](const Inputs& in) {
         auto layer = GlobalAveragePooling3D();
         return std::move(layer)(in[0]);
       }});
  c.push_back({"zero_padding2d", O::kPad, {uniform({2, 3, 2, 2})}, [](const Inputs& in) {
                 auto layer = ZeroPadding2D({{1, 2}, {0, 1}});
                 return std::move(layer)(in[0]);
               }});
  c.push_back({"cropping2d", O::kSlice, {uniform({2, 5, 4, 2})}, [](const Inputs& in) {
                 auto layer = Cropping2D({{1, 2}, {0, 1}});
                 return std::move(layer)(in[0]);
               }});
  c.push_back({"up_sampling2d", O::kMul, {uniform({2, 2, 3, 2})}, [](const Inputs& in) {
                 auto layer = UpSampling2D({2, 3});
                 return std::move(layer)(in[0]);
               }});
  c.push_back({"up_sampling2d_bilinear", O::kMatMul, {uniform({2, 2, 3, 2})}, [](const Inputs& in) {
                 auto layer = UpSampling2D({2, 3}, {.interpolation = "bilinear"});
                 return std::move(layer)(in[0]);
               }});
  return c;
}

class LayerGradient : public ::testing::TestWithParam<OpCase> {};

TEST_P(LayerGradient, MatchesFiniteDifferences) {
  EXPECT_TRUE(keras::testing::gradcheck(GetParam(), "reference"));
}

INSTANTIATE_TEST_SUITE_P(Layers, LayerGradient, ::testing::ValuesIn(layer_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
