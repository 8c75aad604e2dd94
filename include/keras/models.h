// keras::Sequential — a linear stack of layers, built as in the seed:
//   Sequential model;  model.add(Dense({.units = 64, .input_dim = 100}));
//   Sequential model({Dense(32, {.input_dim = 784}), Activation("relu"), Dense(10)});
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "keras/engine/topology.h"
#include "keras/engine/training.h"
#include "keras/layers/serialization.h"

namespace keras {

// Any layer, taken by value (a temporary such as Dense(64)) or as a shared pointer.
struct LayerRef {
  LayerRef(LayerPtr layer) : ptr(std::move(layer)) {}  // NOLINT: implicit by design
  template <typename L, typename = std::enable_if_t<std::is_base_of_v<Layer, L>>>
  LayerRef(std::shared_ptr<L> layer) : ptr(std::move(layer)) {}  // NOLINT: a model or any layer
  template <typename L, typename = std::enable_if_t<std::is_base_of_v<Layer, std::decay_t<L>> &&
                                                    !std::is_lvalue_reference_v<L>>>
  LayerRef(L&& layer) : ptr(std::move(layer).into_shared()) {}  // NOLINT
  template <typename L>
  LayerRef(const Shared<L>& layer) : ptr(layer.ptr()) {}  // NOLINT: a named shared layer
  LayerPtr ptr;
};

class Sequential : public Model {
 public:
  explicit Sequential(std::string name = "");
  Sequential(std::initializer_list<LayerRef> layers, std::string name = "");

  std::string class_name() const override { return "Sequential"; }
  void add(LayerRef layer);
  void pop();

  // Keras 2.2.4's Sequential config: {name, layers: [{class_name, config}]}.
  nlohmann::json get_config() const override;
  // Reads Keras 2's dict, Keras 1's plain list of layer configs, and Keras 3's (InputLayer first,
  // build_input_shape). Layers come from keras::layers::deserialize, or from `layer_factory`
  // ("Model" and "Sequential" entries are rebuilt here).
  static std::shared_ptr<Sequential> from_config(const nlohmann::json& config,
                                                 const CustomObjects& custom_objects = {});
  static std::shared_ptr<Sequential> from_config(const nlohmann::json& config,
                                                 const LayerFactory& layer_factory);

 protected:
  void ensure_graph() override;

 private:
  void connect(const LayerPtr& layer);
};

namespace models {
using keras::Sequential;
}

}  // namespace keras

#include "keras/saving/saving.h"  // keras::models::load_model, model_from_json
