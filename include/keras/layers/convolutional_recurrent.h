// Keras's convolutional-recurrent layer: ConvLSTM2D (Keras 2.2.4's equations and weight layouts,
// Keras 1's argument names beside Keras 2's).
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

// The arguments of ConvLSTM2D in Keras 2.2.4's order, then Keras 1's names:
//   ConvLSTM2D(8, {3, 3}, {.padding = "same", .return_sequences = true})  or
//   ConvLSTM2D(8, 3, 3, {.border_mode = "same", .dim_ordering = "th"})  (Keras 1).
struct ConvLSTM2DOptions {
  std::int64_t filters = 0;
  std::vector<std::int64_t> kernel_size{};
  std::vector<std::int64_t> strides{};  // default 1
  std::string padding{};                // "valid" (default) or "same"
  std::string data_format{};            // default K::image_data_format()
  std::vector<std::int64_t> dilation_rate{};
  ActivationArg activation = "tanh";
  ActivationArg recurrent_activation = "hard_sigmoid";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string recurrent_initializer = "orthogonal";
  std::string bias_initializer = "zeros";
  bool unit_forget_bias = true;  // the forget gate's bias starts at 1
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer recurrent_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  bool return_sequences = false;
  bool go_backwards = false;
  bool stateful = false;           // needs a fixed batch size (batch_input_shape or batch_size)
  double dropout = 0.0;            // of the inputs: one mask per sample and gate for all steps
  double recurrent_dropout = 0.0;  // of h_{t-1}: one mask per sample and gate for all steps
  // Keras 1 names.
  std::int64_t nb_filter = 0;
  std::int64_t nb_row = 0, nb_col = 0;
  std::string init{};
  std::string inner_init{};
  std::string forget_bias_init{};  // "one": unit_forget_bias, anything else: not
  ActivationArg inner_activation{};
  std::string dim_ordering{};  // "th", "tf" or "default"
  std::string border_mode{};
  std::vector<std::int64_t> subsample{};
  regularizers::Regularizer W_regularizer{};
  regularizers::Regularizer U_regularizer{};
  regularizers::Regularizer b_regularizer{};
  double dropout_W = 0.0;
  double dropout_U = 0.0;
  std::optional<std::uint64_t> seed{};  // of the dropout masks
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::optional<std::int64_t> batch_size{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial [kernel, recurrent_kernel, bias]
};

// A convolutional LSTM over inputs (batch, time, rows, cols, channels) (channels_first: (batch,
// time, channels, rows, cols)). Per step, with * a 2D convolution (the input one with the layer's
// strides, padding and dilation; the recurrent one stride 1, padding "same"):
//   i = ra(x*Wi + h*Ui + bi), f = ra(x*Wf + h*Uf + bf), o = ra(x*Wo + h*Uo + bo),
//   c = f c + i a(x*Wc + h*Uc + bc), h = o a(c).
// Weights: kernel (kr, kc, channels, 4 filters), recurrent_kernel (kr, kc, filters, 4 filters),
// bias (4 filters), gates i, f, c, o. The time steps are unrolled: their number must be known.
// Masked time steps (a (batch, time) mask) keep the previous h and c.
class ConvLSTM2D : public Layer {
 public:
  explicit ConvLSTM2D(ConvLSTM2DOptions options);
  ConvLSTM2D(std::int64_t filters, std::vector<std::int64_t> kernel_size,
             ConvLSTM2DOptions options = {});
  // Keras 1: ConvLSTM2D(nb_filter, nb_row, nb_col, ...).
  ConvLSTM2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
             ConvLSTM2DOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  std::string class_name() const override { return "ConvLSTM2D"; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  nlohmann::json get_config() const override;
  bool stateful() const override { return stateful_; }
  void reset_states() override;

  std::int64_t filters() const { return filters_; }
  const std::string& data_format() const { return data_format_; }
  bool return_sequences() const { return return_sequences_; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& recurrent_kernel() const { return recurrent_kernel_; }
  const SymbolicTensor& bias() const { return bias_; }
  // The state variables of a stateful layer, [h, c], each (batch, rows, cols, filters) in the
  // layer's data_format.
  std::vector<SymbolicTensor> states() const { return states_; }

 private:
  // (out_rows, out_cols) of the input convolution.
  Shape spatial_output(const Shape& input_shape) const;

  std::int64_t filters_;
  std::vector<std::int64_t> kernel_size_, strides_, dilation_rate_;
  std::string padding_, data_format_;
  ActivationArg activation_, recurrent_activation_;
  activations::ActivationFunction activation_fn_, recurrent_activation_fn_;
  bool use_bias_;
  std::string kernel_initializer_, recurrent_initializer_, bias_initializer_;
  bool unit_forget_bias_;
  regularizers::Regularizer kernel_regularizer_, recurrent_regularizer_, bias_regularizer_,
      activity_regularizer_;
  constraints::Constraint kernel_constraint_, recurrent_constraint_, bias_constraint_;
  bool return_sequences_, go_backwards_, stateful_;
  double dropout_, recurrent_dropout_;
  std::optional<std::uint64_t> seed_;
  SymbolicTensor kernel_, recurrent_kernel_, bias_;
  std::vector<SymbolicTensor> states_;
};

}  // namespace keras::layers
