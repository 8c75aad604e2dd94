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

// x reversed along axis 1 (time).
SymbolicTensor reverse_time(const SymbolicTensor& x) {
  const std::int64_t steps = x.shape()[1];
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
  if (merge_mode_ != "concat" && merge_mode_ != "sum" && merge_mode_ != "mul" &&
      merge_mode_ != "ave")
    throw std::invalid_argument(
        "Invalid merge mode. Merge mode should be one of {\"sum\", \"mul\", \"ave\", \"concat\"}, "
        "got \"" +
        merge_mode_ +
        "\" (merge_mode None returns two outputs, which this Layer interface cannot)");
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
  o.merge_mode = config.value("merge_mode", std::string("concat"));
  LayerArguments args = detail::arguments_from_config(config);
  o.name = args.name;
  o.batch_input_shape = args.batch_input_shape;
  return std::make_shared<Bidirectional>(std::static_pointer_cast<Recurrent>(layer), o);
}

void Bidirectional::build(const Shape&) {}

SymbolicTensor Bidirectional::call(const SymbolicTensor& inputs) {
  return call_masked(inputs, {});
}

SymbolicTensor Bidirectional::call_masked(const SymbolicTensor& inputs, const SymbolicTensor&) {
  const bool first_call = !forward_->built();
  SymbolicTensor y = (*forward_)(inputs);  // both read the input's mask themselves
  SymbolicTensor y_rev = (*backward_)(inputs);
  if (first_call) {
    adopt(*forward_);
    adopt(*backward_);
  }
  if (forward_->return_sequences()) y_rev = reverse_time(y_rev);
  SymbolicTensor out;
  if (merge_mode_ == "concat")
    out = K::concatenate({y, y_rev}, -1);
  else if (merge_mode_ == "sum")
    out = y + y_rev;
  else if (merge_mode_ == "ave")
    out = (y + y_rev) * 0.5;
  else
    out = y * y_rev;
  return out;
}

Shape Bidirectional::compute_output_shape(const Shape& input_shape) const {
  Shape out = forward_->compute_output_shape(input_shape);
  if (merge_mode_ == "concat") out.back() *= 2;
  return out;
}

SymbolicTensor Bidirectional::compute_mask(const SymbolicTensor&,
                                           const SymbolicTensor& mask) const {
  return forward_->return_sequences() ? mask : SymbolicTensor();
}

void Bidirectional::reset_states() {
  forward_->reset_states();
  backward_->reset_states();
}

nlohmann::json Bidirectional::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["layer"] = {{"class_name", forward_->class_name()}, {"config", forward_->get_config()}};
  config["merge_mode"] = merge_mode_;
  return config;
}

}  // namespace keras::layers
