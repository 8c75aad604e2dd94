// Saving and loading models in Keras's own formats (Keras 2.2.4's keras/engine/saving.py):
// whole models in Keras 2's HDF5 layout (read by Keras 2 and 3; Keras 1.2 files are read too),
// weights only, and architectures as JSON.
//
//   model.save("model.h5");                      // architecture, weights, optimizer state
//   auto restored = keras::models::load_model("model.h5");
//   model.save_weights("weights.h5");   model.load_weights("weights.h5", /*by_name=*/true);
//   auto same = keras::models::model_from_json(model.to_json());
//
// Every save writes a temporary file beside the target (".<name>.keras-tmp-<pid>-<hex>"), fsyncs
// it and renames it over the target: a crash or power loss leaves the old file or the new one, and
// the next save removes what killed saves left. Loading a damaged or hostile file throws
// std::runtime_error saying what was wrong; loading writes nothing and reads no other file.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/engine/training.h"
#include "keras/layers/serialization.h"

namespace keras::saving {

using ModelPtr = std::shared_ptr<Model>;
// Builds a model from the "config" part of its {"class_name", "config"} dict.
using ModelFactory =
    std::function<ModelPtr(const nlohmann::json& config, const CustomObjects& custom_objects)>;

// Makes model_from_config (and so load_model, model_from_json) know a model class. "Sequential"
// is known; the functional "Model" registers itself the same way.
void register_model_class(const std::string& class_name, ModelFactory factory);

// A model from {"class_name": ..., "config": ...} (Keras 1 and 2 layouts).
ModelPtr model_from_config(const nlohmann::json& config, const CustomObjects& custom_objects = {});
ModelPtr model_from_json(const std::string& json_string, const CustomObjects& custom_objects = {});
// {"class_name", "config", "keras_version", "backend"}, as Keras's model.to_json().
nlohmann::json model_to_json_dict(const Model& model);
// The same document as YAML (Keras's to_yaml / model_from_yaml); PyYAML reads it, and Keras's
// YAML (tuples tagged !!python/tuple included) reads here.
std::string model_to_yaml(const Model& model);
ModelPtr model_from_yaml(const std::string& yaml_string, const CustomObjects& custom_objects = {});

// Keras's save_model: HDF5 (any extension but .keras) or a Keras 3 archive (.keras; with the
// compile_config and the optimizer's variables in Keras 3's layout, so training resumes from
// either). overwrite=false refuses (std::runtime_error) when the file exists.
void save_model(const Model& model, const std::string& filepath, bool overwrite = true,
                bool include_optimizer = true);
// Keras's load_model: rebuilds the model, its weights and, when the file has a training
// configuration and compile is true, compiles it and restores the optimizer's state, so that
// training continues where it stopped. Weights saved from CuDNNLSTM / CuDNNGRU load into LSTM /
// GRU(reset_after=true) and back, converted as Keras converts them.
ModelPtr load_model(const std::string& filepath, const CustomObjects& custom_objects = {},
                    bool compile = true);

// Weights only: layer_names at the file root, one group per layer (Keras's save_weights).
void save_weights(const Model& model, const std::string& filepath, bool overwrite = true);
// Positional (layers with weights in order) or by layer name (other layers skipped); reads
// weight files and whole-model files. skip_mismatch (with by_name) skips layers whose weight
// count or shapes differ, with a warning, instead of throwing.
void load_weights(Model& model, const std::string& filepath, bool by_name = false,
                  bool skip_mismatch = false);

// Keras 2.2.4's preprocess_weights_for_loading: the weights of `layer` as a file written by Keras
// `original_keras_version` ("1" when the weights group has no keras_version attribute; "" for a
// current file) on `original_backend` (the group's backend attribute) holds them, in the layer's
// layout: Keras 1's per-gate LSTM (12 arrays) and GRU (9) weights joined, channels-first
// convolution kernels transposed, Theano's flipped kernels flipped back, CuDNNLSTM/CuDNNGRU
// weights converted; layers inside Bidirectional, TimeDistributed and nested models converted too.
// With reshape, a convolution kernel of another shape but the same size is reshaped to the
// layer's (std::invalid_argument when the sizes differ) instead of transposed.
std::vector<Tensor> preprocess_weights_for_loading(
    const Layer& layer, std::vector<Tensor> weights, const std::string& original_keras_version,
    const std::optional<std::string>& original_backend, bool reshape = false);

namespace detail {
// Test hook: make the n-th write step of the next saves throw (n >= 1), as a full disk or a crash
// would; 0 turns it off. Returns the number of write steps the last save took.
void fail_save_at_step(int n);
int last_save_steps();
}  // namespace detail

}  // namespace keras::saving

namespace keras::models {
using saving::load_model;
using saving::model_from_config;
using saving::model_from_json;
using saving::model_from_yaml;
using saving::save_model;
}  // namespace keras::models
