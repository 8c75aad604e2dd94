#include "keras/engine/layer.h"

#include <cctype>
#include <map>
#include <stdexcept>

namespace keras {

namespace backend {
namespace {
std::map<std::string, int>& uids() {
  static std::map<std::string, int> counters;
  return counters;
}
}  // namespace
int get_uid(const std::string& prefix) {
  return ++uids()[prefix];
}
void reset_uids() {
  uids().clear();
}
void clear_session() {
  reset_uids();
}
}  // namespace backend

namespace detail {
std::string to_snake_case(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool upper = std::isupper(static_cast<unsigned char>(c));
    if (upper && i > 0 &&
        (std::islower(static_cast<unsigned char>(name[i - 1])) ||
         (i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1])))))
      out += '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}
}  // namespace detail

Layer::Layer(const std::string& class_name, const LayerArguments& arguments)
    : trainable_(arguments.trainable) {
  if (arguments.name.empty()) {
    std::string prefix = detail::to_snake_case(class_name);
    name_ = prefix + "_" + std::to_string(backend::get_uid(prefix));
  } else {
    name_ = arguments.name;
  }
  if (arguments.batch_input_shape) {
    batch_input_shape_ = arguments.batch_input_shape;
  } else if (arguments.input_shape) {
    Shape shape{arguments.batch_size.value_or(-1)};
    shape.insert(shape.end(), arguments.input_shape->begin(), arguments.input_shape->end());
    batch_input_shape_ = shape;
  }
}

Layer::~Layer() = default;

void Layer::build(const Shape&) {}

nlohmann::json Layer::get_config() const {
  nlohmann::json config = {{"name", name_}, {"trainable", trainable_}};
  if (batch_input_shape_) {
    nlohmann::json shape = nlohmann::json::array();
    for (auto d : *batch_input_shape_)
      shape.push_back(d < 0 ? nlohmann::json(nullptr) : nlohmann::json(d));
    config["batch_input_shape"] = shape;
  }
  config["dtype"] = dtype_name(backend::floatx());
  return config;
}

SymbolicTensor Layer::compute_mask(const SymbolicTensor& inputs, const SymbolicTensor& mask) const {
  if (!mask.defined()) return mask;
  if (!supports_masking_)
    throw std::invalid_argument("Layer " + name_ + " does not support masking, but was passed an input_mask of shape " +
                                shape_to_string(mask.shape()) + " (input shape " + shape_to_string(inputs.shape()) +
                                ")");
  return mask;
}

void Layer::incompatible_input(const Shape& input_shape, const std::string& expectation) const {
  throw std::invalid_argument("Input 0 is incompatible with layer " + name_ + ": " + expectation +
                              ", but got shape " + shape_to_string(input_shape));
}

SymbolicTensor Layer::operator()(const SymbolicTensor& inputs) {
  if (!built_) {
    build(inputs.shape());
    built_ = true;
  }
  SymbolicTensor mask = inputs.node()->keras_mask ? SymbolicTensor(inputs.node()->keras_mask) : SymbolicTensor();
  SymbolicTensor outputs = call_masked(inputs, mask);
  SymbolicTensor output_mask = compute_mask(inputs, mask);
  if (output_mask.defined() || outputs.node() != inputs.node()) outputs.node()->keras_mask = output_mask.node();
  inputs_.push_back(inputs);
  outputs_.push_back(outputs);
  return outputs;
}

SymbolicTensor Layer::add_weight(const std::string& name, const Shape& shape,
                                 const initializers::Initializer& initializer, bool trainable,
                                 const WeightRegularizer& regularizer,
                                 const WeightConstraint& constraint) {
  for (auto d : shape)
    if (d < 0)
      throw std::invalid_argument("Layer " + name_ + ": weight '" + name +
                                  "' needs a known shape, got " + shape_to_string(shape));
  Tensor value = initializer(shape, backend::floatx());
  SymbolicTensor variable = backend::variable(value, name_ + "/" + name);
  weights_.push_back({variable, trainable, constraint});
  if (regularizer) add_loss(regularizer(variable));
  return variable;
}

