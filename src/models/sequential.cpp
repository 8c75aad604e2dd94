#include <algorithm>
#include <functional>
#include <stdexcept>

#include "keras/engine/topology.h"
#include "keras/models.h"

namespace keras {

Sequential::Sequential(std::string name)
    : Model(name.empty() ? "sequential_" + std::to_string(backend::get_uid("sequential"))
                         : std::move(name)) {}

Sequential::Sequential(std::initializer_list<LayerRef> layers, std::string name)
    : Sequential(std::move(name)) {
  for (const auto& layer : layers) add(layer);
}

void Sequential::connect(const LayerPtr& layer) {
  SymbolicTensor x = outputs_.empty() ? inputs_.front() : outputs_.front();
  outputs_ = {(*layer)(x)};
}

namespace {
// Keras's get_source_inputs: the Input tensors a tensor is computed from, in the order reached.
std::vector<SymbolicTensor> source_inputs(const SymbolicTensor& tensor) {
  std::vector<SymbolicTensor> sources;
  std::function<void(const SymbolicTensor&)> visit = [&](const SymbolicTensor& t) {
    auto history = keras_history(t);
    if (!history || !history->layer)
      throw std::invalid_argument("Sequential: tensor " + t.name() +
                                  " was not made by a layer or Input()");
    const auto& node =
        history->layer->inbound_nodes().at(static_cast<std::size_t>(history->node_index));
    if (node.input_tensors.empty()) {
      if (std::find(sources.begin(), sources.end(), t) == sources.end()) sources.push_back(t);
      return;
    }
    for (const auto& x : node.input_tensors) visit(x);
  };
  visit(tensor);
  return sources;
}
}  // namespace

void Sequential::add(LayerRef ref) {
  LayerPtr layer = std::move(ref.ptr);
  if (!layer) throw std::invalid_argument("Sequential::add: the layer is null");
  for (const auto& existing : layers_)
    if (existing->name() == layer->name())
      throw std::invalid_argument(
          "All layers added to a Sequential model should have unique names. Name \"" +
          layer->name() + "\" is already the name of a layer in this model.");
  if (layers_.empty() && !layer->inbound_nodes().empty() && !dynamic_cast<Model*>(layer.get())) {
    // Keras 1: a first layer already called (a Merge of branches) brings its graph along; the
    // model's inputs are the Input tensors that graph starts from.
    if (layer->inbound_nodes().size() != 1 || layer->inbound_nodes()[0].output_tensors.size() != 1)
      throw std::invalid_argument(
          "A layer added to a Sequential model as its first layer must have one call with one "
          "output tensor; layer " +
          layer->name() + " has " + std::to_string(layer->inbound_nodes().size()) + " calls");
    SymbolicTensor output = layer->get_output_at(0);
    layers_.push_back(layer);
    inputs_ = source_inputs(output);
    outputs_ = {output};
    return;
  }
  if (layers_.empty() && layer->batch_input_shape()) {
    // The input takes the dtype the first layer wants (Embedding: int32; a model: its input's).
    DType dtype = layer->input_dtype();
    if (auto* model = dynamic_cast<Model*>(layer.get())) dtype = model->input().dtype();
    InputOptions input;
    input.batch_shape = *layer->batch_input_shape();
    input.name = layer->name() + "_input";
    input.dtype = dtype_name(dtype);
    inputs_ = {Input(input)};
    set_batch_input_shape(*layer->batch_input_shape());
  }
  layers_.push_back(layer);
  if (!inputs_.empty()) connect(layer);  // shapes are checked as layers are added, as in Keras
}

void Sequential::pop() {
  if (layers_.empty()) throw std::logic_error("There are no layers in the model.");
  layers_.pop_back();
  if (layers_.empty()) inputs_.clear();
  outputs_.clear();
  // The last layer's most recent call is this model's (a shared layer has several).
  if (!layers_.empty() && !inputs_.empty()) {
    const auto& last = layers_.back();
    outputs_ = {last->get_output_at(static_cast<int>(last->inbound_nodes().size()) - 1)};
  }
  invalidate_compilation();  // as in Keras, compile again after changing the stack
}

void Sequential::ensure_graph() {
  if (layers_.empty())
    throw std::logic_error("The model is empty: add layers before compiling or predicting.");
  if (inputs_.empty())
    throw std::invalid_argument(
        "The first layer in a Sequential model must get an `input_shape` or "
        "`batch_input_shape` argument (or `input_dim`); layer " +
        layers_.front()->name() + " has none.");
}

nlohmann::json Sequential::get_config() const {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : this->layers())
    layers.push_back({{"class_name", layer->class_name()}, {"config", layer->get_config()}});
  return {{"name", name()}, {"layers", layers}};
}

std::shared_ptr<Sequential> Sequential::from_config(const nlohmann::json& config,
                                                    const LayerFactory& layer_factory) {
  auto model = std::make_shared<Sequential>(config.value("name", std::string()));
  // Keras 1 and early Keras 2 wrote a bare list of layers.
  const nlohmann::json& layers = config.is_array() ? config : config.at("layers");
  for (const auto& entry : layers) {
    const std::string class_name = entry.at("class_name").get<std::string>();
    LayerPtr layer;
    if (class_name == "Sequential")
      layer = Sequential::from_config(entry.at("config"), layer_factory);
    else if (class_name == "Model")
      layer = Model::from_config(entry.at("config"), layer_factory);
    else
      layer = layer_factory(entry);
    if (!layer)
      throw std::invalid_argument("Sequential config: the layer factory made no layer for " +
                                  class_name);
    model->add(layer);
  }
  return model;
}

}  // namespace keras
