// Recurrent: the shared machinery of SimpleRNN, GRU and LSTM.
#include <optional>
#include <stdexcept>

#include "keras/layers/recurrent.h"
#include "layers/recurrent/stateful.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace K = backend;

namespace {

// From the layer's schema; tf.keras's and Keras 3's Bidirectional write zero_output_for_mask into
// their layers' configs, ignored: a masked step repeats the previous output, as in Keras 2.2.4.
template <typename L, K::RnnCell Kind>
std::shared_ptr<Layer> recurrent_from_config(const nlohmann::json& config, const char* name) {
  nlohmann::json keras2 = config;
  if (keras2.is_object()) keras2.erase("zero_output_for_mask");
  return detail::layer_from_config<L, RecurrentArguments<Kind>>(keras2, name);
}

LayerArguments rnn_arguments(const RNNOptions& o) {
  LayerArguments args = layer_arguments(o);
  args.batch_size = o.batch_size;
  return args;
}

}  // namespace

Recurrent::Recurrent(const std::string& class_name, K::RnnCell cell, RNNOptions o)
    : Layer(class_name, rnn_arguments(o)),
      spec_{.kind = cell,
            .units = o.units != 0 ? o.units : o.output_dim,
            .activation = o.activation,
            .recurrent_activation = o.inner_activation.name.empty() && !o.inner_activation.function
                                        ? o.recurrent_activation
                                        : o.inner_activation,
            .use_bias = o.use_bias,
            .kernel_initializer = o.init.empty() ? o.kernel_initializer : o.init,
            .recurrent_initializer = o.inner_init.empty() ? o.recurrent_initializer : o.inner_init,
            .bias_initializer = o.bias_initializer,
            .unit_forget_bias = o.forget_bias_init.empty()
                                    ? o.unit_forget_bias
                                    : (o.forget_bias_init == "one" || o.forget_bias_init == "ones"),
            .kernel_regularizer = o.W_regularizer ? o.W_regularizer : o.kernel_regularizer,
            .recurrent_regularizer = o.U_regularizer ? o.U_regularizer : o.recurrent_regularizer,
            .bias_regularizer = o.b_regularizer ? o.b_regularizer : o.bias_regularizer,
            .kernel_constraint = o.kernel_constraint,
            .recurrent_constraint = o.recurrent_constraint,
            .bias_constraint = o.bias_constraint,
            .dropout = o.dropout_W > 0 ? o.dropout_W : o.dropout,
            .recurrent_dropout = o.dropout_U > 0 ? o.dropout_U : o.recurrent_dropout,
            .reset_after = cell == K::RnnCell::kGRU && o.reset_after,
            .seed = o.seed},
      activity_regularizer_(o.activity_regularizer),
      implementation_(o.implementation),
      return_sequences_(o.return_sequences),
      return_state_(o.return_state),
      go_backwards_(o.go_backwards),
      stateful_(o.stateful),
      unroll_(o.unroll) {
  supports_masking_ = true;
  spec_.validate(class_name);
  if (implementation_ < 0 || implementation_ > 2)
    throw std::invalid_argument(name() + ": implementation must be 0, 1 or 2, got " +
                                std::to_string(implementation_));
}

void Recurrent::build(const Shape& input_shape) {
  if (input_shape.size() != 3)
    incompatible_input(input_shape,
                       "expected ndim=3, found ndim=" + std::to_string(input_shape.size()));
  const std::int64_t input_dim = input_shape[2];
  if (input_dim < 0)
    incompatible_input(input_shape, "the last dimension of the inputs should be defined");
  spec_.build(*this, input_dim);
  if (stateful_) {
    const std::int64_t batch = detail::stateful_batch_size(*this, input_shape);
    for (int k = 0; k < state_count(); ++k)
      states_.push_back(K::variable(Tensor({batch, spec_.units}, K::floatx()),
                                    name() + (k == 0 ? "/state_h" : "/state_c")));
  }
}

SymbolicTensor Recurrent::call(const SymbolicTensor& inputs) {
  return call_masked(inputs, {});
}

SymbolicTensor Recurrent::call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) {
  return run(inputs, mask, {}).front();
}

