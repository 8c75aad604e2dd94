// keras::Model — compile / fit / evaluate / predict over compiled backend functions: one for the
// training step (forward, backward and optimizer updates together), one for testing, one for
// predicting.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <tuple>
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
  OptimizerArg(const char* name) : name(name) {}  // NOLINT: implicit, as Keras takes strings
  OptimizerArg(std::string name) : name(std::move(name)) {}  // NOLINT
  OptimizerArg(std::shared_ptr<optimizers::Optimizer> optimizer)
      : object(std::move(optimizer)) {}  // NOLINT
  template <typename T,
            typename = std::enable_if_t<std::is_base_of_v<optimizers::Optimizer, std::decay_t<T>>>>
  OptimizerArg(T&& optimizer)  // NOLINT
      : object(std::make_shared<std::decay_t<T>>(std::forward<T>(optimizer))) {}

  std::string name;
  std::shared_ptr<optimizers::Optimizer> object;
  std::shared_ptr<optimizers::Optimizer> resolve() const;
};

// A loss by name ("categorical_crossentropy") or as a function of (y_true, y_pred).
struct LossArg {
  LossArg() = default;
  LossArg(const char* name) : name(name) {}                                 // NOLINT
  LossArg(std::string name) : name(std::move(name)) {}                      // NOLINT
  LossArg(losses::LossFunction function, std::string name = "custom_loss")  // NOLINT
      : name(std::move(name)), function(std::move(function)) {}

  std::string name;
  losses::LossFunction function;
};

// A metric by name ("accuracy") or as a named function of (y_true, y_pred).
struct MetricArg {
  MetricArg(const char* name) : name(name) {}             // NOLINT
  MetricArg(std::string name) : name(std::move(name)) {}  // NOLINT
  MetricArg(std::string name, metrics::MetricFunction function)
      : name(std::move(name)), function(std::move(function)) {}

  std::string name;
  metrics::MetricFunction function;
};

struct CompileOptions {
  OptimizerArg optimizer = "rmsprop";
  LossArg loss{};
  std::vector<MetricArg> metrics{};
  // "" (Keras's None: one weight per sample) or "temporal" (one weight per timestep, 2D sample
  // weights, for outputs of at least 3 dimensions).
  std::string sample_weight_mode{};
};

// Keras's class_weight: class index -> weight. A sample's class is the argmax of its one-hot
// target, or its integer label for sparse or single-unit targets.
using ClassWeight = std::map<std::int64_t, double>;

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
  // The third element of Keras's (x_val, y_val, val_sample_weight) validation tuple.
  std::optional<Tensor> validation_sample_weight{};
  bool shuffle = true;
  ClassWeight class_weight{};
  // Shape (samples,), or (samples, timesteps) with sample_weight_mode "temporal".
  std::optional<Tensor> sample_weight{};
  int initial_epoch = 0;
};

struct EvaluateOptions {
  std::int64_t batch_size = 32;
  int verbose = 1;
  std::optional<Tensor> sample_weight{};
};

struct PredictOptions {
  std::int64_t batch_size = 32;
  int verbose = 0;
};

// One batch from a generator: Keras's (x, y) or (x, y, sample_weight) tuple. predict_generator
// reads only x. A batch with an undefined x marks the end of the data.
struct Batch {
  Tensor x{};
  Tensor y{};
  Tensor sample_weight{};
};

// Keras's Python generator: called once per batch, from a producer thread (see fit_generator).
using Generator = std::function<Batch()>;

template <typename R>
concept BatchRange =
    std::ranges::input_range<R> && std::convertible_to<std::ranges::range_reference_t<R>, Batch>;

// A generator over a range of batches; it ends when the range does. An lvalue range is
// referenced (it must outlive the generator), an rvalue range is moved in.
template <BatchRange R>
Generator make_generator(R&& range) {
  using View = std::views::all_t<R>;
  struct State {
    View view;
    std::optional<std::ranges::iterator_t<View>> it{};  // begun lazily: input ranges begin once
  };
  auto state = std::make_shared<State>(State{std::views::all(std::forward<R>(range))});
  return [state]() -> Batch {
    if (!state->it) state->it.emplace(std::ranges::begin(state->view));
    auto& it = *state->it;
    if (it == std::ranges::end(state->view)) return {};
    Batch batch = *it;
    ++it;
    return batch;
  };
}

