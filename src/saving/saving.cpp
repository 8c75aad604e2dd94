// Keras 2.2.4's keras/engine/saving.py in C++: whole-model HDF5 files, weight files, configs.
#include "keras/saving/saving.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "distributed/training_state.h"
#include "keras/backend/backend.h"
#include "keras/distributed.h"
#include "keras/models.h"
#include "keras/optimizers.h"
#include "saving/config_text.h"
#include "saving/hdf5.h"
#include "saving/saving_internal.h"

namespace keras::saving {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

int g_fail_at = 0;
int g_steps = 0;

std::map<std::string, ModelFactory>& model_classes() {
  static const ModelFactory functional = [](const json& config, const CustomObjects& objects) {
    return Model::from_config(
        config, [&objects](const json& entry) { return layers::deserialize(entry, objects); });
  };
  static std::map<std::string, ModelFactory> classes = {
      {"Sequential",
       [](const json& config, const CustomObjects& objects) -> ModelPtr {
         return Sequential::from_config(config, objects);
       }},
      {"Model", functional},
      {"Functional", functional},  // tf.keras 2.x's and Keras 3's name of a functional model
  };
  return classes;
}

void warn(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "UserWarning: %s\n", message.c_str());
}

json parse_json(const std::string& text, const std::string& what, const std::string& path) {
  try {
    return detail::parse_config_json(text, "the " + what + " attribute");
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("'" + path + "': " + e.what());
  }
}

// Variable names as TensorFlow Keras writes them ("dense_1/kernel:0"), made unique.
std::vector<std::string> tf_weight_names(const std::vector<SymbolicTensor>& weights) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& w : weights) {
    std::string name = w.name() + ":0";
    std::string unique = name;
    for (int i = 1; seen.count(unique); ++i) unique = name + "_" + std::to_string(i);
    seen.insert(unique);
    names.push_back(unique);
  }
  return names;
}

}  // namespace

namespace detail {

void fail_save_at_step(int n) {
  g_fail_at = n;
}
int last_save_steps() {
  return g_steps;
}

void write_step(const std::string& what) {
  ++g_steps;
  if (g_fail_at > 0 && g_steps == g_fail_at)
    throw std::runtime_error("simulated write failure at step " + std::to_string(g_steps) + " (" +
                             what + ")");
}

void atomic_write(const std::string& filepath, bool overwrite,
                  const std::function<void(const std::string& temp_path)>& write) {
  g_steps = 0;
  write_file_atomically(filepath, overwrite, [&](const std::string& temp) {
    write(temp);
    write_step("rename over the target");
  });
}

void save_weights_to_group(h5::Group& group, const Model& model) {
  std::vector<std::string> layer_names;
  for (const auto& layer : model.layers()) layer_names.push_back(layer->name());
  write_step("layer_names");
  group.write_string_array_attr("layer_names", layer_names);
  group.write_string_attr("backend", kBackendAttr);
  group.write_string_attr("keras_version", kKerasVersion);
  for (const auto& layer : model.layers()) {
    write_step("layer group " + layer->name());
    h5::Group g = group.create_group(layer->name());
    std::vector<SymbolicTensor> weights = layer->weights();
    std::vector<std::string> names = tf_weight_names(weights);
    g.write_string_array_attr("weight_names", names);
    std::vector<Tensor> values = layer->get_weights();
    for (std::size_t i = 0; i < weights.size(); ++i) {
      write_step("dataset " + names[i]);
      g.write_dataset(names[i], values[i]);
    }
  }
}

namespace {

struct SavedLayer {
  std::string name;
  std::vector<Tensor> values;
};

// The weights of one layer group, in weight_names order.
SavedLayer read_layer_group(const h5::Group& group, const std::string& name) {
  if (!group.has_group(name))
    group.fail("layer_names lists '" + name + "' but the file has no group of that name");
  h5::Group g = group.open_group(name);
  SavedLayer saved{name, {}};
  for (const auto& weight_name : g.read_string_array_attr("weight_names"))
    saved.values.push_back(g.read_dataset(weight_name));
  return saved;
}

std::string shape_text(const Shape& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    out += shape[i] < 0 ? "None" : std::to_string(shape[i]);
    if (i + 1 < shape.size() || shape.size() == 1) out += shape.size() == 1 ? "," : ", ";
  }
  return out + ")";
}

// Keras writes sample_weight_mode as compile() received it: None, one mode, or one per output.
json sample_weight_mode_json(const CompileOptions& options) {
  if (options.sample_weight_modes.empty())
    return options.sample_weight_mode.empty() ? json(nullptr) : json(options.sample_weight_mode);
  json list = json::array();
  for (const auto& mode : options.sample_weight_modes)
    list.push_back(mode.empty() ? json(nullptr) : json(mode));
  return list;
}

// The modes a training config holds (a dict by output name put in the output order); false for
// a value keras.cpp cannot use.
bool read_sample_weight_mode(const json& mode, const Model& model, CompileOptions& options) {
  auto one = [&](const json& m) {
    if (!m.is_null() && !m.is_string()) return false;
    options.sample_weight_modes.push_back(m.is_null() ? "" : m.get<std::string>());
    return true;
  };
  if (mode.is_null()) return true;
  if (mode.is_string()) {
    options.sample_weight_mode = mode.get<std::string>();
    return true;
  }
  if (mode.is_array()) return std::all_of(mode.begin(), mode.end(), one);
  if (!mode.is_object()) return false;
  for (const auto& name : model.output_names())
    if (!mode.contains(name) || !one(mode[name])) return false;
  return true;
}

}  // namespace

