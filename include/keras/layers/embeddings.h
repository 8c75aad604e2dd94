// Keras's Embedding layer: integer indices to dense vectors of a trainable table.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/schema.h"
#include "keras/regularizers.h"

namespace keras::layers {

// Embedding(1000, 64, {.input_length = 10}). Keras 2.2.4's arguments, in order; `arguments` is
// the schema (Keras 1: init, W_regularizer, W_constraint). input_dim is the vocabulary size, not
// an input shape: the input shape is (input_length,), or (None,) without it.
struct EmbeddingOptions {
  std::int64_t input_dim = 0;
  std::int64_t output_dim = 0;
  std::string embeddings_initializer = "uniform";  // Keras's RandomUniform(-0.05, 0.05)
  regularizers::Regularizer embeddings_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint embeddings_constraint{};
  bool mask_zero = false;  // index 0 is padding: the output carries a mask
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial [embeddings], e.g. pretrained word vectors

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = EmbeddingOptions;
    s.arg("input_dim", &O::input_dim, {.required = true});
    s.arg("output_dim", &O::output_dim, {.required = true});
    s.arg("embeddings_initializer", &O::embeddings_initializer,
          {.kind = schema::ArgKind::initializer, .keras1 = {{"init"}}});
    s.arg("embeddings_regularizer", &O::embeddings_regularizer, {.keras1 = {{"W_regularizer"}}});
    s.arg("activity_regularizer", &O::activity_regularizer);
    s.arg("embeddings_constraint", &O::embeddings_constraint, {.keras1 = {{"W_constraint"}}});
    s.arg("mask_zero", &O::mask_zero);
    s.arg("input_length", &O::input_length);
    s.keras1_dropped({"dropout", nullptr,
                      "The `dropout` argument is no longer support in `Embedding`. You can apply "
                      "a `keras.layers.SpatialDropout1D` layer right after the `Embedding` layer "
                      "to get the same behavior."});
  }
};

class Embedding : public Layer {
 public:
  explicit Embedding(EmbeddingOptions options);
  Embedding(std::int64_t input_dim, std::int64_t output_dim, EmbeddingOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  KERAS_LAYER_CLASS(Embedding)
  DType input_dtype() const override { return DType::int32; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  nlohmann::json get_config() const override;

  const SymbolicTensor& embeddings() const { return embeddings_; }

 private:
  EmbeddingOptions options_;
  SymbolicTensor embeddings_;
};

}  // namespace keras::layers
