// Keras's convolutional layers: Conv1D/2D/3D (Keras 1: Convolution1D/2D/3D,
// AtrousConvolution1D/2D), SeparableConv1D/2D, DepthwiseConv2D, Conv2DTranspose
// (Deconvolution2D), Conv3DTranspose, Cropping1D/2D/3D,
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
#include "keras/layers/schema.h"
#include "keras/regularizers.h"

namespace keras::layers {

using Ints = std::vector<std::int64_t>;

// The arguments of every convolution (Keras 2 names); each layer's schema below says which it
// takes, in Keras's order, and their Keras 1 spellings. Sizes take one value per spatial
// dimension, or a single value for all of them.
struct ConvOptions {
  std::int64_t filters = 0;
  Ints kernel_size{};
  Ints strides{};                     // default 1
  std::string padding = "valid";      // or "same", "causal" (Conv1D)
  std::string data_format{};          // default K::image_data_format() (Conv1D: channels_last)
  Ints dilation_rate{};               // default 1
  std::int64_t depth_multiplier = 1;  // separable and depthwise convolutions
  ActivationArg activation{};
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string depthwise_initializer = "glorot_uniform";
  std::string pointwise_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer depthwise_regularizer{};
  regularizers::Regularizer pointwise_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint depthwise_constraint{};
  constraints::Constraint pointwise_constraint{};
  constraints::Constraint bias_constraint{};
  std::optional<Ints> output_padding{};  // transposed convolutions; none: inferred
  // Keras 1's Deconvolution2D: the full output shape (batch, rows, cols, filters), or (batch,
  // filters, rows, cols) for channels_first; the batch entry may be -1 (None).
  std::optional<Shape> output_shape{};
  std::optional<std::int64_t> input_dim{};  // Conv1D: with input_length, input_shape
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order
};

namespace conv_schema {

using schema::ArgInfo;
using schema::ArgKind;
using schema::Keras1Name;

// Keras 1's names of kernel_size for a rank: filter_length; nb_row, nb_col; kernel_dim1..3.
inline std::vector<Keras1Name> keras1_kernel(int rank) {
  if (rank == 1) return {{"filter_length"}};
  if (rank == 2) return {{"nb_row", {}, 0}, {"nb_col", {}, 1}};
  return {{"kernel_dim1", {}, 0}, {"kernel_dim2", {}, 1}, {"kernel_dim3", {}, 2}};
}

// filters, kernel_size, strides, padding (Keras 2.2.4's legacy_conv1d/2d/3d_support names when
// `keras1`).
template <typename S>
void head(S& s, int rank, bool keras1, bool filters = true) {
  using O = ConvOptions;
  if (filters)
    s.arg("filters", &O::filters,
          {.required = true,
           .keras1 = keras1 ? std::vector<Keras1Name>{{"nb_filter"}} : std::vector<Keras1Name>{}});
  s.arg("kernel_size", &O::kernel_size,
        {.required = true,
         .keras1 = keras1 ? keras1_kernel(rank) : std::vector<Keras1Name>{},
         .rank = rank});
  std::vector<Keras1Name> strides;
  if (keras1) strides.push_back({rank == 1 ? "subsample_length" : "subsample"});
  s.arg("strides", &O::strides, {.keras1 = strides, .rank = rank, .fill = 1});
  s.arg("padding", &O::padding,
        {.keras1 = keras1 ? std::vector<Keras1Name>{{"border_mode"}} : std::vector<Keras1Name>{}});
  // tf.keras and Keras 3 write groups=1 (an ungrouped convolution, as Keras 2.2.4's).
  s.keras1_dropped({"groups", 1, "grouped convolutions (groups other than 1) are not Keras's"});
}

template <typename S>
void data_format(S& s, int rank, bool keras1) {
  s.arg("data_format", &ConvOptions::data_format,
        {.kind = ArgKind::data_format,
         .keras1 = keras1 && rank > 1 ? std::vector<Keras1Name>{schema::dim_ordering()}
                                      : std::vector<Keras1Name>{}});
}

template <typename S>
void dilation_rate(S& s, int rank, bool keras1) {
  // AtrousConvolution1D/2D's atrous_rate (Keras 2.2.4's legacy layers).
  s.arg("dilation_rate", &ConvOptions::dilation_rate,
        {.keras1 = keras1 ? std::vector<Keras1Name>{{"atrous_rate"}} : std::vector<Keras1Name>{},
         .rank = rank,
         .fill = 1});
}

template <typename S>
void activation_and_bias(S& s, bool keras1) {
  s.arg("activation", &ConvOptions::activation);
  s.arg("use_bias", &ConvOptions::use_bias,
        {.keras1 = keras1 ? std::vector<Keras1Name>{{"bias"}} : std::vector<Keras1Name>{}});
}

// kernel_*, bias_* and activity_regularizer of Conv1D/2D/3D and the transposed ones.
template <typename S>
void kernel_and_bias(S& s, bool keras1) {
  using O = ConvOptions;
  auto k1 = [&](const char* name) {
    return keras1 ? std::vector<Keras1Name>{{name}} : std::vector<Keras1Name>{};
  };
  s.arg("kernel_initializer", &O::kernel_initializer,
        {.kind = ArgKind::initializer, .keras1 = k1("init")});
  s.arg("bias_initializer", &O::bias_initializer, {.kind = ArgKind::initializer});
  s.arg("kernel_regularizer", &O::kernel_regularizer, {.keras1 = k1("W_regularizer")});
  s.arg("bias_regularizer", &O::bias_regularizer, {.keras1 = k1("b_regularizer")});
  s.arg("activity_regularizer", &O::activity_regularizer);
  s.arg("kernel_constraint", &O::kernel_constraint, {.keras1 = k1("W_constraint")});
  s.arg("bias_constraint", &O::bias_constraint, {.keras1 = k1("b_constraint")});
}

// The depthwise (and, for separable convolutions, pointwise) kernels' arguments.
template <typename S>
void depthwise_and_bias(S& s, bool pointwise, bool keras1) {
  using O = ConvOptions;
  auto k1 = [&](const char* name) {
    return keras1 ? std::vector<Keras1Name>{{name}} : std::vector<Keras1Name>{};
  };
  // Keras 1's init stands for both kernels' initializers.
  s.arg("depthwise_initializer", &O::depthwise_initializer,
        {.kind = ArgKind::initializer, .keras1 = k1("init")});
  if (pointwise)
    s.arg("pointwise_initializer", &O::pointwise_initializer,
          {.kind = ArgKind::initializer, .keras1 = k1("init")});
  s.arg("bias_initializer", &O::bias_initializer, {.kind = ArgKind::initializer});
  s.arg("depthwise_regularizer", &O::depthwise_regularizer);
  if (pointwise) s.arg("pointwise_regularizer", &O::pointwise_regularizer);
  s.arg("bias_regularizer", &O::bias_regularizer, {.keras1 = k1("b_regularizer")});
  s.arg("activity_regularizer", &O::activity_regularizer);
  s.arg("depthwise_constraint", &O::depthwise_constraint);
  if (pointwise) s.arg("pointwise_constraint", &O::pointwise_constraint);
  s.arg("bias_constraint", &O::bias_constraint, {.keras1 = k1("b_constraint")});
  // tf.keras writes its base Conv's kernel arguments too; these layers have no such kernel.
  for (const char* unused : {"kernel_initializer", "kernel_regularizer", "kernel_constraint"})
    s.keras1_dropped({unused, nullptr,
                      std::string(unused) + " is unused: the layer's kernels "
                                            "are depthwise (and pointwise)"});
}

}  // namespace conv_schema

// The schemas, one per layer class (include/keras/layers/schema.h): ConvOptions with the
// arguments the class takes. Keras 1's spellings are Keras 2.2.4's legacy interfaces'.
template <int Rank>
struct ConvSchema : ConvOptions {
  ConvSchema() {
    if constexpr (Rank == 1) data_format = "channels_last";  // Keras's Conv1D default
  }
  template <typename S>
  static void arguments(S& s) {
    conv_schema::head(s, Rank, true);
    conv_schema::data_format(s, Rank, true);
    conv_schema::dilation_rate(s, Rank, Rank < 3);
    conv_schema::activation_and_bias(s, true);
    conv_schema::kernel_and_bias(s, true);
  }
};

template <int Rank>
struct SeparableConvSchema : ConvOptions {
  template <typename S>
  static void arguments(S& s) {
    conv_schema::head(s, Rank, Rank == 2);
    conv_schema::data_format(s, Rank, Rank == 2);
    conv_schema::dilation_rate(s, Rank, false);
    s.arg("depth_multiplier", &ConvOptions::depth_multiplier);
    conv_schema::activation_and_bias(s, Rank == 2);
    conv_schema::depthwise_and_bias(s, true, Rank == 2);
  }
};

struct DepthwiseConv2DSchema : ConvOptions {
  template <typename S>
  static void arguments(S& s) {
    conv_schema::head(s, 2, false, false);
    s.arg("depth_multiplier", &ConvOptions::depth_multiplier);
    conv_schema::data_format(s, 2, false);
    conv_schema::dilation_rate(s, 2, false);  // Keras 2.2.5's; 2.2.4 writes it in its config
    conv_schema::activation_and_bias(s, false);
    conv_schema::depthwise_and_bias(s, false, false);
  }
};

template <int Rank>
struct ConvTransposeSchema : ConvOptions {
  template <typename S>
  static void arguments(S& s) {
    const bool keras1 = Rank == 2;  // Deconvolution2D
    conv_schema::head(s, Rank, keras1);
    s.arg("output_padding", &ConvOptions::output_padding, {.rank = Rank});
    conv_schema::data_format(s, Rank, keras1);
    // Keras 2.2.4's Conv2DTranspose dilates its kernel (strides 1 only); its Conv3DTranspose
    // takes no dilation_rate and drops it from the config (older configs wrote 1s).
    if constexpr (Rank == 2) conv_schema::dilation_rate(s, Rank, false);
    conv_schema::activation_and_bias(s, keras1);
    conv_schema::kernel_and_bias(s, keras1);
    if (keras1) s.arg("output_shape", &ConvOptions::output_shape, {.keras1_only = true});
    if constexpr (Rank == 3)
      s.keras1_dropped(
          {"dilation_rate", Ints(Rank, 1), "Conv3DTranspose takes no dilation_rate other than 1"});
  }
};

// The kinds of convolution one Conv class computes.
enum class ConvKind { plain, separable, depthwise, transpose };

// Keras's _Conv: `rank` spatial dimensions; its kernels by kind: kernel (k..., in, filters);
// depthwise_kernel (k..., in, depth_multiplier) and pointwise_kernel (1..., in * dm, filters);
// depthwise_kernel alone (depthwise: in * depth_multiplier outputs); kernel (k..., filters, in)
// (transpose).
class Conv : public Layer {
 public:
  KERAS_LAYER_SHAREABLE(Conv)
  Conv(const std::string& class_name, int rank, ConvKind kind, ConvOptions options);