// fit_generator's validation_data: a generator (with validation_steps or nb_val_samples), or
// arrays as Keras's (x_val, y_val) or (x_val, y_val, val_sample_weight) tuple.
struct GeneratorValidationData {
  GeneratorValidationData() = default;
  template <typename F>
  requires std::is_invocable_r_v<Batch, F&> GeneratorValidationData(F generator)
      : generator(std::move(generator)) {}                 // NOLINT: implicit, as Keras
  GeneratorValidationData(std::pair<Tensor, Tensor> data)  // NOLINT
      : x(std::move(data.first)), y(std::move(data.second)) {}
  GeneratorValidationData(std::tuple<Tensor, Tensor, Tensor> data)  // NOLINT
      : x(std::move(std::get<0>(data))),
        y(std::move(std::get<1>(data))),
        sample_weight(std::move(std::get<2>(data))) {}

  bool has_value() const { return static_cast<bool>(generator) || x.defined(); }

  Generator generator{};
  Tensor x{};
  Tensor y{};
  Tensor sample_weight{};
};

// fit_generator()'s keyword arguments in Keras 2.2.4's order, each Keras 1.2.2 name beside its
// Keras 2 twin. Set one of steps_per_epoch (batches, Keras 2) or samples_per_epoch (samples,
// Keras 1: an epoch ends once that many samples were seen, with a warning when it overshoots).
// Only one producer thread is supported (workers 0 or 1, no multiprocessing).
struct FitGeneratorOptions {
  std::int64_t steps_per_epoch = 0;
  std::int64_t samples_per_epoch = 0;
  int epochs = 0;  // with neither epochs nor nb_epoch, one epoch
  int nb_epoch = 0;
  int verbose = 1;
  std::vector<callbacks::CallbackPtr> callbacks{};
  GeneratorValidationData validation_data{};
  std::int64_t validation_steps = 0;  // batches of a validation generator per epoch (Keras 2)
  std::int64_t nb_val_samples = 0;    // samples of a validation generator per epoch (Keras 1)
  ClassWeight class_weight{};
  int max_queue_size = 10;
  int max_q_size = 0;  // Keras 1's max_queue_size; overrides it when set
  int workers = 1;     // 0 calls the generator on the training thread, as Keras 2
  bool use_multiprocessing = false;
  int initial_epoch = 0;
};

// evaluate_generator()'s and predict_generator()'s keyword arguments: steps (batches, Keras 2)
// or val_samples (samples, Keras 1).
struct EvaluateGeneratorOptions {
  std::int64_t steps = 0;
  std::int64_t val_samples = 0;
  int max_queue_size = 10;
  int max_q_size = 0;
  int workers = 1;
  bool use_multiprocessing = false;
  int verbose = 0;
};

struct PredictGeneratorOptions {
  std::int64_t steps = 0;
  std::int64_t val_samples = 0;
  int max_queue_size = 10;
  int max_q_size = 0;
  int workers = 1;
  bool use_multiprocessing = false;
  int verbose = 0;
};

struct CustomObjects;  // keras/layers/serialization.h

class Model {
 public:
  virtual ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::string& name() const { return name_; }
  // Keras's class name ("Sequential", "Model") and architecture config, as model_config in files.
  virtual std::string class_name() const = 0;
  virtual nlohmann::json get_config() const = 0;

  // Saving (keras/saving/saving.h): the whole model in Keras 2's HDF5 layout (or a Keras 3
  // `.keras` archive when the path ends in .keras), weights only, architecture only.
  void save(const std::string& filepath, bool overwrite = true,
            bool include_optimizer = true) const;
  void save_weights(const std::string& filepath, bool overwrite = true) const;
  void load_weights(const std::string& filepath, bool by_name = false, bool skip_mismatch = false);
  std::string to_json(int indent = -1) const;
  std::string to_yaml() const;
  // Keras's table of layers, output shapes and parameter counts (keras::utils::print_summary);
  // print_fn receives one line at a time (default: stdout).
  void summary(int line_length = 0, const std::vector<double>& positions = {},
               const std::function<void(const std::string&)>& print_fn = {}) const;
  const std::vector<LayerPtr>& layers() const { return layers_; }
  // Resets the states of every stateful layer (Keras's model.reset_states()).
  void reset_states();
  LayerPtr get_layer(const std::string& name) const;

