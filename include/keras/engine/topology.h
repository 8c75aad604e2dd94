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
#include "keras/layers/schema.h"

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

// InputLayer's `input_tensor`: an existing tensor the layer adopts as its output instead of
// making a placeholder (Keras's InputLayer(input_tensor=x)). Configs never hold one.
struct InputTensorArg {
  SymbolicTensor tensor{};
  nlohmann::json config_value() const { return nullptr; }
  static InputTensorArg from_config_value(const nlohmann::json& value);
};

// The layer behind an Input() tensor: one node, no inputs, a placeholder as its output.
class InputLayer : public Layer {
 public:
  // Keras 2.2.4's arguments, in its order (the schema: keras/layers/schema.h); Keras 1's
  // input_dtype is dtype, Keras 3's batch_shape is batch_input_shape.
  struct Options {
    std::optional<Shape> input_shape{};
    std::optional<std::int64_t> batch_size{};
    std::optional<Shape> batch_input_shape{};
    std::string dtype{};  // default floatx(); any dtype ("int32" for indices)
    InputTensorArg input_tensor{};
    bool sparse = false;  // Keras's sparse placeholders: true raises
    std::string name{};

    template <typename Schema>
    static void arguments(Schema& s) {
      s.arg("input_shape", &Options::input_shape);
      s.arg("batch_size", &Options::batch_size);
      s.arg("batch_input_shape", &Options::batch_input_shape, {.keras1 = {{"batch_shape"}}});
      s.arg("dtype", &Options::dtype, {.keras1 = {{"input_dtype"}}});
      s.arg("input_tensor", &Options::input_tensor);
      s.arg("sparse", &Options::sparse);
      s.arg("name", &Options::name);
      // tf.keras and Keras 3 write these at the values that mean Keras 2.2.4's placeholder.
      s.keras1_dropped({"ragged", false, "ragged inputs (ragged=true) are not Keras 2.2.4's"});
      s.keras1_dropped({"optional", false, "optional inputs (optional=true) are not Keras's"});
    }
  };
  explicit InputLayer(Options options);

  KERAS_LAYER_CLASS(InputLayer)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  // Makes the placeholder (or adopts the input_tensor) and records the layer's node (needs the
  // layer in a shared_ptr).
  KerasTensor make_input();
  DType dtype() const { return dtype_; }

 private:
  DType dtype_;
  bool sparse_;
  SymbolicTensor input_tensor_;
};

// Keras's Input(): a placeholder tensor with the history of its InputLayer.
KerasTensor Input(const InputOptions& options);

namespace layers {
using keras::Input;
using keras::InputLayer;
using keras::InputOptions;
}  // namespace layers

}  // namespace keras
