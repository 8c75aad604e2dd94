// Keras's recurrent layers: SimpleRNN, GRU and LSTM (Keras 2.2.4's equations and weight layouts),
// the Bidirectional wrapper, and Keras 2.2.4's cell API: RNN(cell) over SimpleRNNCell, GRUCell,
// LSTMCell, StackedRNNCells or a cell written in Python. A built-in cell computes inputs @ kernel
// + bias for all time steps in one product, then runs the whole sequence in one fused op
// (K::recurrent) with its own gradient; other cells run step by step, unrolled over time.
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
#include "keras/layers/schema.h"
#include "keras/layers/wrappers.h"
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

// The schema of SimpleRNN's, GRU's and LSTM's arguments (include/keras/layers/schema.h): Keras
// 2.2.4's names in its order per layer, Keras 1's spellings as its legacy interfaces convert them.
// The options stay RNNOptions; this names the fields each layer takes.
template <backend::RnnCell Kind>
struct RecurrentArguments : RNNOptions {
  template <typename Schema>
  static void arguments(Schema& s) {
    using O = RecurrentArguments;
    using R = RNNOptions;
    using schema::ArgKind;
    // RNNOptions' fields as this struct's (a base member is a member of the derived class).
    auto f = []<typename T>(T R::*member) -> T O::* { return member; };
    constexpr bool gated = Kind != backend::RnnCell::kSimpleRNN;
    s.arg("units", f(&R::units), {.required = true, .keras1 = {{"output_dim"}}});
    s.arg("activation", f(&R::activation));
    if constexpr (gated)
      s.arg("recurrent_activation", f(&R::recurrent_activation),
            {.keras1 = {{"inner_activation"}}});
    s.arg("use_bias", f(&R::use_bias));
    s.arg("kernel_initializer", f(&R::kernel_initializer),
          {.kind = ArgKind::initializer, .keras1 = {{"init"}}});
    s.arg("recurrent_initializer", f(&R::recurrent_initializer),
          {.kind = ArgKind::initializer, .keras1 = {{"inner_init"}}});
    s.arg("bias_initializer", f(&R::bias_initializer), {.kind = ArgKind::initializer});
    if constexpr (Kind == backend::RnnCell::kLSTM)
      s.arg("unit_forget_bias", f(&R::unit_forget_bias),
            {.keras1 = {{"forget_bias_init",
                         {{"one", true}, {"ones", true}, {"zero", false}, {"zeros", false}}}}});
    s.arg("kernel_regularizer", f(&R::kernel_regularizer), {.keras1 = {{"W_regularizer"}}});
    s.arg("recurrent_regularizer", f(&R::recurrent_regularizer), {.keras1 = {{"U_regularizer"}}});
    s.arg("bias_regularizer", f(&R::bias_regularizer), {.keras1 = {{"b_regularizer"}}});
    s.arg("activity_regularizer", f(&R::activity_regularizer));
    s.arg("kernel_constraint", f(&R::kernel_constraint), {.keras1 = {{"W_constraint"}}});
    s.arg("recurrent_constraint", f(&R::recurrent_constraint), {.keras1 = {{"U_constraint"}}});
    s.arg("bias_constraint", f(&R::bias_constraint), {.keras1 = {{"b_constraint"}}});
    s.arg("dropout", f(&R::dropout), {.keras1 = {{"dropout_W"}}});
    s.arg("recurrent_dropout", f(&R::recurrent_dropout), {.keras1 = {{"dropout_U"}}});
    if constexpr (gated)
      s.arg("implementation", f(&R::implementation),
            {.keras1 = {{"consume_less", {{"cpu", 0}, {"mem", 1}, {"gpu", 2}}}}});
    else
      s.keras1_dropped({"implementation", nullptr,
                        "The `implementation` argument in `SimpleRNN` has been deprecated. "
                        "Please remove it from your layer call."});
    s.arg("return_sequences", f(&R::return_sequences));
    s.arg("return_state", f(&R::return_state));
    s.arg("go_backwards", f(&R::go_backwards));
    s.arg("stateful", f(&R::stateful));
    s.arg("unroll", f(&R::unroll));
    if constexpr (Kind == backend::RnnCell::kGRU) s.arg("reset_after", f(&R::reset_after));
  }
};

