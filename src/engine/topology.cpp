// Input, InputLayer and the graph side of Model: building a model from the layer calls between
// its inputs and outputs (Keras's Network), and calling a model as a layer.
#include "keras/engine/topology.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "compiler/device_values.h"
#include "engine/replay_graph.h"
#include "keras/backend/legacy.h"
#include "keras/engine/training.h"
#include "layers/schema_config.h"
#include "saving/config_text.h"

namespace keras {

namespace {

// Python's repr of a list of strings, as Keras prints layer and output names.
std::string python_list(const std::vector<std::string>& names) {
  std::string text = "[";
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", '" : "'") + names[i] + "'";
  return text + "]";
}

// TensorFlow's text for a tensor, as Keras's errors print it.
std::string tensor_text(const SymbolicTensor& t) {
  std::string shape = "(";
  for (std::size_t i = 0; i < t.shape().size(); ++i) {
    if (i) shape += ", ";
    shape += t.shape()[i] < 0 ? "?" : std::to_string(t.shape()[i]);
  }
  if (t.shape().size() == 1) shape += ",";
  shape += ")";
  return "Tensor(\"" + t.name() + ":0\", shape=" + shape + ", dtype=" + dtype_name(t.dtype()) + ")";
}

// Keras's checks of a functional model's ends: its inputs come from Input(), once each; its
// outputs from layer calls.
void check_model_ends(const std::string& model_name, const std::vector<KerasTensor>& inputs,
                      const std::vector<KerasTensor>& outputs) {
  if (inputs.empty()) throw std::invalid_argument("Model " + model_name + ": no inputs given");
  if (outputs.empty()) throw std::invalid_argument("Model " + model_name + ": no outputs given");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& x = inputs[i];
    if (!x.defined())
      throw std::invalid_argument("Model " + model_name + ": input " + std::to_string(i) +
                                  " is undefined");
    const KerasHistory* history = x.keras_history();
    if (!history || !history->layer || !dynamic_cast<InputLayer*>(history->layer.get()))
      throw std::invalid_argument(
          "Input tensors to a Model must come from `keras.layers.Input`. Received: " +
          tensor_text(x) + " (missing previous layer metadata).");
    for (std::size_t j = 0; j < i; ++j)
      if (inputs[j] == x)
        throw std::invalid_argument(
            "The list of inputs passed to the model is redundant. All inputs should only appear "
            "once. Found: " +
            tensor_text(x) + " twice");
  }
  for (const auto& y : outputs) {
    const KerasHistory* history = y.keras_history();
    if (!history || !history->layer)
      throw std::invalid_argument(
          "Output tensors to a Model must be the output of a Keras `Layer` (thus holding past "
          "layer metadata). Found: " +
          (y.defined() ? tensor_text(y) : std::string("an undefined tensor")));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// InputLayer and Input

InputTensorArg InputTensorArg::from_config_value(const nlohmann::json& value) {
  throw std::invalid_argument("a config cannot hold a tensor, got " +
                              saving::detail::config_excerpt(value));
}

namespace {

// Keras 2.2.4's InputLayer: batch_input_shape, else (batch_size,) + input_shape, else the
// input_tensor's shape.
LayerArguments input_layer_arguments(const InputLayer::Options& o) {
  LayerArguments args;
  args.name = o.name.empty() ? "input_" + std::to_string(backend::get_uid("input")) : o.name;
  args.batch_input_shape = o.batch_input_shape;
  if (!args.batch_input_shape && o.input_shape) {
    Shape shape{o.batch_size.value_or(-1)};
    shape.insert(shape.end(), o.input_shape->begin(), o.input_shape->end());
    args.batch_input_shape = shape;
  }
  if (!args.batch_input_shape && o.input_tensor.tensor.defined())
    args.batch_input_shape = o.input_tensor.tensor.shape();
  return args;
}

}  // namespace

InputLayer::InputLayer(Options o)
    : Layer("InputLayer", input_layer_arguments(o)),
      dtype_(!o.dtype.empty()                  ? dtype_from_name(o.dtype)
             : o.input_tensor.tensor.defined() ? o.input_tensor.tensor.dtype()
                                               : backend::floatx()),
      sparse_(o.sparse),
      input_tensor_(o.input_tensor.tensor) {
  if (o.sparse)
    throw std::invalid_argument("InputLayer " + name() +
                                ": sparse inputs are not supported (sparse=true)");
  if (!batch_input_shape())
    throw std::invalid_argument(
        "Please provide to Input either a `shape` or a `batch_shape` argument. Note that "
        "`shape` does not include the batch dimension.");
  if (o.input_shape && o.batch_input_shape)
    throw std::invalid_argument(
        "Only provide the input_shape OR batch_input_shape argument to "
        "InputLayer, not both at the same time.");
  set_built(true);
}

KerasTensor InputLayer::make_input() {
  SymbolicTensor tensor = input_tensor_.defined()
                              ? input_tensor_
                              : backend::placeholder(*batch_input_shape(), dtype_, name());
  return record_node({}, {tensor}).front();
}

SymbolicTensor InputLayer::call(const SymbolicTensor&) {
  throw std::logic_error("InputLayer " + name() + " cannot be called on tensors");
}

// Keras 2.2.4's: batch_input_shape, dtype, sparse, name.
nlohmann::json InputLayer::get_config() const {
  return {{"batch_input_shape", layers::detail::shape_json(*batch_input_shape())},
          {"dtype", dtype_name(dtype_)},
          {"sparse", sparse_},
          {"name", name()}};
}

std::shared_ptr<Layer> InputLayer::from_config(const nlohmann::json& config) {
  const std::string class_name = "InputLayer";
  layers::detail::ConfigReader check(config, class_name);
  nlohmann::json keras2 = config;
  layers::detail::Keras1RenamerSchema<Options> renamer(keras2, class_name, 0);
  Options::arguments(renamer);
  renamer.finish();
  layers::detail::ConfigReader r(keras2, class_name);
  Options o;
  layers::detail::ConfigReaderSchema<Options> reader(r, o, 0);
  Options::arguments(reader);
  r.find("trainable");  // Keras 1 writes it; an InputLayer has no weights
  r.finish();
  return std::make_shared<InputLayer>(o);
}

KerasTensor Input(const InputOptions& options) {
  if (options.shape && options.batch_shape)
    throw std::invalid_argument("Input: give `shape` or `batch_shape`, not both");
  auto layer =
      std::make_shared<InputLayer>(InputLayer::Options{.input_shape = options.shape,
                                                       .batch_input_shape = options.batch_shape,
                                                       .dtype = options.dtype,
                                                       .sparse = options.sparse,
                                                       .name = options.name});
  return layer->make_input();
}

// ---------------------------------------------------------------------------------------------
// Model: the graph

void Model::init_graph(std::vector<KerasTensor> inputs, std::vector<KerasTensor> outputs) {
  check_model_ends(name(), inputs, outputs);

  // Every call (node) between the outputs and whatever they come from, inputs first.
  using Key = std::pair<const Layer*, int>;
  struct Info {
    LayerPtr layer;
    int node_index;
    int depth = 0;
  };
  std::map<Key, Info> info;
  std::vector<Key> order;  // post-order: a node after the nodes it reads
  std::set<Key> in_progress;
  std::function<void(const KerasTensor&, const Layer*)> visit = [&](const KerasTensor& t,
                                                                    const Layer* consumer) {
    const KerasHistory* history = t.keras_history();
    if (!history || !history->layer)
      throw std::invalid_argument(
          "Model " + name() + ": tensor " + tensor_text(t) +
          (consumer ? " (an input of layer " + consumer->name() + ")" : std::string()) +
          " was not made by a layer or Input(): build the graph from Input() tensors and layer "
          "calls (backend ops go in a Lambda layer; in C++, a layer's output kept in a "
          "SymbolicTensor has lost its history: keep it as auto or KerasTensor)");
    Key key{history->layer.get(), history->node_index};
    if (info.count(key)) return;
    if (in_progress.count(key))
      throw std::invalid_argument("Model " + name() + ": the graph has a cycle at layer " +
                                  history->layer->name());
    in_progress.insert(key);
    const LayerNode& node =
        history->layer->inbound_nodes().at(static_cast<std::size_t>(history->node_index));
    for (const auto& x : node.input_tensors) visit(x, history->layer.get());
    in_progress.erase(key);
    info[key] = Info{history->layer, history->node_index};
    order.push_back(key);
  };
  for (const auto& y : outputs) visit(y, nullptr);

  // Keras's depths: outputs at 0, a node one deeper than the deepest node reading it.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Info& node_info = info[*it];
    const LayerNode& node =
        node_info.layer->inbound_nodes()[static_cast<std::size_t>(node_info.node_index)];
    for (const auto& x : node.input_tensors) {
      const KerasHistory* history = x.keras_history();
      Info& inbound = info[Key{history->layer.get(), history->node_index}];
      inbound.depth = std::max(inbound.depth, node_info.depth + 1);
    }
  }

  // Keras's "graph disconnected" check: deepest nodes first, each input must be computable.
  std::vector<Key> by_depth = order;
  std::stable_sort(by_depth.begin(), by_depth.end(),
                   [&](const Key& a, const Key& b) { return info[a].depth > info[b].depth; });
  std::set<const backend::Node*> computable;
  for (const auto& x : inputs) computable.insert(x.node().get());
  std::vector<std::string> accessed;
  for (const auto& key : by_depth) {
    const Info& node_info = info[key];
    const LayerNode& node =
        node_info.layer->inbound_nodes()[static_cast<std::size_t>(node_info.node_index)];
    std::vector<SymbolicTensor> needed = graph_tensors(node.input_tensors);
    std::vector<SymbolicTensor> produced;
    for (const auto& weak : node.output_tensors)
      if (auto out = weak.lock()) produced.emplace_back(out);
    if (dynamic_cast<const InputLayer*>(key.first)) needed = produced;  // Keras: its own tensor
    for (const auto& x : needed)
      if (!computable.count(x.node().get()))
        throw std::invalid_argument("Graph disconnected: cannot obtain value for tensor " +
                                    tensor_text(x) + " at layer \"" + node_info.layer->name() +
                                    "\". The following previous layers were accessed without "
                                    "issue: " +
                                    python_list(accessed));
    for (const auto& x : produced) computable.insert(x.node().get());
    accessed.push_back(node_info.layer->name());
  }

  // Layers by depth (deepest first), then in the order they were reached, as Keras.
  std::map<const Layer*, int> layer_depth, layer_rank;
  std::vector<LayerPtr> layers;
  for (const auto& key : order) {
    const Info& node_info = info[key];
    if (!layer_rank.count(key.first)) {
      layer_rank[key.first] = static_cast<int>(layers.size());
      layers.push_back(node_info.layer);
    }
    layer_depth[key.first] = std::max(layer_depth[key.first], node_info.depth);
  }
  // Keras 1's legacy_weight_ordering: equal depths by name instead.
  const bool by_name = backend::legacy_weight_ordering();
  std::stable_sort(layers.begin(), layers.end(), [&](const LayerPtr& a, const LayerPtr& b) {
    const int da = layer_depth[a.get()], db = layer_depth[b.get()];
    if (da != db || !by_name) return da > db;
    return a->name() < b->name();
  });
  std::map<std::string, int> name_count;
  for (const auto& layer : layers) ++name_count[layer->name()];
  for (const auto& [layer_name, count] : name_count)
    if (count > 1)
      throw std::invalid_argument("The name \"" + layer_name + "\" is used " +
                                  std::to_string(count) +
                                  " times in the model. All layer names should be unique.");
  std::size_t unused_inputs = 0;
  for (const auto& x : inputs) {
    const KerasHistory* history = x.keras_history();
    if (info.count(Key{history->layer.get(), history->node_index})) continue;
    std::fprintf(stderr,
                 "UserWarning: Model %s: input %s (layer %s) is not connected to any output; "
                 "it will be fed but not used.\n",
                 name().c_str(), tensor_text(x).c_str(), history->layer->name().c_str());
    // Still one of the model's layers, as in Keras: its config names it among input_layers.
    if (!layer_rank.count(history->layer.get()))
      layers.insert(layers.begin() + static_cast<std::ptrdiff_t>(unused_inputs++), history->layer);
  }

  layers_ = std::move(layers);
  inputs_ = std::move(inputs);
  outputs_ = std::move(outputs);
  if (inputs_.size() == 1) set_batch_input_shape(inputs_.front().shape());
  supports_masking_ = true;
}

const std::vector<LayerPtr>& Model::layers() const {
  return layers_;
}

LayerPtr Model::get_layer(const std::string& name) const {
  const_cast<Model*>(this)->ensure_graph();
  for (const auto& layer : layers())
    if (layer->name() == name) return layer;
  throw std::invalid_argument("No such layer: " + name);
}

LayerPtr Model::get_layer(int index) const {
  layers();
  if (index < 0 || static_cast<std::size_t>(index) >= layers_.size())
    throw std::invalid_argument("Was asked to retrieve layer at index " + std::to_string(index) +
                                " but model only has " + std::to_string(layers_.size()) +
                                " layers.");
  return layers_[static_cast<std::size_t>(index)];
}

const KerasTensor& Model::input() const {
  const_cast<Model*>(this)->ensure_graph();
  return inputs_.front();
}

const KerasTensor& Model::output() const {
  const_cast<Model*>(this)->ensure_graph();
  return outputs_.front();
}

const std::vector<KerasTensor>& Model::inputs() const {
  const_cast<Model*>(this)->ensure_graph();
  return inputs_;
}

const std::vector<KerasTensor>& Model::outputs() const {
  const_cast<Model*>(this)->ensure_graph();
  return outputs_;
}

std::vector<std::string> Model::input_names() const {
  std::vector<std::string> names;
  for (const auto& x : inputs()) {
    const KerasHistory* history = x.keras_history();
    names.push_back(history && history->layer ? history->layer->name() : x.name());
  }
  return names;
}

std::vector<std::string> Model::output_names() const {
  std::vector<std::string> names;
  for (const auto& y : outputs()) {
    const KerasHistory* history = y.keras_history();
    names.push_back(history && history->layer ? history->layer->name() : y.name());
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Model as a layer

void Model::build_list(const std::vector<Shape>& input_shapes) {
  ensure_graph();
  if (input_shapes.size() != inputs_.size())
    throw std::invalid_argument("Model " + name() + " expects " + std::to_string(inputs_.size()) +
                                " inputs, but it received " + std::to_string(input_shapes.size()) +
                                " input tensors.");
}

SymbolicTensor Model::call(const SymbolicTensor& inputs) {
  return call_list({inputs}, {}).front();
}

std::vector<SymbolicTensor> Model::call_list(const std::vector<SymbolicTensor>& inputs,
                                             const std::vector<SymbolicTensor>& masks) {
  build_list([&] {
    std::vector<Shape> shapes;
    for (const auto& x : inputs) shapes.push_back(x.shape());
    return shapes;
  }());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Shape& want = inputs_[i].shape();
    const Shape& got = inputs[i].shape();
    bool fits = want.size() == got.size();
    for (std::size_t d = 1; fits && d < want.size(); ++d)
      fits = want[d] < 0 || got[d] < 0 || want[d] == got[d];
    if (!fits)
      throw std::invalid_argument("Input " + std::to_string(i) + " is incompatible with layer " +
                                  name() + ": expected shape=" + shape_to_string(want) +
                                  ", found shape=" + shape_to_string(got));
  }
  // As Keras's run_internal_graph, the updates (batch-norm statistics, RNN states) and the losses
  // (activity regularization) of the layer calls inside are made again on the new inputs, so
  // that a model around this call runs them.
  std::vector<std::pair<backend::Update, bool>> updates = tagged_updates();
  std::vector<SymbolicTensor> call_losses = losses();
  std::vector<KerasTensor> targets = outputs_;
  for (const auto& update : updates) targets.emplace_back(update.first.new_value);
  for (const auto& loss : call_losses) targets.emplace_back(loss);
  std::vector<KerasTensor> new_inputs;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    new_inputs.push_back(
        KerasTensor(inputs[i]).with_mask(i < masks.size() ? masks[i] : SymbolicTensor()));
  std::vector<KerasTensor> replayed = detail::replay_graph(inputs_, targets, new_inputs);
  last_call_outputs_.assign(replayed.begin(),
                            replayed.begin() + static_cast<std::ptrdiff_t>(outputs_.size()));
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const SymbolicTensor& new_value = replayed[outputs_.size() + i];
    if (new_value != updates[i].first.new_value)  // an update of no input stays as it is
      add_update(updates[i].first.variable, new_value, updates[i].second);
  }
  for (std::size_t i = 0; i < call_losses.size(); ++i) {
    const SymbolicTensor& loss = replayed[outputs_.size() + updates.size() + i];
    if (loss != call_losses[i]) add_loss(loss);  // a loss of no input (weights') stays as it is
  }
  return graph_tensors(last_call_outputs_);
}

Shape Model::compute_output_shape(const Shape& input_shape) const {
  return compute_output_shape_list({input_shape}).front();
}

std::vector<Shape> Model::compute_output_shape_list(const std::vector<Shape>& input_shapes) const {
  const_cast<Model*>(this)->ensure_graph();
  if (input_shapes.size() != inputs_.size())
    throw std::invalid_argument("Model " + name() + " expects " + std::to_string(inputs_.size()) +
                                " input shapes, got " + std::to_string(input_shapes.size()));
  std::vector<KerasTensor> probes;
  for (std::size_t i = 0; i < input_shapes.size(); ++i)
    probes.emplace_back(backend::placeholder(input_shapes[i], inputs_[i].dtype()));
  std::vector<Shape> shapes;
  for (const auto& y : detail::replay_graph(inputs_, outputs_, probes)) shapes.push_back(y.shape());
  return shapes;
}

std::vector<SymbolicTensor> Model::compute_mask_list(const std::vector<SymbolicTensor>&,
                                                     const std::vector<SymbolicTensor>&) const {
  std::vector<SymbolicTensor> masks;
  for (const auto& y : last_call_outputs_) masks.push_back(y.keras_mask());
  return masks;
}

// ---------------------------------------------------------------------------------------------
// Weights of every layer, nested models included, each weight once.

std::vector<SymbolicTensor> Model::weights() const {
  const_cast<Model*>(this)->ensure_graph();
  std::vector<SymbolicTensor> out;
  std::set<const backend::Node*> seen;
  for (const auto& layer : layers())
    for (auto& w : layer->weights())
      if (seen.insert(w.node().get()).second) out.push_back(w);
  return out;
}

std::vector<SymbolicTensor> Model::trainable_weights() const {
  std::vector<SymbolicTensor> out;
  if (!trainable()) return out;
  std::set<const backend::Node*> seen;
  for (const auto& layer : layers())
    for (auto& w : layer->trainable_weights())
      if (seen.insert(w.node().get()).second) out.push_back(w);
  return out;
}

std::vector<SymbolicTensor> Model::non_trainable_weights() const {
  if (!trainable()) return weights();
  std::vector<SymbolicTensor> out;
  std::set<const backend::Node*> seen;
  for (const auto& layer : layers())
    for (auto& w : layer->non_trainable_weights())
      if (seen.insert(w.node().get()).second) out.push_back(w);
  return out;
}

std::vector<Tensor> Model::get_weights() const {
  std::vector<Tensor> out;
  for (const auto& w : weights()) out.push_back(backend::detail::read_value(w).clone());
  return out;
}

void Model::set_weights(const std::vector<Tensor>& values) {
  std::vector<SymbolicTensor> ws = weights();
  if (values.size() != ws.size())
    throw std::invalid_argument("You called `set_weights(weights)` on model \"" + name() +
                                "\" with a weight list of length " + std::to_string(values.size()) +
                                ", but the model was expecting " + std::to_string(ws.size()) +
                                " weights.");
  for (std::size_t i = 0; i < ws.size(); ++i)
    if (values[i].shape() != ws[i].shape())
      throw std::invalid_argument("Layer weight shape " + shape_to_string(ws[i].shape()) +
                                  " not compatible with provided weight shape " +
                                  shape_to_string(values[i].shape()) + " (model " + name() +
                                  ", weight " + ws[i].name() + ")");
  for (std::size_t i = 0; i < ws.size(); ++i) backend::set_value(ws[i], values[i]);
}

std::int64_t Model::count_params() const {
  std::int64_t total = 0;
  for (const auto& w : weights()) total += shape_numel(w.shape());
  return total;
}

std::vector<std::pair<SymbolicTensor, WeightConstraint>> Model::constraints() const {
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> out;
  for (const auto& layer : layers())
    for (auto& c : layer->constraints()) out.push_back(c);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Config

namespace {
bool is_sequential(const Layer& layer) {
  return layer.class_name() == "Sequential";
}

// The tensors a Keras 3 call node reads: every {"class_name": "__keras_tensor__", "config":
// {"keras_history": [layer, node, tensor]}} in its arguments, in order.
void keras3_tensor_refs(const nlohmann::json& value, std::vector<nlohmann::json>& out) {
  if (value.is_array()) {
    for (const auto& v : value) keras3_tensor_refs(v, out);
  } else if (value.is_object()) {
    if (value.value("class_name", "") == "__keras_tensor__" && value.contains("config") &&
        value["config"].contains("keras_history")) {
      out.push_back(value["config"]["keras_history"]);
      return;
    }
    for (const auto& [key, v] : value.items()) keras3_tensor_refs(v, out);
  }
}

// A call node as Keras 2 writes it ([[layer, node, tensor, kwargs], ...]) from either Keras 2's
// list or Keras 3's {"args": [...], "kwargs": {...}}. Keras 3 counts the calls of a nested
// Sequential from 0, Keras 2 from 1 (its call 0 builds it), so such references are shifted.
nlohmann::json keras2_node(const nlohmann::json& node, const std::set<std::string>& sequentials) {
  if (!node.is_object()) return node;
  if (!node.contains("args"))
    throw std::invalid_argument(
        "Model config: a call node should be a list or Keras 3's "
        "{\"args\": ..., \"kwargs\": ...}, got " +
        saving::detail::config_excerpt(node));
  std::vector<nlohmann::json> refs;
  keras3_tensor_refs(node["args"], refs);
  // Of Keras 3's kwargs (masks, a layer's own call options), training= is the one a call here
  // takes.
  nlohmann::json kwargs = nlohmann::json::object();
  if (node.contains("kwargs") && node["kwargs"].is_object() && node["kwargs"].contains("training"))
    kwargs["training"] = node["kwargs"]["training"];
  nlohmann::json out = nlohmann::json::array();
  for (const auto& ref : refs) {
    if (!ref.is_array() || ref.size() != 3 || !ref[0].is_string() || !ref[1].is_number_integer())
      throw std::invalid_argument("Model config: bad keras_history " +
                                  saving::detail::config_excerpt(ref));
    const std::string layer = ref[0].get<std::string>();
    const int node_index = ref[1].get<int>() + (sequentials.count(layer) ? 1 : 0);
    out.push_back({layer, node_index, ref[2], kwargs});
  }
  return out;
}

// input_layers / output_layers: Keras 3 writes one reference unnested (["x", 0, 0]).
nlohmann::json tensor_ref_list(const nlohmann::json& refs) {
  if (refs.is_array() && !refs.empty() && refs[0].is_string()) return nlohmann::json::array({refs});
  return refs;
}
}  // namespace

nlohmann::json Model::get_config() const {
  const auto& layers = this->layers();
  // The calls that belong to this model's graph, found from its outputs.
  std::set<std::pair<const Layer*, int>> network;
  std::function<void(const KerasTensor&)> visit = [&](const KerasTensor& t) {
    const KerasHistory* history = t.keras_history();
    if (!history || !history->layer) return;
    if (!network.insert({history->layer.get(), history->node_index}).second) return;
    const auto& node =
        history->layer->inbound_nodes()[static_cast<std::size_t>(history->node_index)];
    for (const auto& x : node.input_tensors) visit(x);
  };
  for (const auto& y : outputs_) visit(y);
  // Keras numbers a layer's calls within the model from 0 (from 1 for a Sequential, whose call 0
  // in Keras is its own graph).
  std::map<std::pair<const Layer*, int>, int> renumbered;
  for (const auto& layer : layers) {
    int kept = is_sequential(*layer) ? 1 : 0;
    for (int i = 0; i < static_cast<int>(layer->inbound_nodes().size()); ++i)
      if (network.count({layer.get(), i})) renumbered[{layer.get(), i}] = kept++;
  }
  auto tensor_ref = [&](const KerasTensor& t) {
    const KerasHistory* history = t.keras_history();
    return nlohmann::json::array({history->layer->name(),
                                  renumbered[{history->layer.get(), history->node_index}],
                                  history->tensor_index});
  };
  nlohmann::json layer_configs = nlohmann::json::array();
  for (const auto& layer : layers) {
    nlohmann::json inbound = nlohmann::json::array();
    for (int i = 0; i < static_cast<int>(layer->inbound_nodes().size()); ++i) {
      if (!network.count({layer.get(), i})) continue;
      const auto& node = layer->inbound_nodes()[static_cast<std::size_t>(i)];
      if (node.input_tensors.empty()) continue;
      nlohmann::json node_data = nlohmann::json::array();
      for (const auto& x : node.input_tensors) {
        nlohmann::json ref = tensor_ref(x);
        ref.push_back(node.arguments);  // Keras writes the call's kwargs with each input
        node_data.push_back(ref);
      }
      inbound.push_back(node_data);
    }
    layer_configs.push_back({{"name", layer->name()},
                             {"class_name", layer->class_name()},
                             {"config", layer->get_config()},
                             {"inbound_nodes", inbound}});
  }
  nlohmann::json input_layers = nlohmann::json::array(), output_layers = nlohmann::json::array();
  for (const auto& x : inputs_) input_layers.push_back(tensor_ref(x));
  for (const auto& y : outputs_) output_layers.push_back(tensor_ref(y));
  return {{"name", name()},
          {"layers", layer_configs},
          {"input_layers", input_layers},
          {"output_layers", output_layers}};
}

namespace {

// Readers of a functional model's config that name what is wrong in it (a crafted or damaged
// config reaches them from model_from_json and model files).
[[noreturn]] void bad_model_config(const std::string& what) {
  throw std::invalid_argument("Model config: " + what);
}

const nlohmann::json& member(const nlohmann::json& object, const std::string& key,
                             const std::string& where) {
  if (!object.is_object())
    bad_model_config(where + " must be a dict, got " + saving::detail::config_excerpt(object));
  auto it = object.find(key);
  if (it == object.end()) bad_model_config(where + " has no '" + key + "'");
  return *it;
}

const nlohmann::json& list_member(const nlohmann::json& object, const std::string& key,
                                  const std::string& where) {
  const nlohmann::json& value = member(object, key, where);
  if (!value.is_array())
    bad_model_config(where + " '" + key + "' must be a list, got " +
                     saving::detail::config_excerpt(value));
  return value;
}

std::string string_member(const nlohmann::json& object, const std::string& key,
                          const std::string& where, const std::string& fallback) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_string())
    bad_model_config(where + " '" + key + "' must be a string, got " +
                     saving::detail::config_excerpt(*it));
  return it->get<std::string>();
}

// One input of a layer call, or a model input or output: [layer_name, node_index,
// tensor_index] (and the call's keyword arguments in Keras 2).
struct TensorRef {
  std::string layer;
  std::int64_t node_index, tensor_index;
};

TensorRef read_tensor_ref(const nlohmann::json& ref, const std::string& where) {
  if (!ref.is_array() || ref.size() < 3 || ref.size() > 4 || !ref[0].is_string() ||
      !ref[1].is_number_integer() || !ref[2].is_number_integer() ||
      ref[1].get<std::int64_t>() < 0 || ref[2].get<std::int64_t>() < 0)
    bad_model_config(where +
                     " must be [layer_name, node_index, tensor_index] with indices >= 0, got " +
                     saving::detail::config_excerpt(ref));
  return {ref[0].get<std::string>(), ref[1].get<std::int64_t>(), ref[2].get<std::int64_t>()};
}

}  // namespace

