// keras::Model — compile / fit / evaluate / predict over compiled backend functions: one for the
// training step (forward, backward and optimizer updates together), one for testing, one for
// predicting.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "keras/backend/function.h"
#include "keras/callbacks.h"
#include "keras/engine/data.h"
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

// compile()'s loss: one loss for every output, a list (one per output, in order), or a map by
// output name: .loss = "mse", .loss = {"mse", "binary_crossentropy"},
// .loss = {{"main_output", "binary_crossentropy"}, {"aux_output", "mse"}}.
struct LossSpec {
  LossSpec() = default;
  template <typename T>
  requires std::constructible_from<LossArg, T> LossSpec(T&& loss)  // NOLINT: implicit, as Keras
      : single(std::forward<T>(loss)) {}
  LossSpec(std::initializer_list<LossArg> list) : list(list), is_list(true) {}
  LossSpec(std::vector<LossArg> list) : list(std::move(list)), is_list(true) {}  // NOLINT
  LossSpec(std::initializer_list<std::pair<const std::string, LossArg>> by_name)
      : by_name(by_name), is_map(true) {}
  LossSpec(std::map<std::string, LossArg> by_name)  // NOLINT
      : by_name(std::move(by_name)), is_map(true) {}

  bool empty() const { return !is_list && !is_map && single.name.empty() && !single.function; }

  LossArg single{};
  std::vector<LossArg> list{};
  std::map<std::string, LossArg> by_name{};
  bool is_list = false, is_map = false;
};

// compile()'s metrics: a list for every output, or a map from output name to its list.
struct MetricsSpec {
  MetricsSpec() = default;
  MetricsSpec(std::initializer_list<MetricArg> list) : list(list) {}
  MetricsSpec(std::vector<MetricArg> list) : list(std::move(list)) {}  // NOLINT
  MetricsSpec(std::initializer_list<std::pair<const std::string, std::vector<MetricArg>>> by_name)
      : by_name(by_name), is_map(true) {}
  MetricsSpec(std::map<std::string, std::vector<MetricArg>> by_name)  // NOLINT
      : by_name(std::move(by_name)), is_map(true) {}

  std::vector<MetricArg> list{};
  std::map<std::string, std::vector<MetricArg>> by_name{};
  bool is_map = false;
};

// compile()'s loss_weights: a list (one per output) or a map by output name (missing: 1).
struct LossWeightsSpec {
  LossWeightsSpec() = default;
  LossWeightsSpec(std::initializer_list<double> list) : list(list), given(true) {}
  LossWeightsSpec(std::vector<double> list) : list(std::move(list)), given(true) {}  // NOLINT
  LossWeightsSpec(std::initializer_list<std::pair<const std::string, double>> by_name)
      : by_name(by_name), is_map(true), given(true) {}
  LossWeightsSpec(std::map<std::string, double> by_name)  // NOLINT
      : by_name(std::move(by_name)), is_map(true), given(true) {}

  std::vector<double> list{};
  std::map<std::string, double> by_name{};
  bool is_map = false, given = false;
};

// compile()'s target_tensors (Keras 2.2.4): tensors the losses and metrics read as the targets,
// instead of placeholders fed with arrays. One tensor (a model of one output), a list (one per
// output; an undefined tensor: that output's target is fed as usual) or a map by output name.
// A variable or any tensor computed from the model's inputs and variables is read, not fed: fit
// and train_on_batch then take no y (and no sample weight) for that output. A placeholder of
// one's own (K::placeholder) stays fed with the y arrays, in the output's place.
struct TargetTensorsSpec {
  TargetTensorsSpec() = default;
  TargetTensorsSpec(SymbolicTensor tensor)  // NOLINT: implicit, as Keras takes one tensor
      : list{std::move(tensor)}, is_single(true) {}
  TargetTensorsSpec(std::initializer_list<SymbolicTensor> list) : list(list), is_list(true) {}
  TargetTensorsSpec(std::vector<SymbolicTensor> list)  // NOLINT
      : list(std::move(list)), is_list(true) {}
  TargetTensorsSpec(std::initializer_list<std::pair<const std::string, SymbolicTensor>> by_name)
      : by_name(by_name), is_map(true) {}
  TargetTensorsSpec(std::map<std::string, SymbolicTensor> by_name)  // NOLINT
      : by_name(std::move(by_name)), is_map(true) {}

