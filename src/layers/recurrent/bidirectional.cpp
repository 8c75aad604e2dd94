// Bidirectional: a recurrent layer forwards and a copy of it backwards, outputs merged.
#include <numeric>
#include <stdexcept>
#include <utility>

#include "keras/layers/recurrent.h"
#include "keras/layers/serialization.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace K = backend;

namespace {

LayerArguments wrapper_arguments(const BidirectionalOptions& o) {
  LayerArguments args;
  args.name = o.name;
  args.trainable = o.trainable;
  args.input_shape = o.input_shape;
  args.batch_input_shape = o.batch_input_shape;
  if (!args.input_shape && !args.batch_input_shape && o.layer.layer)
    args.batch_input_shape = o.layer.layer->batch_input_shape();  // Keras: the wrapped layer's
  return args;
}

// x (batch, time, ...) reversed along axis 1 (time).
SymbolicTensor reverse_time(const SymbolicTensor& x) {
  const std::int64_t steps = x.shape()[1];
  if (x.ndim() != 3) return K::reverse(x, {1});
  if (steps < 0) {
    // The length is known at run time only: a linear SimpleRNN sequence with a zero recurrent
    // kernel, read backwards, emits its inputs in reverse order (and its gradient reverses back).
    const std::int64_t features = x.shape()[2];
    K::RecurrentOptions reverse;
    reverse.cell = K::RnnCell::kSimpleRNN;
    reverse.activation = K::OpKind::kCount;
    reverse.go_backwards = true;
    SymbolicTensor zero_kernel = K::constant(Tensor({features, features}, x.dtype()));
    return K::permute_dimensions(
        K::recurrent(K::permute_dimensions(x, {1, 0, 2}), zero_kernel, reverse), {1, 0, 2});
  }
  std::vector<std::int32_t> order(static_cast<std::size_t>(steps));
  std::iota(order.rbegin(), order.rend(), 0);
  SymbolicTensor indices = K::constant(Tensor::from_vector(order));
  return K::permute_dimensions(K::gather(K::permute_dimensions(x, {1, 0, 2}), indices), {1, 0, 2});
}

// The backward copy, as Keras 2.2.4 makes it: the layer's class from its config with
// go_backwards flipped (cells and all; a Recurrent keeps its dropout seed, which configs lack).
LayerPtr backward_copy(const Layer& layer, const nlohmann::json& config) {
  const std::string name = "backward_" + layer.name();
  if (const auto* recurrent = dynamic_cast<const Recurrent*>(&layer))
    return recurrent->reversed_copy(name);
  nlohmann::json copy = config;
  copy["go_backwards"] = !config["go_backwards"].get<bool>();
  copy["name"] = name;
  return deserialize({{"class_name", layer.class_name()}, {"config", copy}});
}

bool config_flag(const nlohmann::json& config, const char* key) {
  return config.contains(key) && config[key].is_boolean() && config[key].get<bool>();
}

}  // namespace

Bidirectional::Bidirectional(BidirectionalOptions o)
    : Wrapper("Bidirectional", o.layer.layer, wrapper_arguments(o)),
      forward_(std::move(o.layer.layer)),
      merge_mode_(std::move(o.merge_mode)),
      pending_weights_(std::move(o.weights)) {
  supports_masking_ = true;
  if (merge_mode_ && *merge_mode_ != "concat" && *merge_mode_ != "sum" && *merge_mode_ != "mul" &&
      *merge_mode_ != "ave")
    throw std::invalid_argument(
        "Invalid merge mode. Merge mode should be one of {\"sum\", \"mul\", \"ave\", \"concat\", "
        "None}, got \"" +
        *merge_mode_ + "\" (layer " + name() + ")");
  const nlohmann::json config = forward_->get_config();
  if (!config.is_object() || !config.contains("go_backwards") ||
      !config["go_backwards"].is_boolean())
    throw std::invalid_argument("Bidirectional (layer " + name() +
                                ") wraps a recurrent layer (one with `go_backwards`: SimpleRNN, "
                                "GRU, LSTM, RNN, ConvLSTM2D), got " +
                                forward_->class_name() + " " + forward_->name());
  return_sequences_ = config_flag(config, "return_sequences");
  return_state_ = config_flag(config, "return_state");
  backward_ = backward_copy(*forward_, config);
  set_num_constants(o.num_constants);
}

Bidirectional::Bidirectional(LayerPtr layer, BidirectionalOptions options)
    : Bidirectional([&] {
        options.layer = std::move(layer);
        return std::move(options);
      }()) {}

void Bidirectional::set_num_constants(std::optional<int> n) {
  num_constants_ = n;
  if (!n) return;
  for (const LayerPtr& layer : {forward_, backward_}) {
    auto* rnn = dynamic_cast<RNN*>(layer.get());
    if (!rnn)
      throw std::invalid_argument("Bidirectional (layer " + name() + "): the wrapped layer " +
                                  layer->name() + " (" + layer->class_name() +
                                  ") takes no constants; an RNN whose cell takes them does");
    rnn->set_num_constants(n);
  }
}

std::shared_ptr<Layer> Bidirectional::from_config(const nlohmann::json& config) {
  nlohmann::json keras2 = config;
  // tf.keras and Keras 3 write the backward layer's config too: the layer's with go_backwards
  // flipped, the copy this makes.
  if (keras2.is_object()) keras2.erase("backward_layer");
  return detail::layer_from_config<Bidirectional, BidirectionalOptions>(keras2, "Bidirectional");
}

