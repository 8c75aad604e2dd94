// RecurrentCellSpec: the weights of a built-in cell and its sequence (fused op or step by step),
// shared by SimpleRNN/GRU/LSTM and RNN(SimpleRNNCell/GRUCell/LSTMCell).
#include <map>
#include <optional>
#include <stdexcept>

#include "backend/reshape_like.h"
#include "keras/layers/recurrent.h"
#include "layers/recurrent/cell_graph.h"

namespace keras::layers::detail {

namespace K = backend;
using backend::OpKind;

namespace {

// The fused sequence op's activation for `arg`, or none: a custom function, or an activation the
// op does not compute (softmax, selu), takes the step-by-step path (cell_graph.h).
std::optional<OpKind> fused_activation_op(const ActivationArg& arg) {
  if (arg.function) return std::nullopt;
  static const std::map<std::string, OpKind> fused{{"", OpKind::kCount},
                                                   {"linear", OpKind::kCount},
                                                   {"tanh", OpKind::kTanh},
                                                   {"sigmoid", OpKind::kSigmoid},
                                                   {"hard_sigmoid", OpKind::kHardSigmoid},
                                                   {"relu", OpKind::kRelu},
                                                   {"elu", OpKind::kElu},
                                                   {"softplus", OpKind::kSoftplus},
                                                   {"softsign", OpKind::kSoftsign},
                                                   {"exponential", OpKind::kExp}};
  auto it = fused.find(arg.name);
  if (it == fused.end()) return std::nullopt;
  return it->second;
}

int gate_count(K::RnnCell cell) {
  return cell == K::RnnCell::kLSTM ? 4 : (cell == K::RnnCell::kGRU ? 3 : 1);
}

void check_rate(double rate, const char* what, const std::string& layer) {
  if (rate < 0 || rate >= 1)
    throw std::invalid_argument(layer + ": " + what + " must be in [0, 1), got " +
                                std::to_string(rate));
}

// (rows, u) zeros from a (steps, rows, g) or (rows, g) tensor: the zero states.
SymbolicTensor zero_state(const SymbolicTensor& rows_by_g, std::int64_t u) {
  SymbolicTensor x = rows_by_g.ndim() == 3 ? K::slice(rows_by_g, 0, 0, 1) : rows_by_g;
  return K::reshape(K::slice(x, -1, 0, u), {-1, u}) * 0.0;
}

}  // namespace

void RecurrentCellSpec::validate(const std::string& owner) const {
  if (units <= 0)
    throw std::invalid_argument(owner + " needs a positive `units` (Keras 1: `output_dim`), got " +
                                std::to_string(units));
  activation.resolve();  // an unknown name fails here, as in Keras
  recurrent_activation.resolve();
  check_rate(dropout, "dropout", owner);
  check_rate(recurrent_dropout, "recurrent_dropout", owner);
  initializers::get(kernel_initializer);
  initializers::get(recurrent_initializer);
  initializers::get(bias_initializer);
}

void RecurrentCellSpec::build(Layer& owner, std::int64_t input_dim) {
  const std::int64_t g = gate_count(kind) * units;
  kernel = owner.add_weight("kernel", {input_dim, g}, initializers::get(kernel_initializer), true,
                            kernel_regularizer.function(), kernel_constraint.function());
  recurrent_kernel =
      owner.add_weight("recurrent_kernel", {units, g}, initializers::get(recurrent_initializer),
                       true, recurrent_regularizer.function(), recurrent_constraint.function());
  if (!use_bias) return;
  initializers::Initializer init = initializers::get(bias_initializer);
  if (kind == K::RnnCell::kLSTM && unit_forget_bias) {
    const std::int64_t u = units;
    // Keras: concatenate(bias_initializer(u), ones(u), bias_initializer(2u)); CuDNNLSTM's ones
    // are the recurrent forget bias, after the input biases: bias_initializer(5u) first.
    const std::int64_t before = cudnn_layout ? 5 * u : u;
    init = [base = init, u, before](const Shape&, DType dtype) {
      std::vector<double> values = base({before}, dtype).to_vector<double>();
      values.insert(values.end(), static_cast<std::size_t>(u), 1.0);
      std::vector<double> cell = base({2 * u}, dtype).to_vector<double>();
      values.insert(values.end(), cell.begin(), cell.end());
      return Tensor::from_vector(values).astype(dtype);
    };
  }
  // A GRU with reset_after has an input bias and a recurrent bias: Keras's (2, 3 * units);
  // cuDNN's layers keep both as one vector.
  const Shape bias_shape = cudnn_layout ? Shape{2 * g} : reset_after ? Shape{2, g} : Shape{g};
  bias = owner.add_weight("bias", bias_shape, init, true, bias_regularizer.function(),
                          bias_constraint.function());
}

namespace {

// inputs (rows, input_dim) @ kernel + the input bias, and the options carrying the h block of a
// GRU's recurrent bias (reset_after): the recurrent op's operands.
SymbolicTensor project(const RecurrentCellSpec& spec, const SymbolicTensor& x2d,
                       K::RecurrentOptions& options) {
  const std::int64_t u = spec.units, g = spec.kernel.shape()[1];
  SymbolicTensor xproj = K::dot(x2d, spec.kernel);
  if (spec.use_bias && spec.reset_after) {
    // The recurrent bias's z and r blocks add to the inputs' projection like the input bias; its
    // h block goes inside the reset gate, in the recurrent op.
    SymbolicTensor input_bias = K::reshape(K::slice(spec.bias, 0, 0, 1), {g});
    SymbolicTensor recurrent_bias = K::reshape(K::slice(spec.bias, 0, 1, 2), {g});
    xproj = xproj + (input_bias + K::pad(K::slice(recurrent_bias, 0, 0, 2 * u), {0}, {u}));
    options.recurrent_bias = K::slice(recurrent_bias, 0, 2 * u, 3 * u);
  } else if (spec.use_bias) {
    xproj = xproj + spec.bias;
  }
  options.cell = spec.kind;
  options.reset_after = spec.reset_after;
  return xproj;
}

}  // namespace

SymbolicTensor RecurrentCellSpec::sequence(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                                           const std::vector<SymbolicTensor>& initial_state,
                                           bool go_backwards, const std::string& owner) const {
  if (cudnn_layout)
    return keras_layout().sequence(inputs, mask, initial_state, go_backwards, owner);
  const Shape& shape = inputs.shape();
  const std::int64_t steps = shape[1], u = units;
  SymbolicTensor x = inputs;
  if (dropout > 0) {
    SymbolicTensor ones = K::slice(x, 1, 0, 1) * 0.0 + 1.0;  // (batch, 1, input_dim)
    x = K::in_train_phase(x * K::dropout(ones, dropout, seed), x);
  }
  // One product for all time steps, as a 2D matrix product (the compiler fuses the bias in), on
  // the time-major inputs the recurrent op reads.
  const std::int64_t input_dim = shape[2], g = kernel.shape()[1];
  SymbolicTensor time_major = K::permute_dimensions(x, {1, 0, 2});
  K::RecurrentOptions options;
  SymbolicTensor xproj = project(*this, K::reshape(time_major, {-1, input_dim}), options);
  // (steps, batch, g); steps and batch may both be known only at run time.
  xproj = steps >= 0 ? K::reshape(xproj, {steps, -1, g})
                     : K::reshape_like(xproj, {-1, -1, g}, time_major, {0, 1, -1});
  const std::optional<OpKind> act = fused_activation_op(activation);
  const std::optional<OpKind> rec_act = fused_activation_op(recurrent_activation);
  options.activation = act.value_or(OpKind::kCount);
  options.recurrent_activation = rec_act.value_or(OpKind::kCount);
  options.go_backwards = go_backwards;
  if (!initial_state.empty()) {
    options.initial_h = initial_state[0];
    if (kind == K::RnnCell::kLSTM) options.initial_c = initial_state[1];
  }
  if (mask.defined()) {
    SymbolicTensor m = K::cast(mask, xproj.dtype());
    if (m.ndim() != 2) m = K::reshape(m, steps >= 0 ? Shape{-1, steps} : Shape{shape[0], -1});
    options.mask = m;
  }
  if (recurrent_dropout > 0) {
    SymbolicTensor ones = zero_state(xproj, u) + 1.0;
    std::optional<std::uint64_t> recurrent_seed;
    if (seed) recurrent_seed = *seed + 1;
    options.recurrent_dropout_mask =
        K::in_train_phase(K::dropout(ones, recurrent_dropout, recurrent_seed), ones);
  }
  const bool fused = act && (rec_act || kind == K::RnnCell::kSimpleRNN);
  if (!fused && steps < 0)
    throw std::invalid_argument(
        "Layer " + owner +
        ": an activation other than tanh, sigmoid, hard_sigmoid, relu, elu, "
        "softplus, softsign, exponential or linear (here '" +
        (act ? recurrent_activation.name : activation.name) +
        "') runs the cell step by step, which needs a known number of timesteps; got input "
        "shape " +
        shape_to_string(shape) + " (give the input an input_length)");
  return fused ? K::recurrent(xproj, recurrent_kernel, options)
               : recurrent_cell_graph(xproj, recurrent_kernel, options, activation.resolve(),
                                      recurrent_activation.resolve());
}

std::vector<SymbolicTensor> RecurrentCellSpec::last_states(const SymbolicTensor& y) const {
  // The last processing step, counted from the end: the number of steps may be unknown.
  SymbolicTensor last = K::slice(y, 0, -1, 0);  // (1, batch, width * units)
  const std::int64_t u = units;
  std::vector<SymbolicTensor> states{K::reshape(K::slice(last, 2, 0, u), {-1, u})};
  if (kind == K::RnnCell::kLSTM) states.push_back(K::reshape(K::slice(last, 2, u, 2 * u), {-1, u}));
  return states;
}

SymbolicTensor RecurrentCellSpec::outputs(const SymbolicTensor& y) const {
  return K::permute_dimensions(K::slice(y, 2, 0, units), {1, 0, 2});
}

CellStep RecurrentCellSpec::step(const SymbolicTensor& inputs,
                                 const std::vector<SymbolicTensor>& states,
                                 const SymbolicTensor& input_mask,
                                 const SymbolicTensor& recurrent_mask) const {
  // The step-by-step cell over a sequence of one step: the same equations as sequence().
  K::RecurrentOptions options;
  SymbolicTensor x = input_mask.defined() ? inputs * input_mask : inputs;
  SymbolicTensor xproj = K::expand_dims(project(*this, x, options), 0);
  options.initial_h = states.at(0);
  if (kind == K::RnnCell::kLSTM) options.initial_c = states.at(1);
  options.recurrent_dropout_mask = recurrent_mask;
  SymbolicTensor y = recurrent_cell_graph(xproj, recurrent_kernel, options, activation.resolve(),
                                          recurrent_activation.resolve());
  std::vector<SymbolicTensor> next = last_states(y);
  return {next.front(), next};
}

}  // namespace keras::layers::detail
