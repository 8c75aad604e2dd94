// keras::Model — compile / fit / evaluate / predict over compiled backend functions: one for the
// training step (forward, backward and optimizer updates together), one for testing, one for
// predicting.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "keras/backend/function.h"
#include "keras/callbacks.h"
#include "keras/engine/layer.h"
#include "keras/losses.h"
#include "keras/metrics.h"
#include "keras/optimizers.h"

namespace keras {

// An optimizer by name ("sgd") or as an object (optimizers::SGD({.lr = 0.1})).
struct OptimizerArg {
  OptimizerArg(const char* name) : name(name) {}             // NOLINT: implicit, as Keras takes strings
  OptimizerArg(std::string name) : name(std::move(name)) {}  // NOLINT
  OptimizerArg(std::shared_ptr<optimizers::Optimizer> optimizer) : object(std::move(optimizer)) {}  // NOLINT
  template <typename T, typename = std::enable_if_t<std::is_base_of_v<optimizers::Optimizer, std::decay_t<T>>>>
  OptimizerArg(T&& optimizer)  // NOLINT
      : object(std::make_shared<std::decay_t<T>>(std::forward<T>(optimizer))) {}

  std::string name;
  std::shared_ptr<optimizers::Optimizer> object;
  std::shared_ptr<optimizers::Optimizer> resolve() const;
};

// A loss by name ("categorical_crossentropy") or as a function of (y_true, y_pred).
struct LossArg {
  LossArg() = default;
  LossArg(const char* name) : name(name) {}             // NOLINT
  LossArg(std::string name) : name(std::move(name)) {}  // NOLINT
  LossArg(losses::LossFunction function, std::string name = "custom_loss")  // NOLINT
      : name(std::move(name)), function(std::move(function)) {}

  std::string name;
  losses::LossFunction function;
};

// A metric by name ("accuracy") or as a named function of (y_true, y_pred).
struct MetricArg {
  MetricArg(const char* name) : name(name) {}             // NOLINT
  MetricArg(std::string name) : name(std::move(name)) {}  // NOLINT
  MetricArg(std::string name, metrics::MetricFunction function) : name(std::move(name)), function(std::move(function)) {}

  std::string name;
  metrics::MetricFunction function;
};

struct CompileOptions {
  OptimizerArg optimizer = "rmsprop";
  LossArg loss{};
  std::vector<MetricArg> metrics{};
};

// fit()'s keyword arguments, in Keras's order. `epochs` (Keras 2) and `nb_epoch` (Keras 1) are the
// same; with neither, one epoch is trained, as in Keras 2.
struct FitOptions {
  std::int64_t batch_size = 32;
  int epochs = 0;
  int nb_epoch = 0;
  int verbose = 1;
  std::vector<callbacks::CallbackPtr> callbacks{};
  double validation_split = 0.0;  // the last fraction of x and y, taken before shuffling
  std::optional<std::pair<Tensor, Tensor>> validation_data{};
  bool shuffle = true;
  int initial_epoch = 0;
};

struct EvaluateOptions {
  std::int64_t batch_size = 32;
  int verbose = 1;
};

struct PredictOptions {
  std::int64_t batch_size = 32;
  int verbose = 0;
};

class Model {
 public:
  virtual ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<LayerPtr>& layers() const { return layers_; }
  LayerPtr get_layer(const std::string& name) const;

  void compile(const CompileOptions& options);
  void compile(OptimizerArg optimizer, LossArg loss, std::vector<MetricArg> metrics = {});
  bool compiled() const { return optimizer_ != nullptr; }

  callbacks::History fit(const Tensor& x, const Tensor& y, const FitOptions& options = {});
  // [loss, metric...] — the order of metrics_names().
  std::vector<double> evaluate(const Tensor& x, const Tensor& y, const EvaluateOptions& options = {});
  Tensor predict(const Tensor& x, const PredictOptions& options = {});
  // Class indices: argmax of the last axis, or probability > 0.5 for a single output unit.
  Tensor predict_classes(const Tensor& x, const PredictOptions& options = {});
  Tensor predict_proba(const Tensor& x, const PredictOptions& options = {});

  std::vector<double> train_on_batch(const Tensor& x, const Tensor& y);
  std::vector<double> test_on_batch(const Tensor& x, const Tensor& y);
  Tensor predict_on_batch(const Tensor& x);

  std::vector<std::string> metrics_names() const;
  std::vector<SymbolicTensor> weights() const;
  std::vector<SymbolicTensor> trainable_weights() const;
  std::vector<Tensor> get_weights() const;
  void set_weights(const std::vector<Tensor>& weights);
  std::int64_t count_params() const;
  const std::shared_ptr<optimizers::Optimizer>& optimizer() const { return optimizer_; }

  const SymbolicTensor& input() const;
  const SymbolicTensor& output() const;
  Shape input_shape() const { return input().shape(); }
  Shape output_shape() const { return output().shape(); }

  // Set by a callback to end fit() after the current epoch (Keras's model.stop_training).
  bool stop_training = false;

 protected:
  explicit Model(std::string name);
  // Makes inputs_/outputs_ available (a Sequential builds its graph lazily).
  virtual void ensure_graph() {}
  void invalidate_compilation();

  std::string name_;
  std::vector<LayerPtr> layers_;
  std::vector<SymbolicTensor> inputs_, outputs_;

 private:
  struct Compiled;
  void require_compiled(const char* what) const;
  void make_test_function();
  void make_train_function();
  void make_predict_function();
  void check_arrays(const Tensor& x, const Tensor* y, const char* what) const;
  Tensor cast_input(const Tensor& x) const;
  Tensor cast_target(const Tensor& y) const;
  std::vector<double> test_loop(const Tensor& x, const Tensor& y, std::int64_t batch_size, int verbose);

  std::shared_ptr<optimizers::Optimizer> optimizer_;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace keras
