// Keras's convolutional layers: Conv1D/2D/3D (Keras 1: Convolution1D/2D/3D,
// AtrousConvolution1D/2D), SeparableConv2D, Conv2DTranspose (Deconvolution2D), Cropping1D/2D/3D,
// ZeroPadding1D/2D/3D and UpSampling1D/2D/3D. Inputs are channels_last by default
// (K::image_data_format()).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/core.h"
#include "keras/regularizers.h"

namespace keras::layers {

using Ints = std::vector<std::int64_t>;

// The arguments of every convolution, Keras 2 names first (in Keras's order), then Keras 1's.
// Sizes take one value per spatial dimension, or a single value for all of them.
struct ConvOptions {
  std::int64_t filters = 0;
  Ints kernel_size{};
  Ints strides{};                     // default 1
  std::string padding{};              // "valid" (default), "same", "causal" (Conv1D)
  std::string data_format{};          // default K::image_data_format()
  Ints dilation_rate{};               // default 1
  std::int64_t depth_multiplier = 1;  // SeparableConv2D
  ActivationArg activation{};
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string depthwise_initializer = "glorot_uniform";  // SeparableConv2D
  std::string pointwise_initializer = "glorot_uniform";  // SeparableConv2D
  std::string bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint bias_constraint{};
  Ints output_padding{};  // Conv2DTranspose
  // Keras 1 names.
  std::int64_t nb_filter = 0;
  std::int64_t filter_length = 0;  // Convolution1D
  std::int64_t nb_row = 0, nb_col = 0;
  std::string init{};
  std::string border_mode{};
  Ints subsample{};
  std::int64_t subsample_length = 0;  // Convolution1D
  Ints atrous_rate{};                 // AtrousConvolution1D/2D
  // Keras 1's Deconvolution2D: the full output shape (batch, rows, cols, filters), or (batch,
  // filters, rows, cols) for channels_first; the batch entry may be -1 (None).
  std::optional<Shape> output_shape{};
  std::string dim_ordering{};
  std::optional<bool> bias{};
  regularizers::Regularizer W_regularizer{};
  regularizers::Regularizer b_regularizer{};
  constraints::Constraint W_constraint{};
  constraints::Constraint b_constraint{};
  std::optional<std::int64_t> input_dim{};  // Conv1D: with input_length, input_shape
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order
};

// Keras's _Conv: `rank` spatial dimensions, kernel (k..., in_channels, filters).
class Conv : public Layer {
 public:
  Conv(const std::string& class_name, int rank, ConvOptions options);