std::vector<KerasTensor> Recurrent::operator()(const KerasTensor& inputs,
                                               const std::vector<KerasTensor>& initial_state) & {
  std::vector<KerasTensor> all{inputs};
  all.insert(all.end(), initial_state.begin(), initial_state.end());
  return apply(all);
}

void Recurrent::build_list(const std::vector<Shape>& input_shapes) {
  build(input_shapes.front());  // the rest are initial states, checked by call_list
}

std::vector<SymbolicTensor> Recurrent::call_list(const std::vector<SymbolicTensor>& inputs,
                                                 const std::vector<SymbolicTensor>& masks) {
  std::vector<SymbolicTensor> initial_state(inputs.begin() + 1, inputs.end());
  if (!initial_state.empty()) {
    if (static_cast<int>(initial_state.size()) != state_count())
      throw std::invalid_argument("Layer " + name() + " has " + std::to_string(state_count()) +
                                  " states but was passed " + std::to_string(initial_state.size()) +
                                  " initial states.");
    const std::int64_t batch = inputs.front().shape()[0];
    for (std::size_t k = 0; k < initial_state.size(); ++k) {
      const Shape& s = initial_state[k].shape();
      if (s.size() != 2 || s[1] != spec_.units || (s[0] >= 0 && batch >= 0 && s[0] != batch))
        throw std::invalid_argument("An `initial_state` was passed to layer " + name() +
                                    " that is not compatible with its states: initial state " +
                                    std::to_string(k) + " has shape " + shape_to_string(s) +
                                    ", expected " + shape_to_string({batch, spec_.units}) +
                                    " (batch, units)");
    }
  }
  return run(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front(), initial_state);
}

std::vector<Shape> Recurrent::compute_output_shape_list(
    const std::vector<Shape>& input_shapes) const {
  std::vector<Shape> out{compute_output_shape(input_shapes.front())};
  if (return_state_)
    for (int k = 0; k < state_count(); ++k) out.push_back({input_shapes.front()[0], spec_.units});
  return out;
}

std::vector<SymbolicTensor> Recurrent::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  std::vector<SymbolicTensor> out{
      compute_mask(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front())};
  if (return_state_) out.resize(static_cast<std::size_t>(1 + state_count()));  // states: no mask
  return out;
}

std::vector<SymbolicTensor> Recurrent::run(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                                           const std::vector<SymbolicTensor>& initial_state) {
  const Shape& shape = inputs.shape();
  if (shape.size() != 3 || shape[2] != spec_.kernel.shape()[0])
    incompatible_input(
        shape, "expected ndim=3 with axis -1 of size " + std::to_string(spec_.kernel.shape()[0]));
  if (stateful_ && shape[0] >= 0 && shape[0] != states_[0].shape()[0])
    incompatible_input(
        shape, "a stateful layer built for batch size " + std::to_string(states_[0].shape()[0]));
  SymbolicTensor y = spec_.sequence(inputs, mask, initial_state.empty() ? states_ : initial_state,
                                    go_backwards_, name());
  // The final states: h, and c for an LSTM (a masked last step carries them over).
  std::vector<SymbolicTensor> final_states = spec_.last_states(y);
  if (stateful_)
    for (std::size_t k = 0; k < final_states.size(); ++k)
      add_update(states_[k], final_states[k], true);
  SymbolicTensor output = return_sequences_ ? spec_.outputs(y) : final_states[0];
  if (activity_regularizer_) add_loss(activity_regularizer_(output));
  std::vector<SymbolicTensor> outputs{output};
  if (return_state_) outputs.insert(outputs.end(), final_states.begin(), final_states.end());
  return outputs;
}

Shape Recurrent::compute_output_shape(const Shape& input_shape) const {
  if (return_sequences_) return {input_shape[0], input_shape[1], spec_.units};
  return {input_shape[0], spec_.units};
}

SymbolicTensor Recurrent::compute_mask(const SymbolicTensor&, const SymbolicTensor& mask) const {
  return return_sequences_ ? mask : SymbolicTensor();
}

