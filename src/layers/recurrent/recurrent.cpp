// Recurrent: the shared machinery of SimpleRNN, GRU and LSTM.
#include <map>
#include <optional>
#include <stdexcept>

#include "backend/reshape_like.h"
#include "keras/layers/recurrent.h"
#include "layers/config_json.h"
#include "layers/layer_from_config.h"
#include "layers/recurrent/cell_graph.h"

namespace keras::layers {

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

LayerArguments rnn_arguments(const RNNOptions& o) {
  LayerArguments args = layer_arguments(o);
  args.batch_size = o.batch_size;
  return args;
}

void check_rate(double rate, const char* what, const std::string& layer) {
  if (rate < 0 || rate >= 1)
    throw std::invalid_argument(layer + ": " + what + " must be in [0, 1), got " +
                                std::to_string(rate));
}

}  // namespace

Recurrent::Recurrent(const std::string& class_name, K::RnnCell cell, RNNOptions o)
    : Layer(class_name, rnn_arguments(o)),
      cell_(cell),
      units_(o.units != 0 ? o.units : o.output_dim),
      activation_(o.activation),
      recurrent_activation_(o.inner_activation.name.empty() && !o.inner_activation.function
                                ? o.recurrent_activation
                                : o.inner_activation),
      use_bias_(o.use_bias),
      kernel_initializer_(o.init.empty() ? o.kernel_initializer : o.init),
      recurrent_initializer_(o.inner_init.empty() ? o.recurrent_initializer : o.inner_init),
      bias_initializer_(o.bias_initializer),
      unit_forget_bias_(o.forget_bias_init.empty()
                            ? o.unit_forget_bias
                            : (o.forget_bias_init == "one" || o.forget_bias_init == "ones")),
      kernel_regularizer_(o.W_regularizer ? o.W_regularizer : o.kernel_regularizer),
      recurrent_regularizer_(o.U_regularizer ? o.U_regularizer : o.recurrent_regularizer),
      bias_regularizer_(o.b_regularizer ? o.b_regularizer : o.bias_regularizer),
      activity_regularizer_(o.activity_regularizer),
      kernel_constraint_(o.kernel_constraint),
      recurrent_constraint_(o.recurrent_constraint),
      bias_constraint_(o.bias_constraint),
      dropout_(o.dropout_W > 0 ? o.dropout_W : o.dropout),
      recurrent_dropout_(o.dropout_U > 0 ? o.dropout_U : o.recurrent_dropout),
      implementation_(o.implementation),
      return_sequences_(o.return_sequences),
      return_state_(o.return_state),
      go_backwards_(o.go_backwards),
      stateful_(o.stateful),
      unroll_(o.unroll),
      reset_after_(cell == K::RnnCell::kGRU && o.reset_after),
      seed_(o.seed) {
  supports_masking_ = true;
  if (units_ <= 0)
    throw std::invalid_argument(class_name +
                                " needs a positive `units` (Keras 1: `output_dim`), "
                                "got " +
                                std::to_string(units_));
  activation_.resolve();  // an unknown name fails here, as in Keras
  recurrent_activation_.resolve();
  activation_op_ = fused_activation_op(activation_).value_or(OpKind::kCount);
  recurrent_activation_op_ = fused_activation_op(recurrent_activation_).value_or(OpKind::kCount);
  check_rate(dropout_, "dropout", name());
  check_rate(recurrent_dropout_, "recurrent_dropout", name());
  if (implementation_ < 0 || implementation_ > 2)
    throw std::invalid_argument(name() + ": implementation must be 0, 1 or 2, got " +
                                std::to_string(implementation_));
  initializers::get(kernel_initializer_);
  initializers::get(recurrent_initializer_);
  initializers::get(bias_initializer_);
}