  bool given() const { return is_single || is_list || is_map; }

  std::vector<SymbolicTensor> list{};
  std::map<std::string, SymbolicTensor> by_name{};
  bool is_single = false, is_list = false, is_map = false;
};

struct CompileOptions {
  OptimizerArg optimizer = "rmsprop";
  LossSpec loss{};
  MetricsSpec metrics{};
  LossWeightsSpec loss_weights{};
  // Metrics weighted by the sample weights (and class weights), named "weighted_" + the metric's
  // name, after each output's metrics, as Keras 2.2.4's weighted_metrics.
  MetricsSpec weighted_metrics{};
  // "" (Keras's None: one weight per sample) or "temporal" (one weight per timestep, 2D sample
  // weights, for outputs of at least 3 dimensions).
  std::string sample_weight_mode{};
  // One mode per output in the model's output order (Keras 2.2.4's list, or its dict by output
  // name), used instead of sample_weight_mode when not empty.
  std::vector<std::string> sample_weight_modes{};
  TargetTensorsSpec target_tensors{};
};

// Keras's class_weight: class index -> weight. A sample's class is the argmax of its one-hot
// target, or its integer label for sparse or single-unit targets.
using ClassWeight = std::map<std::int64_t, double>;

// fit()'s keyword arguments, in Keras's order. `epochs` (Keras 2) and `nb_epoch` (Keras 1) are the
// same (nb_epoch counts when given, i.e. >= 0). Training runs the epochs [initial_epoch, epochs):
// none when epochs <= initial_epoch, as in Keras (an empty History).
struct FitOptions {
  std::int64_t batch_size = 32;
  int epochs = 1;
  int nb_epoch = -1;
  int verbose = 1;
  std::vector<callbacks::CallbackPtr> callbacks{};
  double validation_split = 0.0;  // the last fraction of x and y, taken before shuffling
  std::optional<std::pair<Arrays, Arrays>> validation_data{};
  // The third element of Keras's (x_val, y_val, val_sample_weight) validation tuple.
  std::optional<Arrays> validation_sample_weight{};
  ShuffleMode shuffle = true;
  // Applied to every output of a model of several outputs.
  ClassWeight class_weight{};
  // Shape (samples,), or (samples, timesteps) with sample_weight_mode "temporal"; for a model of
  // several outputs, a list or a map by output name (one array is used for every output).
  std::optional<Arrays> sample_weight{};
  int initial_epoch = 0;
};

struct EvaluateOptions {
  std::int64_t batch_size = 32;
  int verbose = 1;
  std::optional<Arrays> sample_weight{};
};

struct PredictOptions {
  std::int64_t batch_size = 32;
  int verbose = 0;
};

// fit_generator's validation_data: a generator (with validation_steps or nb_val_samples), a
// Sequence (all its batches unless validation_steps says fewer), or arrays as Keras's
// (x_val, y_val) or (x_val, y_val, val_sample_weight) tuple.
struct GeneratorValidationData {
  GeneratorValidationData() = default;
  template <typename F>
  requires std::is_invocable_r_v<Batch, F&> GeneratorValidationData(F generator)
      : generator(std::move(generator)) {}  // NOLINT: implicit, as Keras
  GeneratorValidationData(SequencePtr sequence) : sequence(std::move(sequence)) {}  // NOLINT
  GeneratorValidationData(std::pair<Arrays, Arrays> data)                           // NOLINT
      : x(std::move(data.first)), y(std::move(data.second)) {}
  GeneratorValidationData(std::pair<Tensor, Tensor> data)  // NOLINT
      : x(std::move(data.first)), y(std::move(data.second)) {}
  GeneratorValidationData(std::tuple<Tensor, Tensor, Tensor> data)  // NOLINT
      : x(std::move(std::get<0>(data))),
        y(std::move(std::get<1>(data))),
        sample_weight(std::move(std::get<2>(data))) {}

