// Keras's convolutional-recurrent layers: ConvLSTM2D (Keras 2.2.4's equations and weight layouts,
// Keras 1's argument names beside Keras 2's), its Keras 2.2.4 parts ConvRNN2D(cell) and
// ConvLSTM2DCell (and cells written in Python), and Keras 1's base class ConvRecurrent2D.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/core.h"
#include "keras/layers/recurrent.h"
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

// ConvLSTM2DCell's arguments: the options' cell fields, in Keras 2.2.4's order (Keras 2 names
// only: the cell is Keras 2's). ConvLSTM2DCell(8, {3, 3}, {.padding = "same"}).
struct ConvLSTM2DCellArguments : ConvLSTM2DOptions {
  template <typename Schema>
  static void arguments(Schema& s) {
    using O = ConvLSTM2DCellArguments;
    using C = ConvLSTM2DOptions;
    using schema::ArgKind;
    auto f = []<typename T>(T C::*member) -> T O::* { return member; };
    s.arg("filters", f(&C::filters), {.required = true});
    s.arg("kernel_size", f(&C::kernel_size), {.required = true, .rank = 2});
    s.arg("strides", f(&C::strides), {.rank = 2, .fill = 1});
    s.arg("padding", f(&C::padding));
    s.arg("data_format", f(&C::data_format), {.kind = ArgKind::data_format});
    s.arg("dilation_rate", f(&C::dilation_rate), {.rank = 2, .fill = 1});
    s.arg("activation", f(&C::activation));
    s.arg("recurrent_activation", f(&C::recurrent_activation));
    s.arg("use_bias", f(&C::use_bias));
    s.arg("kernel_initializer", f(&C::kernel_initializer), {.kind = ArgKind::initializer});
    s.arg("recurrent_initializer", f(&C::recurrent_initializer), {.kind = ArgKind::initializer});
    s.arg("bias_initializer", f(&C::bias_initializer), {.kind = ArgKind::initializer});
    s.arg("unit_forget_bias", f(&C::unit_forget_bias));
    s.arg("kernel_regularizer", f(&C::kernel_regularizer));
    s.arg("recurrent_regularizer", f(&C::recurrent_regularizer));
    s.arg("bias_regularizer", f(&C::bias_regularizer));
    s.arg("kernel_constraint", f(&C::kernel_constraint));
    s.arg("recurrent_constraint", f(&C::recurrent_constraint));
    s.arg("bias_constraint", f(&C::bias_constraint));
    s.arg("dropout", f(&C::dropout));
    s.arg("recurrent_dropout", f(&C::recurrent_dropout));
  }
};

// What a convolutional-recurrent layer reads of its cell besides the RNN cell protocol (Keras's
// ConvRNN2D reads these attributes): the input convolution's geometry and the number of filters,
// which give the states' shape (batch, out_rows, out_cols, filters) in the cell's data_format.
struct ConvCellGeometry {
  std::int64_t filters = 0;
  std::vector<std::int64_t> kernel_size{}, strides{}, dilation_rate{};
  std::string padding{}, data_format{};

  // (out_rows, out_cols) of the input convolution over a step's (rows, cols) (-1 stays unknown).
  Shape output_spatial(std::int64_t rows, std::int64_t cols) const;
};
class ConvRNNCell {
 public:
  virtual ~ConvRNNCell() = default;
  virtual ConvCellGeometry conv_geometry() const = 0;
};

// Keras 2.2.4's ConvLSTM2DCell: one step of ConvLSTM2D (the equations below), with its weights
// kernel (kr, kc, channels, 4 filters), recurrent_kernel (kr, kc, filters, 4 filters) and bias
// (4 filters), gates i, f, c, o; states [h, c]. ConvRNN2D runs it over a sequence in one piece
// (sequence()); its step() is the same step. Inputs of a step: (batch, rows, cols, channels) in
// the cell's data_format.
class ConvLSTM2DCell : public Layer, public RNNCell, public ConvRNNCell {
 public:
  explicit ConvLSTM2DCell(ConvLSTM2DOptions options) : ConvLSTM2DCell(std::move(options), {}) {}
  ConvLSTM2DCell(std::int64_t filters, std::vector<std::int64_t> kernel_size,
                 ConvLSTM2DOptions options = {});
  // `owner`: the layer named in errors about the arguments (ConvLSTM2D's own cell).
  ConvLSTM2DCell(ConvLSTM2DOptions options, const std::string& owner);
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  KERAS_LAYER_CLASS(ConvLSTM2DCell)
  void build(const Shape& input_shape) override;
  // A cell is run by a ConvRNN2D over a sequence, as in Keras.
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;

  std::vector<std::int64_t> state_size() const override { return {filters_, filters_}; }
  CellStep step(const SymbolicTensor& inputs, const std::vector<SymbolicTensor>& states) override;
  void start_sequence() override { input_masks_.clear(), recurrent_masks_.clear(); }
  ConvCellGeometry conv_geometry() const override;