void Bidirectional::build_list(const std::vector<Shape>&) {}  // the wrapped layers build on call

SymbolicTensor Bidirectional::call(const SymbolicTensor& inputs) {
  return call_masked(inputs, {});
}

SymbolicTensor Bidirectional::call_masked(const SymbolicTensor& inputs,
                                          const SymbolicTensor& mask) {
  return call_list({inputs}, {mask}).front();
}

std::vector<KerasTensor> Bidirectional::operator()(const KerasTensor& inputs,
                                                   const std::vector<KerasTensor>& initial_state,
                                                   const std::vector<KerasTensor>& constants) & {
  std::vector<KerasTensor> all{inputs};
  all.insert(all.end(), initial_state.begin(), initial_state.end());
  if (!constants.empty()) {
    set_num_constants(static_cast<int>(constants.size()));
    all.insert(all.end(), constants.begin(), constants.end());
  }
  return apply(all);
}

std::vector<SymbolicTensor> Bidirectional::merge(const SymbolicTensor& y,
                                                 const SymbolicTensor& y_rev) const {
  if (!merge_mode_) return {y, y_rev};
  if (*merge_mode_ == "concat") return {K::concatenate({y, y_rev}, -1)};
  if (*merge_mode_ == "sum") return {y + y_rev};
  if (*merge_mode_ == "ave") return {(y + y_rev) * 0.5};
  return {y * y_rev};
}

std::vector<SymbolicTensor> Bidirectional::call_list(const std::vector<SymbolicTensor>& inputs,
                                                     const std::vector<SymbolicTensor>& masks) {
  // Both layers read the input's mask themselves; states and constants carry none.
  const KerasTensor x =
      KerasTensor(inputs.front()).with_mask(masks.empty() ? SymbolicTensor() : masks.front());
  const auto constant_count = static_cast<std::size_t>(num_constants_.value_or(0));
  if (inputs.size() < 1 + constant_count)
    throw std::invalid_argument("Bidirectional (layer " + name() + ") expects " +
                                std::to_string(constant_count) + " constants after its inputs");
  const std::vector<KerasTensor> all = keras_tensors(inputs);
  const auto constants_begin = all.end() - static_cast<std::ptrdiff_t>(constant_count);
  std::vector<KerasTensor> forward_inputs{x}, backward_inputs{x};
  const std::size_t n = inputs.size() - 1 - constant_count;  // initial states
  if (n > 0) {
    // Keras: the first half of the initial states goes to the forward layer, the rest backward.
    if (n % 2 != 0)
      throw std::invalid_argument(
          "When passing `initial_state` to a Bidirectional RNN, the state should be a list "
          "containing the states of the underlying RNNs. Found " +
          std::to_string(n) + " states (layer " + name() + ")");
    const auto pivot = all.begin() + 1 + static_cast<std::ptrdiff_t>(n / 2);
    forward_inputs.insert(forward_inputs.end(), all.begin() + 1, pivot);
    backward_inputs.insert(backward_inputs.end(), pivot, constants_begin);
  }
  forward_inputs.insert(forward_inputs.end(), constants_begin, all.end());
  backward_inputs.insert(backward_inputs.end(), constants_begin, all.end());
  const bool first_call = !forward_->built();
  std::vector<KerasTensor> y = forward_->apply(forward_inputs);
  std::vector<KerasTensor> y_rev = backward_->apply(backward_inputs);
  if (first_call && !pending_weights_.empty()) set_weights(std::exchange(pending_weights_, {}));
  SymbolicTensor backward_output = y_rev.front();
  if (return_sequences_) backward_output = reverse_time(backward_output);
  std::vector<SymbolicTensor> out = merge(y.front(), backward_output);
  out.insert(out.end(), y.begin() + 1, y.end());  // return_state: forward states, then backward
  out.insert(out.end(), y_rev.begin() + 1, y_rev.end());
  return out;
}

Shape Bidirectional::compute_output_shape(const Shape& input_shape) const {
  Shape out = forward_->compute_output_shape_list({input_shape}).front();
  if (merge_mode_ == "concat") out.back() *= 2;
  return out;
}

std::vector<Shape> Bidirectional::compute_output_shape_list(
    const std::vector<Shape>& input_shapes) const {
  std::vector<Shape> inner = forward_->compute_output_shape_list({input_shapes.front()});
  std::vector<Shape> out{compute_output_shape(input_shapes.front())};
  if (!merge_mode_) out.push_back(inner.front());
  for (int pass = 0; pass < 2; ++pass) out.insert(out.end(), inner.begin() + 1, inner.end());
  return out;
}

SymbolicTensor Bidirectional::compute_mask(const SymbolicTensor&,
                                           const SymbolicTensor& mask) const {
  return return_sequences_ ? mask : SymbolicTensor();
}

std::vector<SymbolicTensor> Bidirectional::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  SymbolicTensor mask =
      compute_mask(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front());
  std::vector<SymbolicTensor> out{mask};
  if (!merge_mode_) out.push_back(mask);
  if (return_state_) {  // the states carry no mask
    const std::size_t states =
        forward_->compute_output_shape_list({inputs.front().shape()}).size() - 1;
    out.resize(out.size() + 2 * states);
  }
  return out;
}

void Bidirectional::reset_states() {
  forward_->reset_states();
  backward_->reset_states();
}

nlohmann::json Bidirectional::get_config() const {
  return detail::config_with_arguments(
      Layer::get_config(),
      BidirectionalOptions{
          .layer = forward_, .merge_mode = merge_mode_, .num_constants = num_constants_});
}

}  // namespace keras::layers
