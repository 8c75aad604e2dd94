#include <stdexcept>

#include "keras/layers/embeddings.h"
#include "layers/config_json.h"
#include "layers/layer_from_config.h"

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
    : Layer("Embedding", embedding_arguments(o)),
      input_dim_(o.input_dim),
      output_dim_(o.output_dim),
      embeddings_initializer_(o.init.empty() ? o.embeddings_initializer : o.init),
      embeddings_regularizer_(o.W_regularizer ? o.W_regularizer : o.embeddings_regularizer),
      activity_regularizer_(o.activity_regularizer),
      embeddings_constraint_(o.W_constraint ? o.W_constraint : o.embeddings_constraint),
      mask_zero_(o.mask_zero),
      input_length_(o.input_length) {
  if (input_dim_ <= 0)
    throw std::invalid_argument(
        "Embedding needs a positive `input_dim` (the vocabulary size), got " +
        std::to_string(input_dim_));
  if (output_dim_ <= 0)
    throw std::invalid_argument("Embedding needs a positive `output_dim`, got " +
                                std::to_string(output_dim_));
  initializers::get(embeddings_initializer_);
}

std::shared_ptr<Layer> Embedding::from_config(const nlohmann::json& config) {
  EmbeddingOptions o;
  o.input_dim = config.at("input_dim").get<std::int64_t>();
  o.output_dim = config.at("output_dim").get<std::int64_t>();
  o.embeddings_initializer =
      detail::initializer_name(config, "embeddings_initializer", o.embeddings_initializer);
  o.embeddings_regularizer =
      regularizers::from_config(config.value("embeddings_regularizer", nlohmann::json()));
  o.activity_regularizer =
      regularizers::from_config(config.value("activity_regularizer", nlohmann::json()));
  o.embeddings_constraint =
      constraints::from_config(config.value("embeddings_constraint", nlohmann::json()));
  o.mask_zero = config.value("mask_zero", false);
  if (config.contains("input_length") && !config["input_length"].is_null())
    o.input_length = config["input_length"].get<std::int64_t>();
  LayerArguments args = detail::arguments_from_config(config);
  o.name = args.name;
  o.trainable = args.trainable;
  o.batch_input_shape = args.batch_input_shape;
  return std::make_shared<Embedding>(o);
}

void Embedding::build(const Shape& input_shape) {
  if (input_shape.empty()) incompatible_input(input_shape, "expected min_ndim=1");
  embeddings_ = add_weight("embeddings", {input_dim_, output_dim_},
                           initializers::get(embeddings_initializer_), true,
                           embeddings_regularizer_.function(), embeddings_constraint_.function());
}

SymbolicTensor Embedding::call(const SymbolicTensor& inputs) {
  // Keras casts the indices to int32; int64 indices are gathered as they are.
  SymbolicTensor indices =
      is_floating(inputs.dtype()) ? backend::cast(inputs, DType::int32) : inputs;
  SymbolicTensor output = backend::gather(embeddings_, indices);
  if (activity_regularizer_) add_loss(activity_regularizer_(output));
  return output;
}

Shape Embedding::compute_output_shape(const Shape& input_shape) const {
  Shape out = input_shape;
  if (input_length_ && input_shape.size() >= 2) {
    // Keras: input_length may be a tuple for inputs of higher rank; here it is the axis-1 length.
    if (input_shape[1] >= 0 && input_shape[1] != *input_length_)
      throw std::invalid_argument("\"input_length\" is " + std::to_string(*input_length_) +
                                  ", but received input has shape " + shape_to_string(input_shape) +
                                  " (layer " + name() + ")");
    out[1] = *input_length_;
  }
  out.push_back(output_dim_);
  return out;
}

SymbolicTensor Embedding::compute_mask(const SymbolicTensor& inputs, const SymbolicTensor&) const {
  if (!mask_zero_) return {};
  return backend::not_equal(inputs, backend::constant(0.0, inputs.dtype()));
}

nlohmann::json Embedding::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["input_dim"] = input_dim_;
  config["output_dim"] = output_dim_;
  config["embeddings_initializer"] = detail::initializer_json(embeddings_initializer_);
  config["embeddings_regularizer"] = embeddings_regularizer_.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["embeddings_constraint"] = embeddings_constraint_.get_config();
  config["mask_zero"] = mask_zero_;
  config["input_length"] = detail::optional_json(input_length_);
  return config;
}

}  // namespace keras::layers
