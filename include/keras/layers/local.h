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
#include "keras/layers/schema.h"
#include "keras/regularizers.h"

namespace keras::layers {

// The arguments of LocallyConnected1D/2D, Keras 2 names:
//   LocallyConnected2D(32, {3, 3}, {.activation = "relu"})  or, as Keras 1 wrote it,
//   LocallyConnected2D(32, 3, 3, {.strides = {2, 2}, .data_format = "channels_first"}).
// Sizes take one value per spatial dimension, or a single value for all of them.
struct LocallyConnectedOptions {
  std::int64_t filters = 0;
  std::vector<std::int64_t> kernel_size{};
  std::vector<std::int64_t> strides{};  // default 1
  std::string padding = "valid";        // "valid" only, as in Keras
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
  std::optional<std::int64_t> input_dim{};  // LocallyConnected1D: input_shape (input_length, dim)
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial [kernel, bias]
};

// The schema of LocallyConnected<Rank>D: the options above, with the Keras 1 spellings of
// Keras 2.2.4's legacy conv1d interface (nb_filter, filter_length, subsample_length, ...) or
// conv2d one (nb_filter, subsample, dim_ordering, ...; nb_row and nb_col become kernel_size
// before the schema reads the rest, as its conv2d_args_preprocessor does).
template <int Rank>
struct LocallyConnectedSchema : LocallyConnectedOptions {
  template <typename Schema>
  static void arguments(Schema& s) {
    using schema::ArgKind;
    using O = LocallyConnectedSchema;
    using B = LocallyConnectedOptions;
    // The base's members, as members of this class (the schema reads this class).
    auto m = []<typename T>(T B::*member) -> T O::* { return member; };
    const bool one = Rank == 1;
    s.arg("filters", m(&B::filters), {.required = true, .keras1 = {{"nb_filter"}}});
    s.arg("kernel_size", m(&B::kernel_size),
          {.required = true,
           .keras1 = one ? std::vector<schema::Keras1Name>{{"filter_length"}}
                         : std::vector<schema::Keras1Name>{},
           .rank = Rank});
    s.arg("strides", m(&B::strides),
          {.keras1 = {{one ? "subsample_length" : "subsample"}}, .rank = Rank, .fill = 1});
    s.arg("padding", m(&B::padding), {.keras1 = {{"border_mode"}}});
    s.arg("data_format", m(&B::data_format),
          {.kind = ArgKind::data_format,
           .keras1 = one ? std::vector<schema::Keras1Name>{}
                         : std::vector<schema::Keras1Name>{schema::dim_ordering()}});
    s.arg("activation", m(&B::activation));
    s.arg("use_bias", m(&B::use_bias), {.keras1 = {{"bias"}}});
    s.arg("kernel_initializer", m(&B::kernel_initializer),
          {.kind = ArgKind::initializer, .keras1 = {{"init"}}});
    s.arg("bias_initializer", m(&B::bias_initializer), {.kind = ArgKind::initializer});
    s.arg("kernel_regularizer", m(&B::kernel_regularizer), {.keras1 = {{"W_regularizer"}}});
    s.arg("bias_regularizer", m(&B::bias_regularizer), {.keras1 = {{"b_regularizer"}}});
    s.arg("activity_regularizer", m(&B::activity_regularizer));
    s.arg("kernel_constraint", m(&B::kernel_constraint), {.keras1 = {{"W_constraint"}}});
    s.arg("bias_constraint", m(&B::bias_constraint), {.keras1 = {{"b_constraint"}}});
  }
};

// Keras's LocallyConnected layers over `rank` spatial dimensions. Weights (Keras 2.2.4):
//   kernel (output positions, kernel positions * input channels, filters), one matrix per output
//   position in row-major order; a patch is flattened (kernel position, channel) for
//   channels_last inputs and (channel, kernel position) for channels_first ones, as Keras does;
//   bias (output_length, filters) for 1D, (output_row, output_col, filters) for 2D.
// The input's spatial dimensions must be known.
class LocallyConnected : public Layer {
 public:
  KERAS_LAYER_SHAREABLE(LocallyConnected)
  LocallyConnected(const std::string& class_name, int rank, LocallyConnectedOptions options);

  std::string class_name() const override { return class_name_; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

  std::int64_t filters() const { return options_.filters; }
  const std::vector<std::int64_t>& kernel_size() const { return options_.kernel_size; }
  const std::vector<std::int64_t>& strides() const { return options_.strides; }
  const std::string& data_format() const { return options_.data_format; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& bias() const { return bias_; }

 private:
  // The spatial output sizes; throws when the input is not fully known or the kernel does not fit.
  Shape spatial_output(const Shape& input_shape) const;

  std::string class_name_;
  int rank_;
  LocallyConnectedOptions options_;  // kernel_size, strides, data_format resolved
  activations::ActivationFunction activation_fn_;
  SymbolicTensor kernel_, bias_;
};

class LocallyConnected1D : public LocallyConnected {
 public:
  KERAS_LAYER_SHAREABLE(LocallyConnected1D)
  explicit LocallyConnected1D(LocallyConnectedOptions options);
  LocallyConnected1D(std::int64_t filters, std::int64_t kernel_size,
                     LocallyConnectedOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};

class LocallyConnected2D : public LocallyConnected {
 public:
  KERAS_LAYER_SHAREABLE(LocallyConnected2D)
  explicit LocallyConnected2D(LocallyConnectedOptions options);
  LocallyConnected2D(std::int64_t filters, std::vector<std::int64_t> kernel_size,
                     LocallyConnectedOptions options = {});
  // Keras 1: LocallyConnected2D(nb_filter, nb_row, nb_col, ...).
  LocallyConnected2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                     LocallyConnectedOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};

}  // namespace keras::layers
