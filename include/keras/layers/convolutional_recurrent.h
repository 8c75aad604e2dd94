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
#include "keras/layers/schema.h"
#include "keras/regularizers.h"

namespace keras::layers {

// The arguments of ConvLSTM2D in Keras 2.2.4's order (the schema: keras/layers/schema.h), with
// Keras 1's spellings as Keras 2.2.4's legacy interface converts them:
//   ConvLSTM2D(8, {3, 3}, {.padding = "same", .return_sequences = true})  or
//   ConvLSTM2D(8, 3, 3, {...})  (Keras 1's nb_filter, nb_row, nb_col).
struct ConvLSTM2DOptions {
  std::int64_t filters = 0;
  std::vector<std::int64_t> kernel_size{};
  std::vector<std::int64_t> strides{};  // default 1
  std::string padding = "valid";        // or "same"
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
  // Keras's ConvRNN2D keywords: [output, h, c] (the states after the last step, in the layer's
  // data_format; call it with apply()), and unroll, which Keras refuses for convolutional RNNs.
  bool return_state = false;
  bool unroll = false;
  std::optional<std::uint64_t> seed{};  // of the dropout masks
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::optional<std::int64_t> batch_size{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial [kernel, recurrent_kernel, bias]

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = ConvLSTM2DOptions;
    using schema::ArgKind;
    s.arg("filters", &O::filters, {.required = true, .keras1 = {{"nb_filter"}}});
    s.arg("kernel_size", &O::kernel_size,
          {.required = true, .keras1 = {{"nb_row", {}, 0}, {"nb_col", {}, 1}}, .rank = 2});
    s.arg("strides", &O::strides, {.keras1 = {{"subsample"}}, .rank = 2, .fill = 1});
    s.arg("padding", &O::padding, {.keras1 = {{"border_mode"}}});
    s.arg("data_format", &O::data_format,
          {.kind = ArgKind::data_format, .keras1 = {schema::dim_ordering()}});
    s.arg("dilation_rate", &O::dilation_rate, {.rank = 2, .fill = 1});
    s.arg("activation", &O::activation);
    s.arg("recurrent_activation", &O::recurrent_activation, {.keras1 = {{"inner_activation"}}});
    s.arg("use_bias", &O::use_bias, {.keras1 = {{"bias"}}});
    s.arg("kernel_initializer", &O::kernel_initializer,
          {.kind = ArgKind::initializer, .keras1 = {{"init"}}});
    s.arg("recurrent_initializer", &O::recurrent_initializer,
          {.kind = ArgKind::initializer, .keras1 = {{"inner_init"}}});
    s.arg("bias_initializer", &O::bias_initializer, {.kind = ArgKind::initializer});
    // Keras 2.2.4's convlstm2d_args_preprocessor: forget_bias_init 'one' or 'zero'.
    s.arg("unit_forget_bias", &O::unit_forget_bias,
          {.keras1 = {{"forget_bias_init",
                       {{"one", true}, {"ones", true}, {"zero", false}, {"zeros", false}}}}});
    s.arg("kernel_regularizer", &O::kernel_regularizer, {.keras1 = {{"W_regularizer"}}});
    s.arg("recurrent_regularizer", &O::recurrent_regularizer, {.keras1 = {{"U_regularizer"}}});
    s.arg("bias_regularizer", &O::bias_regularizer, {.keras1 = {{"b_regularizer"}}});
    s.arg("activity_regularizer", &O::activity_regularizer);
    s.arg("kernel_constraint", &O::kernel_constraint);
    s.arg("recurrent_constraint", &O::recurrent_constraint);
    s.arg("bias_constraint", &O::bias_constraint);
    s.arg("return_sequences", &O::return_sequences);
    s.arg("go_backwards", &O::go_backwards);
    s.arg("stateful", &O::stateful);
    s.arg("dropout", &O::dropout, {.keras1 = {{"dropout_W"}}});
    s.arg("recurrent_dropout", &O::recurrent_dropout, {.keras1 = {{"dropout_U"}}});
    s.arg("return_state", &O::return_state, {.keyword_only = true});
    s.arg("unroll", &O::unroll, {.keyword_only = true});
  }
};

// A convolutional LSTM over inputs (batch, time, rows, cols, channels) (channels_first: (batch,
// time, channels, rows, cols)). Per step, with * a 2D convolution (the input one with the layer's
// strides, padding and dilation; the recurrent one stride 1, padding "same"):
//   i = ra(x*Wi + h*Ui + bi), f = ra(x*Wf + h*Uf + bf), o = ra(x*Wo + h*Uo + bo),
//   c = f c + i a(x*Wc + h*Uc + bc), h = o a(c).
// Weights: kernel (kr, kc, channels, 4 filters), recurrent_kernel (kr, kc, filters, 4 filters),
// bias (4 filters), gates i, f, c, o. The time steps are unrolled; over an unknown number of
// steps (input_shape (None, rows, cols, channels)) they are unrolled per length when the function
// runs (K::traced: one trace per length, kept with the function's plan for that length).
// Masked time steps (a (batch, time) mask) keep the previous h and c.
class ConvLSTM2D : public Layer {
 public:
  explicit ConvLSTM2D(ConvLSTM2DOptions options);
  // The layer's arguments (Keras 2 names; name and shapes aside).
  ConvLSTM2DOptions options() const;
  ConvLSTM2D(std::int64_t filters, std::vector<std::int64_t> kernel_size,
             ConvLSTM2DOptions options = {});
  // Keras 1: ConvLSTM2D(nb_filter, nb_row, nb_col, ...).
  ConvLSTM2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
             ConvLSTM2DOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  KERAS_LAYER_CLASS(ConvLSTM2D)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  // With return_state: [output, h, c].
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;
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
  // The shape of one step's output (and of each state) in the layer's data_format.
  Shape step_output_shape(const Shape& input_shape) const;
  // [output] or, with return_state, [output, h, c].
  std::vector<SymbolicTensor> run(const SymbolicTensor& inputs, const SymbolicTensor& mask);

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
  bool return_sequences_, go_backwards_, stateful_, return_state_;
  double dropout_, recurrent_dropout_;
  std::optional<std::uint64_t> seed_;
  SymbolicTensor kernel_, recurrent_kernel_, bias_;
  std::vector<SymbolicTensor> states_;
};

}  // namespace keras::layers
