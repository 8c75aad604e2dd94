#include <stdexcept>

#include "keras/layers/normalization.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace K = backend;

BatchNormalization::BatchNormalization(BatchNormalizationOptions o)
    : Layer("BatchNormalization", layer_arguments(o)), options_(std::move(o)) {
  options_.weights.clear();  // the base holds them until built
  supports_masking_ = true;
  if (!(options_.epsilon > 0))
    throw std::invalid_argument("BatchNormalization: epsilon must be > 0, got " +
                                std::to_string(options_.epsilon));
  if (options_.mode && (*options_.mode < 0 || *options_.mode > 2))
    throw std::invalid_argument("BatchNormalization: mode must be 0, 1 or 2 (Keras 1), got " +
                                std::to_string(*options_.mode));
  if (options_.mode == 0) options_.mode.reset();  // Keras 2's layer, written without a mode
  for (const auto* init :
       {&options_.beta_initializer, &options_.gamma_initializer, &options_.moving_mean_initializer,
        &options_.moving_variance_initializer})
    initializers::get(*init);
}

std::shared_ptr<Layer> BatchNormalization::from_config(const nlohmann::json& config) {
  // tf.keras 2.x writes the axis as a list ([3]); one axis is all Keras 2.2.4 normalizes over.
  nlohmann::json c = config;
  if (c.is_object() && c.contains("axis") && c["axis"].is_array() && c["axis"].size() == 1)
    c["axis"] = nlohmann::json(c["axis"][0]);
  return detail::layer_from_config<BatchNormalization, BatchNormalizationOptions>(
      c, "BatchNormalization");
}

void BatchNormalization::build(const Shape& input_shape) {
  const int rank = static_cast<int>(input_shape.size());
  const int axis = options_.axis < 0 ? options_.axis + rank : options_.axis;
  if (rank < 2 || axis < 1 || axis >= rank)
    throw std::invalid_argument("Layer " + name() + ": axis " + std::to_string(options_.axis) +
                                " is not a feature axis of input shape " +
                                shape_to_string(input_shape));
  const std::int64_t dim = input_shape[static_cast<std::size_t>(axis)];
  if (dim < 0)
    throw std::invalid_argument("Axis " + std::to_string(options_.axis) +
                                " of input tensor should have a defined dimension but the layer "
                                "received an input with shape " +
                                shape_to_string(input_shape) + " (layer " + name() + ")");
  if (options_.mode == 1 && axis != rank - 1)
    throw std::invalid_argument("Layer " + name() + ": mode=1 normalizes each sample over its " +
                                "last axis; axis must be -1, got " + std::to_string(options_.axis));
  if (options_.scale)
    gamma_ =
        add_weight("gamma", {dim}, initializers::get(options_.gamma_initializer), true,
                   options_.gamma_regularizer.function(), options_.gamma_constraint.function());
  if (options_.center)
    beta_ = add_weight("beta", {dim}, initializers::get(options_.beta_initializer), true,
                       options_.beta_regularizer.function(), options_.beta_constraint.function());
  moving_mean_ =
      add_weight("moving_mean", {dim}, initializers::get(options_.moving_mean_initializer), false);
  moving_variance_ = add_weight("moving_variance", {dim},
                                initializers::get(options_.moving_variance_initializer), false);
}

SymbolicTensor BatchNormalization::call(const SymbolicTensor& inputs) {
  const int rank = inputs.ndim();
  if (options_.mode == 1) {  // Keras 1.2.2's sample-wise normalization
    SymbolicTensor mean = K::mean(inputs, {-1}, true);
    SymbolicTensor std = K::sqrt(K::var(inputs, {-1}, true) + options_.epsilon);
    SymbolicTensor normed = (inputs - mean) / (std + options_.epsilon);
    if (gamma_.defined()) normed = normed * gamma_;
    return beta_.defined() ? normed + beta_ : normed;
  }
  const int axis = options_.axis < 0 ? options_.axis + rank : options_.axis;
  // Keras 2.2.4: a call in the test phase (bn(x, training=False), which fixes the phase while
  // the call is traced) normalizes with the moving statistics and makes no updates.
  if (K::fixed_learning_phase() == 0 && options_.mode != 2)
    return K::batch_normalization(inputs, moving_mean_, moving_variance_, beta_, gamma_, axis,
                                  options_.epsilon);
  std::vector<int> reduction;
  for (int d = 0; d < rank; ++d)
    if (d != axis) reduction.push_back(d);
  // Training: the batch's mean and biased variance (K.normalize_batch_in_training), one fused op.
  auto [trained, mean, variance] =
      K::normalize_batch_in_training(inputs, gamma_, beta_, reduction, options_.epsilon);
  if (options_.mode == 2) return trained;  // the batch's statistics at test time too
  // The moving averages take the unbiased variance, var * n / (n - (1 + epsilon)) as Keras 2.2.4
  // writes it, with n the number of elements per feature.
  const Shape& shape = inputs.shape();
  SymbolicTensor flat_var;
  if (shape_is_known(shape)) {
    const double n =
        static_cast<double>(shape_numel(shape) / shape[static_cast<std::size_t>(axis)]);
    flat_var = variance * (n / (n - (1.0 + options_.epsilon)));
  } else {
    SymbolicTensor n = K::sum(K::slice(inputs, axis, 0, 1) * 0.0 + 1.0);  // known at run time
    flat_var = variance * (n / (n - (1.0 + options_.epsilon)));
  }
  add_update(moving_mean_, moving_mean_ - (moving_mean_ - mean) * (1.0 - options_.momentum));
  add_update(moving_variance_,
             moving_variance_ - (moving_variance_ - flat_var) * (1.0 - options_.momentum));
  // Inference: the moving statistics (K.batch_normalization).
  SymbolicTensor inferred = K::batch_normalization(inputs, moving_mean_, moving_variance_, beta_,
                                                   gamma_, axis, options_.epsilon);
  return K::in_train_phase(trained, inferred);
}

nlohmann::json BatchNormalization::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

}  // namespace keras::layers
