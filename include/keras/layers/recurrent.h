// Keras's recurrent layers: SimpleRNN, GRU and LSTM (Keras 2.2.4's equations and weight layouts),
// and the Bidirectional wrapper. A layer computes inputs @ kernel + bias for all time steps in one
// product, then runs the whole sequence in one fused op (K::recurrent) with its own gradient.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/core.h"
#include "keras/regularizers.h"

namespace keras::layers {

// The arguments of SimpleRNN, GRU and LSTM in Keras 2.2.4's order, each Keras 1 name beside its
// Keras 2 twin: LSTM(128, {.return_sequences = true}) or LSTM({.output_dim = 32,
// .inner_activation = "sigmoid", .dropout_W = 0.2, .input_dim = 8}). Fields a layer has no use
// for (recurrent_activation for SimpleRNN, unit_forget_bias and reset_after for all but GRU) are
// ignored.
struct RNNOptions {
  std::int64_t units = 0;
  std::int64_t output_dim = 0;  // Keras 1 name of units
  ActivationArg activation = "tanh";
  ActivationArg recurrent_activation = "hard_sigmoid";
  ActivationArg inner_activation{};  // Keras 1 name of recurrent_activation
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string init{};  // Keras 1 name of kernel_initializer
  std::string recurrent_initializer = "orthogonal";
  std::string inner_init{};  // Keras 1 name of recurrent_initializer
  std::string bias_initializer = "zeros";
  bool unit_forget_bias = true;    // LSTM: the forget gate's bias starts at 1
  std::string forget_bias_init{};  // Keras 1: "one" is unit_forget_bias, anything else is not
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer W_regularizer{};  // Keras 1 name of kernel_regularizer
  regularizers::Regularizer recurrent_regularizer{};
  regularizers::Regularizer U_regularizer{};  // Keras 1 name of recurrent_regularizer
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer b_regularizer{};  // Keras 1 name of bias_regularizer
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  double dropout = 0.0;            // of the inputs, one mask per sample for all time steps
  double dropout_W = 0.0;          // Keras 1 name of dropout
  double recurrent_dropout = 0.0;  // of h_{t-1} where it enters the cell
  double dropout_U = 0.0;          // Keras 1 name of recurrent_dropout
  // Keras's implementation 1 and 2 differ only in how dropout masks are drawn; both run the
  // fused kernel, with implementation 2's masks (one per sample, shared by the gates).
  int implementation = 1;
  bool return_sequences = false;
  // The layer's outputs become [output, h] (SimpleRNN, GRU) or [output, h, c] (LSTM), the states
  // after the last time step: call it with apply() (functional API).
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;  // needs a fixed batch size (batch_input_shape or batch_size)
  bool unroll = false;    // accepted; the fused kernel makes unrolling unnecessary
  // GRU: apply the reset gate after the recurrent product, hh = act(x W_h + b_h + r * (h U_h +
  // rb_h)), with separate input and recurrent biases (bias shape (2, 3 * units)): PyTorch's and
  // CuDNN's GRU. Keras 2.2.4's default is false.
  bool reset_after = false;
  std::optional<std::uint64_t> seed{};  // of the dropout masks
  std::optional<std::int64_t> input_dim{};
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::optional<std::int64_t> batch_size{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order
};

// The shared machinery of SimpleRNN, GRU and LSTM (Keras 1's Recurrent, Keras 2's RNN).
// Initial states, as Keras 2.2.4's `layer(x, initial_state=[h0, c0])`: `layer(x, {h0, c0})` or
// `layer.apply({x, h0, c0})`; the states become inputs of the call (gradients reach them).
class Recurrent : public Layer {
 public:
  using Layer::operator();
  // A call with initial states (one tensor (batch, units) per state: h, and c for an LSTM);
  // returns every output ([output] or, with return_state, [output, states...]).
  std::vector<SymbolicTensor> operator()(const SymbolicTensor& inputs,
                                         const std::vector<SymbolicTensor>& initial_state);

  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  // The list forms: inputs [x, initial states...]; outputs [output, final states...] with
  // return_state.
  void build_list(const std::vector<Shape>& input_shapes) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;
  nlohmann::json get_config() const override;
  void reset_states() override;

