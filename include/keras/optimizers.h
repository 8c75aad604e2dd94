// keras::optimizers — Keras 2.2.4's optimizers (keras/optimizers.py): SGD, RMSprop, Adagrad,
// Adadelta, Adam, Adamax, Nadam. Each turns (params, loss) into a list of K::Update that a compiled
// K::Function applies after every run, exactly as Keras's `get_updates`.
//
// Names across versions:
//   Keras 1 (1.0.5-1.2.2): same classes and argument names (lr, momentum, decay, nesterov, rho,
//     epsilon, beta_1, beta_2, schedule_decay); get_updates(params, constraints, loss).
//   Keras 2.2.4: same argument names; get_updates(loss, params). This is the behaviour followed
//     here: epsilon defaults to K.epsilon() = 1e-7, `iterations` increments on every step for
//     every optimizer, and lr <- lr / (1 + decay * iterations) when decay > 0.
//   Keras 2.3+/3: `learning_rate` instead of `lr` (from_config accepts both).
//
// Usage: optimizers::Adam({.lr = 1e-3, .amsgrad = true}) or optimizers::get("adam").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "keras/tensor/tensor.h"

namespace keras::optimizers {

// The abstract base: gradients with Keras's clipping, the learning rate and iteration counter as
// backend variables, and the optimizer's state (Keras's `optimizer.weights`).
//
// State dtypes: per-parameter slots take their parameter's dtype (float32 or float64); the scalar
// schedule state is float64 (`lr`, Nadam's `m_schedule`) and int64 (`iterations`), and is cast
// to each parameter's dtype inside the graph.
class Optimizer {
 public:
  virtual ~Optimizer();

  // Builds the update ops for `params` (trainable K::variable's) minimising the scalar `loss`.
  // The first update increments `iterations`; then, per parameter, its slot updates and finally
  // the parameter's own update {param, new_value} (the engine may wrap new_value in a constraint,
  // as Keras applies `p.constraint(new_p)`). Calling it again creates fresh slot variables.
  virtual std::vector<backend::Update> get_updates(
      const std::vector<backend::SymbolicTensor>& params, const backend::SymbolicTensor& loss) = 0;
  // Keras's class name ("SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam").
  virtual std::string class_name() const = 0;
  // Keras 2.2.4's config keys, e.g. Adam: {lr, beta_1, beta_2, decay, epsilon, amsgrad}, plus
  // clipnorm / clipvalue when they are set (> 0), as Keras only stores them when passed.
  virtual nlohmann::json get_config() const = 0;
  // {"class_name": class_name(), "config": get_config()}, Keras's serialize().
  nlohmann::json serialize() const;

  // The state variables in Keras's order: `iterations` first, then the slot variables grouped by
  // kind (e.g. Adam: iterations, m..., v..., vhat...). Empty until get_updates has run.
  //   SGD:      iterations, moments                  RMSprop: iterations, accumulators
  //   Adagrad:  iterations, accumulators             Adadelta: iterations, accumulators, deltas
  //   Adam:     iterations, m, v, vhat (vhat is a (1,) placeholder per param without amsgrad,
  //             as Keras 2.2.4 stores it)            Adamax: iterations, m, u
  //   Nadam:    iterations, m_schedule, m, v
  // Keras 2.2.4 itself omits `iterations` for RMSprop/Adagrad/Adadelta and `m_schedule` for
  // Nadam (Keras 2.3 added them); set_weights accepts those shorter lists too (iterations then
  // starts at 0; Nadam's m_schedule is recomputed from iterations, so resuming stays exact), and
  // Keras 2.3's Adam list without vhat and SGD list without moments.
  std::vector<backend::SymbolicTensor> weights() const { return weights_; }
  std::vector<Tensor> get_weights() const;  // copies of the current values
  // Throws std::invalid_argument when the count or a shape does not match (nothing is changed
  // then). Before get_updates has run the values are kept and applied (and checked) when it runs,
  // so an optimizer's state can be restored before the training function is built.
  void set_weights(const std::vector<Tensor>& weights);

  // The learning rate lives in a float64 scalar variable, so schedulers (LearningRateScheduler,
  // ReduceLROnPlateau) change it without rebuilding the training function.
  double learning_rate() const;
  void set_learning_rate(double lr);
  const backend::SymbolicTensor& lr() const { return lr_; }                  // Keras's optimizer.lr
  const backend::SymbolicTensor& iterations() const { return iterations_; }  // int64 scalar
  double clipnorm() const { return clipnorm_; }
  double clipvalue() const { return clipvalue_; }