void Recurrent::build(const Shape& input_shape) {
  if (input_shape.size() != 3)
    incompatible_input(input_shape,
                       "expected ndim=3, found ndim=" + std::to_string(input_shape.size()));
  const std::int64_t input_dim = input_shape[2];
  if (input_dim < 0)
    incompatible_input(input_shape, "the last dimension of the inputs should be defined");
  const std::int64_t g = gate_count(cell_) * units_;
  kernel_ = add_weight("kernel", {input_dim, g}, initializers::get(kernel_initializer_), true,
                       kernel_regularizer_.function(), kernel_constraint_.function());
  recurrent_kernel_ =
      add_weight("recurrent_kernel", {units_, g}, initializers::get(recurrent_initializer_), true,
                 recurrent_regularizer_.function(), recurrent_constraint_.function());
  if (use_bias_) {
    initializers::Initializer init = initializers::get(bias_initializer_);
    if (cell_ == K::RnnCell::kLSTM && unit_forget_bias_) {
      const std::int64_t u = units_;
      // Keras: concatenate(bias_initializer(u), ones(u), bias_initializer(2u)).
      init = [base = init, u](const Shape&, DType dtype) {
        std::vector<double> values = base({u}, dtype).to_vector<double>();
        values.insert(values.end(), static_cast<std::size_t>(u), 1.0);
        std::vector<double> cell = base({2 * u}, dtype).to_vector<double>();
        values.insert(values.end(), cell.begin(), cell.end());
        return Tensor::from_vector(values).astype(dtype);
      };
    }
    // A GRU with reset_after has an input bias and a recurrent bias: Keras's (2, 3 * units).
    const Shape bias_shape = reset_after_ ? Shape{2, g} : Shape{g};
    bias_ = add_weight("bias", bias_shape, init, true, bias_regularizer_.function(),
                       bias_constraint_.function());
  }
  if (stateful_) {
    const std::int64_t batch = batch_input_shape() ? (*batch_input_shape())[0] : input_shape[0];
    if (batch < 0)
      throw std::invalid_argument(
          "If a RNN is stateful, it needs to know its batch size. Specify the batch size of your "
          "input tensors: pass a `batch_input_shape` (or `batch_size`) argument to the first "
          "layer of your model (layer " +
          name() + ", input shape " + shape_to_string(input_shape) + ")");
    const int n = cell_ == K::RnnCell::kLSTM ? 2 : 1;
    for (int k = 0; k < n; ++k)
      states_.push_back(K::variable(Tensor({batch, units_}, K::floatx()),
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
      if (s.size() != 2 || s[1] != units_ || (s[0] >= 0 && batch >= 0 && s[0] != batch))
        throw std::invalid_argument("An `initial_state` was passed to layer " + name() +
                                    " that is not compatible with its states: initial state " +
                                    std::to_string(k) + " has shape " + shape_to_string(s) +
                                    ", expected " + shape_to_string({batch, units_}) +
                                    " (batch, units)");
    }
  }
  return run(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front(), initial_state);
}

std::vector<Shape> Recurrent::compute_output_shape_list(
    const std::vector<Shape>& input_shapes) const {
  std::vector<Shape> out{compute_output_shape(input_shapes.front())};
  if (return_state_)
    for (int k = 0; k < state_count(); ++k) out.push_back({input_shapes.front()[0], units_});
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
  if (shape.size() != 3 || shape[2] != kernel_.shape()[0])
    incompatible_input(
        shape, "expected ndim=3 with axis -1 of size " + std::to_string(kernel_.shape()[0]));
  const std::int64_t steps = shape[1], u = units_;
  if (stateful_ && shape[0] >= 0 && shape[0] != states_[0].shape()[0])
    incompatible_input(
        shape, "a stateful layer built for batch size " + std::to_string(states_[0].shape()[0]));
  SymbolicTensor x = inputs;
  if (dropout_ > 0) {
    SymbolicTensor ones = K::slice(x, 1, 0, 1) * 0.0 + 1.0;  // (batch, 1, input_dim)
    x = K::in_train_phase(x * K::dropout(ones, dropout_, seed_), x);
  }
  // One product for all time steps, as a 2D matrix product (the compiler fuses the bias in), on
  // the time-major inputs the recurrent op reads.
  const std::int64_t input_dim = shape[2], g = kernel_.shape()[1];
  SymbolicTensor time_major = K::permute_dimensions(x, {1, 0, 2});
  SymbolicTensor xproj = K::dot(K::reshape(time_major, {-1, input_dim}), kernel_);
  K::RecurrentOptions options;
  if (use_bias_ && reset_after_) {
    // The recurrent bias's z and r blocks add to the inputs' projection like the input bias; its
    // h block goes inside the reset gate, in the recurrent op.
    SymbolicTensor input_bias = K::reshape(K::slice(bias_, 0, 0, 1), {g});
    SymbolicTensor recurrent_bias = K::reshape(K::slice(bias_, 0, 1, 2), {g});
    xproj = xproj + (input_bias + K::pad(K::slice(recurrent_bias, 0, 0, 2 * u), {0}, {u}));
    options.recurrent_bias = K::slice(recurrent_bias, 0, 2 * u, 3 * u);
  } else if (use_bias_) {
    xproj = xproj + bias_;
  }
  // (steps, batch, g); steps and batch may both be known only at run time.
  xproj = steps >= 0 ? K::reshape(xproj, {steps, -1, g})
                     : K::reshape_like(xproj, {-1, -1, g}, time_major, {0, 1, -1});
  options.cell = cell_;
  options.activation = activation_op_;
  options.recurrent_activation = recurrent_activation_op_;
  options.go_backwards = go_backwards_;
  options.reset_after = reset_after_;
  if (!initial_state.empty()) {
    options.initial_h = initial_state[0];
    if (cell_ == K::RnnCell::kLSTM) options.initial_c = initial_state[1];
  } else if (stateful_) {
    options.initial_h = states_[0];
    if (cell_ == K::RnnCell::kLSTM) options.initial_c = states_[1];
  }
  if (mask.defined()) {
    SymbolicTensor m = K::cast(mask, xproj.dtype());
    if (m.ndim() != 2) m = K::reshape(m, steps >= 0 ? Shape{-1, steps} : Shape{shape[0], -1});
    options.mask = m;
  }
  if (recurrent_dropout_ > 0) {
    SymbolicTensor ones =
        K::reshape(K::slice(K::slice(xproj, 0, 0, 1), 2, 0, u), {-1, u}) * 0.0 + 1.0;
    std::optional<std::uint64_t> seed;
    if (seed_) seed = *seed_ + 1;
    options.recurrent_dropout_mask =
        K::in_train_phase(K::dropout(ones, recurrent_dropout_, seed), ones);
  }
  const std::optional<OpKind> act = fused_activation_op(activation_);
  const std::optional<OpKind> rec_act = fused_activation_op(recurrent_activation_);
  const bool fused = act && (rec_act || cell_ == K::RnnCell::kSimpleRNN);
  if (!fused && steps < 0)
    throw std::invalid_argument(
        "Layer " + name() +
        ": an activation other than tanh, sigmoid, hard_sigmoid, relu, elu, "
        "softplus, softsign, exponential or linear (here '" +
        (act ? recurrent_activation_.name : activation_.name) +
        "') runs the cell step by step, which needs a known number of timesteps; got input "
        "shape " +
        shape_to_string(shape) + " (give the input an input_length)");
  SymbolicTensor y =
      fused ? K::recurrent(xproj, recurrent_kernel_, options)
            : detail::recurrent_cell_graph(xproj, recurrent_kernel_, options, activation_.resolve(),
                                           recurrent_activation_.resolve());
  // The last processing step, counted from the end: the number of steps may be unknown.
  SymbolicTensor last = K::slice(y, 0, -1, 0);  // (1, batch, width * units)
  // The final states: h, and c for an LSTM (a masked last step carries them over).
  std::vector<SymbolicTensor> final_states{K::reshape(K::slice(last, 2, 0, u), {-1, u})};
  if (cell_ == K::RnnCell::kLSTM)
    final_states.push_back(K::reshape(K::slice(last, 2, u, 2 * u), {-1, u}));
  if (stateful_)
    for (std::size_t k = 0; k < final_states.size(); ++k)
      add_update(states_[k], final_states[k], true);
  SymbolicTensor output =
      return_sequences_ ? K::permute_dimensions(K::slice(y, 2, 0, u), {1, 0, 2}) : final_states[0];
  if (activity_regularizer_) add_loss(activity_regularizer_(output));
  std::vector<SymbolicTensor> outputs{output};
  if (return_state_) outputs.insert(outputs.end(), final_states.begin(), final_states.end());
  return outputs;
}

Shape Recurrent::compute_output_shape(const Shape& input_shape) const {
  if (return_sequences_) return {input_shape[0], input_shape[1], units_};
  return {input_shape[0], units_};
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
  config["units"] = units_;
  config["activation"] = activation_.name.empty() ? "linear" : activation_.name;
  if (cell_ != K::RnnCell::kSimpleRNN)
    config["recurrent_activation"] =
        recurrent_activation_.name.empty() ? "linear" : recurrent_activation_.name;
  config["use_bias"] = use_bias_;
  config["kernel_initializer"] = detail::initializer_json(kernel_initializer_);
  config["recurrent_initializer"] = detail::initializer_json(recurrent_initializer_);
  config["bias_initializer"] = detail::initializer_json(bias_initializer_);
  if (cell_ == K::RnnCell::kLSTM) config["unit_forget_bias"] = unit_forget_bias_;
  config["kernel_regularizer"] = kernel_regularizer_.get_config();
  config["recurrent_regularizer"] = recurrent_regularizer_.get_config();
  config["bias_regularizer"] = bias_regularizer_.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["kernel_constraint"] = kernel_constraint_.get_config();
  config["recurrent_constraint"] = recurrent_constraint_.get_config();
  config["bias_constraint"] = bias_constraint_.get_config();
  config["dropout"] = dropout_;
  config["recurrent_dropout"] = recurrent_dropout_;
  if (cell_ != K::RnnCell::kSimpleRNN) config["implementation"] = implementation_;
  if (cell_ == K::RnnCell::kGRU) config["reset_after"] = reset_after_;
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
  o.activation = activation_;
  o.recurrent_activation = recurrent_activation_;
  o.kernel_regularizer = kernel_regularizer_;
  o.recurrent_regularizer = recurrent_regularizer_;
  o.bias_regularizer = bias_regularizer_;
  o.activity_regularizer = activity_regularizer_;
  o.kernel_constraint = kernel_constraint_;
  o.recurrent_constraint = recurrent_constraint_;
  o.bias_constraint = bias_constraint_;
  o.seed = seed_ ? std::optional<std::uint64_t>(*seed_ + 7) : std::nullopt;
  if (cell_ == K::RnnCell::kLSTM) return std::make_shared<LSTM>(o);
  if (cell_ == K::RnnCell::kGRU) return std::make_shared<GRU>(o);
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