// The own arguments of Keras's Recurrent, the base class of SimpleRNN, GRU and LSTM (Keras
// 2.2.4's legacy Recurrent): keras_cpp.layers.Recurrent's signature.
struct RecurrentBaseArguments : RNNOptions {
  template <typename Schema>
  static void arguments(Schema& s) {
    using O = RecurrentBaseArguments;
    using R = RNNOptions;
    auto f = []<typename T>(T R::*member) -> T O::* { return member; };
    s.arg("return_sequences", f(&R::return_sequences));
    s.arg("return_state", f(&R::return_state));
    s.arg("go_backwards", f(&R::go_backwards));
    s.arg("stateful", f(&R::stateful));
    s.arg("unroll", f(&R::unroll));
    s.arg("implementation", f(&R::implementation),
          {.keras1 = {{"consume_less", {{"cpu", 0}, {"mem", 1}, {"gpu", 2}}}}});
  }
};

// Keras's cell protocol: what RNN needs of a cell besides being a Layer (built-in cells, stacks,
// and layers written in Python, whose `state_size` and call(inputs, states) this reads).
struct CellStep {
  SymbolicTensor output;
  std::vector<SymbolicTensor> states;
};
class RNNCell {
 public:
  virtual ~RNNCell() = default;
  // One size per state (h; h and c for an LSTM), in the order of call's states.
  virtual std::vector<std::int64_t> state_size() const = 0;
  // The last axis of the output: Keras's output_size, or the first state's size.
  virtual std::int64_t output_size() const { return state_size().front(); }
  // One time step: the output and the new states from inputs (batch, ...) and the states.
  virtual CellStep step(const SymbolicTensor& inputs,
                        const std::vector<SymbolicTensor>& states) = 0;
  // Called before the steps of each sequence: a cell drawing dropout masks once per sequence
  // forgets the last sequence's.
  virtual void start_sequence() {}
  // Keras's cells whose call takes `constants=`: tensors given to every step (an RNN called
  // with constants), built with build_list({step input shape, constant shapes...}).
  virtual bool takes_constants() const { return false; }
  virtual CellStep step_with_constants(const SymbolicTensor& inputs,
                                       const std::vector<SymbolicTensor>& states,
                                       const std::vector<SymbolicTensor>& constants);
};

namespace detail {

// A built-in cell's arguments and, once built, its weights: what SimpleRNN, GRU and LSTM and their
// cells (SimpleRNNCell, GRUCell, LSTMCell) compute with. The one definition of Keras 2.2.4's
// weights (kernel, recurrent_kernel, bias) and of running them over a sequence: the fused op
// K::recurrent when it computes the activations, else the step-by-step cell of cell_graph.cpp.
struct RecurrentCellSpec {
  backend::RnnCell kind = backend::RnnCell::kSimpleRNN;
  std::int64_t units = 0;
  ActivationArg activation = "tanh";
  ActivationArg recurrent_activation = "hard_sigmoid";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string recurrent_initializer = "orthogonal";
  std::string bias_initializer = "zeros";
  bool unit_forget_bias = true;
  regularizers::Regularizer kernel_regularizer{}, recurrent_regularizer{}, bias_regularizer{};
  constraints::Constraint kernel_constraint{}, recurrent_constraint{}, bias_constraint{};
  double dropout = 0.0, recurrent_dropout = 0.0;
  bool reset_after = false;  // GRU only
  // CuDNNLSTM / CuDNNGRU (cudnn_recurrent.h): the weights in cuDNN's layout (the input and the
  // recurrent biases apart: 8 / 6 * units), run as the LSTM / GRU(reset_after) weights they are.
  bool cudnn_layout = false;
  std::optional<std::uint64_t> seed{};
  SymbolicTensor kernel{}, recurrent_kernel{}, bias{};