// Casts saved values to the dtypes of the layer's variables.
std::vector<Tensor> cast_to(const std::vector<Tensor>& values,
                            const std::vector<SymbolicTensor>& symbolic) {
  std::vector<Tensor> out;
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(i < symbolic.size() && values[i].dtype() != symbolic[i].dtype()
                      ? values[i].astype(symbolic[i].dtype())
                      : values[i]);
  return out;
}

void load_weights_from_group(const h5::Group& group, Model& model) {
  std::vector<LayerPtr> filtered;
  for (const auto& layer : model.layers())
    if (!layer->weights().empty()) filtered.push_back(layer);
  if (!group.has_attr("layer_names") && !group.has_attr("layer_names0"))
    group.fail("expected a Keras weights group with a 'layer_names' attribute, found none");
  const std::string version = group.read_string_attr("keras_version").value_or("1");
  const std::optional<std::string> backend = group.read_string_attr("backend");
  std::vector<SavedLayer> saved;
  for (const auto& name : group.read_string_array_attr("layer_names")) {
    SavedLayer layer = read_layer_group(group, name);
    if (!layer.values.empty()) saved.push_back(std::move(layer));
  }
  if (saved.size() != filtered.size())
    throw std::invalid_argument("You are trying to load a weight file containing " +
                                std::to_string(saved.size()) + " layers into a model with " +
                                std::to_string(filtered.size()) + " layers.");
  // Check everything before setting anything, so that a bad file changes no weight.
  std::vector<std::vector<Tensor>> values;
  for (std::size_t k = 0; k < saved.size(); ++k) {
    const LayerPtr& layer = filtered[k];
    std::vector<SymbolicTensor> symbolic = layer->weights();
    saved[k].values =
        preprocess_weights_for_loading(*layer, std::move(saved[k].values), version, backend);
    if (saved[k].values.size() != symbolic.size())
      throw std::invalid_argument("Layer #" + std::to_string(k) + " (named \"" + layer->name() +
                                  "\" in the current model) was found to correspond to layer " +
                                  saved[k].name + " in the save file. However the new layer " +
                                  layer->name() + " expects " + std::to_string(symbolic.size()) +
                                  " weights, but the saved weights have " +
                                  std::to_string(saved[k].values.size()) + " elements.");
    for (std::size_t i = 0; i < symbolic.size(); ++i)
      if (symbolic[i].shape() != saved[k].values[i].shape())
        throw std::invalid_argument("Layer #" + std::to_string(k) + " (named \"" + layer->name() +
                                    "\"), weight " + symbolic[i].name() + " has shape " +
                                    shape_text(symbolic[i].shape()) +
                                    ", but the saved weight (layer " + saved[k].name +
                                    ") has shape " + shape_text(saved[k].values[i].shape()) + ".");
    values.push_back(cast_to(saved[k].values, symbolic));
  }
  for (std::size_t k = 0; k < saved.size(); ++k) filtered[k]->set_weights(values[k]);
}

