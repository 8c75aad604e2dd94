#include "keras/engine/layer.h"

#include <cxxabi.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <typeinfo>
#include <utility>

#include "compiler/device_values.h"
#include "keras/backend/learning_phase.h"

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
  clear_learning_phase();  // as Keras: the phase is fed at run time again
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
    : trainable_(arguments.trainable), initial_weights_(arguments.weights) {
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

KerasTensor KerasTensor::made_by(SymbolicTensor tensor, SymbolicTensor mask, LayerPtr layer,
                                 int node_index, int tensor_index) {
  KerasTensor out(std::move(tensor));
  out.mask_ = std::move(mask);
  out.history_ = std::make_shared<const KerasHistory>(
      KerasHistory{std::move(layer), node_index, tensor_index});
  return out;
}

KerasTensor KerasTensor::with_mask(SymbolicTensor mask) const {
  KerasTensor out = *this;
  out.mask_ = std::move(mask);
  return out;
}

std::vector<KerasTensor> keras_tensors(const std::vector<SymbolicTensor>& tensors) {
  return {tensors.begin(), tensors.end()};
}

std::vector<SymbolicTensor> graph_tensors(const std::vector<KerasTensor>& tensors) {
  return {tensors.begin(), tensors.end()};
}

Layer::~Layer() = default;

LayerPtr Layer::move_to_shared() && {
  throw std::logic_error("Layer " + name_ + " (" + class_name() +
                         ") cannot be moved into a shared pointer: its class does not declare "
                         "KERAS_LAYER_CLASS(" +
                         class_name() +
                         ") (or KERAS_LAYER_SHAREABLE). Make it with std::make_shared, or add "
                         "that line to the class.");
}

namespace {
// A C++ type's name as written (demangled where the compiler's ABI allows).
std::string type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}
}  // namespace

LayerPtr Layer::into_shared() && {
  if (LayerPtr self = weak_from_this().lock()) return self;
  const std::type_info& type = typeid(*this);
  LayerPtr shared = std::move(*this).move_to_shared();
  // A subclass without its own KERAS_LAYER_SHAREABLE would be cut down to its base class.
  if (typeid(*shared) != type)
    throw std::logic_error("Layer " + shared->name() + ": class " + type_name(type) +
                           " derives from " + type_name(typeid(*shared)) +
                           " but does not declare KERAS_LAYER_SHAREABLE(" + type_name(type) +
                           ") for itself, so it cannot be moved into a shared pointer without "
                           "losing what it adds. Make it with std::make_shared, or add that "
                           "line to the class.");
  return shared;
}

LayerPtr Layer::shared_for_call() const {
  if (auto self = std::const_pointer_cast<Layer>(weak_from_this().lock())) return self;
  throw std::logic_error(
      "Layer " + name_ + " (" + class_name() +
      ") was called on tensors while not held by a shared pointer: the tensors it makes keep "
      "their layer alive, so a called layer must be shared. Name it as a shared handle (Shared " +
      name_ + " = " + class_name() + "(...);), make it with std::make_shared<" + class_name() +
      ">(...), or call it as a temporary (" + class_name() + "(...)(x)).");
}

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
    throw std::invalid_argument(
        "Layer " + name_ + " does not support masking, but was passed an input_mask of shape " +
        shape_to_string(mask.shape()) + " (input shape " + shape_to_string(inputs.shape()) + ")");
  return mask;
}

void Layer::incompatible_input(const Shape& input_shape, const std::string& expectation) const {
  throw std::invalid_argument("Input 0 is incompatible with layer " + name_ + ": " + expectation +
                              ", but got shape " + shape_to_string(input_shape));
}

KerasTensor Layer::operator()(const KerasTensor& inputs) & {
  return (*this)(std::vector<KerasTensor>{inputs});
}

KerasTensor Layer::operator()(const KerasTensor& inputs) && {
  return (*std::move(*this).into_shared())(inputs);
}

KerasTensor Layer::operator()(const std::vector<KerasTensor>& inputs) && {
  return (*std::move(*this).into_shared())(inputs);
}

std::vector<KerasTensor> Layer::apply(const std::vector<KerasTensor>& inputs) && {
  return std::move(*this).into_shared()->apply(inputs);
}

KerasTensor Layer::operator()(const std::vector<KerasTensor>& inputs) & {
  auto outputs = apply(inputs);
  if (outputs.size() != 1)
    throw std::invalid_argument("Layer " + name_ + " has " + std::to_string(outputs.size()) +
                                " outputs: call apply() to get all of them");
  return outputs.front();
}

