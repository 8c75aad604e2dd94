#include <optional>
#include <stdexcept>

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

void Sequential::add(LayerRef ref) {
  LayerPtr layer = std::move(ref.ptr);
  if (!layer) throw std::invalid_argument("Sequential::add: the layer is null");
  for (const auto& existing : layers_)
    if (existing->name() == layer->name())
      throw std::invalid_argument(
          "All layers added to a Sequential model should have unique names. Name \"" +
          layer->name() + "\" is already the name of a layer in this model.");
  if (layers_.empty() && layer->batch_input_shape()) {
    inputs_ = {backend::placeholder(*layer->batch_input_shape(), layer->input_dtype(),
                                    layer->name() + "_input")};
  }
  layers_.push_back(layer);
  if (!inputs_.empty()) connect(layer);  // shapes are checked as layers are added, as in Keras
}

void Sequential::pop() {
  if (layers_.empty()) throw std::logic_error("There are no layers in the model.");
  layers_.pop_back();
  if (layers_.empty()) inputs_.clear();
  outputs_.clear();
  if (!layers_.empty() && !inputs_.empty()) outputs_ = {layers_.back()->output()};
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
  for (const auto& layer : layers_) layers.push_back(layers::serialize(*layer));
  return {{"name", name_}, {"layers", layers}};
}

namespace {
std::optional<Shape> shape_from_json(const nlohmann::json& value, const std::string& what) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_array())
    throw std::invalid_argument("Sequential.from_config: " + what + " must be a list, got " +
                                value.dump());
  Shape shape;
  for (const auto& d : value) {
    if (!d.is_null() && !d.is_number_integer())
      throw std::invalid_argument("Sequential.from_config: " + what + " must hold integers, got " +
                                  value.dump());
    shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
  }
  return shape;
}
}  // namespace

std::shared_ptr<Sequential> Sequential::from_config(const nlohmann::json& config,
                                                    const CustomObjects& custom_objects) {
  std::string name;
  const nlohmann::json* layer_configs = &config;  // Keras 1: the list itself
  std::optional<Shape> build_input_shape;
  if (config.is_object()) {
    if (!config.contains("layers") || !config["layers"].is_array())
      throw std::invalid_argument(
          "Sequential.from_config: expected {\"name\", \"layers\": [...]}, got " +
          config.dump().substr(0, 200));
    if (config.contains("name") && config["name"].is_string())
      name = config["name"].get<std::string>();
    if (config.contains("build_input_shape"))
      build_input_shape = shape_from_json(config["build_input_shape"], "build_input_shape");
    layer_configs = &config["layers"];
  } else if (!config.is_array()) {
    throw std::invalid_argument(
        "Sequential.from_config: expected a dict or a list of layers, got " +
        config.dump().substr(0, 200));
  }
  auto model = std::make_shared<Sequential>(name);
  for (const auto& layer_config : *layer_configs) {
    // Keras 3 (and functional configs) put an InputLayer first: it only gives the input shape.
    if (layer_config.is_object() && layer_config.value("class_name", "") == "InputLayer") {
      const nlohmann::json& c = layer_config.contains("config") ? layer_config["config"] : config;
      for (const char* key : {"batch_shape", "batch_input_shape"})
        if (c.contains(key)) build_input_shape = shape_from_json(c[key], key);
      continue;
    }
    model->add(layers::deserialize(layer_config, custom_objects));
  }
  if (model->inputs_.empty() && build_input_shape && !model->layers_.empty()) {
    model->inputs_ = {backend::placeholder(*build_input_shape, backend::floatx(),
                                           model->layers_.front()->name() + "_input")};
    for (const auto& layer : model->layers_) model->connect(layer);
  }
  return model;
}

}  // namespace keras
