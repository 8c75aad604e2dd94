// Recurrent: the shared machinery of SimpleRNN, GRU and LSTM.
#include <map>
#include <optional>
#include <stdexcept>

#include "keras/layers/recurrent.h"
#include "layers/config_json.h"
#include "layers/layer_from_config.h"

namespace keras::layers {

namespace K = backend;

namespace {

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
    const std::int64_t batch = batch_input_shape() ? (*batch_input_shape())[0] : input_shape[0];
    if (batch < 0)
      throw std::invalid_argument(
          "If a RNN is stateful, it needs to know its batch size. Specify the batch size of your "
          "input tensors: pass a `batch_input_shape` (or `batch_size`) argument to the first "
          "layer of your model (layer " +
          name() + ", input shape " + shape_to_string(input_shape) + ")");
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

std::vector<SymbolicTensor> Recurrent::operator()(
    const SymbolicTensor& inputs, const std::vector<SymbolicTensor>& initial_state) {
  std::vector<SymbolicTensor> all{inputs};
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

nlohmann::json Recurrent::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["return_sequences"] = return_sequences_;
  config["return_state"] = return_state_;
  config["go_backwards"] = go_backwards_;
  config["stateful"] = stateful_;
  config["unroll"] = unroll_;
  const detail::RecurrentCellSpec& c = spec_;
  auto activation_name = [](const ActivationArg& a) { return a.name.empty() ? "linear" : a.name; };
  config["units"] = c.units;
  config["activation"] = activation_name(c.activation);
  if (c.kind != K::RnnCell::kSimpleRNN)
    config["recurrent_activation"] = activation_name(c.recurrent_activation);
  config["use_bias"] = c.use_bias;
  config["kernel_initializer"] = detail::initializer_json(c.kernel_initializer);
  config["recurrent_initializer"] = detail::initializer_json(c.recurrent_initializer);
  config["bias_initializer"] = detail::initializer_json(c.bias_initializer);
  if (c.kind == K::RnnCell::kLSTM) config["unit_forget_bias"] = c.unit_forget_bias;
  config["kernel_regularizer"] = c.kernel_regularizer.get_config();
  config["recurrent_regularizer"] = c.recurrent_regularizer.get_config();
  config["bias_regularizer"] = c.bias_regularizer.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["kernel_constraint"] = c.kernel_constraint.get_config();
  config["recurrent_constraint"] = c.recurrent_constraint.get_config();
  config["bias_constraint"] = c.bias_constraint.get_config();
  config["dropout"] = c.dropout;
  config["recurrent_dropout"] = c.recurrent_dropout;
  if (c.kind != K::RnnCell::kSimpleRNN) config["implementation"] = implementation_;
  if (c.kind == K::RnnCell::kGRU) config["reset_after"] = c.reset_after;
  return config;
}

RNNOptions Recurrent::options_from_config(const nlohmann::json& config) {
  // Keras 1's spellings of the keys become Keras 2's, as Keras 2.2.4's legacy interfaces convert
  // them (output_dim, init, inner_init, inner_activation, W_/U_/b_regularizer and _constraint,
  // dropout_W, dropout_U, consume_less, forget_bias_init).
  nlohmann::json c = config;
  for (const auto& [keras1, keras2] : std::vector<std::pair<const char*, const char*>>{
           {"output_dim", "units"},
           {"init", "kernel_initializer"},
           {"inner_init", "recurrent_initializer"},
           {"inner_activation", "recurrent_activation"},
           {"W_regularizer", "kernel_regularizer"},
           {"U_regularizer", "recurrent_regularizer"},
           {"b_regularizer", "bias_regularizer"},
           {"W_constraint", "kernel_constraint"},
           {"U_constraint", "recurrent_constraint"},
           {"b_constraint", "bias_constraint"},
           {"dropout_W", "dropout"},
           {"dropout_U", "recurrent_dropout"}})
    if (c.contains(keras1) && !c.contains(keras2)) c[keras2] = c[keras1];
  if (c.contains("consume_less") && !c.contains("implementation")) {
    const std::string mode = c["consume_less"].get<std::string>();
    if (mode != "cpu" && mode != "mem" && mode != "gpu")
      throw std::invalid_argument("from_config: consume_less must be 'cpu', 'mem' or 'gpu', got '" +
                                  mode + "'");
    c["implementation"] = mode == "cpu" ? 0 : mode == "mem" ? 1 : 2;
  }
  if (c.contains("forget_bias_init") && !c.contains("unit_forget_bias"))
    c["unit_forget_bias"] = c["forget_bias_init"] == "one";
  if (!c.contains("units"))
    throw std::invalid_argument(
        "from_config: a recurrent layer's config needs 'units' (Keras 1: 'output_dim')");
  RNNOptions o;
  o.units = c.at("units").get<std::int64_t>();
  o.activation = c.value("activation", std::string("tanh"));
  o.recurrent_activation = c.value("recurrent_activation", std::string("hard_sigmoid"));
  o.use_bias = c.value("use_bias", true);
  o.kernel_initializer = detail::initializer_name(c, "kernel_initializer", o.kernel_initializer);
  o.recurrent_initializer =
      detail::initializer_name(c, "recurrent_initializer", o.recurrent_initializer);
  o.bias_initializer = detail::initializer_name(c, "bias_initializer", o.bias_initializer);
  o.unit_forget_bias = c.value("unit_forget_bias", true);
  auto json_or_null = [&](const char* key) { return c.contains(key) ? c[key] : nlohmann::json(); };
  o.kernel_regularizer = regularizers::from_config(json_or_null("kernel_regularizer"));
  o.recurrent_regularizer = regularizers::from_config(json_or_null("recurrent_regularizer"));
  o.bias_regularizer = regularizers::from_config(json_or_null("bias_regularizer"));
  o.activity_regularizer = regularizers::from_config(json_or_null("activity_regularizer"));
  o.kernel_constraint = constraints::from_config(json_or_null("kernel_constraint"));
  o.recurrent_constraint = constraints::from_config(json_or_null("recurrent_constraint"));
  o.bias_constraint = constraints::from_config(json_or_null("bias_constraint"));
  o.dropout = c.value("dropout", 0.0);
  o.recurrent_dropout = c.value("recurrent_dropout", 0.0);
  o.implementation = c.value("implementation", 1);
  o.return_sequences = c.value("return_sequences", false);
  o.go_backwards = c.value("go_backwards", false);
  o.stateful = c.value("stateful", false);
  o.unroll = c.value("unroll", false);
  o.return_state = c.value("return_state", false);
  o.reset_after = c.value("reset_after", false);
  LayerArguments args = detail::arguments_from_config(c);
  o.name = args.name;
  o.trainable = args.trainable;
  o.batch_input_shape = args.batch_input_shape;
  return o;
}

std::shared_ptr<Recurrent> Recurrent::reversed_copy(const std::string& name) const {
  nlohmann::json config = get_config();
  config["go_backwards"] = !go_backwards_;
  config["name"] = name;
  config.erase("batch_input_shape");
  RNNOptions o = options_from_config(config);
  // Keep what the config cannot carry: custom regularizers, constraints and activations.
  o.activation = spec_.activation;
  o.recurrent_activation = spec_.recurrent_activation;
  o.kernel_regularizer = spec_.kernel_regularizer;
  o.recurrent_regularizer = spec_.recurrent_regularizer;
  o.bias_regularizer = spec_.bias_regularizer;
  o.activity_regularizer = activity_regularizer_;
  o.kernel_constraint = spec_.kernel_constraint;
  o.recurrent_constraint = spec_.recurrent_constraint;
  o.bias_constraint = spec_.bias_constraint;
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
  return std::make_shared<SimpleRNN>(options_from_config(config));
}

GRU::GRU(RNNOptions options) : Recurrent("GRU", K::RnnCell::kGRU, std::move(options)) {}
GRU::GRU(std::int64_t units, RNNOptions options)
    : GRU([&] {
        options.units = units;
        return options;
      }()) {}
std::shared_ptr<Layer> GRU::from_config(const nlohmann::json& config) {
  return std::make_shared<GRU>(options_from_config(config));
}

LSTM::LSTM(RNNOptions options) : Recurrent("LSTM", K::RnnCell::kLSTM, std::move(options)) {}
LSTM::LSTM(std::int64_t units, RNNOptions options)
    : LSTM([&] {
        options.units = units;
        return options;
      }()) {}
std::shared_ptr<Layer> LSTM::from_config(const nlohmann::json& config) {
  return std::make_shared<LSTM>(options_from_config(config));
}

}  // namespace keras::layers