  bool has_value() const { return static_cast<bool>(generator) || sequence || !x.empty(); }

  Generator generator{};
  SequencePtr sequence{};
  Arrays x{};
  Arrays y{};
  Arrays sample_weight{};
};

// fit_generator()'s keyword arguments in Keras 2.2.4's order, each Keras 1.2.2 name beside its
// Keras 2 twin. Set one of steps_per_epoch (batches, Keras 2) or samples_per_epoch (samples,
// Keras 1: an epoch ends once that many samples were seen, with a warning when it overshoots).
// Only one producer thread is supported (workers 0 or 1, no multiprocessing).
struct FitGeneratorOptions {
  std::int64_t steps_per_epoch = 0;
  std::int64_t samples_per_epoch = 0;
  int epochs = 1;     // as FitOptions
  int nb_epoch = -1;  // Keras 1's epochs, when >= 0
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
  bool shuffle = true;  // a Sequence's batches in a new order every epoch (Keras 2.2.4)
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

// A list of Keras tensors, from one tensor or several: Model(inputs, outputs) takes either.
struct TensorList {
  TensorList() = default;
  TensorList(KerasTensor tensor) : tensors{std::move(tensor)} {}                  // NOLINT
  TensorList(SymbolicTensor tensor) : tensors{KerasTensor(std::move(tensor))} {}  // NOLINT
  TensorList(std::vector<KerasTensor> tensors) : tensors(std::move(tensors)) {}   // NOLINT
  TensorList(std::initializer_list<KerasTensor> tensors) : tensors(tensors) {}
  std::vector<KerasTensor> tensors;
};

// Model's arguments by name, Keras 2's inputs/outputs or Keras 1's input/output:
//   Model({.input = inputs, .output = predictions})
struct ModelArguments {
  TensorList inputs{};
  TensorList outputs{};
  std::string name{};
  TensorList input{};   // Keras 1 name of inputs
  TensorList output{};  // Keras 1 name of outputs
};

// Keras's Model: a directed acyclic graph of layer calls from Input() tensors to outputs, and a
// layer itself: calling it on tensors applies the whole graph to them, with the same weights.
class Model : public Layer {
 public:
  // The functional API: Model(inputs, outputs) over the layer calls between them.
  Model(TensorList inputs, TensorList outputs, std::string name = "");
  explicit Model(ModelArguments arguments);
  ~Model() override;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  std::string class_name() const override { return "Model"; }
  const std::vector<LayerPtr>& layers() const;

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
  // Resets the states of every stateful layer (Keras's model.reset_states()).
  bool stateful() const override;
  void reset_states() override;
  // The updates of every layer (batch-norm statistics, RNN states), as Keras's model.updates.
  std::vector<std::pair<backend::Update, bool>> tagged_updates() const override;
  LayerPtr get_layer(const std::string& name) const;
  LayerPtr get_layer(int index) const;

  void compile(const CompileOptions& options);
  void compile(OptimizerArg optimizer, LossArg loss, std::vector<MetricArg> metrics = {});
  bool compiled() const { return optimizer_ != nullptr; }