  // Keras's checks of the arguments, naming layer `owner`.
  void validate(const std::string& owner) const;
  int state_count() const { return kind == backend::RnnCell::kLSTM ? 2 : 1; }
  // Creates kernel, recurrent_kernel and bias on `owner` for inputs of `input_dim` features.
  void build(Layer& owner, std::int64_t input_dim);
  // The whole sequence over inputs (batch, steps, input_dim) from the initial states (none:
  // zeros): (steps, batch, width * units) in processing order, h (and c) in its first columns.
  SymbolicTensor sequence(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                          const std::vector<SymbolicTensor>& initial_state, bool go_backwards,
                          const std::string& owner) const;
  // From sequence's result: the states after the last step, and the outputs (batch, steps, units).
  std::vector<SymbolicTensor> last_states(const SymbolicTensor& y) const;
  SymbolicTensor outputs(const SymbolicTensor& y) const;
  // This spec with cuDNN-layout weights as Keras's LSTM / GRU(reset_after) weights: graph ops
  // over the variables, so gradients reach them (cudnn_recurrent.cpp).
  RecurrentCellSpec keras_layout() const;
  // One step from inputs (batch, input_dim); the dropout masks (undefined: none) multiply the
  // inputs and h_{t-1}.
  CellStep step(const SymbolicTensor& inputs, const std::vector<SymbolicTensor>& states,
                const SymbolicTensor& input_mask, const SymbolicTensor& recurrent_mask) const;
};

}  // namespace detail

// The shared machinery of SimpleRNN, GRU and LSTM (Keras 1's Recurrent, Keras 2's RNN).
// Initial states, as Keras 2.2.4's `layer(x, initial_state=[h0, c0])`: `layer(x, {h0, c0})` or
// `layer.apply({x, h0, c0})`; the states become inputs of the call (gradients reach them).
class Recurrent : public Layer {
 public:
  using Layer::operator();
  // A call with initial states (one tensor (batch, units) per state: h, and c for an LSTM);
  // returns every output ([output] or, with return_state, [output, states...]).
  std::vector<KerasTensor> operator()(const KerasTensor& inputs,
                                      const std::vector<KerasTensor>& initial_state) &;
  std::vector<KerasTensor> operator()(const KerasTensor& inputs,
                                      const std::vector<KerasTensor>& initial_state) && {
    return Shared<Recurrent>(std::move(*this))(inputs, initial_state);  // a temporary: shared
  }

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

  std::int64_t units() const { return spec_.units; }
  bool return_sequences() const { return return_sequences_; }
  bool return_state() const { return return_state_; }
  bool go_backwards() const { return go_backwards_; }
  bool reset_after() const { return spec_.reset_after; }
  // The number of states: 2 for an LSTM (h, c), else 1.
  int state_count() const { return spec_.state_count(); }
  bool stateful() const override { return stateful_; }
  const SymbolicTensor& kernel() const { return spec_.kernel; }
  const SymbolicTensor& recurrent_kernel() const { return spec_.recurrent_kernel; }
  const SymbolicTensor& bias() const { return spec_.bias; }
  // The state variables of a stateful layer (h, and c for an LSTM).
  std::vector<SymbolicTensor> states() const { return states_; }
  // The same layer, untrained, with go_backwards flipped and the given name (Bidirectional).
  virtual std::shared_ptr<Recurrent> reversed_copy(const std::string& name) const;
  // The layer's arguments (Keras 2 names; name and shapes aside).
  RNNOptions options() const;

 protected:
  Recurrent(const std::string& class_name, backend::RnnCell cell, RNNOptions options);
  detail::RecurrentCellSpec& cell_spec() { return spec_; }

 private:
  // The sequence over `inputs` from the given initial states (none: zeros, or the stateful
  // layer's states): [output] or [output, final states...] with return_state.
  std::vector<SymbolicTensor> run(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                                  const std::vector<SymbolicTensor>& initial_state);

  detail::RecurrentCellSpec spec_;
  regularizers::Regularizer activity_regularizer_;
  int implementation_;
  bool return_sequences_, return_state_, go_backwards_, stateful_, unroll_;
  std::vector<SymbolicTensor> states_;
};

