// The seven Keras 2.2.4 optimizers (keras/optimizers.py). Scalar schedule terms (decayed lr, lr_t,
// momentum caches) are computed in float64 and cast to each parameter's dtype.
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "keras/optimizers.h"

namespace keras::optimizers {

namespace K = backend;
using backend::SymbolicTensor;
using backend::Update;

namespace {

void check_rate(const std::string& who, const char* what, double value) {
  if (!(value >= 0))
    throw std::invalid_argument(who + ": " + what + " must be >= 0, got " + std::to_string(value));
}

SymbolicTensor f64(double value) {
  return K::constant(value, DType::float64);
}

// Zero tensors shaped like variables weights[begin, end).
std::vector<Tensor> zeros_like(const std::vector<SymbolicTensor>& weights, std::size_t begin,
                               std::size_t end) {
  std::vector<Tensor> out;
  for (std::size_t i = begin; i < end; ++i)
    out.emplace_back(weights[i].shape(), weights[i].dtype());
  return out;
}

// Keras 2.2.4 saved no `iterations` for RMSprop, Adagrad and Adadelta: restart the count at 0.
std::vector<Tensor> prepend_iterations(const std::vector<Tensor>& weights) {
  std::vector<Tensor> out{Tensor({}, DType::int64)};
  out.insert(out.end(), weights.begin(), weights.end());
  return out;
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// SGD

SGD::SGD(SGDOptions options)
    : Optimizer("SGD", options.lr, options.clipnorm, options.clipvalue), options_(options) {
  check_rate("SGD", "lr", options.lr);
  check_rate("SGD", "momentum", options.momentum);
  check_rate("SGD", "decay", options.decay);
}

std::vector<Update> SGD::get_updates(const std::vector<SymbolicTensor>& params,
                                     const SymbolicTensor& loss) {
  check_params(params, "SGD");
  std::vector<SymbolicTensor> grads = get_gradients(loss, params);
  std::vector<Update> updates{increment_iterations()};
  SymbolicTensor lr = decayed_lr(options_.decay);

  std::vector<SymbolicTensor> moments;
  for (const auto& p : params) moments.push_back(make_slot(p.shape(), p.dtype()));
  std::vector<SymbolicTensor> state{iterations()};
  state.insert(state.end(), moments.begin(), moments.end());

  for (std::size_t i = 0; i < params.size(); ++i) {
    const SymbolicTensor& p = params[i];
    const SymbolicTensor& g = grads[i];
    const SymbolicTensor& m = moments[i];
    SymbolicTensor lr_p = K::cast(lr, p.dtype());
    SymbolicTensor v = options_.momentum * m - lr_p * g;  // velocity
    updates.push_back({m, v});
    SymbolicTensor new_p = options_.nesterov ? p + options_.momentum * v - lr_p * g : p + v;
    updates.push_back({p, new_p});
  }
  register_weights(std::move(state), params.size());
  return updates;
}

nlohmann::json SGD::get_config() const {
  nlohmann::json config = {{"lr", learning_rate()},
                           {"momentum", options_.momentum},
                           {"decay", options_.decay},
                           {"nesterov", options_.nesterov}};
  add_clip_config(config);
  return config;
}

std::vector<Tensor> SGD::upgrade_weights(const std::vector<Tensor>& weights) const {
  // Keras 2.3 stores no moments without momentum.
  if (weights.size() == 1 && num_params() > 0) {
    std::vector<Tensor> out{weights[0]};
    auto zeros = zeros_like(this->weights(), 1, 1 + num_params());
    out.insert(out.end(), zeros.begin(), zeros.end());
    return out;
  }
  return weights;
}

// ------------------------------------------------------------------------------------------
// RMSprop

RMSprop::RMSprop(RMSpropOptions options)
    : Optimizer("RMSprop", options.lr, options.clipnorm, options.clipvalue), options_(options) {
  check_rate("RMSprop", "lr", options.lr);
  check_rate("RMSprop", "rho", options.rho);
  check_rate("RMSprop", "epsilon", options.epsilon);
  check_rate("RMSprop", "decay", options.decay);
}

std::vector<Update> RMSprop::get_updates(const std::vector<SymbolicTensor>& params,
                                         const SymbolicTensor& loss) {
  check_params(params, "RMSprop");
  std::vector<SymbolicTensor> grads = get_gradients(loss, params);
  std::vector<SymbolicTensor> accumulators;
  for (const auto& p : params) accumulators.push_back(make_slot(p.shape(), p.dtype()));
  std::vector<SymbolicTensor> state{iterations()};
  state.insert(state.end(), accumulators.begin(), accumulators.end());
  std::vector<Update> updates{increment_iterations()};
  SymbolicTensor lr = decayed_lr(options_.decay);

  const double rho = options_.rho;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SymbolicTensor& p = params[i];
    const SymbolicTensor& g = grads[i];
    const SymbolicTensor& a = accumulators[i];
    SymbolicTensor new_a = rho * a + (1.0 - rho) * K::square(g);
    updates.push_back({a, new_a});
    SymbolicTensor new_p = p - K::cast(lr, p.dtype()) * g / (K::sqrt(new_a) + options_.epsilon);
    updates.push_back({p, new_p});
  }
  register_weights(std::move(state), params.size());
  return updates;
}

nlohmann::json RMSprop::get_config() const {
  nlohmann::json config = {{"lr", learning_rate()},
                           {"rho", options_.rho},
                           {"decay", options_.decay},
                           {"epsilon", options_.epsilon}};
  add_clip_config(config);
  return config;
}

std::vector<Tensor> RMSprop::upgrade_weights(const std::vector<Tensor>& weights) const {
  if (num_params() > 0 && weights.size() == num_params()) return prepend_iterations(weights);
  return weights;
}

// ------------------------------------------------------------------------------------------
// Adagrad

Adagrad::Adagrad(AdagradOptions options)
    : Optimizer("Adagrad", options.lr, options.clipnorm, options.clipvalue), options_(options) {
  check_rate("Adagrad", "lr", options.lr);
  check_rate("Adagrad", "epsilon", options.epsilon);
  check_rate("Adagrad", "decay", options.decay);
}

std::vector<Update> Adagrad::get_updates(const std::vector<SymbolicTensor>& params,
                                         const SymbolicTensor& loss) {
  check_params(params, "Adagrad");
  std::vector<SymbolicTensor> grads = get_gradients(loss, params);
  std::vector<SymbolicTensor> accumulators;
  for (const auto& p : params) accumulators.push_back(make_slot(p.shape(), p.dtype()));
  std::vector<SymbolicTensor> state{iterations()};
  state.insert(state.end(), accumulators.begin(), accumulators.end());
  std::vector<Update> updates{increment_iterations()};
  SymbolicTensor lr = decayed_lr(options_.decay);

  for (std::size_t i = 0; i < params.size(); ++i) {
    const SymbolicTensor& p = params[i];
    const SymbolicTensor& g = grads[i];
    const SymbolicTensor& a = accumulators[i];
    SymbolicTensor new_a = a + K::square(g);
    updates.push_back({a, new_a});
    SymbolicTensor new_p = p - K::cast(lr, p.dtype()) * g / (K::sqrt(new_a) + options_.epsilon);
    updates.push_back({p, new_p});
  }
  register_weights(std::move(state), params.size());
  return updates;
}

nlohmann::json Adagrad::get_config() const {
  nlohmann::json config = {
      {"lr", learning_rate()}, {"decay", options_.decay}, {"epsilon", options_.epsilon}};
  add_clip_config(config);
  return config;
}

std::vector<Tensor> Adagrad::upgrade_weights(const std::vector<Tensor>& weights) const {
  if (num_params() > 0 && weights.size() == num_params()) return prepend_iterations(weights);
  return weights;
}

// -----------------------------------------------------------------------------------------
// Adadelta

Adadelta::Adadelta(AdadeltaOptions options)
    : Optimizer("Adadelta", options.lr, options.clipnorm, options.clipvalue), options_(options) {
  check_rate("Adadelta", "lr", options.lr);
  check_rate("Adadelta", "rho", options.rho);
  check_rate("Adadelta", "epsilon", options.epsilon);
  check_rate("Adadelta", "decay", options.decay);
}

std::vector<Update> Adadelta::get_updates(const std::vector<SymbolicTensor>& params,
                                          const SymbolicTensor& loss) {
  check_params(params, "Adadelta");
  std::vector<SymbolicTensor> grads = get_gradients(loss, params);
  std::vector<SymbolicTensor> accumulators, delta_accumulators;
  for (const auto& p : params) accumulators.push_back(make_slot(p.shape(), p.dtype()));
  for (const auto& p : params) delta_accumulators.push_back(make_slot(p.shape(), p.dtype()));
  std::vector<SymbolicTensor> state{iterations()};
  state.insert(state.end(), accumulators.begin(), accumulators.end());
  state.insert(state.end(), delta_accumulators.begin(), delta_accumulators.end());
  std::vector<Update> updates{increment_iterations()};
  SymbolicTensor lr = decayed_lr(options_.decay);

  const double rho = options_.rho, eps = options_.epsilon;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SymbolicTensor& p = params[i];
    const SymbolicTensor& g = grads[i];
    const SymbolicTensor& a = accumulators[i];
    const SymbolicTensor& d_a = delta_accumulators[i];
    SymbolicTensor new_a = rho * a + (1.0 - rho) * K::square(g);
    updates.push_back({a, new_a});
    // The new accumulator and the *old* delta accumulator, as Keras.
    SymbolicTensor update = g * K::sqrt(d_a + eps) / K::sqrt(new_a + eps);
    updates.push_back({p, p - K::cast(lr, p.dtype()) * update});
    updates.push_back({d_a, rho * d_a + (1.0 - rho) * K::square(update)});
  }
  register_weights(std::move(state), params.size());
  return updates;
}

nlohmann::json Adadelta::get_config() const {
  nlohmann::json config = {{"lr", learning_rate()},
                           {"rho", options_.rho},
                           {"decay", options_.decay},
                           {"epsilon", options_.epsilon}};
  add_clip_config(config);
  return config;
}

std::vector<Tensor> Adadelta::upgrade_weights(const std::vector<Tensor>& weights) const {
  if (num_params() > 0 && weights.size() == 2 * num_params()) return prepend_iterations(weights);
  return weights;
}

// ---------------------------------------------------------------------------------------------
// Adam

Adam::Adam(AdamOptions options)
    : Optimizer("Adam", options.lr, options.clipnorm, options.clipvalue), options_(options) {
  check_rate("Adam", "lr", options.lr);
  check_rate("Adam", "beta_1", options.beta_1);
  check_rate("Adam", "beta_2", options.beta_2);
  check_rate("Adam", "epsilon", options.epsilon);
  check_rate("Adam", "decay", options.decay);
}

std::vector<Update> Adam::get_updates(const std::vector<SymbolicTensor>& params,
                                      const SymbolicTensor& loss) {
  check_params(params, "Adam");
  std::vector<SymbolicTensor> grads = get_gradients(loss, params);
  std::vector<Update> updates{increment_iterations()};
  SymbolicTensor lr = decayed_lr(options_.decay);
  const double beta_1 = options_.beta_1, beta_2 = options_.beta_2;
  SymbolicTensor t = iterations_as_float() + 1.0;
  SymbolicTensor lr_t =
      lr * (K::sqrt(1.0 - K::pow(f64(beta_2), t)) / (1.0 - K::pow(f64(beta_1), t)));

  std::vector<SymbolicTensor> ms, vs, vhats;
  for (const auto& p : params) ms.push_back(make_slot(p.shape(), p.dtype()));
  for (const auto& p : params) vs.push_back(make_slot(p.shape(), p.dtype()));
  // Without amsgrad Keras 2.2.4 still keeps a (1,) vhat per parameter in its weight list; keeping
  // it makes our lists load into Keras 2.2.4 (and theirs into ours).
  for (const auto& p : params)
    vhats.push_back(make_slot(options_.amsgrad ? p.shape() : Shape{1}, p.dtype()));
  std::vector<SymbolicTensor> state{iterations()};
  state.insert(state.end(), ms.begin(), ms.end());
  state.insert(state.end(), vs.begin(), vs.end());
  state.insert(state.end(), vhats.begin(), vhats.end());

  for (std::size_t i = 0; i < params.size(); ++i) {
    const SymbolicTensor& p = params[i];
    const SymbolicTensor& g = grads[i];
    SymbolicTensor m_t = beta_1 * ms[i] + (1.0 - beta_1) * g;
    SymbolicTensor v_t = beta_2 * vs[i] + (1.0 - beta_2) * K::square(g);
    SymbolicTensor lr_p = K::cast(lr_t, p.dtype());
    SymbolicTensor p_t;
    if (options_.amsgrad) {
      SymbolicTensor vhat_t = K::maximum(vhats[i], v_t);
      p_t = p - lr_p * m_t / (K::sqrt(vhat_t) + options_.epsilon);
      updates.push_back({vhats[i], vhat_t});
    } else {
      p_t = p - lr_p * m_t / (K::sqrt(v_t) + options_.epsilon);
    }
    updates.push_back({ms[i], m_t});
    updates.push_back({vs[i], v_t});
    updates.push_back({p, p_t});
  }
  register_weights(std::move(state), params.size());
  return updates;
}

nlohmann::json Adam::get_config() const {
  nlohmann::json config = {{"lr", learning_rate()},       {"beta_1", options_.beta_1},
                           {"beta_2", options_.beta_2},   {"decay", options_.decay},
                           {"epsilon", options_.epsilon}, {"amsgrad", options_.amsgrad}};
  add_clip_config(config);
  return config;
}

std::vector<Tensor> Adam::upgrade_weights(const std::vector<Tensor>& weights) const {
  // Keras 2.3 drops the placeholder vhats when amsgrad is off.
  const std::size_t n = num_params();
  if (!options_.amsgrad && n > 0 && weights.size() == 2 * n + 1) {
    std::vector<Tensor> out = weights;
    auto zeros = zeros_like(this->weights(), 1 + 2 * n, 1 + 3 * n);
    out.insert(out.end(), zeros.begin(), zeros.end());
    return out;
  }
  return weights;
}

// -------------------------------------------------------------------------------------------
// Adamax

Adamax::Adamax(AdamaxOptions options)
    : Optimizer("Adamax", options.lr, options.clipnorm, options.clipvalue), options_(options) {
  check_rate("Adamax", "lr", options.lr);
  check_rate("Adamax", "beta_1", options.beta_1);
  check_rate("Adamax", "beta_2", options.beta_2);
  check_rate("Adamax", "epsilon", options.epsilon);
  check_rate("Adamax", "decay", options.decay);
}

std::vector<Update> Adamax::get_updates(const std::vector<SymbolicTensor>& params,
                                        const SymbolicTensor& loss) {
  check_params(params, "Adamax");
  std::vector<SymbolicTensor> grads = get_gradients(loss, params);
  std::vector<Update> updates{increment_iterations()};
  SymbolicTensor lr = decayed_lr(options_.decay);
  const double beta_1 = options_.beta_1, beta_2 = options_.beta_2;
  SymbolicTensor t = iterations_as_float() + 1.0;
  SymbolicTensor lr_t = lr / (1.0 - K::pow(f64(beta_1), t));

  std::vector<SymbolicTensor> ms, us;
  for (const auto& p : params) ms.push_back(make_slot(p.shape(), p.dtype()));  // first moment
  for (const auto& p : params)
    us.push_back(make_slot(p.shape(), p.dtype()));  // weighted infinity norm
  std::vector<SymbolicTensor> state{iterations()};
  state.insert(state.end(), ms.begin(), ms.end());
  state.insert(state.end(), us.begin(), us.end());

  for (std::size_t i = 0; i < params.size(); ++i) {
    const SymbolicTensor& p = params[i];
    const SymbolicTensor& g = grads[i];
    SymbolicTensor m_t = beta_1 * ms[i] + (1.0 - beta_1) * g;
    SymbolicTensor u_t = K::maximum(beta_2 * us[i], K::abs(g));
    SymbolicTensor p_t = p - K::cast(lr_t, p.dtype()) * m_t / (u_t + options_.epsilon);
    updates.push_back({ms[i], m_t});
    updates.push_back({us[i], u_t});
    updates.push_back({p, p_t});
  }
  register_weights(std::move(state), params.size());
  return updates;
}

nlohmann::json Adamax::get_config() const {
  nlohmann::json config = {{"lr", learning_rate()},
                           {"beta_1", options_.beta_1},
                           {"beta_2", options_.beta_2},
                           {"decay", options_.decay},
                           {"epsilon", options_.epsilon}};
  add_clip_config(config);
  return config;
}

// --------------------------------------------------------------------------------------------
// Nadam

Nadam::Nadam(NadamOptions options)
    : Optimizer("Nadam", options.lr, options.clipnorm, options.clipvalue),
      options_(options),
      m_schedule_(K::variable(Tensor::full({}, 1.0, DType::float64), "Nadam/m_schedule")) {
  check_rate("Nadam", "lr", options.lr);
  check_rate("Nadam", "beta_1", options.beta_1);
  check_rate("Nadam", "beta_2", options.beta_2);
  check_rate("Nadam", "epsilon", options.epsilon);
  check_rate("Nadam", "schedule_decay", options.schedule_decay);
}

Nadam::Nadam(const Nadam& other)
    : Optimizer(other), options_(other.options_), m_schedule_(clone_variable(other.m_schedule_)) {}

Nadam& Nadam::operator=(const Nadam& other) {
  if (this == &other) return *this;
  Optimizer::operator=(other);
  options_ = other.options_;
  m_schedule_ = clone_variable(other.m_schedule_);
  return *this;
}

std::vector<Update> Nadam::get_updates(const std::vector<SymbolicTensor>& params,
                                       const SymbolicTensor& loss) {
  check_params(params, "Nadam");
  std::vector<SymbolicTensor> grads = get_gradients(loss, params);
  std::vector<Update> updates{increment_iterations()};
  const double beta_1 = options_.beta_1, beta_2 = options_.beta_2, sd = options_.schedule_decay;
  SymbolicTensor t = iterations_as_float() + 1.0;

  // The warming momentum schedule of the Nadam report.
  SymbolicTensor momentum_cache_t = beta_1 * (1.0 - 0.5 * K::pow(f64(0.96), t * sd));
  SymbolicTensor momentum_cache_t_1 = beta_1 * (1.0 - 0.5 * K::pow(f64(0.96), (t + 1.0) * sd));
  SymbolicTensor m_schedule_new = m_schedule_ * momentum_cache_t;
  SymbolicTensor m_schedule_next = m_schedule_ * momentum_cache_t * momentum_cache_t_1;
  updates.push_back({m_schedule_, m_schedule_new});
  SymbolicTensor bias_2 = 1.0 - K::pow(f64(beta_2), t);

  std::vector<SymbolicTensor> ms, vs;
  for (const auto& p : params) ms.push_back(make_slot(p.shape(), p.dtype()));
  for (const auto& p : params) vs.push_back(make_slot(p.shape(), p.dtype()));
  std::vector<SymbolicTensor> state{iterations(), m_schedule_};
  state.insert(state.end(), ms.begin(), ms.end());
  state.insert(state.end(), vs.begin(), vs.end());

  for (std::size_t i = 0; i < params.size(); ++i) {
    const SymbolicTensor& p = params[i];
    const SymbolicTensor& g = grads[i];
    DType dt = p.dtype();
    SymbolicTensor g_prime = g / K::cast(1.0 - m_schedule_new, dt);
    SymbolicTensor m_t = beta_1 * ms[i] + (1.0 - beta_1) * g;
    SymbolicTensor m_t_prime = m_t / K::cast(1.0 - m_schedule_next, dt);
    SymbolicTensor v_t = beta_2 * vs[i] + (1.0 - beta_2) * K::square(g);
    SymbolicTensor v_t_prime = v_t / K::cast(bias_2, dt);
    SymbolicTensor m_t_bar =
        K::cast(1.0 - momentum_cache_t, dt) * g_prime + K::cast(momentum_cache_t_1, dt) * m_t_prime;
    updates.push_back({ms[i], m_t});
    updates.push_back({vs[i], v_t});
    SymbolicTensor p_t = p - K::cast(lr(), dt) * m_t_bar / (K::sqrt(v_t_prime) + options_.epsilon);
    updates.push_back({p, p_t});
  }
  register_weights(std::move(state), params.size());
  return updates;
}

nlohmann::json Nadam::get_config() const {
  nlohmann::json config = {{"lr", learning_rate()},
                           {"beta_1", options_.beta_1},
                           {"beta_2", options_.beta_2},
                           {"epsilon", options_.epsilon},
                           {"schedule_decay", options_.schedule_decay}};
  add_clip_config(config);
  return config;
}

std::vector<Tensor> Nadam::upgrade_weights(const std::vector<Tensor>& weights) const {
  // Keras 2.2.4 did not save m_schedule. It is a function of the iteration count, so recompute it
  // instead of resetting it to 1 as Keras 2.3 does.
  if (weights.size() == 2 * num_params() + 1 && weights[0].defined() && weights[0].numel() == 1) {
    auto steps = static_cast<std::int64_t>(weights[0].item());
    double schedule = 1.0;
    for (std::int64_t i = 1; i <= steps; ++i)
      schedule *= options_.beta_1 *
                  (1.0 - 0.5 * std::pow(0.96, static_cast<double>(i) * options_.schedule_decay));
    std::vector<Tensor> out{weights[0], Tensor::full({}, schedule, DType::float64)};
    out.insert(out.end(), weights.begin() + 1, weights.end());
    return out;
  }
  return weights;
}

}  // namespace keras::optimizers