std::vector<KerasTensor> Layer::apply(const std::vector<KerasTensor>& inputs) & {
  shared_for_call();
  if (inputs.empty())
    throw std::invalid_argument("Layer " + name_ + " was called on an empty list of tensors");
  std::vector<SymbolicTensor> masks;
  std::vector<Shape> shapes;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined())
      throw std::invalid_argument("Layer " + name_ + ": input " + std::to_string(i) +
                                  " is an undefined tensor");
    masks.push_back(inputs[i].keras_mask());
    shapes.push_back(inputs[i].shape());
  }
  if (!built_) {
    build_list(shapes);
    built_ = true;
    if (!initial_weights_.empty()) set_weights(std::exchange(initial_weights_, {}));
  }
  const std::vector<SymbolicTensor> graph_inputs = graph_tensors(inputs);
  std::vector<SymbolicTensor> outputs = call_list(graph_inputs, masks);
  std::vector<SymbolicTensor> output_masks = compute_mask_list(graph_inputs, masks);
  output_masks.resize(outputs.size());
  return record_node(inputs, outputs, output_masks);
}

std::vector<KerasTensor> Layer::apply(const std::vector<KerasTensor>& inputs,
                                      const nlohmann::json& arguments) & {
  if (!arguments.is_object())
    throw std::invalid_argument("Layer " + name_ + ": the call's keyword arguments must be a " +
                                "dict, got " + arguments.dump());
  nlohmann::json kept = nlohmann::json::object();
  std::optional<int> phase;
  for (const auto& [key, value] : arguments.items()) {
    if (value.is_null()) continue;  // the default
    if (key != "training")
      throw std::invalid_argument("Layer " + name_ + ": unknown call argument '" + key + "' (" +
                                  value.dump() + "); a layer call takes training=");
    if (!value.is_boolean() && !(value.is_number_integer() && (value == 0 || value == 1)))
      throw std::invalid_argument("Layer " + name_ + ": training= takes true, false, 0 or 1, got " +
                                  value.dump());
    phase = value.is_boolean() ? static_cast<int>(value.get<bool>()) : value.get<int>();
    kept[key] = value;
  }
  std::vector<KerasTensor> outputs;
  {
    backend::LearningPhaseScope fixed(phase);
    outputs = apply(inputs);
  }
  nodes_.back().arguments = std::move(kept);
  return outputs;
}

std::vector<std::pair<LayerPtr, int>> Layer::outbound_nodes() const {
  std::vector<std::pair<LayerPtr, int>> out;
  for (const auto& [weak, index] : outbound_)
    if (LayerPtr layer = weak.lock()) out.emplace_back(std::move(layer), index);
  return out;
}

std::vector<KerasTensor> Layer::record_node(std::vector<KerasTensor> inputs,
                                            const std::vector<SymbolicTensor>& outputs,
                                            const std::vector<SymbolicTensor>& output_masks) {
  const LayerPtr self = shared_for_call();
  const int index = static_cast<int>(nodes_.size());
  // The call is an outbound node of each layer whose output it takes.
  for (const auto& in : inputs)
    if (const KerasHistory* history = in.keras_history(); history && history->layer)
      history->layer->outbound_.emplace_back(self, index);
  LayerNode node;
  for (const auto& in : inputs) node.input_shapes.push_back(in.shape());
  node.input_tensors = std::move(inputs);
  std::vector<KerasTensor> made;
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    const SymbolicTensor mask = j < output_masks.size() ? output_masks[j] : SymbolicTensor();
    node.output_tensors.push_back(outputs[j].node());
    node.output_masks.push_back(mask);
    node.output_shapes.push_back(outputs[j].shape());
    made.push_back(KerasTensor::made_by(outputs[j], mask, self, index, static_cast<int>(j)));
  }
  nodes_.push_back(std::move(node));
  return made;
}

void Layer::build_list(const std::vector<Shape>& input_shapes) {
  if (input_shapes.size() != 1)
    throw std::invalid_argument("Layer " + name_ + " expects 1 inputs, but it received " +
                                std::to_string(input_shapes.size()) + " input tensors.");
  build(input_shapes.front());
}