// h_t = activation(x_t W + b + h_{t-1} U).
class SimpleRNN : public Recurrent {
 public:
  explicit SimpleRNN(RNNOptions options);
  SimpleRNN(std::int64_t units, RNNOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  KERAS_LAYER_CLASS(SimpleRNN)
};

// Keras 2.2.4's GRU: gates z, r, h in the kernel's columns; reset_after=true is PyTorch's GRU (the
// bias then holds the input bias and the recurrent bias as two rows).
class GRU : public Recurrent {
 public:
  explicit GRU(RNNOptions options);
  GRU(std::int64_t units, RNNOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  KERAS_LAYER_CLASS(GRU)
};

// Keras's LSTM: gates i, f, c, o in the kernel's columns.
class LSTM : public Recurrent {
 public:
  explicit LSTM(RNNOptions options);
  LSTM(std::int64_t units, RNNOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  KERAS_LAYER_CLASS(LSTM)
};

// ---- Keras 2.2.4's cell API ---------------------------------------------------------------------

// The arguments of SimpleRNNCell, GRUCell and LSTMCell in Keras 2.2.4's order (the schema: each
// cell declares the arguments it has). LSTMCell(8, {.recurrent_activation = "sigmoid"}).
template <backend::RnnCell Kind>
struct CellOptions {
  std::int64_t units = 0;
  ActivationArg activation = "tanh";
  ActivationArg recurrent_activation = "hard_sigmoid";  // GRUCell, LSTMCell
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string recurrent_initializer = "orthogonal";
  std::string bias_initializer = "zeros";
  bool unit_forget_bias = true;  // LSTMCell: the forget gate's bias starts at 1
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer recurrent_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  int implementation = 1;    // GRUCell, LSTMCell: 1 or 2, the same numbers (see RNNOptions)
  bool reset_after = false;  // GRUCell
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = CellOptions;
    using schema::ArgKind;
    constexpr bool gated = Kind != backend::RnnCell::kSimpleRNN;
    s.arg("units", &O::units, {.required = true});
    s.arg("activation", &O::activation);
    if constexpr (gated) s.arg("recurrent_activation", &O::recurrent_activation);
    s.arg("use_bias", &O::use_bias);
    s.arg("kernel_initializer", &O::kernel_initializer, {.kind = ArgKind::initializer});
    s.arg("recurrent_initializer", &O::recurrent_initializer, {.kind = ArgKind::initializer});
    s.arg("bias_initializer", &O::bias_initializer, {.kind = ArgKind::initializer});
    if constexpr (Kind == backend::RnnCell::kLSTM) s.arg("unit_forget_bias", &O::unit_forget_bias);
    s.arg("kernel_regularizer", &O::kernel_regularizer);
    s.arg("recurrent_regularizer", &O::recurrent_regularizer);
    s.arg("bias_regularizer", &O::bias_regularizer);
    s.arg("kernel_constraint", &O::kernel_constraint);
    s.arg("recurrent_constraint", &O::recurrent_constraint);
    s.arg("bias_constraint", &O::bias_constraint);
    s.arg("dropout", &O::dropout);
    s.arg("recurrent_dropout", &O::recurrent_dropout);
    if constexpr (gated) s.arg("implementation", &O::implementation);
    if constexpr (Kind == backend::RnnCell::kGRU) s.arg("reset_after", &O::reset_after);
  }
};
using SimpleRNNCellOptions = CellOptions<backend::RnnCell::kSimpleRNN>;
using GRUCellOptions = CellOptions<backend::RnnCell::kGRU>;
using LSTMCellOptions = CellOptions<backend::RnnCell::kLSTM>;

// SimpleRNNCell, GRUCell and LSTMCell: one step of SimpleRNN, GRU and LSTM, with their weights
// (kernel, recurrent_kernel, bias). RNN(LSTMCell(8)) runs the sequence in the fused op and
// computes what LSTM(8) does with the same weights.
template <backend::RnnCell Kind>
class BuiltinCell : public Layer, public RNNCell {
 public:
  KERAS_LAYER_SHAREABLE(BuiltinCell)
  explicit BuiltinCell(CellOptions<Kind> options);
  BuiltinCell(std::int64_t units, CellOptions<Kind> options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  static std::string keras_class_name();  // SimpleRNNCell, GRUCell, LSTMCell

  std::string class_name() const override;
  void build(const Shape& input_shape) override;
  // A cell is run by an RNN layer over a sequence, as in Keras.
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;

  std::vector<std::int64_t> state_size() const override;
  CellStep step(const SymbolicTensor& inputs, const std::vector<SymbolicTensor>& states) override;
  void start_sequence() override { input_mask_ = recurrent_mask_ = SymbolicTensor(); }

  std::int64_t units() const { return spec_.units; }
  const detail::RecurrentCellSpec& spec() const { return spec_; }
  const CellOptions<Kind>& options() const { return options_; }

 private:
  CellOptions<Kind> options_;
  detail::RecurrentCellSpec spec_;
  SymbolicTensor input_mask_, recurrent_mask_;  // this sequence's dropout masks
};
using SimpleRNNCell = BuiltinCell<backend::RnnCell::kSimpleRNN>;
using GRUCell = BuiltinCell<backend::RnnCell::kGRU>;
using LSTMCell = BuiltinCell<backend::RnnCell::kLSTM>;

struct StackedRNNCellsOptions {
  std::string name{};
  bool trainable = true;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  // Keras 2.2.4: the states in the reverse order of the cells ([h2, c2, h1, c1]), as Keras
  // before 2.2.3 had them.
  bool reverse_state_order = false;

