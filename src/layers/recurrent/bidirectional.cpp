// Bidirectional: a recurrent layer forwards and a copy of it backwards, outputs merged.
#include <numeric>
#include <stdexcept>

#include "keras/layers/recurrent.h"
#include "layers/layer_from_config.h"

namespace keras::layers {

namespace K = backend;

namespace {
LayerArguments wrapper_arguments(const BidirectionalOptions& o,
                                 const std::shared_ptr<Recurrent>& layer) {
  LayerArguments args;
  args.name = o.name;
  args.input_shape = o.input_shape;
  args.batch_input_shape = o.batch_input_shape;
  if (!args.input_shape && !args.batch_input_shape && layer) {
    args.batch_input_shape = layer->batch_input_shape();  // Keras: the wrapped layer's shape
  }
  return args;
}

// x (batch, time, features) reversed along axis 1 (time).
SymbolicTensor reverse_time(const SymbolicTensor& x) {
  const std::int64_t steps = x.shape()[1];
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
}  // namespace

Bidirectional::Bidirectional(std::shared_ptr<Recurrent> layer, BidirectionalOptions options)
    : Layer("Bidirectional", wrapper_arguments(options, layer)),
      forward_(std::move(layer)),
      merge_mode_(options.merge_mode) {
  supports_masking_ = true;
  if (!forward_) throw std::invalid_argument("Bidirectional: the wrapped layer is null");
  if (merge_mode_ && *merge_mode_ != "concat" && *merge_mode_ != "sum" && *merge_mode_ != "mul" &&
      *merge_mode_ != "ave")
    throw std::invalid_argument(
        "Invalid merge mode. Merge mode should be one of {\"sum\", \"mul\", \"ave\", \"concat\", "
        "None}, got \"" +
        *merge_mode_ + "\" (layer " + name() + ")");
  backward_ = forward_->reversed_copy("backward_" + forward_->name());
}

std::shared_ptr<Layer> Bidirectional::from_config(const nlohmann::json& config) {
  const nlohmann::json& inner = config.at("layer");
  std::string class_name = inner.at("class_name").get<std::string>();
  std::shared_ptr<Layer> layer;
  if (class_name == "LSTM")
    layer = LSTM::from_config(inner.at("config"));
  else if (class_name == "GRU")
    layer = GRU::from_config(inner.at("config"));
  else if (class_name == "SimpleRNN")
    layer = SimpleRNN::from_config(inner.at("config"));
  else
    throw std::invalid_argument("Bidirectional.from_config: unknown recurrent layer '" +
                                class_name + "' (LSTM, GRU or SimpleRNN)");
  BidirectionalOptions o;
  if (config.contains("merge_mode"))
    o.merge_mode = config["merge_mode"].is_null()
                       ? std::nullopt
                       : std::optional<std::string>(config["merge_mode"].get<std::string>());
  LayerArguments args = detail::arguments_from_config(config);
  o.name = args.name;
  o.batch_input_shape = args.batch_input_shape;
  return std::make_shared<Bidirectional>(std::static_pointer_cast<Recurrent>(layer), o);
}

void Bidirectional::build(const Shape&) {}

void Bidirectional::build_list(const std::vector<Shape>&) {}  // the wrapped layers build on call

SymbolicTensor Bidirectional::call(const SymbolicTensor& inputs) {
  return call_masked(inputs, {});
}

SymbolicTensor Bidirectional::call_masked(const SymbolicTensor& inputs,
                                          const SymbolicTensor& mask) {
  return call_list({inputs}, {mask}).front();
}

std::vector<SymbolicTensor> Bidirectional::operator()(
    const SymbolicTensor& inputs, const std::vector<SymbolicTensor>& initial_state) {
  std::vector<SymbolicTensor> all{inputs};
  all.insert(all.end(), initial_state.begin(), initial_state.end());
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
                                                     const std::vector<SymbolicTensor>&) {
  const SymbolicTensor& x = inputs.front();
  std::vector<SymbolicTensor> forward_inputs{x}, backward_inputs{x};
  if (inputs.size() > 1) {
    // Keras: the first half of the initial states goes to the forward layer, the rest backward.
    const std::size_t n = inputs.size() - 1;
    if (n % 2 != 0)
      throw std::invalid_argument(
          "When passing `initial_state` to a Bidirectional RNN, the state should be a list "
          "containing the states of the underlying RNNs. Found " +
          std::to_string(n) + " states (layer " + name() + ", which needs " +
          std::to_string(2 * forward_->state_count()) + ")");
    forward_inputs.insert(forward_inputs.end(), inputs.begin() + 1,
                          inputs.begin() + 1 + static_cast<std::ptrdiff_t>(n / 2));
    backward_inputs.insert(backward_inputs.end(),
                           inputs.begin() + 1 + static_cast<std::ptrdiff_t>(n / 2), inputs.end());
  }
  const bool first_call = !forward_->built();
  // Both read the input's mask themselves.
  std::vector<SymbolicTensor> y = forward_->apply(forward_inputs);
  std::vector<SymbolicTensor> y_rev = backward_->apply(backward_inputs);
  if (first_call) {
    adopt(*forward_);
    adopt(*backward_);
  }
  SymbolicTensor backward_output = y_rev.front();
  if (forward_->return_sequences()) backward_output = reverse_time(backward_output);
  std::vector<SymbolicTensor> out = merge(y.front(), backward_output);
  out.insert(out.end(), y.begin() + 1, y.end());  // return_state: forward states, then backward
  out.insert(out.end(), y_rev.begin() + 1, y_rev.end());
  return out;
}

Shape Bidirectional::compute_output_shape(const Shape& input_shape) const {
  Shape out = forward_->compute_output_shape(input_shape);
  if (merge_mode_ == "concat") out.back() *= 2;
  return out;
}

std::vector<Shape> Bidirectional::compute_output_shape_list(
    const std::vector<Shape>& input_shapes) const {
  std::vector<Shape> inner = forward_->compute_output_shape_list({input_shapes.front()});
  std::vector<Shape> out{compute_output_shape(input_shapes.front())};
  if (!merge_mode_) out.push_back(out.front());
  for (int pass = 0; pass < 2; ++pass) out.insert(out.end(), inner.begin() + 1, inner.end());
  return out;
}

SymbolicTensor Bidirectional::compute_mask(const SymbolicTensor&,
                                           const SymbolicTensor& mask) const {
  return forward_->return_sequences() ? mask : SymbolicTensor();
}

std::vector<SymbolicTensor> Bidirectional::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  SymbolicTensor mask =
      compute_mask(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front());
  std::vector<SymbolicTensor> out{mask};
  if (!merge_mode_) out.push_back(mask);
  if (forward_->return_state())  // the states carry no mask
    out.resize(out.size() + 2 * static_cast<std::size_t>(forward_->state_count()));
  return out;
}

void Bidirectional::reset_states() {
  forward_->reset_states();
  backward_->reset_states();
}

nlohmann::json Bidirectional::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["layer"] = {{"class_name", forward_->class_name()}, {"config", forward_->get_config()}};
  config["merge_mode"] = merge_mode_ ? nlohmann::json(*merge_mode_) : nlohmann::json(nullptr);
  return config;
}

}  // namespace keras::layers