  callbacks::History fit(const Tensor& x, const Tensor& y, const FitOptions& options = {});
  // Models of several inputs or outputs: lists or maps by name (see Arrays).
  callbacks::History fit(const Arrays& x, const Arrays& y, const FitOptions& options = {});
  // [loss, metric...] — the order of metrics_names().
  std::vector<double> evaluate(const Tensor& x, const Tensor& y,
                               const EvaluateOptions& options = {});
  std::vector<double> evaluate(const Arrays& x, const Arrays& y,
                               const EvaluateOptions& options = {});
  // The single output (use the Arrays form for a model of several outputs).
  Tensor predict(const Tensor& x, const PredictOptions& options = {});
  // One array per output.
  std::vector<Tensor> predict(const Arrays& x, const PredictOptions& options = {});
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
  // The single output's predictions (predict_generator_outputs: one array per output).
  Tensor predict_generator(Generator generator, const PredictGeneratorOptions& options = {});
  template <BatchRange R>
  Tensor predict_generator(R&& batches, const PredictGeneratorOptions& options = {}) {
    return predict_generator(make_generator(std::forward<R>(batches)), options);
  }
  std::vector<Tensor> predict_generator_outputs(Generator generator,
                                                const PredictGeneratorOptions& options = {});
  // A keras.utils.Sequence: every batch once per epoch (steps_per_epoch, steps: its size() when
  // 0), shuffled per epoch with FitGeneratorOptions::shuffle, read on the caller's thread.
  callbacks::History fit_generator(SequencePtr sequence, const FitGeneratorOptions& options = {});
  std::vector<double> evaluate_generator(SequencePtr sequence,
                                         const EvaluateGeneratorOptions& options = {});
  std::vector<Tensor> predict_generator_outputs(SequencePtr sequence,
                                                const PredictGeneratorOptions& options = {});

  // An undefined sample_weight is Keras's None.
  std::vector<double> train_on_batch(const Tensor& x, const Tensor& y,
                                     const Tensor& sample_weight = {},
                                     const ClassWeight& class_weight = {});
  std::vector<double> train_on_batch(const Arrays& x, const Arrays& y,
                                     const Arrays& sample_weight = {},
                                     const ClassWeight& class_weight = {});
  std::vector<double> test_on_batch(const Tensor& x, const Tensor& y,
                                    const Tensor& sample_weight = {});
  std::vector<double> test_on_batch(const Arrays& x, const Arrays& y,
                                    const Arrays& sample_weight = {});
  Tensor predict_on_batch(const Tensor& x);
  std::vector<Tensor> predict_on_batch(const Arrays& x);

  std::vector<std::string> metrics_names() const;
  std::vector<SymbolicTensor> weights() const override;
  std::vector<SymbolicTensor> trainable_weights() const override;
  std::vector<SymbolicTensor> non_trainable_weights() const override;
  std::vector<Tensor> get_weights() const override;
  void set_weights(const std::vector<Tensor>& weights) override;
  std::int64_t count_params() const override;
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> constraints() const override;
  std::vector<SymbolicTensor> losses() const override;
  const std::shared_ptr<optimizers::Optimizer>& optimizer() const { return optimizer_; }
  // Keras's model.total_loss, model.targets and model.sample_weights (one placeholder per
  // output, fed by fit after the inputs, in this order; targets() has the target_tensors read
  // instead of fed too, in their outputs' places). After compile().
  const SymbolicTensor& total_loss() const;
  std::vector<SymbolicTensor> targets() const;
  std::vector<SymbolicTensor> sample_weights() const;
  // The arguments of the last compile() (for the training_config of saved files).
  const CompileOptions& compile_options() const { return compile_options_; }
  // Keras's _make_train_function: builds the training step now (creating the optimizer's
  // weights) rather than at the first fit. load_model calls it to restore the optimizer state.
  void make_train_function();

  // The model's own graph (Keras's model.input / model.inputs...): its first input and output,
  // or all of them; the names are those of the Input layers and of the output layers.
  const KerasTensor& input() const;
  const KerasTensor& output() const;
  const std::vector<KerasTensor>& inputs() const;
  const std::vector<KerasTensor>& outputs() const;
  std::vector<std::string> input_names() const;
  std::vector<std::string> output_names() const;
  Shape input_shape() const { return input().shape(); }
  Shape output_shape() const { return output().shape(); }