  template <typename Schema>
  static void arguments(Schema& s) {  // `cells` aside
    // Keras pops it from **kwargs: outside the signature.
    s.arg("reverse_state_order", &StackedRNNCellsOptions::reverse_state_order,
          {.keyword_only = true});
  }
};

// Keras's StackedRNNCells: cells run one after the other at each step, each on the previous
// one's output. States: each cell's, in the cells' order ([h1, c1, h2, c2] for two LSTMCells)
// or with reverse_state_order in the reverse one.
class StackedRNNCells : public Layer, public RNNCell {
 public:
  explicit StackedRNNCells(std::vector<LayerPtr> cells, StackedRNNCellsOptions options = {});
  // The cells from their {"class_name", "config"} entries (custom objects included).
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  KERAS_LAYER_CLASS(StackedRNNCells)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;

  void build_list(const std::vector<Shape>& input_shapes) override;  // with constants' shapes
  std::vector<std::int64_t> state_size() const override;
  std::int64_t output_size() const override;
  CellStep step(const SymbolicTensor& inputs, const std::vector<SymbolicTensor>& states) override;
  void start_sequence() override;
  // Any cell taking constants gets them (Keras 2.2.4's StackedRNNCells.call).
  bool takes_constants() const override;
  CellStep step_with_constants(const SymbolicTensor& inputs,
                               const std::vector<SymbolicTensor>& states,
                               const std::vector<SymbolicTensor>& constants) override;

  const std::vector<LayerPtr>& cells() const { return cells_; }
  bool reverse_state_order() const { return reverse_state_order_; }
  // The cells' (a cell set trainable = false after the stack was made holds non-trainable ones;
  // a loss added to a cell later counts).
  std::vector<SymbolicTensor> trainable_weights() const override;
  std::vector<SymbolicTensor> non_trainable_weights() const override;
  std::vector<SymbolicTensor> losses() const override;

 private:
  // The cells in the order of their states.
  std::vector<LayerPtr> cells_in_state_order() const;

