// Keras's Embedding layer: integer indices to dense vectors of a trainable table.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/regularizers.h"

namespace keras::layers {

// Embedding(1000, 64, {.input_length = 10}). Keras 2.2.4's argument order; Keras 1's names
// (init, W_regularizer, W_constraint) beside their Keras 2 twins. input_dim is the vocabulary
// size, not an input shape: the input shape is (input_length,), or (None,) without it.
struct EmbeddingOptions {
  std::int64_t input_dim = 0;
  std::int64_t output_dim = 0;
  std::string embeddings_initializer = "uniform";  // Keras's RandomUniform(-0.05, 0.05)
  std::string init{};                              // Keras 1 name of embeddings_initializer
  regularizers::Regularizer embeddings_regularizer{};
  regularizers::Regularizer W_regularizer{};  // Keras 1 name of embeddings_regularizer
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint embeddings_constraint{};
  constraints::Constraint W_constraint{};  // Keras 1 name of embeddings_constraint
  bool mask_zero = false;                  // index 0 is padding: the output carries a mask
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial [embeddings], e.g. pretrained word vectors
};

class Embedding : public Layer {
 public:
  explicit Embedding(EmbeddingOptions options);
  Embedding(std::int64_t input_dim, std::int64_t output_dim, EmbeddingOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  std::string class_name() const override { return "Embedding"; }
  DType input_dtype() const override { return DType::int32; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  nlohmann::json get_config() const override;

  const SymbolicTensor& embeddings() const { return embeddings_; }

 private:
  std::int64_t input_dim_, output_dim_;
  std::string embeddings_initializer_;
  regularizers::Regularizer embeddings_regularizer_, activity_regularizer_;
  constraints::Constraint embeddings_constraint_;
  bool mask_zero_;
  std::optional<std::int64_t> input_length_;
  SymbolicTensor embeddings_;
};

}  // namespace keras::layers
