#include <stdexcept>

#include "keras/layers/embeddings.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {
// Keras: the input shape defaults to (input_length,), or (None,); input_dim is no shape here.
LayerArguments embedding_arguments(const EmbeddingOptions& o) {
  LayerArguments args;
  args.name = o.name;
  args.trainable = o.trainable;
  args.weights = o.weights;
  args.batch_input_shape = o.batch_input_shape;
  args.input_shape = o.input_shape;
  if (!args.input_shape && !args.batch_input_shape)
    args.input_shape = Shape{o.input_length.value_or(-1)};
  return args;
}
}  // namespace

Embedding::Embedding(std::int64_t input_dim, std::int64_t output_dim, EmbeddingOptions options)
    : Embedding([&] {
        options.input_dim = input_dim;
        options.output_dim = output_dim;
        return options;
      }()) {}

Embedding::Embedding(EmbeddingOptions o)
    : Layer("Embedding", embedding_arguments(o)), options_(std::move(o)) {
  options_.weights.clear();  // the base holds them until built
  if (options_.input_dim <= 0)
    throw std::invalid_argument(
        "Embedding needs a positive `input_dim` (the vocabulary size), got " +
        std::to_string(options_.input_dim));
  if (options_.output_dim <= 0)
    throw std::invalid_argument("Embedding needs a positive `output_dim`, got " +
                                std::to_string(options_.output_dim));
  initializers::get(options_.embeddings_initializer);
}

std::shared_ptr<Layer> Embedding::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Embedding, EmbeddingOptions>(config, "Embedding");
}

void Embedding::build(const Shape& input_shape) {
  if (input_shape.empty()) incompatible_input(input_shape, "expected min_ndim=1");
  compute_output_shape(input_shape);  // checks input_length against the input's shape
  embeddings_ = add_weight("embeddings", {options_.input_dim, options_.output_dim},
                           initializers::get(options_.embeddings_initializer), true,
                           options_.embeddings_regularizer.function(),
                           options_.embeddings_constraint.function());
}

SymbolicTensor Embedding::call(const SymbolicTensor& inputs) {
  // Keras casts the indices to int32; int64 indices are gathered as they are.
  SymbolicTensor indices =
      is_floating(inputs.dtype()) ? backend::cast(inputs, DType::int32) : inputs;
  SymbolicTensor output = backend::gather(embeddings_, indices);
  if (options_.activity_regularizer) add_loss(options_.activity_regularizer(output));
  return output;
}

Shape Embedding::compute_output_shape(const Shape& input_shape) const {
  Shape out = input_shape;
  if (options_.input_length) {
    // Keras: one length per axis after the batch axis (a tuple for inputs of higher rank; here
    // one length, of axis 1 of a 2D input).
    if (input_shape.size() != 2 ||
        (input_shape[1] >= 0 && input_shape[1] != *options_.input_length))
      throw std::invalid_argument("\"input_length\" is " + std::to_string(*options_.input_length) +
                                  ", but received input has shape " + shape_to_string(input_shape) +
                                  " (layer " + name() + ")");
    out[1] = *options_.input_length;
  }
  out.push_back(options_.output_dim);
  return out;
}

SymbolicTensor Embedding::compute_mask(const SymbolicTensor& inputs, const SymbolicTensor&) const {
  if (!options_.mask_zero) return {};
  return backend::not_equal(inputs, backend::constant(0.0, inputs.dtype()));
}

nlohmann::json Embedding::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

}  // namespace keras::layers