  std::vector<LayerPtr> cells_;
  bool reverse_state_order_;
};

// The cell protocol of a layer, or Keras's error naming what it is.
RNNCell& as_cell(Layer& layer);

// RNN's own arguments after `cell`, in Keras 2.2.4's order.
struct RNNLayerOptions {
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;  // needs a fixed batch size (batch_input_shape or batch_size)
  // Keras's unroll: cells other than the built-in ones are always unrolled over the timesteps
  // (when known only at run time, per length), as the graph has no loop op; built-in cells run
  // the fused sequence op either way.
  bool unroll = false;
  std::optional<std::int64_t> input_dim{};
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::optional<std::int64_t> batch_size{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order
  // How many of a call's last inputs are constants: Keras's config key, set by a call with
  // constants (rnn(x, {}, {constants...})).
  std::optional<int> num_constants{};

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = RNNLayerOptions;
    s.arg("return_sequences", &O::return_sequences);
    s.arg("return_state", &O::return_state);
    s.arg("go_backwards", &O::go_backwards);
    s.arg("stateful", &O::stateful);
    s.arg("unroll", &O::unroll);
    s.arg("num_constants", &O::num_constants, {.keyword_only = true});
  }
};

// Keras 2.2.4's RNN(cell): the cell run over the timesteps of (batch, timesteps, input_dim)
// inputs. Built-in cells (alone or stacked) run the fused sequence op, one after the other;
// any other cell runs step by step, its step traced once per timestep (a number of timesteps
// known only at run time: once per length seen, layers/recurrent/traced_steps.h). Weights: the
// cells', in Keras's order (kernel, recurrent_kernel, bias per cell). Initial states as for
// Recurrent: `rnn(x, {states...})` or `rnn.apply({x, states...})`.
class RNN : public Layer {
 public:
  using Layer::operator();
  // A call with initial states (none: zeros) and constants (given to every step of a cell that
  // takes them; none: a plain call).
  std::vector<KerasTensor> operator()(const KerasTensor& inputs,
                                      const std::vector<KerasTensor>& initial_state,
                                      const std::vector<KerasTensor>& constants = {}) &;
  std::vector<KerasTensor> operator()(const KerasTensor& inputs,
                                      const std::vector<KerasTensor>& initial_state,
                                      const std::vector<KerasTensor>& constants = {}) && {
    return Shared<RNN>(std::move(*this))(inputs, initial_state, constants);  // a temporary
  }