  // The whole sequence over inputs (batch, time, rows, cols, channels) in the cell's
  // data_format: [output (the sequence, or the last h), h, c] in the data_format, the first
  // `wanted` of them. `step_mask` (batch, time) (undefined: none) keeps h and c where it is 0;
  // `initial_state` [h0, c0] (none: zeros; gradients reach them when `state_gradients`). Over an
  // unknown number of steps the sequence is unrolled per length when the function runs
  // (K::traced), named after `layer`.
  std::vector<SymbolicTensor> sequence(const SymbolicTensor& inputs,
                                       const SymbolicTensor& step_mask,
                                       const std::vector<SymbolicTensor>& initial_state,
                                       bool state_gradients, bool go_backwards,
                                       bool return_sequences, std::size_t wanted,
                                       const std::string& layer);

  // The cell's arguments (the cell fields of the options).
  ConvLSTM2DOptions options() const;
  std::int64_t filters() const { return filters_; }
  const std::string& data_format() const { return data_format_; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& recurrent_kernel() const { return recurrent_kernel_; }
  const SymbolicTensor& bias() const { return bias_; }

 private:
  // Keras's four dropout masks (one per gate), of ones shaped like `like` (batch, ...) without
  // the batch dimension, drawn in training; `seed_offset` keeps the input and recurrent masks
  // apart.
  std::vector<SymbolicTensor> dropout_masks(const SymbolicTensor& batch_ones, const Shape& shape,
                                            double rate, std::uint64_t seed_offset) const;

  std::int64_t filters_;
  std::vector<std::int64_t> kernel_size_, strides_, dilation_rate_;
  std::string padding_, data_format_;
  ActivationArg activation_, recurrent_activation_;
  activations::ActivationFunction activation_fn_, recurrent_activation_fn_;
  bool use_bias_;
  std::string kernel_initializer_, recurrent_initializer_, bias_initializer_;
  bool unit_forget_bias_;
  regularizers::Regularizer kernel_regularizer_, recurrent_regularizer_, bias_regularizer_;
  constraints::Constraint kernel_constraint_, recurrent_constraint_, bias_constraint_;
  double dropout_, recurrent_dropout_;
  std::optional<std::uint64_t> seed_;
  SymbolicTensor kernel_, recurrent_kernel_, bias_;
  std::vector<SymbolicTensor> input_masks_, recurrent_masks_;  // this sequence's (step())
};

// ConvRNN2D's own arguments after `cell`, in Keras 2.2.4's order.
struct ConvRNN2DOptions {
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;  // needs a fixed batch size (batch_input_shape or batch_size)
  bool unroll = false;    // Keras refuses it for convolutional RNNs
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::optional<std::int64_t> batch_size{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = ConvRNN2DOptions;
    s.arg("return_sequences", &O::return_sequences);
    s.arg("return_state", &O::return_state);
    s.arg("go_backwards", &O::go_backwards);
    s.arg("stateful", &O::stateful);
    s.arg("unroll", &O::unroll);
  }
};

// Keras 1's ConvRecurrent2D, the abstract base of ConvLSTM2D: a layer running a convolutional
// step over the time steps of (batch, time, rows, cols, channels) inputs, returning the last
// output or (return_sequences) every step's, with states kept between batches when stateful.
// Its output shape comes from the step's convolution geometry.
class ConvRecurrent2D : public Layer {
 public:
  Shape compute_output_shape(const Shape& input_shape) const override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  // Inputs [x, initial states...]; with return_state, outputs [output, states...], each state
  // shaped like one step's output.
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;
  bool stateful() const override { return flags_.stateful; }
  void reset_states() override;

  bool return_sequences() const { return flags_.return_sequences; }
  bool return_state() const { return flags_.return_state; }
  bool go_backwards() const { return flags_.go_backwards; }
  // The state variables of a stateful layer, each (batch, rows, cols, size) in the data_format.
  std::vector<SymbolicTensor> states() const { return states_; }
  // The convolution geometry of a step.
  virtual ConvCellGeometry geometry() const = 0;
  // How many states a step carries.
  virtual std::size_t state_count() const = 0;