void load_weights_from_group_by_name(const h5::Group& group, Model& model, bool skip_mismatch) {
  if (!group.has_attr("layer_names") && !group.has_attr("layer_names0"))
    group.fail("expected a Keras weights group with a 'layer_names' attribute, found none");
  const std::string version = group.read_string_attr("keras_version").value_or("1");
  const std::optional<std::string> backend = group.read_string_attr("backend");
  std::vector<std::pair<LayerPtr, std::vector<Tensor>>> updates;
  std::vector<std::string> names = group.read_string_array_attr("layer_names");
  for (std::size_t k = 0; k < names.size(); ++k) {
    LayerPtr layer;
    for (const auto& l : model.layers())
      if (l->name() == names[k]) layer = l;
    if (!layer) continue;
    SavedLayer saved = read_layer_group(group, names[k]);
    std::vector<SymbolicTensor> symbolic = layer->weights();
    saved.values =
        preprocess_weights_for_loading(*layer, std::move(saved.values), version, backend);
    if (saved.values.size() != symbolic.size()) {
      std::string counts =
          std::to_string(symbolic.size()) + " vs " + std::to_string(saved.values.size());
      if (skip_mismatch) {
        warn("Skipping loading of weights for layer " + layer->name() +
             " due to mismatch in number of weights (" + counts + ").");
        continue;
      }
      throw std::invalid_argument("Layer #" + std::to_string(k) + " (named \"" + layer->name() +
                                  "\") expects " + std::to_string(symbolic.size()) +
                                  " weight(s), but the saved weights have " +
                                  std::to_string(saved.values.size()) + " element(s).");
    }
    bool mismatch = false;
    for (std::size_t i = 0; i < symbolic.size() && !mismatch; ++i) {
      if (symbolic[i].shape() == saved.values[i].shape()) continue;
      if (skip_mismatch) {
        warn("Skipping loading of weights for layer " + layer->name() +
             " due to mismatch in shape (" + shape_text(symbolic[i].shape()) + " vs " +
             shape_text(saved.values[i].shape()) + ").");
        mismatch = true;
        continue;
      }
      throw std::invalid_argument(
          "Layer #" + std::to_string(k) + " (named \"" + layer->name() + "\"), weight " +
          symbolic[i].name() + " has shape " + shape_text(symbolic[i].shape()) +
          ", but the saved weight has shape " + shape_text(saved.values[i].shape()) + ".");
    }
    if (!mismatch) updates.emplace_back(layer, cast_to(saved.values, symbolic));
  }
  for (auto& [layer, values] : updates) layer->set_weights(values);
}