 protected:
  Optimizer(const std::string& class_name, double lr, double clipnorm, double clipvalue);
  // A copy shares nothing with the original: it gets its own lr / iterations variables holding the
  // original's current values, and no slot variables until its own get_updates.
  Optimizer(const Optimizer& other);
  Optimizer& operator=(const Optimizer& other);

  // K::gradients, then Keras's clipping: with clipnorm > 0 every gradient is scaled by
  // clipnorm / n when the global norm n = sqrt(sum of all squared gradients) >= clipnorm; with
  // clipvalue > 0 each is clipped elementwise to [-clipvalue, clipvalue].
  std::vector<backend::SymbolicTensor> get_gradients(
      const backend::SymbolicTensor& loss, const std::vector<backend::SymbolicTensor>& params);

  // Helpers for the subclasses.
  static void check_params(const std::vector<backend::SymbolicTensor>& params,
                           const std::string& who);
  static backend::SymbolicTensor clone_variable(const backend::SymbolicTensor& variable);
  backend::SymbolicTensor make_slot(const Shape& shape, DType dtype);  // a zero-filled variable
  backend::Update increment_iterations() const;                        // iterations + 1
  backend::SymbolicTensor iterations_as_float() const;                 // float64 scalar
  backend::SymbolicTensor decayed_lr(double decay) const;  // lr / (1 + decay * iterations), float64
  // Records the state list (Keras's self.weights) and applies weights set before it existed.
  void register_weights(std::vector<backend::SymbolicTensor> weights, std::size_t num_params);
  void add_clip_config(nlohmann::json& config) const;
  std::size_t num_params() const { return num_params_; }

 private:
  // Converts older Keras layouts (see weights()) to this optimizer's; the default keeps the list.
  virtual std::vector<Tensor> upgrade_weights(const std::vector<Tensor>& weights) const;

  backend::SymbolicTensor lr_;
  backend::SymbolicTensor iterations_;
  double clipnorm_ = 0.0;
  double clipvalue_ = 0.0;
  std::vector<backend::SymbolicTensor> weights_;
  std::size_t num_params_ = 0;
  int slot_count_ = 0;  // names slots as TF Keras does: training/Adam/Variable, Variable_1, ...
  std::vector<Tensor> pending_weights_;
  bool has_pending_ = false;
};

// Options structs list Keras 2.2.4's arguments in its order, with its defaults.
struct SGDOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double decay = 0.0;
  bool nesterov = false;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
};

// v = momentum * m - lr * g; m <- v; p <- p + v, or p + momentum * v - lr * g with nesterov.
class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions options = {});
  std::vector<backend::Update> get_updates(const std::vector<backend::SymbolicTensor>& params,
                                           const backend::SymbolicTensor& loss) override;
  std::string class_name() const override { return "SGD"; }
  nlohmann::json get_config() const override;
  const SGDOptions& options() const { return options_; }

 private:
  std::vector<Tensor> upgrade_weights(const std::vector<Tensor>& weights) const override;
  SGDOptions options_;
};

struct RMSpropOptions {
  double lr = 0.001;
  double rho = 0.9;
  double epsilon = 1e-7;  // Keras 1: 1e-8; Keras 2: None -> K.epsilon()
  double decay = 0.0;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
};

// a <- rho * a + (1 - rho) * g^2; p <- p - lr * g / (sqrt(a) + epsilon).
class RMSprop : public Optimizer {
 public:
  explicit RMSprop(RMSpropOptions options = {});
  std::vector<backend::Update> get_updates(const std::vector<backend::SymbolicTensor>& params,
                                           const backend::SymbolicTensor& loss) override;
  std::string class_name() const override { return "RMSprop"; }
  nlohmann::json get_config() const override;
  const RMSpropOptions& options() const { return options_; }

 private:
  std::vector<Tensor> upgrade_weights(const std::vector<Tensor>& weights) const override;
  RMSpropOptions options_;
};

struct AdagradOptions {
  double lr = 0.01;
  double epsilon = 1e-7;
  double decay = 0.0;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
};

// a <- a + g^2; p <- p - lr * g / (sqrt(a) + epsilon).
class Adagrad : public Optimizer {
 public:
  explicit Adagrad(AdagradOptions options = {});
  std::vector<backend::Update> get_updates(const std::vector<backend::SymbolicTensor>& params,
                                           const backend::SymbolicTensor& loss) override;
  std::string class_name() const override { return "Adagrad"; }
  nlohmann::json get_config() const override;
  const AdagradOptions& options() const { return options_; }

 private:
  std::vector<Tensor> upgrade_weights(const std::vector<Tensor>& weights) const override;
  AdagradOptions options_;
};

struct AdadeltaOptions {
  double lr = 1.0;
  double rho = 0.95;
  double epsilon = 1e-7;
  double decay = 0.0;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
};