  void compile(const CompileOptions& options);
  void compile(OptimizerArg optimizer, LossArg loss, std::vector<MetricArg> metrics = {});
  bool compiled() const { return optimizer_ != nullptr; }

  callbacks::History fit(const Tensor& x, const Tensor& y, const FitOptions& options = {});
  // [loss, metric...] — the order of metrics_names().
  std::vector<double> evaluate(const Tensor& x, const Tensor& y,
                               const EvaluateOptions& options = {});
  Tensor predict(const Tensor& x, const PredictOptions& options = {});
  // Class indices: argmax of the last axis, or probability > 0.5 for a single output unit.
  Tensor predict_classes(const Tensor& x, const PredictOptions& options = {});
  Tensor predict_proba(const Tensor& x, const PredictOptions& options = {});

  // Keras's generator methods. A producer thread calls the generator and fills a queue of
  // max_queue_size batches; its exceptions reach the caller (as std::runtime_error naming the
  // step, with the original nested), and the thread is joined before these return or throw.
  callbacks::History fit_generator(Generator generator, const FitGeneratorOptions& options = {});
  template <BatchRange R>
  callbacks::History fit_generator(R&& batches, const FitGeneratorOptions& options = {}) {
    return fit_generator(make_generator(std::forward<R>(batches)), options);
  }
  std::vector<double> evaluate_generator(Generator generator,
                                         const EvaluateGeneratorOptions& options = {});
  template <BatchRange R>
  std::vector<double> evaluate_generator(R&& batches,
                                         const EvaluateGeneratorOptions& options = {}) {
    return evaluate_generator(make_generator(std::forward<R>(batches)), options);
  }
  Tensor predict_generator(Generator generator, const PredictGeneratorOptions& options = {});
  template <BatchRange R>
  Tensor predict_generator(R&& batches, const PredictGeneratorOptions& options = {}) {
    return predict_generator(make_generator(std::forward<R>(batches)), options);
  }

  // An undefined sample_weight is Keras's None.
  std::vector<double> train_on_batch(const Tensor& x, const Tensor& y,
                                     const Tensor& sample_weight = {},
                                     const ClassWeight& class_weight = {});
  std::vector<double> test_on_batch(const Tensor& x, const Tensor& y,
                                    const Tensor& sample_weight = {});
  Tensor predict_on_batch(const Tensor& x);

  std::vector<std::string> metrics_names() const;
  std::vector<SymbolicTensor> weights() const;
  std::vector<SymbolicTensor> trainable_weights() const;
  std::vector<Tensor> get_weights() const;
  void set_weights(const std::vector<Tensor>& weights);
  std::int64_t count_params() const;
  const std::shared_ptr<optimizers::Optimizer>& optimizer() const { return optimizer_; }
  // The arguments of the last compile() (for the training_config of saved files).
  const CompileOptions& compile_options() const { return compile_options_; }
  // Keras's _make_train_function: builds the training step now (creating the optimizer's
  // weights) rather than at the first fit. load_model calls it to restore the optimizer state.
  void make_train_function();

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
  void make_predict_function();
  std::vector<backend::Update> state_updates() const;
  void check_arrays(const Tensor& x, const Tensor* y, const char* what) const;
  Tensor cast_input(const Tensor& x) const;
  Tensor cast_target(const Tensor& y) const;
  // Keras's standardize_weights: the weights of every sample (or timestep) of the cast target y.
  Tensor standardize_weights(const Tensor& y, const Tensor* sample_weight,
                             const ClassWeight& class_weight) const;
  std::vector<double> test_loop(const Tensor& x, const Tensor& y, const Tensor& w,
                                std::int64_t batch_size, int verbose);

  std::shared_ptr<optimizers::Optimizer> optimizer_;
  CompileOptions compile_options_{};
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace keras