  explicit RNN(LayerPtr cell, RNNLayerOptions options = {});
  // Keras's list of cells: a StackedRNNCells.
  explicit RNN(std::vector<LayerPtr> cells, RNNLayerOptions options = {});
  template <typename C>
  requires std::is_base_of_v<RNNCell, std::decay_t<C>> &&
      (!std::is_lvalue_reference_v<C>)explicit RNN(
          C&& cell, RNNLayerOptions options = {})  // NOLINT: RNN(LSTMCell(8))
      : RNN(LayerPtr(std::make_shared<std::decay_t<C>>(std::move(cell))), std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  KERAS_LAYER_CLASS(RNN)
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
  bool stateful() const override { return options_.stateful; }
  void reset_states() override;

  const LayerPtr& cell() const { return cell_; }
  // The cell's (its `trainable` counts, also when set after the RNN was made, as in Keras);
  // losses: the cell's as they are now, then the layer's own (activity regularization).
  std::vector<SymbolicTensor> trainable_weights() const override;
  std::vector<SymbolicTensor> non_trainable_weights() const override;
  std::vector<SymbolicTensor> losses() const override;
  const RNNLayerOptions& options() const { return options_; }
  std::vector<SymbolicTensor> states() const { return states_; }
  // How many of a call's last inputs are constants (Keras's _num_constants).
  void set_num_constants(std::optional<int> n);

 private:
  // [output] or [output, final states...] with return_state.
  std::vector<SymbolicTensor> run(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                                  const std::vector<SymbolicTensor>& initial_state,
                                  const std::vector<SymbolicTensor>& constants);
  // The specs of the built-in cells when every cell is one (the fused path), else empty.
  std::vector<const detail::RecurrentCellSpec*> builtin_specs() const;
  // (output sequence, last output, final states) step by step.
  void unrolled(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                const std::vector<SymbolicTensor>& constants, std::vector<SymbolicTensor>& states,
                SymbolicTensor& sequence, SymbolicTensor& last);

  LayerPtr cell_;
  RNNCell* protocol_;
  RNNLayerOptions options_;
  std::vector<SymbolicTensor> states_;
};

// Bidirectional's arguments in Keras 2.2.4's order (the schema): Bidirectional(LSTM(8)) or
// Bidirectional(RNN(LSTMCell(8)), {.merge_mode = std::nullopt}).
struct BidirectionalOptions {
  WrappedLayerArg layer{};
  // "concat", "sum", "mul", "ave", or std::nullopt (Keras's None): the two outputs as a list.
  std::optional<std::string> merge_mode = "concat";
  // The initial weights: the forward layer's, then the backward layer's (Keras splits the list
  // in halves).
  std::vector<Tensor> weights{};
  // How many of a call's last inputs are constants (Keras's config key, set by a call with
  // constants).
  std::optional<int> num_constants{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = BidirectionalOptions;
    s.arg("layer", &O::layer, {.required = true});
    s.arg("merge_mode", &O::merge_mode, {.none_is_value = true});
    s.arg("num_constants", &O::num_constants, {.keyword_only = true});
  }
};

// Runs `layer` (any recurrent layer: SimpleRNN, GRU, LSTM, RNN(cell) with any cell, ConvLSTM2D)
// forwards and a copy of it backwards over the sequence and merges their outputs. The copy is
// made from the layer's config with go_backwards flipped, as Keras does. Weights: the forward
// layer's, then the backward layer's (Keras's order). Outputs (Keras 2.2.4): the merged output,
// or [forward, backward] with merge_mode std::nullopt; with the wrapped layer's return_state,
// followed by the forward layer's final states and then the backward layer's. Initial states:
// `bi(x, {forward states..., backward states...})` or `bi.apply({x, ...})`; constants (an
// RNN whose cell takes them) go to both layers: `bi(x, {}, {constants...})`.
class Bidirectional : public Wrapper {
 public:
  using Layer::operator();
  std::vector<KerasTensor> operator()(const KerasTensor& inputs,
                                      const std::vector<KerasTensor>& initial_state,
                                      const std::vector<KerasTensor>& constants = {}) &;
  std::vector<KerasTensor> operator()(const KerasTensor& inputs,
                                      const std::vector<KerasTensor>& initial_state,
                                      const std::vector<KerasTensor>& constants = {}) && {
    return Shared<Bidirectional>(std::move(*this))(inputs, initial_state,
                                                   constants);  // a temporary
  }

  explicit Bidirectional(BidirectionalOptions options);
  Bidirectional(LayerPtr layer, BidirectionalOptions options = {});
  template <typename L>
  requires std::is_base_of_v<Layer, std::decay_t<L>> &&
      (!std::is_lvalue_reference_v<L>)Bidirectional(L&& layer,  // NOLINT
                                                    BidirectionalOptions options = {})
      : Bidirectional(LayerPtr(std::make_shared<std::decay_t<L>>(std::forward<L>(layer))),
                      std::move(options)) {}
  template <typename L>
  requires std::is_base_of_v<Layer, L> Bidirectional(std::shared_ptr<L> layer,  // NOLINT
                                                     BidirectionalOptions options = {})
      : Bidirectional(LayerPtr(std::move(layer)), std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  KERAS_LAYER_CLASS(Bidirectional)
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

  const LayerPtr& forward_layer() const { return forward_; }
  const LayerPtr& backward_layer() const { return backward_; }
  bool return_sequences() const { return return_sequences_; }
  bool return_state() const { return return_state_; }
  // How many of a call's last inputs are constants (none until a call passes some).
  std::optional<int> num_constants() const { return num_constants_; }
  void set_num_constants(std::optional<int> n);

 private:
  LayerPtr forward_, backward_;
  std::optional<std::string> merge_mode_;
  bool return_sequences_ = false, return_state_ = false;
  std::optional<int> num_constants_;
  std::vector<Tensor> pending_weights_;  // `weights=`, set once both layers are built
  // Keras's Bidirectional weights: the forward layer's, then the backward layer's.
  std::vector<LayerPtr> wrapped_layers() const override { return {forward_, backward_}; }
  std::vector<SymbolicTensor> merge(const SymbolicTensor& y, const SymbolicTensor& y_rev) const;
};

}  // namespace keras::layers
