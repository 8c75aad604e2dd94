// The layer registry: class names -> from_config, custom objects and their scopes.
#include "keras/layers/serialization.h"

#include <mutex>
#include <stdexcept>

#include "keras/activations.h"
#include "keras/initializers_custom.h"
#include "keras/layers/advanced_activations.h"
#include "keras/layers/convolutional.h"
#include "keras/layers/convolutional_recurrent.h"
#include "keras/layers/core.h"
#include "keras/layers/cudnn_recurrent.h"
#include "keras/layers/embeddings.h"
#include "keras/layers/local.h"
#include "keras/layers/merge.h"
#include "keras/layers/noise.h"
#include "keras/layers/normalization.h"
#include "keras/layers/pooling.h"
#include "keras/layers/recurrent.h"
#include "keras/layers/spatial_dropout.h"
#include "keras/layers/wrappers.h"
#include "keras/models.h"
#include "saving/config_text.h"

namespace keras {

namespace {

std::vector<CustomObjects>& scopes() {
  static std::vector<CustomObjects> stack;
  return stack;
}

// The library's layers, with Keras 1's class names beside Keras 2's. Layers of other modules
// (convolutional, recurrent, ...) add their lines here.
const std::map<std::string, LayerFactory>& builtin_layers() {
  // Layers whose from_config takes the class name (one class serving 1D, 2D and 3D).
  auto by_name = [](std::shared_ptr<Layer> (*f)(const std::string&, const nlohmann::json&),
                    std::string name) -> LayerFactory {
    return [f, name](const nlohmann::json& config) { return f(name, config); };
  };
  const LayerFactory functional = [](const nlohmann::json& config) -> LayerPtr {
    return Model::from_config(
        config, [](const nlohmann::json& entry) { return layers::deserialize(entry); });
  };
  static const std::map<std::string, LayerFactory> table = {
      {"Conv1D", layers::Conv1D::from_config},
      {"Conv2D", layers::Conv2D::from_config},
      {"Conv3D", layers::Conv3D::from_config},
      {"SeparableConv1D", layers::SeparableConv1D::from_config},
      {"SeparableConv2D", layers::SeparableConv2D::from_config},
      {"DepthwiseConv2D", layers::DepthwiseConv2D::from_config},
      {"Conv2DTranspose", layers::Conv2DTranspose::from_config},
      {"Conv3DTranspose", layers::Conv3DTranspose::from_config},
      {"SeparableConvolution2D", layers::SeparableConv2D::from_config},
      {"Convolution1D", layers::Conv1D::from_config},  // Keras 1 names
      {"Convolution2D", layers::Conv2D::from_config},
      {"Convolution3D", layers::Conv3D::from_config},
      {"Deconvolution2D", layers::Conv2DTranspose::from_config},
      {"AtrousConvolution1D", layers::Conv1D::from_config},
      {"AtrousConvolution2D", layers::Conv2D::from_config},
      {"LocallyConnected1D", layers::LocallyConnected1D::from_config},
      {"LocallyConnected2D", layers::LocallyConnected2D::from_config},
      {"ConvLSTM2D", layers::ConvLSTM2D::from_config},
      {"ConvLSTM2DCell", layers::ConvLSTM2DCell::from_config},
      {"ConvRNN2D", layers::ConvRNN2D::from_config},
      {"ZeroPadding1D", by_name(layers::zero_padding_from_config, "ZeroPadding1D")},
      {"ZeroPadding2D", by_name(layers::zero_padding_from_config, "ZeroPadding2D")},
      {"ZeroPadding3D", by_name(layers::zero_padding_from_config, "ZeroPadding3D")},
      {"Cropping1D", by_name(layers::zero_padding_from_config, "Cropping1D")},
      {"Cropping2D", by_name(layers::zero_padding_from_config, "Cropping2D")},
      {"Cropping3D", by_name(layers::zero_padding_from_config, "Cropping3D")},
      {"UpSampling1D", by_name(layers::up_sampling_from_config, "UpSampling1D")},
      {"UpSampling2D", by_name(layers::up_sampling_from_config, "UpSampling2D")},
      {"UpSampling3D", by_name(layers::up_sampling_from_config, "UpSampling3D")},
      {"MaxPooling1D", by_name(layers::pooling_from_config, "MaxPooling1D")},
      {"MaxPooling2D", by_name(layers::pooling_from_config, "MaxPooling2D")},
      {"MaxPooling3D", by_name(layers::pooling_from_config, "MaxPooling3D")},
      {"AveragePooling1D", by_name(layers::pooling_from_config, "AveragePooling1D")},
      {"AveragePooling2D", by_name(layers::pooling_from_config, "AveragePooling2D")},
      {"AveragePooling3D", by_name(layers::pooling_from_config, "AveragePooling3D")},
      {"GlobalMaxPooling1D", by_name(layers::global_pooling_from_config, "GlobalMaxPooling1D")},
      {"GlobalMaxPooling2D", by_name(layers::global_pooling_from_config, "GlobalMaxPooling2D")},
      {"GlobalMaxPooling3D", by_name(layers::global_pooling_from_config, "GlobalMaxPooling3D")},
      {"GlobalAveragePooling1D",
       by_name(layers::global_pooling_from_config, "GlobalAveragePooling1D")},
      {"GlobalAveragePooling2D",
       by_name(layers::global_pooling_from_config, "GlobalAveragePooling2D")},
      {"GlobalAveragePooling3D",
       by_name(layers::global_pooling_from_config, "GlobalAveragePooling3D")},
      {"SpatialDropout1D", by_name(layers::spatial_dropout_from_config, "SpatialDropout1D")},
      {"SpatialDropout2D", by_name(layers::spatial_dropout_from_config, "SpatialDropout2D")},
      {"SpatialDropout3D", by_name(layers::spatial_dropout_from_config, "SpatialDropout3D")},
      {"Embedding", layers::Embedding::from_config},
      {"BatchNormalization", layers::BatchNormalization::from_config},
      {"SimpleRNN", layers::SimpleRNN::from_config},
      {"GRU", layers::GRU::from_config},
      {"LSTM", layers::LSTM::from_config},
      {"CuDNNGRU", layers::CuDNNGRU::from_config},
      {"CuDNNLSTM", layers::CuDNNLSTM::from_config},
      {"Bidirectional", layers::Bidirectional::from_config},
      {"RNN", layers::RNN::from_config},
      {"SimpleRNNCell", layers::SimpleRNNCell::from_config},
      {"GRUCell", layers::GRUCell::from_config},
      {"LSTMCell", layers::LSTMCell::from_config},
      {"StackedRNNCells", layers::StackedRNNCells::from_config},
      // the functional API: inputs, merges, wrappers and models used as layers
      {"InputLayer", InputLayer::from_config},
      {"Add", layers::Add::from_config},
      {"Subtract", layers::Subtract::from_config},
      {"Multiply", layers::Multiply::from_config},
      {"Average", layers::Average::from_config},
      {"Maximum", layers::Maximum::from_config},
      {"Minimum", layers::Minimum::from_config},
      {"Concatenate", layers::Concatenate::from_config},
      {"Dot", layers::Dot::from_config},
      {"Merge", layers::Merge::from_config},
      {"TimeDistributed", layers::TimeDistributed::from_config},
      {"Sequential",
       [](const nlohmann::json& config) -> LayerPtr { return Sequential::from_config(config); }},
      {"Model", functional},
      {"Functional", functional},  // tf.keras 2.x's and Keras 3's name of a functional model
      {"Dense", layers::Dense::from_config},
      {"Activation", layers::Activation::from_config},
      {"Dropout", layers::Dropout::from_config},
      {"Masking", layers::Masking::from_config},
      {"Flatten", layers::Flatten::from_config},
      {"Reshape", layers::Reshape::from_config},
      {"Permute", layers::Permute::from_config},
      {"RepeatVector", layers::RepeatVector::from_config},
      {"Lambda", layers::Lambda::from_config},
      {"ActivityRegularization", layers::ActivityRegularization::from_config},
      {"Highway", layers::Highway::from_config},
      {"MaxoutDense", layers::MaxoutDense::from_config},
      {"TimeDistributedDense", layers::TimeDistributedDense::from_config},
      {"LeakyReLU", layers::LeakyReLU::from_config},
      {"PReLU", layers::PReLU::from_config},
      {"ELU", layers::ELU::from_config},
      {"ThresholdedReLU", layers::ThresholdedReLU::from_config},
      {"Softmax", layers::Softmax::from_config},
      {"ReLU", layers::ReLU::from_config},
      {"ParametricSoftplus", layers::ParametricSoftplus::from_config},
      {"SReLU", layers::SReLU::from_config},
      {"GaussianNoise", layers::GaussianNoise::from_config},
      {"GaussianDropout", layers::GaussianDropout::from_config},
      {"AlphaDropout", layers::AlphaDropout::from_config},
  };
  return table;
}

}  // namespace

void CustomObjects::update(const CustomObjects& other) {
  for (const auto& [k, v] : other.layers) layers[k] = v;
  for (const auto& [k, v] : other.functions) functions[k] = v;
  for (const auto& [k, v] : other.lambda_functions) lambda_functions[k] = v;
  for (const auto& [k, v] : other.losses) losses[k] = v;
  for (const auto& [k, v] : other.metrics) metrics[k] = v;
  for (const auto& [k, v] : other.regularizers) regularizers[k] = v;
  for (const auto& [k, v] : other.constraints) constraints[k] = v;
  for (const auto& [k, v] : other.initializers) initializers[k] = v;
}

CustomObjectScope::CustomObjectScope(CustomObjects objects) {
  scopes().push_back(std::move(objects));
}

CustomObjectScope::~CustomObjectScope() {
  scopes().pop_back();
}

CustomObjects& get_custom_objects() {
  static CustomObjects global;
  return global;
}

CustomObjects visible_custom_objects(const CustomObjects& explicit_objects) {
  CustomObjects out = get_custom_objects();
  for (const auto& scope : scopes()) out.update(scope);
  out.update(explicit_objects);
  return out;
}

namespace layers {

void register_layer(const std::string& class_name, LayerFactory factory) {
  if (class_name.empty() || !factory)
    throw std::invalid_argument("register_layer: a class name and a factory are required");
  get_custom_objects().layers[class_name] = std::move(factory);
}

nlohmann::json serialize(const Layer& layer) {
  return {{"class_name", layer.class_name()}, {"config", layer.get_config()}};
}

std::vector<std::string> registered_layer_names() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : builtin_layers()) names.push_back(name);
  return names;
}