json training_config(const Model& model) {
  const CompileOptions& options = model.compile_options();
  // Keras writes each of loss, metrics and loss_weights as compile() received it: one value, a
  // list (one per output) or a dict by output name.
  json loss;
  if (options.loss.is_list) {
    loss = json::array();
    for (const auto& l : options.loss.list) loss.push_back(l.name);
  } else if (options.loss.is_map) {
    loss = json::object();
    for (const auto& [name, l] : options.loss.by_name) loss[name] = l.name;
  } else {
    loss = options.loss.single.name;
  }
  auto metric_names = [](const std::vector<MetricArg>& list) {
    json names = json::array();
    for (const auto& m : list) names.push_back(m.name);
    return names;
  };
  auto metrics_json = [&](const MetricsSpec& spec) {
    if (!spec.is_map) return metric_names(spec.list);
    json by_name = json::object();
    for (const auto& [name, list] : spec.by_name) by_name[name] = metric_names(list);
    return by_name;
  };
  json metrics = metrics_json(options.metrics);
  json loss_weights = nullptr;
  if (options.loss_weights.given)
    loss_weights = options.loss_weights.is_map ? json(options.loss_weights.by_name)
                                               : json(options.loss_weights.list);
  json config = {{"optimizer_config", model.optimizer()->serialize()},
                 {"loss", loss},
                 {"metrics", metrics},
                 {"sample_weight_mode", sample_weight_mode_json(options)},
                 {"loss_weights", loss_weights}};
  // Keras 2.2.4 drops weighted_metrics on save (later Keras writes them): written when given.
  if (!options.weighted_metrics.list.empty() || options.weighted_metrics.is_map)
    config["weighted_metrics"] = metrics_json(options.weighted_metrics);
  return config;
}

void compile_from_training_config(Model& model, const json& config,
                                  const CustomObjects& custom_objects, const std::string& path) {
  CustomObjects visible = visible_custom_objects(custom_objects);
  auto bad = [&](const std::string& what) {
    return std::runtime_error("'" + path + "': training_config " + what);
  };
  if (!config.is_object() || !config.contains("optimizer_config"))
    throw bad("has no optimizer_config: " + config_excerpt(config));
  CompileOptions options;
  try {
    options.optimizer = optimizers::from_config(config["optimizer_config"]);
  } catch (const std::exception& e) {
    throw bad(std::string("has an unusable optimizer: ") + e.what());
  }
  auto loss_arg = [&](const json& value) -> LossArg {
    if (!value.is_string()) throw bad("has a loss keras.cpp cannot use: " + config_excerpt(value));
    std::string name = value.get<std::string>();
    if (auto it = visible.losses.find(name); it != visible.losses.end())
      return LossArg(it->second, name);
    return LossArg(name);
  };
  json loss = config.value("loss", json(nullptr));
  if (loss.is_array()) {
    std::vector<LossArg> list;
    for (const auto& l : loss) list.push_back(loss_arg(l));
    options.loss = list;
  } else if (loss.is_object()) {
    std::map<std::string, LossArg> by_name;
    for (const auto& [name, l] : loss.items()) by_name.emplace(name, loss_arg(l));
    options.loss = by_name;
  } else {
    options.loss = loss_arg(loss);
  }
  auto metric_list = [&](const json& value) {
    std::vector<MetricArg> list;
    json items = value.is_string() ? json::array({value}) : value;
    if (items.is_null()) return list;
    if (!items.is_array()) throw bad("has metrics keras.cpp cannot use: " + config_excerpt(value));
    for (const auto& m : items) {
      if (!m.is_string()) throw bad("has a metric keras.cpp cannot use: " + config_excerpt(m));
      std::string name = m.get<std::string>();
      if (auto it = visible.metrics.find(name); it != visible.metrics.end())
        list.emplace_back(name, it->second);
      else
        list.emplace_back(name);
    }
    return list;
  };
  auto metrics_spec = [&](const json& metrics) -> MetricsSpec {
    if (!metrics.is_object()) return metric_list(metrics);
    std::map<std::string, std::vector<MetricArg>> by_name;
    for (const auto& [name, m] : metrics.items()) by_name.emplace(name, metric_list(m));
    return by_name;
  };
  options.metrics = metrics_spec(config.value("metrics", json::array()));
  options.weighted_metrics = metrics_spec(config.value("weighted_metrics", json(nullptr)));
  json loss_weights = config.value("loss_weights", json(nullptr));
  try {
    if (loss_weights.is_array())
      options.loss_weights = loss_weights.get<std::vector<double>>();
    else if (loss_weights.is_object())
      options.loss_weights = loss_weights.get<std::map<std::string, double>>();
    else if (!loss_weights.is_null())
      throw bad("has loss_weights keras.cpp cannot use: " + config_excerpt(loss_weights));
  } catch (const json::exception&) {
    throw bad("has loss_weights keras.cpp cannot use: " + config_excerpt(loss_weights));
  }
  const json mode = config.value("sample_weight_mode", json(nullptr));
  if (!read_sample_weight_mode(mode, model, options))
    throw bad("has a sample_weight_mode keras.cpp cannot use: " + config_excerpt(mode));
  model.compile(options);
}

}  // namespace detail