  std::string class_name() const override { return class_name_; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

  int rank() const { return rank_; }
  ConvKind kind() const { return kind_; }
  std::int64_t filters() const { return options_.filters; }
  const Ints& kernel_size() const { return options_.kernel_size; }
  const Ints& strides() const { return options_.strides; }
  const std::string& padding() const { return options_.padding; }
  const std::string& data_format() const { return options_.data_format; }
  const Ints& dilation_rate() const { return options_.dilation_rate; }
  std::int64_t depth_multiplier() const { return options_.depth_multiplier; }
  // The options as the layer uses them (tuples of `rank` values, the data format resolved).
  const ConvOptions& options() const { return options_; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& bias() const { return bias_; }

 protected:
  std::int64_t channel_axis(std::size_t rank) const;
  Shape spatial_output(const Shape& spatial) const;
  [[noreturn]] void check_fits(const Shape& input_shape) const;
  SymbolicTensor convolve(const SymbolicTensor& x);  // channels_last, before bias and activation
  void build_kernels(std::int64_t in_channels);
  std::int64_t out_channels(std::int64_t in_channels) const;

  std::string class_name_;
  int rank_;
  ConvKind kind_;
  ConvOptions options_;
  activations::ActivationFunction activation_fn_;
  SymbolicTensor kernel_, bias_, pointwise_kernel_;
};

class Conv1D : public Conv {
 public:
  KERAS_LAYER_SHAREABLE(Conv1D)
  explicit Conv1D(ConvOptions options);
  Conv1D(std::int64_t filters, std::int64_t kernel_size, ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};
class Conv2D : public Conv {
 public:
  KERAS_LAYER_SHAREABLE(Conv2D)
  explicit Conv2D(ConvOptions options);
  Conv2D(std::int64_t filters, Ints kernel_size, ConvOptions options = {});
  // Keras 1: Convolution2D(nb_filter, nb_row, nb_col, ...).
  Conv2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
         ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};
class Conv3D : public Conv {
 public:
  KERAS_LAYER_SHAREABLE(Conv3D)
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

// A depthwise convolution (depth_multiplier filters per input channel) then a pointwise one;
// weights depthwise_kernel (k..., in, depth_multiplier), pointwise_kernel (1..., in * dm,
// filters), bias.
class SeparableConv1D : public Conv {
 public:
  KERAS_LAYER_SHAREABLE(SeparableConv1D)
  explicit SeparableConv1D(ConvOptions options);
  SeparableConv1D(std::int64_t filters, std::int64_t kernel_size, ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  const SymbolicTensor& depthwise_kernel() const { return kernel_; }
  const SymbolicTensor& pointwise_kernel() const { return pointwise_kernel_; }
};
class SeparableConv2D : public Conv {
 public:
  KERAS_LAYER_SHAREABLE(SeparableConv2D)
  explicit SeparableConv2D(ConvOptions options);
  SeparableConv2D(std::int64_t filters, Ints kernel_size, ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  const SymbolicTensor& depthwise_kernel() const { return kernel_; }
  const SymbolicTensor& pointwise_kernel() const { return pointwise_kernel_; }
};

// The depthwise step alone: each input channel convolved with depth_multiplier filters of its
// own; weights depthwise_kernel (kh, kw, in, depth_multiplier), bias (in * depth_multiplier).
class DepthwiseConv2D : public Conv {
 public:
  KERAS_LAYER_SHAREABLE(DepthwiseConv2D)
  explicit DepthwiseConv2D(ConvOptions options);
  explicit DepthwiseConv2D(Ints kernel_size, ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  const SymbolicTensor& depthwise_kernel() const { return kernel_; }
};

// The transposed convolutions; kernel (k..., filters, in_channels).
class Conv2DTranspose : public Conv {
 public:
  KERAS_LAYER_SHAREABLE(Conv2DTranspose)
  explicit Conv2DTranspose(ConvOptions options);
  Conv2DTranspose(std::int64_t filters, Ints kernel_size, ConvOptions options = {});
  // Keras 1: Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...). The output rows and
  // columns are output_shape's; they must be ones a convolution with the layer's kernel, strides
  // and padding takes back to the input's size (else the build throws, naming the valid range).
  Conv2DTranspose(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                  Shape output_shape, ConvOptions options = {});
  void build(const Shape& input_shape) override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  const std::optional<Shape>& keras1_output_shape() const { return options_.output_shape; }
};
using Deconvolution2D = Conv2DTranspose;
class Conv3DTranspose : public Conv {
 public:
  KERAS_LAYER_SHAREABLE(Conv3DTranspose)
  explicit Conv3DTranspose(ConvOptions options);
  Conv3DTranspose(std::int64_t filters, Ints kernel_size, ConvOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};

// ---- cropping, zero padding, upsampling --------------------------------------------------------

using Pairs = schema::PaddingPairs;

// The arguments of ZeroPadding, Cropping and UpSampling 1D-3D; each family's schema below lists
// the ones it takes (the 1D layers take no data_format, UpSampling2D alone interpolation).
struct ResizeOptions {
  Pairs padding{};                        // ZeroPadding: default 1 on every side
  Pairs cropping{};                       // Cropping: default (1, 1) per dimension; Cropping2D's 0
  Ints size{};                            // UpSampling: default 2 per dimension
  std::string interpolation = "nearest";  // UpSampling2D: or "bilinear"
  std::string data_format{};              // default K::image_data_format()
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
};

namespace resize_schema {
template <typename S>
void data_format(S& s) {
  s.arg("data_format", &ResizeOptions::data_format,
        {.kind = schema::ArgKind::data_format,
         .keras1 = {schema::dim_ordering()},
         .ranks = schema::kRanks2And3});
}
}  // namespace resize_schema

struct ZeroPaddingSchema : ResizeOptions {
  template <typename S>
  static void arguments(S& s) {
    s.arg("padding", &ResizeOptions::padding, {.rank = schema::kLayerRank, .fill = 1});
    resize_schema::data_format(s);
  }
};
struct CroppingSchema : ResizeOptions {
  template <typename S>
  static void arguments(S& s) {
    s.arg("cropping", &ResizeOptions::cropping, {.rank = schema::kLayerRank});
    resize_schema::data_format(s);
  }
};
struct UpSamplingSchema : ResizeOptions {
  template <typename S>
  static void arguments(S& s) {
    s.arg("size", &ResizeOptions::size,
          {.keras1 = {{"length"}}, .rank = schema::kLayerRank, .fill = 2});
    resize_schema::data_format(s);
    s.arg("interpolation", &ResizeOptions::interpolation, {.ranks = 1u << 2});
  }
};

// Zero padding / cropping of each spatial dimension by (before, after).
class ZeroPadding : public Layer {
 public:
  KERAS_LAYER_SHAREABLE(ZeroPadding)
  ZeroPadding(const std::string& class_name, int rank, Pairs padding, bool crop,
              ResizeOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  const Pairs& amounts() const { return amounts_; }

 private:
  std::string class_name_;
  int rank_;
  Pairs amounts_;
  bool crop_;
  std::string data_format_;
};
// Cropping1D/2D/3D (a class of their own for Python's isinstance).
class Cropping : public ZeroPadding {
 public:
  KERAS_LAYER_SHAREABLE(Cropping)
  Cropping(const std::string& class_name, int rank, Pairs cropping, ResizeOptions options)
      : ZeroPadding(class_name, rank, std::move(cropping), true, std::move(options)) {}
};

// Keras: ZeroPadding1D(padding=1) / ((1, 2)); ZeroPadding2D(padding=(1, 1)) / ((1, 2), (3, 4)).
ZeroPadding ZeroPadding1D(Pairs padding = {{1, 1}}, ResizeOptions options = {});
ZeroPadding ZeroPadding2D(Pairs padding = {{1, 1}, {1, 1}}, ResizeOptions options = {});
ZeroPadding ZeroPadding3D(Pairs padding = {{1, 1}, {1, 1}, {1, 1}}, ResizeOptions options = {});
Cropping Cropping1D(Pairs cropping = {{1, 1}}, ResizeOptions options = {});
Cropping Cropping2D(Pairs cropping = {{0, 0}, {0, 0}}, ResizeOptions options = {});
Cropping Cropping3D(Pairs cropping = {{1, 1}, {1, 1}, {1, 1}}, ResizeOptions options = {});
// By Keras class name ("ZeroPadding2D", "Cropping1D", ...), from the schema's options.
ZeroPadding zero_padding_by_name(const std::string& class_name, ResizeOptions options);
Cropping cropping_by_name(const std::string& class_name, ResizeOptions options);
std::shared_ptr<Layer> zero_padding_from_config(const std::string& class_name,
                                                const nlohmann::json& config);

// Repeats each element `size[i]` times along spatial dimension i (nearest neighbour), or
// UpSampling2D(interpolation='bilinear'): TensorFlow's resize_bilinear (align_corners=False).
class UpSampling : public Layer {
 public:
  KERAS_LAYER_SHAREABLE(UpSampling)
  UpSampling(const std::string& class_name, int rank, Ints size, ResizeOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 private:
  std::string class_name_;
  int rank_;
  Ints size_;
  std::string data_format_, interpolation_;
};
UpSampling UpSampling1D(std::int64_t size = 2, ResizeOptions options = {});  // Keras 1: length
UpSampling UpSampling2D(Ints size = {2, 2}, ResizeOptions options = {});
UpSampling UpSampling3D(Ints size = {2, 2, 2}, ResizeOptions options = {});
UpSampling up_sampling_by_name(const std::string& class_name, ResizeOptions options);
std::shared_ptr<Layer> up_sampling_from_config(const std::string& class_name,
                                               const nlohmann::json& config);

}  // namespace keras::layers