std::vector<SymbolicTensor> Layer::call_list(const std::vector<SymbolicTensor>& inputs,
                                             const std::vector<SymbolicTensor>& masks) {
  if (inputs.size() != 1)
    throw std::invalid_argument("Layer " + name_ + " expects 1 inputs, but it received " +
                                std::to_string(inputs.size()) + " input tensors.");
  return {call_masked(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front())};
}

std::vector<Shape> Layer::compute_output_shape_list(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1)
    throw std::invalid_argument("Layer " + name_ + " expects 1 inputs, but it received " +
                                std::to_string(input_shapes.size()) + " input shapes.");
  return {compute_output_shape(input_shapes.front())};
}

std::vector<SymbolicTensor> Layer::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  if (inputs.size() == 1)
    return {compute_mask(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front())};
  for (const auto& mask : masks)
    if (mask.defined() && !supports_masking_)
      throw std::invalid_argument("Layer " + name_ +
                                  " does not support masking, but was passed an input_mask");
  return std::vector<SymbolicTensor>(1);
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
  for (auto& w : weights_) out.push_back(backend::detail::read_value(w.variable).clone());
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

// Keras 2.2.4: a layer (or model) set untrainable makes no updates, unless it is stateful.
std::vector<backend::Update> Layer::updates() const {
  if (!trainable() && !stateful()) return {};
  std::vector<backend::Update> out;
  for (const auto& [update, state] : tagged_updates()) out.push_back(update);
  return out;
}

std::vector<backend::Update> Layer::state_updates() const {
  std::vector<backend::Update> out;
  for (const auto& [update, state] : tagged_updates())
    if (state) out.push_back(update);
  return out;
}

const KerasTensor& Layer::input() const {
  if (nodes_.empty())
    throw std::logic_error("Layer " + name_ + " is not connected, no input to return.");
  if (nodes_.size() > 1)
    throw std::logic_error(
        "Layer " + name_ +
        " has multiple inbound nodes, hence the notion of \"layer input\" is ill-defined. "
        "Use `get_input_at(node_index)` instead.");
  return nodes_[0].input_tensors.front();
}

KerasTensor Layer::output() const {
  if (nodes_.empty()) throw std::logic_error("Layer " + name_ + " has no inbound nodes.");
  if (nodes_.size() > 1)
    throw std::logic_error(
        "Layer " + name_ +
        " has multiple inbound nodes, hence the notion of \"layer output\" is ill-defined. "
        "Use `get_output_at(node_index)` instead.");
  return get_output_at(0);
}

const LayerNode& Layer::node_at(int node_index, const char* what) const {
  if (nodes_.empty())
    throw std::logic_error("The layer " + name_ +
                           " has never been called and thus has no defined " + what + ".");
  if (node_index < 0 || static_cast<std::size_t>(node_index) >= nodes_.size())
    throw std::out_of_range("Asked to get " + std::string(what) + " at node " +
                            std::to_string(node_index) + " of layer " + name_ +
                            ", but the layer has only " + std::to_string(nodes_.size()) +
                            " inbound nodes.");
  return nodes_[static_cast<std::size_t>(node_index)];
}

std::vector<KerasTensor> Layer::get_inputs_at(int node_index) const {
  return node_at(node_index, "input").input_tensors;
}

std::vector<KerasTensor> Layer::get_outputs_at(int node_index) const {
  const LayerNode& node = node_at(node_index, "output");
  const LayerPtr self = shared_for_call();
  std::vector<KerasTensor> out;
  for (std::size_t j = 0; j < node.output_tensors.size(); ++j) {
    auto graph_node = node.output_tensors[j].lock();
    if (!graph_node)
      throw std::logic_error("The output of node " + std::to_string(node_index) + " of layer " +
                             name_ + " no longer exists: no tensor or model holds it");
    out.push_back(KerasTensor::made_by(SymbolicTensor(graph_node), node.output_masks[j], self,
                                       node_index, static_cast<int>(j)));
  }
  return out;
}

KerasTensor Layer::get_input_at(int node_index) const {
  return get_inputs_at(node_index).front();
}

KerasTensor Layer::get_output_at(int node_index) const {
  return get_outputs_at(node_index).front();
}

Shape Layer::get_input_shape_at(int node_index) const {
  return node_at(node_index, "input_shape").input_shapes.front();
}

Shape Layer::get_output_shape_at(int node_index) const {
  return node_at(node_index, "output_shape").output_shapes.front();
}

}  // namespace keras