void register_model_class(const std::string& class_name, ModelFactory factory) {
  if (class_name.empty() || !factory)
    throw std::invalid_argument("register_model_class: a class name and a factory are required");
  model_classes()[class_name] = std::move(factory);
}

ModelPtr model_from_config(const json& config, const CustomObjects& custom_objects) {
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw std::invalid_argument(
        "A model config must be {\"class_name\": ..., \"config\": ...}, got " +
        detail::config_excerpt(config));
  if (detail::nested_deeper_than(config, detail::kMaxConfigDepth))
    throw std::invalid_argument("A model config must not be nested deeper than " +
                                std::to_string(detail::kMaxConfigDepth) + " levels");
  std::string class_name = config["class_name"].get<std::string>();
  auto it = model_classes().find(class_name);
  if (it == model_classes().end()) {
    std::string known;
    for (const auto& [name, f] : model_classes()) known += (known.empty() ? "" : ", ") + name;
    throw std::invalid_argument("Unknown model class: " + class_name + ". Known: " + known);
  }
  static const json empty = json::object();
  try {
    return it->second(config.contains("config") ? config["config"] : empty, custom_objects);
  } catch (const json::exception& e) {
    throw std::invalid_argument(class_name + ".from_config: " + detail::json_error_reason(e) +
                                " in the model config");
  }
}

ModelPtr model_from_json(const std::string& json_string, const CustomObjects& custom_objects) {
  return model_from_config(detail::parse_config_json(json_string, "model_from_json: json_string"),
                           custom_objects);
}

json model_to_json_dict(const Model& model) {
  return {{"class_name", model.class_name()},
          {"config", model.get_config()},
          {"keras_version", kKerasVersion},
          {"backend", backend::backend()}};
}

void save_model(const Model& model, const std::string& filepath, bool overwrite,
                bool include_optimizer) {
  if (is_keras_archive(filepath)) {
    save_keras_archive(model, filepath, overwrite, include_optimizer);
    return;
  }
  json model_config = {{"class_name", model.class_name()}, {"config", model.get_config()}};
  detail::atomic_write(filepath, overwrite, [&](const std::string& temp) {
    h5::File file(temp, "w");
    {
      h5::Group& root = file.root();
      detail::write_step("root attributes");
      root.write_string_attr("keras_version", kKerasVersion);
      root.write_string_attr("backend", kBackendAttr);
      root.write_string_attr("model_config", model_config.dump());
      h5::Group weights = root.create_group("model_weights");
      detail::save_weights_to_group(weights, model);
      if (include_optimizer && model.compiled()) {
        detail::write_step("training_config");
        root.write_string_attr("training_config", detail::training_config(model).dump());
        std::vector<SymbolicTensor> symbolic = model.optimizer()->weights();
        if (!symbolic.empty()) {
          h5::Group group = root.create_group("optimizer_weights");
          std::vector<std::string> names = tf_weight_names(symbolic);
          group.write_string_array_attr("weight_names", names);
          std::vector<Tensor> values = model.optimizer()->get_weights();
          for (std::size_t i = 0; i < values.size(); ++i) {
            detail::write_step("optimizer weight " + names[i]);
            group.write_dataset(names[i], values[i]);
          }
        }
      }
    }
    detail::write_step("flush");
    file.close();
  });
}

