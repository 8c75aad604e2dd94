// The Optimizer base: gradients with clipping, lr / iterations variables and the state list.
#include <stdexcept>
#include <string>
#include <utility>

#include "compiler/device_values.h"
#include "distributed/collectives.h"
#include "keras/optimizers.h"

namespace keras::optimizers {

namespace K = backend;
using backend::SymbolicTensor;
using backend::Update;

namespace {

SymbolicTensor scalar_variable(double value, DType dtype, const std::string& name) {
  return K::variable(Tensor::full({}, value, dtype), name);
}

}  // namespace

Optimizer::Optimizer(const std::string& class_name, double lr, double clipnorm, double clipvalue)
    : lr_(scalar_variable(lr, DType::float64, class_name + "/lr")),
      iterations_(scalar_variable(0, DType::int64, class_name + "/iterations")),
      clipnorm_(clipnorm),
      clipvalue_(clipvalue) {
  if (clipnorm < 0)
    throw std::invalid_argument(class_name + ": clipnorm must be >= 0, got " +
                                std::to_string(clipnorm));
  if (clipvalue < 0)
    throw std::invalid_argument(class_name + ": clipvalue must be >= 0, got " +
                                std::to_string(clipvalue));
}

Optimizer::~Optimizer() = default;

Optimizer::Optimizer(const Optimizer& other)
    : lr_(clone_variable(other.lr_)),
      iterations_(clone_variable(other.iterations_)),
      clipnorm_(other.clipnorm_),
      clipvalue_(other.clipvalue_) {}

Optimizer& Optimizer::operator=(const Optimizer& other) {
  if (this == &other) return *this;
  lr_ = clone_variable(other.lr_);
  iterations_ = clone_variable(other.iterations_);
  clipnorm_ = other.clipnorm_;
  clipvalue_ = other.clipvalue_;
  weights_.clear();
  num_params_ = 0;
  slot_count_ = 0;
  pending_weights_.clear();
  has_pending_ = false;
  return *this;
}

nlohmann::json Optimizer::serialize() const {
  return {{"class_name", class_name()}, {"config", get_config()}};
}

SymbolicTensor Optimizer::clone_variable(const SymbolicTensor& variable) {
  return K::variable(K::get_value(variable).clone(), variable.name());
}

void Optimizer::check_params(const std::vector<SymbolicTensor>& params, const std::string& who) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SymbolicTensor& p = params[i];
    if (!p.defined() || p.node()->op != backend::OpKind::kVariable)
      throw std::invalid_argument(who + ".get_updates: parameter " + std::to_string(i) +
                                  " is not a variable (K::variable)");
    if (!is_floating(p.dtype()))
      throw std::invalid_argument(who + ".get_updates: parameter '" + p.name() + "' has dtype " +
                                  dtype_name(p.dtype()) +
                                  "; only float32 and float64 can be trained");
  }
}

std::vector<SymbolicTensor> Optimizer::get_gradients(const SymbolicTensor& loss,
                                                     const std::vector<SymbolicTensor>& params) {
  // Under keras::distributed, averaged over the processes before clipping, as one process
  // training on the whole global batch would clip.
  std::vector<SymbolicTensor> grads =
      distributed::detail::average_gradients(K::gradients(loss, params));
  if (clipnorm_ > 0 && !grads.empty()) {
    // One global norm over all gradients (Keras's rule), summed in float64 so that parameters of
    // different dtypes can share it.
    SymbolicTensor total;
    for (const auto& g : grads) {
      SymbolicTensor s = K::cast(K::sum(K::square(g)), DType::float64);
      total = total.defined() ? total + s : s;
    }
    SymbolicTensor norm = K::sqrt(total);
    for (auto& g : grads) {
      SymbolicTensor n = K::cast(norm, g.dtype());
      g = K::switch_(K::greater_equal(n, K::constant(clipnorm_, g.dtype())), g * clipnorm_ / n, g);
    }
  }
  if (clipvalue_ > 0)
    for (auto& g : grads) g = K::clip(g, -clipvalue_, clipvalue_);
  return grads;
}

SymbolicTensor Optimizer::make_slot(const Shape& shape, DType dtype) {
  // TF Keras's names for K.zeros slots inside the training/<Class> scope.
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string here.
  std::string name = "training/";
  name += class_name();
  name += "/Variable";
  if (slot_count_ > 0) {
    name += '_';
    name += std::to_string(slot_count_);
  }
  ++slot_count_;
  return K::variable(Tensor(shape, dtype), name);
}

Update Optimizer::increment_iterations() const {
  return {iterations_, iterations_ + 1.0};
}

SymbolicTensor Optimizer::iterations_as_float() const {
  return K::cast(iterations_, DType::float64);
}

SymbolicTensor Optimizer::decayed_lr(double decay) const {
  if (decay <= 0) return lr_;
  return lr_ * (1.0 / (1.0 + iterations_as_float() * decay));
}

void Optimizer::register_weights(std::vector<SymbolicTensor> weights, std::size_t num_params) {
  weights_ = std::move(weights);
  num_params_ = num_params;
  if (has_pending_) {
    std::vector<Tensor> pending = std::move(pending_weights_);
    pending_weights_.clear();
    has_pending_ = false;
    set_weights(pending);
  }
}

void Optimizer::add_clip_config(nlohmann::json& config) const {
  if (clipnorm_ > 0) config["clipnorm"] = clipnorm_;
  if (clipvalue_ > 0) config["clipvalue"] = clipvalue_;
}

std::vector<Tensor> Optimizer::get_weights() const {
  std::vector<Tensor> values;
  values.reserve(weights_.size());
  for (const auto& w : weights_) values.push_back(backend::detail::read_value(w).clone());
  return values;
}

void Optimizer::set_weights(const std::vector<Tensor>& weights) {
  if (weights_.empty()) {
    // Not built yet: keep the values until get_updates creates the variables.
    pending_weights_.clear();
    for (const auto& w : weights) pending_weights_.push_back(w.defined() ? w.clone() : w);
    has_pending_ = true;
    return;
  }
  std::vector<Tensor> values = upgrade_weights(weights);
  if (values.size() != weights_.size())
    throw std::invalid_argument("Length of the specified weight list (" +
                                std::to_string(weights.size()) +
                                ") does not match the number of weights of the optimizer (" +
                                std::to_string(weights_.size()) + ") of " + class_name() +
                                " with " + std::to_string(num_params_) + " parameters");
  // Check everything first, so that a bad list changes nothing.
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Shape& expected = weights_[i].shape();
    if (!values[i].defined())
      throw std::invalid_argument(class_name() + ".set_weights: weight " + std::to_string(i) +
                                  " ('" + weights_[i].name() + "') is an empty tensor");
    if (values[i].shape() != expected)
      throw std::invalid_argument("Optimizer weight shape " + shape_to_string(expected) +
                                  " of weight " + std::to_string(i) + " ('" + weights_[i].name() +
                                  "') not compatible with provided weight shape " +
                                  shape_to_string(values[i].shape()));
  }
  for (std::size_t i = 0; i < values.size(); ++i) K::set_value(weights_[i], values[i]);
}

std::vector<Tensor> Optimizer::upgrade_weights(const std::vector<Tensor>& weights) const {
  return weights;
}

double Optimizer::learning_rate() const {
  return backend::detail::read_value(lr_).item();
}

void Optimizer::set_learning_rate(double lr) {
  K::set_value(lr_, Tensor::full({}, lr, DType::float64));
}

}  // namespace keras::optimizers