LayerPtr deserialize(const nlohmann::json& config, const CustomObjects& custom_objects) {
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw std::invalid_argument(
        "Layer config must be {\"class_name\": ..., \"config\": {...}}, got " +
        saving::detail::config_excerpt(config));
  const std::string class_name = config["class_name"].get<std::string>();
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& layer_config =
      config.contains("config") && !config["config"].is_null() ? config["config"] : empty;
  CustomObjects visible = visible_custom_objects(custom_objects);
  LayerFactory factory;
  if (auto it = visible.layers.find(class_name); it != visible.layers.end())
    factory = it->second;
  else if (auto b = builtin_layers().find(class_name); b != builtin_layers().end())
    factory = b->second;
  if (!factory) {
    std::string known;
    for (const auto& name : registered_layer_names()) known += (known.empty() ? "" : ", ") + name;
    for (const auto& [name, f] : visible.layers) known += ", " + name;
    throw std::invalid_argument("Unknown layer: " + class_name + ". Known layers are: " + known +
                                ". Register custom layers with keras::layers::register_layer or "
                                "pass them in custom_objects.");
  }
  // Names resolve through the explicit objects while the layer reads its config.
  CustomObjectScope scope(custom_objects);
  LayerPtr layer;
  try {
    layer = factory(layer_config);
  } catch (const nlohmann::json::exception& e) {
    // A reader that took a value as it expected it: a key missing or of another type.
    throw std::invalid_argument(
        class_name + ".from_config: " + saving::detail::json_error_reason(e) +
        " in the layer config " + saving::detail::config_excerpt(layer_config));
  }
  if (!layer)
    throw std::invalid_argument("The factory of layer class " + class_name + " returned null");
  return layer;
}