std::vector<SymbolicTensor> Layer::weights() const {
  std::vector<SymbolicTensor> out;
  for (auto& w : weights_) out.push_back(w.variable);
  return out;
}

std::vector<SymbolicTensor> Layer::trainable_weights() const {
  std::vector<SymbolicTensor> out;
  if (!trainable_) return out;
  for (auto& w : weights_)
    if (w.trainable) out.push_back(w.variable);
  return out;
}

std::vector<SymbolicTensor> Layer::non_trainable_weights() const {
  std::vector<SymbolicTensor> out;
  for (auto& w : weights_)
    if (!w.trainable || !trainable_) out.push_back(w.variable);
  return out;
}

std::vector<Tensor> Layer::get_weights() const {
  std::vector<Tensor> out;
  for (auto& w : weights_) out.push_back(backend::get_value(w.variable).clone());
  return out;
}

void Layer::set_weights(const std::vector<Tensor>& weights) {
  if (weights.size() != weights_.size())
    throw std::invalid_argument("You called `set_weights(weights)` on layer \"" + name_ +
                                "\" with a weight list of length " +
                                std::to_string(weights.size()) + ", but the layer was expecting " +
                                std::to_string(weights_.size()) + " weights.");
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const Shape& expected = weights_[i].variable.shape();
    if (weights[i].shape() != expected)
      throw std::invalid_argument("Layer weight shape " + shape_to_string(expected) +
                                  " not compatible with provided weight shape " +
                                  shape_to_string(weights[i].shape()) + " (layer " + name_ +
                                  ", weight " + weights_[i].variable.name() + ")");
  }
  for (std::size_t i = 0; i < weights.size(); ++i)
    backend::set_value(weights_[i].variable, weights[i]);
}

std::int64_t Layer::count_params() const {
  std::int64_t total = 0;
  for (auto& w : weights_) total += shape_numel(w.variable.shape());
  return total;
}

std::vector<std::pair<SymbolicTensor, WeightConstraint>> Layer::constraints() const {
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> out;
  for (auto& w : weights_)
    if (w.constraint) out.emplace_back(w.variable, w.constraint);
  return out;
}

void Layer::add_update(const SymbolicTensor& variable, const SymbolicTensor& new_value,
                       bool state) {
  if (!variable.defined() || variable.node()->op != backend::OpKind::kVariable)
    throw std::invalid_argument("Layer " + name_ + ": add_update needs a variable to assign");
  updates_.push_back({backend::Update{variable, new_value}, state});
}

void Layer::adopt(const Layer& inner) {
  weights_.insert(weights_.end(), inner.weights_.begin(), inner.weights_.end());
  losses_.insert(losses_.end(), inner.losses_.begin(), inner.losses_.end());
  updates_.insert(updates_.end(), inner.updates_.begin(), inner.updates_.end());
}

std::vector<backend::Update> Layer::updates() const {
  std::vector<backend::Update> out;
  for (const auto& [update, state] : updates_) out.push_back(update);
  return out;
}

std::vector<backend::Update> Layer::state_updates() const {
  std::vector<backend::Update> out;
  for (const auto& [update, state] : updates_)
    if (state) out.push_back(update);
  return out;
}

const SymbolicTensor& Layer::input() const {
  if (inputs_.empty())
    throw std::logic_error("Layer " + name_ + " is not connected, no input to return.");
  if (inputs_.size() > 1)
    throw std::logic_error(
        "Layer " + name_ +
        " has multiple inbound nodes, hence the notion of \"layer input\" is ill-defined. "
        "Use `get_input_at(node_index)` instead.");
  return inputs_[0];
}

const SymbolicTensor& Layer::output() const {
  if (outputs_.empty()) throw std::logic_error("Layer " + name_ + " has no inbound nodes.");
  if (outputs_.size() > 1)
    throw std::logic_error(
        "Layer " + name_ +
        " has multiple inbound nodes, hence the notion of \"layer output\" is ill-defined. "
        "Use `get_output_at(node_index)` instead.");
  return outputs_[0];
}

}  // namespace keras