 protected:
  ConvRecurrent2D(const std::string& class_name, const ConvRNN2DOptions& flags);
  // The shape of one step's output (and of each state) in the data_format.
  Shape step_output_shape(const Shape& input_shape) const;
  ConvRNN2DOptions flags_;
  std::vector<SymbolicTensor> states_;
};

// Keras 2.2.4's ConvRNN2D(cell): a convolutional cell (ConvLSTM2DCell, or a cell written in
// Python with Keras's attributes filters, kernel_size, strides, padding, data_format,
// dilation_rate, state_size and call(inputs, states)) run over the time steps. A
// ConvLSTM2DCell runs its whole sequence at once (ConvLSTM2DCell::sequence); any other cell runs
// step by step, unrolled over a known number of steps. The states start at zeros of one step's
// output shape; masked steps keep the previous output and states. Weights: the cell's.
class ConvRNN2D : public ConvRecurrent2D {
 public:
  using Layer::operator();
  // Keras's layer(x, initial_state=[...]): one state per state_size entry, each shaped like one
  // step's output; returns every output ([output] or, with return_state, [output, states...]).
  std::vector<KerasTensor> operator()(const KerasTensor& inputs,
                                      const std::vector<KerasTensor>& initial_state) &;
  std::vector<KerasTensor> operator()(const KerasTensor& inputs,
                                      const std::vector<KerasTensor>& initial_state) && {
    return Shared<ConvRNN2D>(std::move(*this))(inputs, initial_state);  // a temporary: shared
  }

  explicit ConvRNN2D(LayerPtr cell, ConvRNN2DOptions options = {});
  template <typename C>
  requires std::is_base_of_v<ConvRNNCell, std::decay_t<C>> &&
      (!std::is_lvalue_reference_v<C>)explicit ConvRNN2D(
          C&& cell, ConvRNN2DOptions options = {})  // NOLINT: ConvRNN2D(ConvLSTM2DCell(8, {3, 3}))
      : ConvRNN2D(LayerPtr(std::make_shared<std::decay_t<C>>(std::move(cell))),
                  std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  KERAS_LAYER_CLASS(ConvRNN2D)
  void build(const Shape& input_shape) override;
  void build_list(const std::vector<Shape>& input_shapes) override;  // [x, initial states...]
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  nlohmann::json get_config() const override;
  ConvCellGeometry geometry() const override { return conv_->conv_geometry(); }
  std::size_t state_count() const override { return protocol_->state_size().size(); }

  const LayerPtr& cell() const { return cell_; }
  ConvRNN2DOptions options() const { return flags_; }

 protected:
  // A subclass making its own cell (ConvLSTM2D) sets it with set_cell before any use.
  ConvRNN2D(const std::string& class_name, ConvRNN2DOptions options);
  void set_cell(LayerPtr cell);
  regularizers::Regularizer activity_regularizer_;

 private:
  // [output] or, with return_state, [output, states...], in the data_format, from the given
  // initial states (none: the stateful layer's, else zeros).
  std::vector<SymbolicTensor> run(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                                  const std::vector<SymbolicTensor>& initial_state);
  // A cell other than ConvLSTM2DCell, step by step: [output, states...].
  std::vector<SymbolicTensor> unrolled(const SymbolicTensor& inputs,
                                       const SymbolicTensor& step_mask,
                                       std::vector<SymbolicTensor> states);

  LayerPtr cell_;
  RNNCell* protocol_ = nullptr;
  ConvRNNCell* conv_ = nullptr;
};

// A convolutional LSTM over inputs (batch, time, rows, cols, channels) (channels_first: (batch,
// time, channels, rows, cols)): Keras 2.2.4's ConvRNN2D over a ConvLSTM2DCell made from the
// arguments (named as the layer, so its weights are the layer's: "conv_lst_m2d_1/kernel"). Per
// step, with * a 2D convolution (the input one with the layer's strides, padding and dilation;
// the recurrent one stride 1, padding "same"):
//   i = ra(x*Wi + h*Ui + bi), f = ra(x*Wf + h*Uf + bf), o = ra(x*Wo + h*Uo + bo),
//   c = f c + i a(x*Wc + h*Uc + bc), h = o a(c).
// Weights: kernel (kr, kc, channels, 4 filters), recurrent_kernel (kr, kc, filters, 4 filters),
// bias (4 filters), gates i, f, c, o. The time steps are unrolled; over an unknown number of
// steps (input_shape (None, rows, cols, channels)) they are unrolled per length when the function
// runs (K::traced: one trace per length, kept with the function's plan for that length).
// Masked time steps (a (batch, time) mask) keep the previous h and c.
class ConvLSTM2D : public ConvRNN2D {
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
  nlohmann::json get_config() const override;

  const ConvLSTM2DCell& lstm_cell() const { return *lstm_cell_; }
  std::int64_t filters() const { return lstm_cell_->filters(); }
  const std::string& data_format() const { return lstm_cell_->data_format(); }
  const SymbolicTensor& kernel() const { return lstm_cell_->kernel(); }
  const SymbolicTensor& recurrent_kernel() const { return lstm_cell_->recurrent_kernel(); }
  const SymbolicTensor& bias() const { return lstm_cell_->bias(); }

 private:
  std::shared_ptr<ConvLSTM2DCell> lstm_cell_;
};

}  // namespace keras::layers