  // As a layer: calling a model applies its graph to new tensors (weights shared).
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  void build_list(const std::vector<Shape>& input_shapes) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;

  // Keras's functional config: {name, layers: [{name, class_name, config, inbound_nodes}],
  // input_layers, output_layers}, inbound nodes as [layer name, node index, tensor index, {}].
  // from_config rebuilds the same graph (shared layers, nested models) with fresh weights; its
  // layers come from `layer_factory`, called with {"class_name", "config"} (InputLayer and Model
  // entries are rebuilt here; a Sequential entry goes to the factory, which can call
  // Sequential::from_config).
  using LayerFactory = std::function<LayerPtr(const nlohmann::json& layer_config_with_class_name)>;
  nlohmann::json get_config() const override;
  static std::shared_ptr<Model> from_config(const nlohmann::json& config,
                                            const LayerFactory& layer_factory);

  // Set by a callback to end fit() after the current epoch (Keras's model.stop_training).
  bool stop_training = false;

 protected:
  explicit Model(std::string name);
  // Makes inputs_/outputs_ available (a Sequential builds its graph lazily).
  virtual void ensure_graph() {}
  void invalidate_compilation();
  // Sets inputs_, outputs_ and layers_ from the layer calls between inputs and outputs.
  void init_graph(std::vector<KerasTensor> inputs, std::vector<KerasTensor> outputs);

  std::vector<LayerPtr> layers_;
  std::vector<KerasTensor> inputs_, outputs_;

 private:
  struct Compiled;
  void require_compiled(const char* what) const;
  void make_test_function();
  void make_predict_function();
  // The arrays of x, y and sample_weight in the model's order, checked and cast
  // (src/engine/training_arrays.cpp).
  std::vector<Tensor> standardize_inputs(const Arrays& x, const char* what) const;
  std::vector<Tensor> standardize_targets(const Arrays& y, const char* what) const;
  std::vector<Tensor> standardize_sample_weights(const std::vector<Tensor>& y,
                                                 const Arrays* sample_weight,
                                                 const ClassWeight& class_weight) const;
  // x, y and sample weights in the order the training and test functions read them; `prefix`
  // ("validation ") names the data in errors.
  std::vector<Tensor> standardize_data(const Arrays& x, const Arrays& y,
                                       const Arrays* sample_weight, const ClassWeight& class_weight,
                                       const char* prefix = "") const;
  // Turns a generator's or Sequence's batch into feed-order arrays: x alone (!with_targets), or
  // x, y and sample weights (with class_weight); `prefix` names the data in errors.
  std::function<std::vector<Tensor>(const Batch&, const std::string&)> batch_standardizer(
      bool with_targets, ClassWeight class_weight = {}, std::string prefix = "");
  Tensor standardize_weights_at(std::size_t output, const Tensor& y, const Tensor* sample_weight,
                                const ClassWeight& class_weight) const;
  void check_target_at(std::size_t output, const Tensor& y, const char* what) const;
  Tensor cast_target_at(std::size_t output, const Tensor& y) const;
  // The one loop over a data adapter that fit, evaluate and predict (and their generator
  // forms) call (src/engine/trainer.cpp).
  friend class Trainer;

  std::shared_ptr<optimizers::Optimizer> optimizer_;
  CompileOptions compile_options_{};
  std::unique_ptr<Compiled> compiled_;
  mutable std::vector<KerasTensor> last_call_outputs_;  // with their masks
  // A model may be used from several threads: the compiled functions are made under
  // functions_mutex_, and each batch runs (and its results are read) under run_mutex_, so that a
  // fit() and a predict() on the same model interleave batch by batch.
  std::mutex functions_mutex_;
  std::mutex run_mutex_;
};

namespace detail {
// The number of epochs fit() and fit_generator() end at: nb_epoch when given, else epochs; a
// negative count is an error naming `what`.
int epochs_to_train(int epochs, int nb_epoch, const char* what);
}  // namespace detail

}  // namespace keras
