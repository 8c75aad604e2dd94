#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>

#include "keras/engine/topology.h"
#include "keras/layers/serialization.h"
#include "keras/models.h"
#include "saving/config_text.h"

namespace keras {

Sequential::Sequential(std::string name)
    : Model(name.empty() ? "sequential_" + std::to_string(backend::get_uid("sequential"))
                         : std::move(name)) {}

Sequential::Sequential(std::initializer_list<LayerRef> layers, std::string name)
    : Sequential(std::move(name)) {
  for (const auto& layer : layers) add(layer);
}

void Sequential::connect(const LayerPtr& layer) {
  const KerasTensor& x = outputs_.empty() ? inputs_.front() : outputs_.front();
  outputs_ = {(*layer)(x)};
}

namespace {
// Keras's get_source_inputs: the Input tensors a tensor is computed from, in the order reached.
std::vector<KerasTensor> source_inputs(const KerasTensor& tensor) {
  std::vector<KerasTensor> sources;
  std::function<void(const KerasTensor&)> visit = [&](const KerasTensor& t) {
    const KerasHistory* history = t.keras_history();
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
    KerasTensor output = layer->get_output_at(0);
    layers_.push_back(layer);
    inputs_ = source_inputs(output);
    outputs_ = {output};
    return;
  }
  if (layers_.empty() && inputs_.empty() && layer->batch_input_shape()) {
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
  // A function compiled for the old stack (a predict before this add) must not keep running it;
  // as after pop, training needs compile() again.
  invalidate_compilation();
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
  for (const auto& layer : this->layers()) layers.push_back(layers::serialize(*layer));
  return {{"name", name()}, {"layers", layers}};
}

namespace {
std::optional<Shape> shape_from_json(const nlohmann::json& value, const std::string& what) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_array())
    throw std::invalid_argument("Sequential.from_config: " + what + " must be a list, got " +
                                saving::detail::config_excerpt(value));
  Shape shape;
  for (const auto& d : value) {
    if (!d.is_null() && !d.is_number_integer())
      throw std::invalid_argument("Sequential.from_config: " + what + " must hold integers, got " +
                                  saving::detail::config_excerpt(value));
    shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
  }
  return shape;
}
}  // namespace

std::shared_ptr<Sequential> Sequential::from_config(const nlohmann::json& config,
                                                    const CustomObjects& custom_objects) {
  return from_config(config, [&](const nlohmann::json& entry) {
    return layers::deserialize(entry, custom_objects);
  });
}

std::shared_ptr<Sequential> Sequential::from_config(const nlohmann::json& config,
                                                    const LayerFactory& layer_factory) {
  std::string name;
  const nlohmann::json* layer_configs = &config;  // Keras 1: the list itself
  std::optional<Shape> build_input_shape;
  if (config.is_object()) {
    if (!config.contains("layers") || !config["layers"].is_array())
      throw std::invalid_argument(
          "Sequential.from_config: expected {\"name\", \"layers\": [...]}, got " +
          saving::detail::config_excerpt(config));
    if (config.contains("name") && config["name"].is_string())
      name = config["name"].get<std::string>();
    if (config.contains("build_input_shape"))
      build_input_shape = shape_from_json(config["build_input_shape"], "build_input_shape");
    layer_configs = &config["layers"];
  } else if (!config.is_array()) {
    throw std::invalid_argument(
        "Sequential.from_config: expected a dict or a list of layers, got " +
        saving::detail::config_excerpt(config));
  }
  auto model = std::make_shared<Sequential>(name);
  // The model's input, of the shape an InputLayer entry or build_input_shape gives.
  auto make_input = [&model](const Shape& batch_shape, const std::string& dtype,
                             const Layer& first) {
    InputOptions input;
    input.batch_shape = batch_shape;
    input.name = first.name() + "_input";
    input.dtype = dtype;
    model->inputs_ = {Input(input)};
    model->set_batch_input_shape(batch_shape);
  };
  bool from_input_layer = false;
  for (const auto& entry : *layer_configs) {
    const std::string class_name =
        entry.is_object() && entry.contains("class_name") && entry["class_name"].is_string()
            ? entry["class_name"].get<std::string>()
            : std::string();
    // Keras 3 and tf.keras put an InputLayer first: it gives the input's shape (over the first
    // layer's own batch_input_shape, which tf.keras writes as [null, null] for an Embedding).
    if (class_name == "InputLayer") {
      const nlohmann::json& c = entry.contains("config") ? entry["config"] : config;
      for (const char* key : {"batch_shape", "batch_input_shape"})
        if (c.contains(key)) {
          build_input_shape = shape_from_json(c[key], key);
          from_input_layer = true;
        }
      continue;
    }
    LayerPtr layer;
    if ((class_name == "Sequential" || class_name == "Model" || class_name == "Functional") &&
        !entry.contains("config"))
      throw std::invalid_argument("Sequential.from_config: the " + class_name +
                                  " in the layers has no 'config'");
    if (class_name == "Sequential") {
      layer = Sequential::from_config(entry["config"], layer_factory);
    } else if (class_name == "Model" || class_name == "Functional") {
      layer = Model::from_config(entry["config"], layer_factory);
    } else if (model->layers_.empty() && from_input_layer && entry.contains("config") &&
               entry["config"].is_object()) {
      // The first layer takes the InputLayer's shape, as Keras 2 writes it (batch_input_shape).
      nlohmann::json first = entry;
      nlohmann::json shape = nlohmann::json::array();
      for (std::int64_t d : *build_input_shape)
        shape.push_back(d < 0 ? nlohmann::json(nullptr) : nlohmann::json(d));
      first["config"]["batch_input_shape"] = shape;
      first["config"].erase("input_shape");
      first["config"].erase("batch_size");
      layer = layer_factory(first);
      from_input_layer = false;  // the layer's own input is the model's
    } else {
      layer = layer_factory(entry);
    }
    if (!layer)
      throw std::invalid_argument("Sequential config: the layer factory made no layer for " +
                                  class_name);
    if (model->layers_.empty() && from_input_layer)  // a model as the first layer
      make_input(*build_input_shape, dtype_name(layer->input_dtype()), *layer);
    model->add(layer);
  }
  if (model->inputs_.empty() && build_input_shape && !model->layers_.empty()) {
    const Layer& first = *model->layers_.front();
    make_input(*build_input_shape, dtype_name(first.input_dtype()), first);
    for (const auto& layer : model->layers_) model->connect(layer);
  }
  return model;
}

}  // namespace keras