void Recurrent::reset_states() {
  if (!stateful_) throw std::logic_error("Layer " + name() + " must be stateful to reset states.");
  for (const auto& state : states_) {
    Tensor value = K::get_value(state);
    K::set_value(state, Tensor(value.shape(), value.dtype()));
  }
}

RNNOptions Recurrent::options() const {
  const detail::RecurrentCellSpec& c = spec_;
  return {.units = c.units,
          .activation = c.activation,
          .recurrent_activation = c.recurrent_activation,
          .use_bias = c.use_bias,
          .kernel_initializer = c.kernel_initializer,
          .recurrent_initializer = c.recurrent_initializer,
          .bias_initializer = c.bias_initializer,
          .unit_forget_bias = c.unit_forget_bias,
          .kernel_regularizer = c.kernel_regularizer,
          .recurrent_regularizer = c.recurrent_regularizer,
          .bias_regularizer = c.bias_regularizer,
          .activity_regularizer = activity_regularizer_,
          .kernel_constraint = c.kernel_constraint,
          .recurrent_constraint = c.recurrent_constraint,
          .bias_constraint = c.bias_constraint,
          .dropout = c.dropout,
          .recurrent_dropout = c.recurrent_dropout,
          .implementation = implementation_,
          .return_sequences = return_sequences_,
          .return_state = return_state_,
          .go_backwards = go_backwards_,
          .stateful = stateful_,
          .unroll = unroll_,
          .reset_after = c.reset_after,
          .seed = c.seed};
}

nlohmann::json Recurrent::get_config() const {
  nlohmann::json config = Layer::get_config();
  switch (spec_.kind) {
    case K::RnnCell::kLSTM:
      return detail::config_with_arguments(config,
                                           RecurrentArguments<K::RnnCell::kLSTM>{options()});
    case K::RnnCell::kGRU:
      return detail::config_with_arguments(config, RecurrentArguments<K::RnnCell::kGRU>{options()});
    default:
      return detail::config_with_arguments(config,
                                           RecurrentArguments<K::RnnCell::kSimpleRNN>{options()});
  }
}

std::shared_ptr<Recurrent> Recurrent::reversed_copy(const std::string& name) const {
  RNNOptions o = options();
  o.go_backwards = !go_backwards_;
  o.name = name;
  o.seed = spec_.seed ? std::optional<std::uint64_t>(*spec_.seed + 7) : std::nullopt;
  if (spec_.kind == K::RnnCell::kLSTM) return std::make_shared<LSTM>(o);
  if (spec_.kind == K::RnnCell::kGRU) return std::make_shared<GRU>(o);
  return std::make_shared<SimpleRNN>(o);
}

// ---- the three cells ---------------------------------------------------------------------------

SimpleRNN::SimpleRNN(RNNOptions options)
    : Recurrent("SimpleRNN", K::RnnCell::kSimpleRNN, std::move(options)) {}
SimpleRNN::SimpleRNN(std::int64_t units, RNNOptions options)
    : SimpleRNN([&] {
        options.units = units;
        return options;
      }()) {}
std::shared_ptr<Layer> SimpleRNN::from_config(const nlohmann::json& config) {
  return recurrent_from_config<SimpleRNN, K::RnnCell::kSimpleRNN>(config, "SimpleRNN");
}

GRU::GRU(RNNOptions options) : Recurrent("GRU", K::RnnCell::kGRU, std::move(options)) {}
GRU::GRU(std::int64_t units, RNNOptions options)
    : GRU([&] {
        options.units = units;
        return options;
      }()) {}
std::shared_ptr<Layer> GRU::from_config(const nlohmann::json& config) {
  return recurrent_from_config<GRU, K::RnnCell::kGRU>(config, "GRU");
}

LSTM::LSTM(RNNOptions options) : Recurrent("LSTM", K::RnnCell::kLSTM, std::move(options)) {}
LSTM::LSTM(std::int64_t units, RNNOptions options)
    : LSTM([&] {
        options.units = units;
        return options;
      }()) {}
std::shared_ptr<Layer> LSTM::from_config(const nlohmann::json& config) {
  return recurrent_from_config<LSTM, K::RnnCell::kLSTM>(config, "LSTM");
}

}  // namespace keras::layers