  std::int64_t units() const { return units_; }
  bool return_sequences() const { return return_sequences_; }
  bool return_state() const { return return_state_; }
  bool go_backwards() const { return go_backwards_; }
  bool reset_after() const { return reset_after_; }
  // The number of states: 2 for an LSTM (h, c), else 1.
  int state_count() const { return cell_ == backend::RnnCell::kLSTM ? 2 : 1; }
  bool stateful() const override { return stateful_; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& recurrent_kernel() const { return recurrent_kernel_; }
  const SymbolicTensor& bias() const { return bias_; }
  // The state variables of a stateful layer (h, and c for an LSTM).
  std::vector<SymbolicTensor> states() const { return states_; }
  // The same layer, untrained, with go_backwards flipped and the given name (Bidirectional).
  std::shared_ptr<Recurrent> reversed_copy(const std::string& name) const;

 protected:
  Recurrent(const std::string& class_name, backend::RnnCell cell, RNNOptions options);
  static RNNOptions options_from_config(const nlohmann::json& config);

 private:
  // The sequence over `inputs` from the given initial states (none: zeros, or the stateful
  // layer's states): [output] or [output, final states...] with return_state.
  std::vector<SymbolicTensor> run(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                                  const std::vector<SymbolicTensor>& initial_state);

  backend::RnnCell cell_;
  std::int64_t units_;
  ActivationArg activation_, recurrent_activation_;
  backend::OpKind activation_op_, recurrent_activation_op_;
  bool use_bias_;
  std::string kernel_initializer_, recurrent_initializer_, bias_initializer_;
  bool unit_forget_bias_;
  regularizers::Regularizer kernel_regularizer_, recurrent_regularizer_, bias_regularizer_,
      activity_regularizer_;
  constraints::Constraint kernel_constraint_, recurrent_constraint_, bias_constraint_;
  double dropout_, recurrent_dropout_;
  int implementation_;
  bool return_sequences_, return_state_, go_backwards_, stateful_, unroll_, reset_after_;
  std::optional<std::uint64_t> seed_;
  SymbolicTensor kernel_, recurrent_kernel_, bias_;
  std::vector<SymbolicTensor> states_;
};

// h_t = activation(x_t W + b + h_{t-1} U).
class SimpleRNN : public Recurrent {
 public:
  explicit SimpleRNN(RNNOptions options);
  SimpleRNN(std::int64_t units, RNNOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  std::string class_name() const override { return "SimpleRNN"; }
};

// Keras 2.2.4's GRU: gates z, r, h in the kernel's columns; reset_after=true is PyTorch's GRU (the
// bias then holds the input bias and the recurrent bias as two rows).
class GRU : public Recurrent {
 public:
  explicit GRU(RNNOptions options);
  GRU(std::int64_t units, RNNOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  std::string class_name() const override { return "GRU"; }
};

// Keras's LSTM: gates i, f, c, o in the kernel's columns.
class LSTM : public Recurrent {
 public:
  explicit LSTM(RNNOptions options);
  LSTM(std::int64_t units, RNNOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  std::string class_name() const override { return "LSTM"; }
};

struct BidirectionalOptions {
  // "concat", "sum", "mul", "ave", or std::nullopt (Keras's None): the two outputs as a list.
  std::optional<std::string> merge_mode = "concat";
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
};

// Runs `layer` forwards and a copy of it backwards over the sequence and merges their outputs.
// Weights: the forward layer's, then the backward layer's (Keras's order). Outputs (Keras 2.2.4):
// the merged output, or [forward, backward] with merge_mode std::nullopt; with the wrapped layer's
// return_state, followed by the forward layer's final states and then the backward layer's.
// Initial states: `bi(x, {forward states..., backward states...})` or `bi.apply({x, ...})`.
class Bidirectional : public Layer {
 public:
  using Layer::operator();
  std::vector<SymbolicTensor> operator()(const SymbolicTensor& inputs,
                                         const std::vector<SymbolicTensor>& initial_state);

  Bidirectional(std::shared_ptr<Recurrent> layer, BidirectionalOptions options = {});
  template <typename L>
  requires std::is_base_of_v<Recurrent, L> Bidirectional(L&& layer,  // NOLINT
                                                         BidirectionalOptions options = {})
      : Bidirectional(std::make_shared<std::decay_t<L>>(std::forward<L>(layer)), options) {}
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  std::string class_name() const override { return "Bidirectional"; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  void build_list(const std::vector<Shape>& input_shapes) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;
  nlohmann::json get_config() const override;
  bool stateful() const override { return forward_->stateful(); }
  const std::optional<std::string>& merge_mode() const { return merge_mode_; }
  void reset_states() override;

  const std::shared_ptr<Recurrent>& forward_layer() const { return forward_; }
  const std::shared_ptr<Recurrent>& backward_layer() const { return backward_; }

 private:
  std::shared_ptr<Recurrent> forward_, backward_;
  std::optional<std::string> merge_mode_;
  std::vector<SymbolicTensor> merge(const SymbolicTensor& y, const SymbolicTensor& y_rev) const;
};

}  // namespace keras::layers
