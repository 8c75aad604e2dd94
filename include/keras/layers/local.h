// Keras's locally-connected layers: LocallyConnected1D and LocallyConnected2D, convolutions whose
// weights are not shared between output positions (Keras 2.2.4's layer and weight layouts).
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

// The arguments of LocallyConnected1D/2D, Keras 2 names in Keras's order, then Keras 1's:
//   LocallyConnected2D(32, {3, 3}, {.activation = "relu"})  or
//   LocallyConnected2D(32, 3, 3, {.subsample = {2, 2}, .dim_ordering = "th"})  (Keras 1).
// Sizes take one value per spatial dimension, or a single value for all of them.
struct LocallyConnectedOptions {
  std::int64_t filters = 0;
  std::vector<std::int64_t> kernel_size{};
  std::vector<std::int64_t> strides{};  // default 1
  std::string padding{};                // "valid" only, as in Keras
  // Default: K::image_data_format() for 2D; channels_last for 1D (Keras 1's layout, and the only
  // one Keras 2.2.4's LocallyConnected1D computes).
  std::string data_format{};
  ActivationArg activation{};
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint bias_constraint{};
  // Keras 1 names.
  std::int64_t nb_filter = 0;
  std::int64_t filter_length = 0;  // LocallyConnected1D
  std::int64_t nb_row = 0, nb_col = 0;
  std::string init{};
  std::string border_mode{};
  std::int64_t subsample_length = 0;      // LocallyConnected1D
  std::vector<std::int64_t> subsample{};  // LocallyConnected2D
  std::string dim_ordering{};             // "th", "tf" or "default"
  std::optional<bool> bias{};
  regularizers::Regularizer W_regularizer{};
  regularizers::Regularizer b_regularizer{};
  constraints::Constraint W_constraint{};
  constraints::Constraint b_constraint{};
  std::optional<std::int64_t> input_dim{};  // LocallyConnected1D: with input_length
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial [kernel, bias]
};

// Keras's LocallyConnected layers over `rank` spatial dimensions. Weights (Keras 2.2.4):
//   kernel (output positions, kernel positions * input channels, filters), one matrix per output
//   position in row-major order; a patch is flattened (kernel position, channel) for
//   channels_last inputs and (channel, kernel position) for channels_first ones, as Keras does;
//   bias (output_length, filters) for 1D, (output_row, output_col, filters) for 2D.
// The input's spatial dimensions must be known.
class LocallyConnected : public Layer {
 public:
  LocallyConnected(const std::string& class_name, int rank, LocallyConnectedOptions options);

  std::string class_name() const override { return class_name_; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

  std::int64_t filters() const { return filters_; }
  const std::vector<std::int64_t>& kernel_size() const { return kernel_size_; }
  const std::vector<std::int64_t>& strides() const { return strides_; }
  const std::string& data_format() const { return data_format_; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& bias() const { return bias_; }

 protected:
  static LocallyConnectedOptions options_from_config(const nlohmann::json& config,
                                                     const std::string& class_name, int rank);

 private:
  // The spatial output sizes; throws when the input is not fully known or the kernel does not fit.
  Shape spatial_output(const Shape& input_shape) const;

  std::string class_name_;
  int rank_;
  std::int64_t filters_;
  std::vector<std::int64_t> kernel_size_, strides_;
  std::string padding_, data_format_;
  ActivationArg activation_;
  activations::ActivationFunction activation_fn_;
  bool use_bias_;
  std::string kernel_initializer_, bias_initializer_;
  regularizers::Regularizer kernel_regularizer_, bias_regularizer_, activity_regularizer_;
  constraints::Constraint kernel_constraint_, bias_constraint_;
  SymbolicTensor kernel_, bias_;
};

class LocallyConnected1D : public LocallyConnected {
 public:
  explicit LocallyConnected1D(LocallyConnectedOptions options);
  LocallyConnected1D(std::int64_t filters, std::int64_t kernel_size,
                     LocallyConnectedOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};

class LocallyConnected2D : public LocallyConnected {
 public:
  explicit LocallyConnected2D(LocallyConnectedOptions options);
  LocallyConnected2D(std::int64_t filters, std::vector<std::int64_t> kernel_size,
                     LocallyConnectedOptions options = {});
  // Keras 1: LocallyConnected2D(nb_filter, nb_row, nb_col, ...).
  LocallyConnected2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                     LocallyConnectedOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};

}  // namespace keras::layers