namespace {

ModelPtr load_model_file(const std::string& filepath, const CustomObjects& custom_objects,
                         bool compile) {
  if (is_keras_archive(filepath)) return load_keras_archive(filepath, custom_objects, compile);
  h5::File file(filepath, "r");
  const h5::Group& root = file.root();
  std::optional<std::string> config_text = root.read_string_attr("model_config");
  if (!config_text)
    throw std::runtime_error("No model found in config file. '" + filepath +
                             "' has no model_config attribute: expected a whole-model Keras file "
                             "(weights-only files load with load_weights).");
  ModelPtr model =
      model_from_config(parse_json(*config_text, "model_config", filepath), custom_objects);
  if (!root.has_group("model_weights"))
    root.fail("expected the group 'model_weights' of a Keras model file, found none");
  detail::load_weights_from_group(root.open_group("model_weights"), *model);
  if (!compile) return model;
  std::optional<std::string> training_text = root.read_string_attr("training_config");
  if (!training_text) {
    warn(
        "No training configuration found in save file: the model was *not* compiled. Compile it "
        "manually.");
    return model;
  }
  detail::compile_from_training_config(
      *model, parse_json(*training_text, "training_config", filepath), custom_objects, filepath);
  if (root.has_group("optimizer_weights")) {
    h5::Group group = root.open_group("optimizer_weights");
    std::vector<Tensor> values;
    for (const auto& name : group.read_string_array_attr("weight_names"))
      values.push_back(group.read_dataset(name));
    // Keras 3's legacy .h5 writer stores Keras 3's optimizer variables (optimizer.variables).
    std::optional<std::string> version = root.read_string_attr("keras_version");
    if (version && version->rfind("3.", 0) == 0) {
      detail::restore_keras3_optimizer(*model, values, filepath);
      return model;
    }
    model->make_train_function();
    std::vector<SymbolicTensor> symbolic = model->optimizer()->weights();
    try {
      if (values.size() == symbolic.size()) values = detail::cast_to(values, symbolic);
      model->optimizer()->set_weights(values);
    } catch (const std::invalid_argument&) {
      warn(
          "Error in loading the saved optimizer state. As a result, your model is starting with "
          "a freshly initialized optimizer.");
    }
  }
  return model;
}

}  // namespace

ModelPtr load_model(const std::string& filepath, const CustomObjects& custom_objects,
                    bool compile) {
  distributed::init_from_environment();
  ModelPtr model = load_model_file(filepath, custom_objects, compile);
  // Under keras::distributed every process goes on from rank 0's weights and optimizer state.
  distributed::detail::broadcast_model_state(*model);
  return model;
}

void save_weights(const Model& model, const std::string& filepath, bool overwrite) {
  detail::atomic_write(filepath, overwrite, [&](const std::string& temp) {
    h5::File file(temp, "w");
    detail::save_weights_to_group(file.root(), model);
    detail::write_step("flush");
    file.close();
  });
}

void load_weights(Model& model, const std::string& filepath, bool by_name, bool skip_mismatch) {
  h5::File file(filepath, "r");
  const h5::Group& root = file.root();
  // Keras 3's (and tf.keras 2.13+'s) .weights.h5 layout: variables by layer path, not by name.
  if (!root.has_attr("layer_names") && !root.has_attr("layer_names0") &&
      !root.has_group("model_weights") && root.has_group("layers")) {
    if (by_name)
      throw std::invalid_argument("load_weights('" + filepath +
                                  "', by_name=True): the file is in Keras 3's .weights.h5 layout, "
                                  "which holds no layer names; load it with by_name=False");
    detail::load_keras3_weights(root, model);
    return;
  }
  // A whole-model file keeps the weights in model_weights.
  if (!root.has_attr("layer_names") && !root.has_attr("layer_names0") &&
      root.has_group("model_weights")) {
    h5::Group weights = root.open_group("model_weights");
    if (by_name)
      detail::load_weights_from_group_by_name(weights, model, skip_mismatch);
    else
      detail::load_weights_from_group(weights, model);
    return;
  }
  if (by_name)
    detail::load_weights_from_group_by_name(root, model, skip_mismatch);
  else
    detail::load_weights_from_group(root, model);
}

}  // namespace keras::saving