  std::string class_name() const override { return class_name_; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

  int rank() const { return rank_; }
  std::int64_t filters() const { return filters_; }
  const Ints& kernel_size() const { return kernel_size_; }
  const Ints& strides() const { return strides_; }
  const std::string& padding() const { return padding_; }
  const std::string& data_format() const { return data_format_; }
  const Ints& dilation_rate() const { return dilation_rate_; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& bias() const { return bias_; }

 protected:
  // The (channels_last) output of the convolution proper, before bias and activation.
  virtual SymbolicTensor convolve(const SymbolicTensor& x);
  virtual void build_kernels(std::int64_t in_channels);
  virtual Shape spatial_output(const Shape& spatial) const;
  std::int64_t channel_axis(std::size_t rank) const;
  [[noreturn]] void check_fits(const Shape& input_shape) const;

  std::string class_name_;
  int rank_;
  std::int64_t filters_;
  Ints kernel_size_, strides_, dilation_rate_, output_padding_;
  std::string padding_, data_format_;
  std::int64_t depth_multiplier_;
  ActivationArg activation_;
  activations::ActivationFunction activation_fn_;
  bool use_bias_;
  nlohmann::json kernel_init_, depthwise_init_, pointwise_init_, bias_init_;
  regularizers::Regularizer kernel_regularizer_, bias_regularizer_, activity_regularizer_;
  constraints::Constraint kernel_constraint_, bias_constraint_;
  SymbolicTensor kernel_, bias_, pointwise_kernel_;
};

class Conv1D : public Conv {
 public:
  explicit Conv1D(ConvOptions options);
  Conv1D(std::int64_t filters, std::int64_t kernel_size, ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};
class Conv2D : public Conv {
 public:
  explicit Conv2D(ConvOptions options);
  Conv2D(std::int64_t filters, Ints kernel_size, ConvOptions options = {});
  // Keras 1: Convolution2D(nb_filter, nb_row, nb_col, ...).
  Conv2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
         ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};
class Conv3D : public Conv {
 public:
  explicit Conv3D(ConvOptions options);
  Conv3D(std::int64_t filters, Ints kernel_size, ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};
using Convolution1D = Conv1D;
using Convolution2D = Conv2D;
using Convolution3D = Conv3D;

// Keras 1's AtrousConvolution1D/2D: a convolution with atrous_rate (Keras 2: dilation_rate).
Conv1D AtrousConvolution1D(std::int64_t nb_filter, std::int64_t filter_length,
                           ConvOptions options = {});
Conv2D AtrousConvolution2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                           ConvOptions options = {});

// A depthwise convolution (depth_multiplier filters per input channel) then a 1x1 one; weights
// depthwise_kernel (kh, kw, in, depth_multiplier), pointwise_kernel (1, 1, in * dm, filters), bias.
class SeparableConv2D : public Conv {
 public:
  explicit SeparableConv2D(ConvOptions options);
  SeparableConv2D(std::int64_t filters, Ints kernel_size, ConvOptions options = {});
  nlohmann::json get_config() const override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  const SymbolicTensor& depthwise_kernel() const { return kernel_; }
  const SymbolicTensor& pointwise_kernel() const { return pointwise_kernel_; }

 protected:
  SymbolicTensor convolve(const SymbolicTensor& x) override;
  void build_kernels(std::int64_t in_channels) override;
};

// The transposed convolution; kernel (kh, kw, filters, in_channels).
class Conv2DTranspose : public Conv {
 public:
  explicit Conv2DTranspose(ConvOptions options);
  Conv2DTranspose(std::int64_t filters, Ints kernel_size, ConvOptions options = {});
  // Keras 1: Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...). The output rows and
  // columns are output_shape's; they must be ones a convolution with the layer's kernel, strides
  // and padding takes back to the input's size (else the build throws, naming the valid range).
  Conv2DTranspose(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                  Shape output_shape, ConvOptions options = {});
  void build(const Shape& input_shape) override;
  nlohmann::json get_config() const override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  const std::optional<Shape>& keras1_output_shape() const { return output_shape_; }

 protected:
  SymbolicTensor convolve(const SymbolicTensor& x) override;
  void build_kernels(std::int64_t in_channels) override;
  Shape spatial_output(const Shape& spatial) const override;

 private:
  std::optional<Shape> output_shape_;
};
using Deconvolution2D = Conv2DTranspose;

// ---- cropping, zero padding, upsampling --------------------------------------------------------

struct ResizeOptions {
  std::string data_format{};
  std::string dim_ordering{};  // Keras 1
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
};

// Zero padding / cropping of each spatial dimension by (before, after).
class ZeroPadding : public Layer {
 public:
  ZeroPadding(const std::string& class_name, int rank,
              std::vector<std::pair<std::int64_t, std::int64_t>> padding, bool crop,
              ResizeOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 private:
  std::string class_name_;
  int rank_;
  std::vector<std::pair<std::int64_t, std::int64_t>> amounts_;
  bool crop_;
  std::string data_format_;
};

using Pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;
// Keras: ZeroPadding1D(padding=1) / ((1, 2)); ZeroPadding2D(padding=(1, 1)) / ((1, 2), (3, 4)).
ZeroPadding ZeroPadding1D(Pairs padding = {{1, 1}}, ResizeOptions options = {});
ZeroPadding ZeroPadding2D(Pairs padding = {{1, 1}, {1, 1}}, ResizeOptions options = {});
ZeroPadding ZeroPadding3D(Pairs padding = {{1, 1}, {1, 1}, {1, 1}}, ResizeOptions options = {});
ZeroPadding Cropping1D(Pairs cropping = {{1, 1}}, ResizeOptions options = {});
ZeroPadding Cropping2D(Pairs cropping = {{0, 0}, {0, 0}}, ResizeOptions options = {});
ZeroPadding Cropping3D(Pairs cropping = {{1, 1}, {1, 1}, {1, 1}}, ResizeOptions options = {});
std::shared_ptr<Layer> zero_padding_from_config(const std::string& class_name,
                                                const nlohmann::json& config);

// Repeats each element `size[i]` times along spatial dimension i (nearest neighbour).
class UpSampling : public Layer {
 public:
  UpSampling(const std::string& class_name, int rank, Ints size, ResizeOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 private:
  std::string class_name_;
  int rank_;
  Ints size_;
  std::string data_format_;
};
UpSampling UpSampling1D(std::int64_t size = 2, ResizeOptions options = {});  // Keras 1: length
UpSampling UpSampling2D(Ints size = {2, 2}, ResizeOptions options = {});
UpSampling UpSampling3D(Ints size = {2, 2, 2}, ResizeOptions options = {});
std::shared_ptr<Layer> up_sampling_from_config(const std::string& class_name,
                                               const nlohmann::json& config);

}  // namespace keras::layers
