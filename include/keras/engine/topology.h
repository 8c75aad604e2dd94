// Keras's Input and InputLayer: the entry points of a functional model's graph.
//   auto inputs = Input({.shape = Shape{784}});
//   auto x = Dense(64, {.activation = "relu"})(inputs);
//   Model model(inputs, Dense(10, {.activation = "softmax"})(x));
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "keras/engine/layer.h"

namespace keras {

// Input()'s arguments in Keras's order: shape (without the batch dimension) or batch_shape
// (with it; -1 for None), name, dtype ("float32", "int32"...; default floatx).
struct InputOptions {
  std::optional<Shape> shape{};
  std::optional<Shape> batch_shape{};
  std::string name{};
  std::string dtype{};
  bool sparse = false;  // Keras's sparse placeholders are not supported: true raises
};

// The layer behind an Input() tensor: one node, no inputs, a placeholder as its output.
class InputLayer : public Layer {
 public:
  struct Options {
    std::optional<Shape> input_shape{};
    std::optional<Shape> batch_input_shape{};
    std::string name{};
    std::string dtype{};
    bool sparse = false;
  };
  explicit InputLayer(Options options);

  std::string class_name() const override { return "InputLayer"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  // Makes the placeholder and records the layer's node (needs the layer in a shared_ptr).
  SymbolicTensor make_input();
  DType dtype() const { return dtype_; }

 private:
  DType dtype_;
  bool sparse_;
};

// Keras's Input(): a placeholder tensor with the history of its InputLayer.
SymbolicTensor Input(const InputOptions& options);

namespace layers {
using keras::Input;
using keras::InputLayer;
using keras::InputOptions;
}  // namespace layers

}  // namespace keras