std::shared_ptr<Model> Model::from_config(const nlohmann::json& config,
                                          const LayerFactory& layer_factory) {
  std::map<std::string, LayerPtr> created;
  std::vector<KerasTensor> keep;  // every output made here, until the model holds them
  std::map<std::string, std::vector<nlohmann::json>> unprocessed;
  auto output_of = [&](const nlohmann::json& json_ref,
                       const std::string& where) -> std::optional<KerasTensor> {
    const TensorRef ref = read_tensor_ref(json_ref, where);
    auto found = created.find(ref.layer);
    if (found == created.end())
      throw std::invalid_argument("Model config: unknown layer \"" + ref.layer + "\"");
    std::int64_t node_index = ref.node_index;
    if (is_sequential(*found->second)) node_index -= 1;  // Keras's call 0 of a Sequential
    if (node_index < 0)
      throw std::invalid_argument("Model config: bad node index for " + ref.layer);
    if (static_cast<std::size_t>(node_index) >= found->second->inbound_nodes().size())
      return std::nullopt;
    const auto outputs = found->second->get_outputs_at(static_cast<int>(node_index));
    if (static_cast<std::size_t>(ref.tensor_index) >= outputs.size())
      bad_model_config(where + " asks for output " + std::to_string(ref.tensor_index) +
                       " of layer \"" + ref.layer + "\", which has " +
                       std::to_string(outputs.size()));
    return outputs[static_cast<std::size_t>(ref.tensor_index)];
  };
  auto process_node = [&](const std::string& layer_name, const nlohmann::json& node_data) {
    const std::string where = "an inbound node of layer \"" + layer_name + "\"";
    if (!node_data.is_array())
      bad_model_config(where + " must be a list, got " + saving::detail::config_excerpt(node_data));
    std::vector<KerasTensor> inputs;
    nlohmann::json arguments = nlohmann::json::object();  // as Keras: the last input's kwargs
    for (const auto& ref : node_data) {
      auto x = output_of(ref, where);
      if (!x) {
        unprocessed[layer_name].push_back(node_data);
        return false;
      }
      inputs.push_back(*x);
      if (ref.size() == 4 && !ref[3].is_null()) arguments = ref[3];
    }
    for (const auto& y : created[layer_name]->apply(inputs, arguments)) keep.push_back(y);
    return true;
  };
  const auto& layer_list = list_member(config, "layers", "the model config");
  std::set<std::string> sequentials;  // nested Sequentials (Keras 3 counts their calls from 0)
  for (const auto& layer_data : layer_list)
    if (layer_data.is_object() && layer_data.value("class_name", "") == "Sequential")
      sequentials.insert(string_member(layer_data, "name", "a Sequential layer entry", ""));
  std::size_t index = 0;
  for (const auto& layer_data : layer_list) {
    const std::string where = "layer " + std::to_string(index++);
    const std::string class_name = string_member(layer_data, "class_name", where, "");
    if (class_name.empty()) bad_model_config(where + " has no 'class_name'");
    const nlohmann::json& layer_config = member(layer_data, "config", where);
    LayerPtr layer;
    if (class_name == "InputLayer") {
      auto input = std::static_pointer_cast<InputLayer>(InputLayer::from_config(layer_config));
      keep.push_back(input->make_input());
      layer = input;
    } else if (class_name == "Model" || class_name == "Functional") {
      layer = Model::from_config(layer_config, layer_factory);
    } else {
      layer = layer_factory(nlohmann::json{{"class_name", class_name}, {"config", layer_config}});
      if (!layer)
        throw std::invalid_argument("Model config: the layer factory made no layer for " +
                                    class_name);
    }
    const std::string name = string_member(layer_data, "name", where, layer->name());
    created[name] = layer;
    if (layer_data.contains("inbound_nodes") && !layer_data["inbound_nodes"].is_null())
      for (const auto& node_data : list_member(layer_data, "inbound_nodes", where))
        unprocessed[name].push_back(keras2_node(node_data, sequentials));
  }
  // Keras's loop: process every layer's pending calls in config order until none is left (a call
  // waits when an input comes from a call not made yet).
  while (!unprocessed.empty()) {
    bool progress = false;
    for (const auto& layer_data : layer_list) {
      const std::string layer_name = string_member(layer_data, "name", "a layer", "");
      auto found = unprocessed.find(layer_name);
      if (found == unprocessed.end()) continue;
      std::vector<nlohmann::json> pending = std::move(found->second);
      unprocessed.erase(found);
      for (const auto& node_data : pending)
        progress = process_node(layer_name, node_data) || progress;
    }
    if (!progress && !unprocessed.empty())
      throw std::invalid_argument("Model config: the calls of layer \"" +
                                  unprocessed.begin()->first + "\" read calls that never happen");
  }
  std::vector<KerasTensor> inputs, outputs;
  for (const char* key : {"input_layers", "output_layers"}) {
    for (const auto& ref : tensor_ref_list(list_member(config, key, "the model config"))) {
      const std::string where = std::string("an entry of '") + key + "'";
      std::optional<KerasTensor> x = output_of(ref, where);
      if (!x) bad_model_config(where + " names a layer call that never happens");
      (key[0] == 'i' ? inputs : outputs).push_back(*x);
    }
  }
  return std::make_shared<Model>(TensorList{inputs}, TensorList{outputs},
                                 string_member(config, "name", "the model config", ""));
}

}  // namespace keras