namespace detail {

ActivationSpec activation_from_config(const nlohmann::json* value) {
  if (!value || value->is_null()) return {"linear", {}};
  std::string name;
  if (value->is_string()) {
    name = value->get<std::string>();
  } else if (value->is_object() && value->contains("config") && (*value)["config"].is_string()) {
    name = (*value)["config"].get<std::string>();  // Keras 3: {"class_name": "function", ...}
  } else {
    throw std::invalid_argument("an activation must be a name, got " +
                                saving::detail::config_excerpt(*value));
  }
  CustomObjects visible = visible_custom_objects();
  if (auto it = visible.functions.find(name); it != visible.functions.end())
    return {name, it->second};
  activations::get(name);  // unknown names throw, listing the valid ones
  return {name, {}};
}

namespace {

// The name a config gives an object by ("l2" or {"class_name": "HalfL1", ...}) and the config of
// its constructor (empty for a name), as Keras's deserialize_keras_object reads them; an empty
// name when the config is neither.
std::pair<std::string, nlohmann::json> named_object(const nlohmann::json& config) {
  if (config.is_string()) return {config.get<std::string>(), nlohmann::json::object()};
  if (config.is_object() && config.contains("class_name") && config["class_name"].is_string()) {
    auto it = config.find("config");
    return {config["class_name"].get<std::string>(),
            it == config.end() || it->is_null() ? nlohmann::json::object() : *it};
  }
  return {"", nullptr};
}

// A layer's weight argument from its config: the custom object of its kind that the config
// names, through `from_custom` (custom objects win over the library's, as in Keras), else the
// library's (`builtin`), whose error for an unknown name (Keras's "Unknown regularizer: HalfL1")
// then says where a custom one goes.
template <typename Factory, typename Builtin, typename FromCustom>
auto custom_or_builtin(const nlohmann::json& config, const std::map<std::string, Factory>& custom,
                       const char* kind, const char* field, Builtin builtin,
                       FromCustom from_custom) {
  auto [name, arguments] = named_object(config);
  if (auto it = custom.find(name); !name.empty() && it != custom.end()) {
    auto made = it->second(arguments);
    if (!made)
      throw std::invalid_argument(std::string("The custom ") + kind + " '" + name +
                                  "' of custom_objects made no " + kind);
    return from_custom(std::move(made), name);
  }
  try {
    return builtin(config);
  } catch (const std::invalid_argument& e) {
    if (name.empty() || std::string(e.what()).find(name) == std::string::npos) throw;
    throw std::invalid_argument(
        std::string(e.what()) + " A custom " + kind + " '" + name +
        "' must be passed in custom_objects (Python: custom_objects={'" + name +
        "': ...} or CustomObjectScope; C++: CustomObjects::" + field + ").");
  }
}

// The custom object as it is.
constexpr auto itself = [](auto made, const std::string&) { return made; };

}  // namespace

regularizers::Regularizer regularizer_from_config(const nlohmann::json& config) {
  return custom_or_builtin(
      config, visible_custom_objects().regularizers, "regularizer", "regularizers",
      [](const nlohmann::json& c) { return regularizers::from_config(c); }, itself);
}

constraints::Constraint constraint_from_config(const nlohmann::json& config) {
  return custom_or_builtin(
      config, visible_custom_objects().constraints, "constraint", "constraints",
      [](const nlohmann::json& c) { return constraints::from_config(c); }, itself);
}

std::string initializer_from_config(const nlohmann::json& config) {
  // The option holds a string: a custom initializer's registered key, which get_config writes
  // back as its name (as Keras writes a custom initializer).
  return custom_or_builtin(
      config, visible_custom_objects().initializers, "initializer", "initializers",
      [](const nlohmann::json& c) { return initializers::deserialize_name(c); },
      [](initializers::Initializer made, const std::string& name) {
        return initializers::register_custom(std::move(made), name);
      });
}

LambdaFunctionArg lambda_function_from_custom_objects(const std::string& name) {
  CustomObjects visible = visible_custom_objects();
  if (auto it = visible.lambda_functions.find(name); it != visible.lambda_functions.end())
    return {it->second, name};
  if (auto it = visible.functions.find(name); it != visible.functions.end())
    return {it->second, name};
  throw std::invalid_argument("Lambda: unknown function '" + name +
                              "'. C++ functions cannot be read back from a config; pass it in "
                              "custom_objects.functions (or lambda_functions, to take the "
                              "layer's `arguments`) under that name.");
}

}  // namespace detail

}  // namespace layers
}  // namespace keras