// a <- rho * a + (1 - rho) * g^2; u = g * sqrt(d + eps) / sqrt(a + eps) (old d);
// p <- p - lr * u; d <- rho * d + (1 - rho) * u^2.
class Adadelta : public Optimizer {
 public:
  explicit Adadelta(AdadeltaOptions options = {});
  std::vector<backend::Update> get_updates(const std::vector<backend::SymbolicTensor>& params,
                                           const backend::SymbolicTensor& loss) override;
  std::string class_name() const override { return "Adadelta"; }
  nlohmann::json get_config() const override;
  const AdadeltaOptions& options() const { return options_; }

 private:
  std::vector<Tensor> upgrade_weights(const std::vector<Tensor>& weights) const override;
  AdadeltaOptions options_;
};

struct AdamOptions {
  double lr = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  double decay = 0.0;
  bool amsgrad = false;  // Keras 2 only
  double clipnorm = 0.0;
  double clipvalue = 0.0;
};

// t = iterations + 1; lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t); m <- beta_1 m + (1-beta_1)
// g; v <- beta_2 v + (1-beta_2) g^2; p <- p - lr_t * m / (sqrt(v) + eps), or with amsgrad vhat <-
// max(vhat, v) and sqrt(vhat) in the denominator.
class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions options = {});
  std::vector<backend::Update> get_updates(const std::vector<backend::SymbolicTensor>& params,
                                           const backend::SymbolicTensor& loss) override;
  std::string class_name() const override { return "Adam"; }
  nlohmann::json get_config() const override;
  const AdamOptions& options() const { return options_; }

 private:
  std::vector<Tensor> upgrade_weights(const std::vector<Tensor>& weights) const override;
  AdamOptions options_;
};

struct AdamaxOptions {
  double lr = 0.002;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  double decay = 0.0;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
};

// lr_t = lr / (1 - beta_1^t); m <- beta_1 m + (1-beta_1) g; u <- max(beta_2 u, |g|);
// p <- p - lr_t * m / (u + eps).
class Adamax : public Optimizer {
 public:
  explicit Adamax(AdamaxOptions options = {});
  std::vector<backend::Update> get_updates(const std::vector<backend::SymbolicTensor>& params,
                                           const backend::SymbolicTensor& loss) override;
  std::string class_name() const override { return "Adamax"; }
  nlohmann::json get_config() const override;
  const AdamaxOptions& options() const { return options_; }

 private:
  AdamaxOptions options_;
};

// Keras 2.2.4's Nadam has no `decay`.
struct NadamOptions {
  double lr = 0.002;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  double schedule_decay = 0.004;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
};

// Adam with Nesterov momentum and Keras's warming momentum schedule
// mu_t = beta_1 * (1 - 0.5 * 0.96^(t * schedule_decay)); m_schedule <- m_schedule * mu_t.
class Nadam : public Optimizer {
 public:
  explicit Nadam(NadamOptions options = {});
  Nadam(const Nadam& other);
  Nadam& operator=(const Nadam& other);
  std::vector<backend::Update> get_updates(const std::vector<backend::SymbolicTensor>& params,
                                           const backend::SymbolicTensor& loss) override;
  std::string class_name() const override { return "Nadam"; }
  nlohmann::json get_config() const override;
  const NadamOptions& options() const { return options_; }
  const backend::SymbolicTensor& m_schedule() const { return m_schedule_; }  // float64 scalar

 private:
  std::vector<Tensor> upgrade_weights(const std::vector<Tensor>& weights) const override;
  NadamOptions options_;
  backend::SymbolicTensor m_schedule_;
};

// An optimizer with default arguments by name: sgd, rmsprop, adagrad, adadelta, adam, adamax,
// nadam, case-insensitively (so Keras's class names 'SGD', 'RMSprop', 'Adam' work too). Throws
// std::invalid_argument "Unknown optimizer: 'adamm'. Valid optimizers are: sgd, rmsprop, ...".
std::shared_ptr<Optimizer> get(const std::string& name);

// From Keras's serialized form {"class_name": "Adam", "config": {"lr": 0.001, ...}} (the
// `optimizer_config` of an .h5 file's training_config). Keys are Keras 2.2.4's; `learning_rate`
// (Keras 2.3+/3) is accepted for `lr`, JSON null means the default, and Keras 3's bookkeeping keys
// (name, weight_decay, use_ema, ...) are ignored while they hold their neutral values. Any other
// key throws std::invalid_argument, like Keras's "Unexpected keyword argument".
std::shared_ptr<Optimizer> from_config(const nlohmann::json& config);

}  // namespace keras::optimizers
