#include <stdexcept>

#include "keras/layers/normalization.h"
#include "layers/layer_from_config.h"

namespace keras::layers {

namespace K = backend;

BatchNormalization::BatchNormalization(BatchNormalizationOptions o)
    : Layer("BatchNormalization", layer_arguments(o)),
      axis_(o.axis),
      momentum_(o.momentum),
      epsilon_(o.epsilon),
      center_(o.center),
      scale_(o.scale),
      beta_initializer_(o.beta_init.empty() ? o.beta_initializer : o.beta_init),
      gamma_initializer_(o.gamma_init.empty() ? o.gamma_initializer : o.gamma_init),
      moving_mean_initializer_(o.moving_mean_initializer),
      moving_variance_initializer_(o.moving_variance_initializer),
      beta_regularizer_(o.beta_regularizer),
      gamma_regularizer_(o.gamma_regularizer),
      beta_constraint_(o.beta_constraint),
      gamma_constraint_(o.gamma_constraint) {
  supports_masking_ = true;
  if (!(epsilon_ > 0))
    throw std::invalid_argument("BatchNormalization: epsilon must be > 0, got " +
                                std::to_string(epsilon_));
  for (const auto* init : {&beta_initializer_, &gamma_initializer_, &moving_mean_initializer_,
                           &moving_variance_initializer_})
    initializers::get(*init);
}

std::shared_ptr<Layer> BatchNormalization::from_config(const nlohmann::json& c) {
  BatchNormalizationOptions o;
  // tf.keras 2.x writes the axis as a list ([3]); one axis is all Keras 2.2.4 normalizes over.
  const nlohmann::json axis = c.value("axis", nlohmann::json(-1));
  if (axis.is_array() && axis.size() == 1 && axis[0].is_number_integer())
    o.axis = axis[0].get<int>();
  else if (axis.is_number_integer())
    o.axis = axis.get<int>();
  else
    throw std::invalid_argument(
        "BatchNormalization.from_config: 'axis' must be an integer or a "
        "list of one integer, got " +
        axis.dump());
  o.momentum = c.value("momentum", 0.99);
  o.epsilon = c.value("epsilon", 1e-3);
  o.center = c.value("center", true);
  o.scale = c.value("scale", true);
  o.beta_initializer = detail::initializer_name(c, "beta_initializer", o.beta_initializer);
  o.gamma_initializer = detail::initializer_name(c, "gamma_initializer", o.gamma_initializer);
  o.moving_mean_initializer =
      detail::initializer_name(c, "moving_mean_initializer", o.moving_mean_initializer);
  o.moving_variance_initializer =
      detail::initializer_name(c, "moving_variance_initializer", o.moving_variance_initializer);
  auto json_or_null = [&](const char* key) { return c.contains(key) ? c[key] : nlohmann::json(); };
  o.beta_regularizer = regularizers::from_config(json_or_null("beta_regularizer"));
  o.gamma_regularizer = regularizers::from_config(json_or_null("gamma_regularizer"));
  o.beta_constraint = constraints::from_config(json_or_null("beta_constraint"));
  o.gamma_constraint = constraints::from_config(json_or_null("gamma_constraint"));
  LayerArguments args = detail::arguments_from_config(c);
  o.name = args.name;
  o.trainable = args.trainable;
  o.batch_input_shape = args.batch_input_shape;
  return std::make_shared<BatchNormalization>(o);
}

void BatchNormalization::build(const Shape& input_shape) {
  const int rank = static_cast<int>(input_shape.size());
  const int axis = axis_ < 0 ? axis_ + rank : axis_;
  if (rank < 2 || axis < 1 || axis >= rank)
    throw std::invalid_argument("Layer " + name() + ": axis " + std::to_string(axis_) +
                                " is not a feature axis of input shape " +
                                shape_to_string(input_shape));
  const std::int64_t dim = input_shape[static_cast<std::size_t>(axis)];
  if (dim < 0)
    throw std::invalid_argument("Axis " + std::to_string(axis_) +
                                " of input tensor should have a defined dimension but the layer "
                                "received an input with shape " +
                                shape_to_string(input_shape) + " (layer " + name() + ")");
  if (scale_)
    gamma_ = add_weight("gamma", {dim}, initializers::get(gamma_initializer_), true,
                        gamma_regularizer_.function(), gamma_constraint_.function());
  if (center_)
    beta_ = add_weight("beta", {dim}, initializers::get(beta_initializer_), true,
                       beta_regularizer_.function(), beta_constraint_.function());
  moving_mean_ =
      add_weight("moving_mean", {dim}, initializers::get(moving_mean_initializer_), false);
  moving_variance_ =
      add_weight("moving_variance", {dim}, initializers::get(moving_variance_initializer_), false);
}

SymbolicTensor BatchNormalization::call(const SymbolicTensor& inputs) {
  const int rank = inputs.ndim();
  const int axis = axis_ < 0 ? axis_ + rank : axis_;
  std::vector<int> reduction;
  for (int d = 0; d < rank; ++d)
    if (d != axis) reduction.push_back(d);
  // Training: the batch's mean and biased variance (K.normalize_batch_in_training), one fused op.
  auto [trained, mean, variance] =
      K::normalize_batch_in_training(inputs, gamma_, beta_, reduction, epsilon_);
  // The moving averages take the unbiased variance, var * n / (n - (1 + epsilon)) as Keras 2.2.4
  // writes it, with n the number of elements per feature.
  const Shape& shape = inputs.shape();
  SymbolicTensor flat_var;
  if (shape_is_known(shape)) {
    const double n =
        static_cast<double>(shape_numel(shape) / shape[static_cast<std::size_t>(axis)]);
    flat_var = variance * (n / (n - (1.0 + epsilon_)));
  } else {
    SymbolicTensor n = K::sum(K::slice(inputs, axis, 0, 1) * 0.0 + 1.0);  // known at run time
    flat_var = variance * (n / (n - (1.0 + epsilon_)));
  }
  add_update(moving_mean_, moving_mean_ - (moving_mean_ - mean) * (1.0 - momentum_));
  add_update(moving_variance_,
             moving_variance_ - (moving_variance_ - flat_var) * (1.0 - momentum_));
  // Inference: the moving statistics (K.batch_normalization).
  SymbolicTensor inferred =
      K::batch_normalization(inputs, moving_mean_, moving_variance_, beta_, gamma_, axis, epsilon_);
  return K::in_train_phase(trained, inferred);
}

nlohmann::json BatchNormalization::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["axis"] = axis_;
  config["momentum"] = momentum_;
  config["epsilon"] = epsilon_;
  config["center"] = center_;
  config["scale"] = scale_;
  config["beta_initializer"] = detail::initializer_json(beta_initializer_);
  config["gamma_initializer"] = detail::initializer_json(gamma_initializer_);
  config["moving_mean_initializer"] = detail::initializer_json(moving_mean_initializer_);
  config["moving_variance_initializer"] = detail::initializer_json(moving_variance_initializer_);
  config["beta_regularizer"] = beta_regularizer_.get_config();
  config["gamma_regularizer"] = gamma_regularizer_.get_config();
  config["beta_constraint"] = beta_constraint_.get_config();
  config["gamma_constraint"] = gamma_constraint_.get_config();
  return config;
}

}  // namespace keras::layers
