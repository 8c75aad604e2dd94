// Model::compile, the compiled functions, and fit / evaluate / predict / *_on_batch: thin calls
// that standardize the data, make a data adapter of it and run the Trainer's loop on it
// (trainer.cpp). The generator forms are in training_generator.cpp, the data checks in
// training_arrays.cpp.
#include "keras/engine/training.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

#include "engine/compile_arguments.h"
#include "engine/compiled.h"
#include "engine/data_adapter.h"
#include "engine/trainer.h"
#include "keras/distributed.h"
#include "keras/engine/feed.h"
#include "keras/metrics/stateful.h"

namespace keras {

namespace K = backend;

namespace detail {
int epochs_to_train(int epochs, int nb_epoch, const char* what) {
  const int count = nb_epoch >= 0 ? nb_epoch : epochs;
  if (count < 0)
    throw std::invalid_argument(std::string(what) + ": " + (nb_epoch >= 0 ? "nb_epoch" : "epochs") +
                                " must be a non-negative integer, got " + std::to_string(count));
  return count;
}
}  // namespace detail

std::shared_ptr<optimizers::Optimizer> OptimizerArg::resolve() const {
  return object ? object : optimizers::get(name);
}

namespace {
LayerArguments named(std::string name) {
  LayerArguments args;
  args.name = std::move(name);
  return args;
}
}  // namespace

Model::Model(std::string name) : Layer("Model", named(std::move(name))) {
  set_built(true);
}

Model::Model(TensorList inputs, TensorList outputs, std::string name)
    : Layer("Model", named(std::move(name))) {
  init_graph(std::move(inputs.tensors), std::move(outputs.tensors));
  set_built(true);
}

Model::Model(ModelArguments a) : Layer("Model", named(a.name)) {
  if (!a.inputs.tensors.empty() && !a.input.tensors.empty())
    throw std::invalid_argument("Model: give `inputs` (Keras 2) or `input` (Keras 1), not both");
  if (!a.outputs.tensors.empty() && !a.output.tensors.empty())
    throw std::invalid_argument("Model: give `outputs` (Keras 2) or `output` (Keras 1), not both");
  init_graph(a.inputs.tensors.empty() ? a.input.tensors : a.inputs.tensors,
             a.outputs.tensors.empty() ? a.output.tensors : a.outputs.tensors);
  set_built(true);
}

Model::~Model() = default;

void Model::invalidate_compilation() {
  compiled_.reset();
  optimizer_.reset();
}

std::vector<std::string> Model::metrics_names() const {
  std::vector<std::string> names{"loss"};
  if (compiled_)
    names.insert(names.end(), compiled_->metric_names.begin(), compiled_->metric_names.end());
  return names;
}

void Model::compile(OptimizerArg optimizer, LossArg loss, std::vector<MetricArg> metrics) {
  CompileOptions options;
  options.optimizer = std::move(optimizer);
  options.loss = std::move(loss);
  options.metrics = std::move(metrics);
  compile(options);
}

namespace {
// Keras's _weighted_masked_objective on a loss's or metric's values: the output's mask (Keras's
// _keras_mask) zeroes masked entries and rescales the rest by the fraction kept; with sample
// weights, the values are averaged to one per sample (per timestep when temporal), weighted and
// normalised by the fraction of non-zero weights; then averaged over the batch.
SymbolicTensor weighted_masked_mean(SymbolicTensor score, const SymbolicTensor& mask,
                                    const SymbolicTensor& weights, int weight_ndim) {
  if (mask.defined()) {
    SymbolicTensor m = K::cast(mask, score.dtype());
    score = score * m / K::mean(m);
  }
  if (!weights.defined()) return K::mean(score);
  if (score.ndim() > weight_ndim) {
    std::vector<int> axes(static_cast<std::size_t>(score.ndim() - weight_ndim));
    std::iota(axes.begin(), axes.end(), weight_ndim);
    score = K::mean(score, axes);
  }
  score = score * weights;
  score = score / K::mean(K::not_equal(weights, K::constant(0.0, weights.dtype())));
  return K::mean(score);
}

// A metric's name as Keras reports it and its function ("acc" for the loss's accuracy).
std::pair<std::string, metrics::MetricFunction> resolve_metric(const MetricArg& metric,
                                                               const CompiledOutput& spec) {
  if (metric.function) return {metric.name, metric.function};
  if (metric.name == "accuracy" || metric.name == "acc")
    return metrics::resolve_accuracy(metric.name, spec.loss_name, spec.output.shape());
  // Keras 1.2.2 and 2.2.4 name a metric by its function's __name__: 'mae' logs as
  // mean_absolute_error.
  return {metrics::canonical_name(metric.name), metrics::get(metric.name)};
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The placeholder of an output's targets: the output's shape, any shape of its rank for a
// custom loss, integer labels with a last axis of 1 for sparse_categorical_crossentropy
// (cast_target adds it to 1D labels; saying so lets the loss squeeze that axis).
SymbolicTensor target_placeholder(const CompiledOutput& spec) {
  Shape target_shape = spec.output.shape();
  if (spec.custom_loss) std::fill(target_shape.begin(), target_shape.end(), -1);
  if (spec.sparse_target) {
    std::fill(target_shape.begin(), target_shape.end(), -1);
    target_shape.back() = 1;
  }
  return K::placeholder(target_shape, spec.output.dtype(), spec.name + "_target");
}

// Whether a tensor of target_tensors is fed with the y arrays, as compile's own placeholders
// are: a placeholder, unless one of the model's inputs (fed as an input, read as a target).
bool fed_as_target(const SymbolicTensor& target, const std::vector<SymbolicTensor>& inputs) {
  return target.node()->op == K::OpKind::kPlaceholder &&
         std::find(inputs.begin(), inputs.end(), target) == inputs.end();
}

}  // namespace

void Model::compile(const CompileOptions& options) {
  ensure_graph();
  auto optimizer = options.optimizer.resolve();
  const std::vector<std::string> names = output_names();
  const std::size_t n_out = outputs_.size();
  // Keras: an output without a loss (loss=None, or missing from a loss dict) takes no target;
  // the model then trains on its add_loss losses.
  if (options.loss.empty() && losses().empty())
    throw std::invalid_argument(
        "compile: a loss is required, e.g. loss=\"categorical_crossentropy\" (or losses added "
        "with add_loss)");
  const std::vector<std::string> modes = sample_weight_modes(options, names);

  const CompileArgumentsPerOutput per_output = compile_arguments_per_output(options, names);
  const std::vector<LossArg>& losses_per_output = per_output.losses;
  const std::vector<double>& loss_weights = per_output.loss_weights;

  auto c = std::make_unique<Compiled>();
  const std::vector<SymbolicTensor> inputs = fed_inputs(*this);
  std::vector<std::string> loss_metric_names, metric_names;
  std::vector<SymbolicTensor> loss_metric_tensors, metric_tensors;
  std::vector<std::function<void()>> metric_resets;
  for (std::size_t k = 0; k < n_out; ++k) {
    if (losses_per_output[k].name.empty() && !losses_per_output[k].function) continue;
    CompiledOutput spec;
    spec.index = k;
    spec.name = names[k];
    spec.output = outputs_[k];
    spec.loss_name = losses_per_output[k].name;
    spec.loss_weight = loss_weights[k];
    // A tensor of target_tensors replaces the target placeholder: it is read, and that output
    // takes no y array and no sample weights, unless it is a placeholder itself (Keras 2.2.4).
    const SymbolicTensor& given = per_output.target_tensors[k];
    const bool fed = !given.defined() || fed_as_target(given, inputs);
    spec.temporal = fed && modes[k] == "temporal";
    const SymbolicTensor& output = spec.output;
    losses::LossFunction loss_fn = losses_per_output[k].function
                                       ? losses_per_output[k].function
                                       : losses::get(losses_per_output[k].name);
    spec.sparse_target = spec.loss_name == "sparse_categorical_crossentropy";
    const std::vector<std::string> known = losses::names();
    spec.custom_loss = losses_per_output[k].function &&
                       std::find(known.begin(), known.end(), spec.loss_name) == known.end();
    spec.target = given.defined() ? given : target_placeholder(spec);
    // "temporal" on an output of fewer than 3 dimensions is accepted here and refused with the
    // sample weights it would take (standardize_weights_at), as Keras 2.2.4 does.
    if (fed)
      spec.sample_weight = K::placeholder(spec.temporal ? Shape{-1, -1} : Shape{-1}, output.dtype(),
                                          spec.name + "_sample_weights");
    const SymbolicTensor y_true =
        spec.target.dtype() == output.dtype() ? spec.target : K::cast(spec.target, output.dtype());

    const SymbolicTensor output_mask = outputs_[k].keras_mask();
    const int weight_ndim = spec.temporal ? 2 : 1;
    const SymbolicTensor& w = spec.sample_weight;
    SymbolicTensor output_loss =
        weighted_masked_mean(loss_fn(y_true, output), output_mask, w, weight_ndim);
    if (n_out > 1) {
      loss_metric_names.push_back(spec.name + "_loss");
      loss_metric_tensors.push_back(output_loss);
    }
    SymbolicTensor weighted =
        spec.loss_weight == 1.0 ? output_loss : output_loss * spec.loss_weight;
    c->total_loss = c->total_loss.defined() ? c->total_loss + weighted : weighted;

    // Keras 2.2.4's handle_metrics: the output's metrics, then its weighted metrics.
    for (const auto* list : {&per_output.metrics[k], &per_output.weighted_metrics[k]}) {
      const bool weighted_list = list == &per_output.weighted_metrics[k];
      for (const auto& metric : *list) {
        auto [name, fn] = resolve_metric(metric, spec);
        name = (weighted_list ? "weighted_" : "") + name;
        if (n_out > 1) name = spec.name + "_" + name;
        // Keras dedupes a repeated name with a suffix: acc, acc_1, ...
        const std::string base = name;
        for (int j = 1;
             name == "loss" || contains(loss_metric_names, name) || contains(metric_names, name);
             ++j)
          name = base + "_" + std::to_string(j);
        metric_names.push_back(name);
        metrics::detail::StatefulMarks marks;
        metric_tensors.push_back(
            weighted_masked_mean(K::cast(fn(y_true, output), output.dtype()), output_mask,
                                 weighted_list ? w : SymbolicTensor(), weight_ndim));
        metric_resets.push_back(marks.reset_states());
        c->metric_updates.insert(c->metric_updates.end(), marks.updates().begin(),
                                 marks.updates().end());
      }
    }
    (fed ? c->outputs : c->outputs_reading_targets).push_back(std::move(spec));
  }
  if (!c->total_loss.defined()) {
    if (losses().empty())
      throw std::invalid_argument(
          "The model cannot be compiled because it has no loss to optimize.");
    c->total_loss = K::constant(0.0, backend::floatx());
  }
  // Regularization penalties of every layer and add_loss losses (Keras's model.losses).
  const DType loss_dtype = c->total_loss.dtype();
  for (const auto& penalty : losses())
    c->total_loss = c->total_loss + K::sum(K::cast(penalty, loss_dtype));
  c->metric_names = loss_metric_names;
  c->metric_names.insert(c->metric_names.end(), metric_names.begin(), metric_names.end());
  c->metric_tensors = loss_metric_tensors;
  c->metric_tensors.insert(c->metric_tensors.end(), metric_tensors.begin(), metric_tensors.end());
  c->metric_resets.resize(loss_metric_tensors.size());
  c->metric_resets.insert(c->metric_resets.end(), metric_resets.begin(), metric_resets.end());
  optimizer_ = std::move(optimizer);
  compiled_ = std::move(c);
  compile_options_ = options;
}

void Model::require_compiled(const char* what) const {
  if (!optimizer_ || !compiled_)
    throw std::logic_error(std::string("You must compile a model before ") + what +
                           ". Use `model.compile(optimizer, loss)`.");
}

namespace {
// The training and test functions read the inputs, then the targets, then the sample weights.
std::vector<SymbolicTensor> feed_order(const std::vector<SymbolicTensor>& inputs,
                                       const std::vector<CompiledOutput>& outputs) {
  std::vector<SymbolicTensor> order = inputs;
  for (const auto& o : outputs) order.push_back(o.target);
  for (const auto& o : outputs) order.push_back(o.sample_weight);
  return order;
}
}  // namespace

const SymbolicTensor& Model::total_loss() const {
  require_compiled("getting its total loss");
  return compiled_->total_loss;
}

std::vector<SymbolicTensor> Model::targets() const {
  require_compiled("getting its targets");
  std::vector<const CompiledOutput*> in_order;
  for (const auto* list : {&compiled_->outputs, &compiled_->outputs_reading_targets})
    for (const auto& o : *list) in_order.push_back(&o);
  std::sort(in_order.begin(), in_order.end(),
            [](const auto* a, const auto* b) { return a->index < b->index; });
  std::vector<SymbolicTensor> out;
  for (const auto* o : in_order) out.push_back(o->target);
  return out;
}

std::vector<SymbolicTensor> Model::sample_weights() const {
  require_compiled("getting its sample weights");
  std::vector<SymbolicTensor> out;
  for (const auto& o : compiled_->outputs) out.push_back(o.sample_weight);
  return out;
}

void Model::make_train_function() {
  require_compiled("training");
  std::lock_guard lock(functions_mutex_);
  // Made again when keras::distributed was initialized since: the gradients are averaged in it.
  if (compiled_->train_fn && compiled_->train_fn_processes == distributed::size()) return;
  compiled_->train_fn_processes = distributed::size();
  std::vector<K::Update> updates =
      optimizer_->get_updates(trainable_weights(), compiled_->total_loss);
  // Constraints project the updated weights (Keras applies them to new_p in get_updates).
  for (const auto& [weight, constraint] : constraints())
    for (auto& update : updates)
      if (update.variable == weight) update.new_value = constraint(update.new_value);
  // Layer updates (batch-norm statistics, RNN states), as Keras's model.updates.
  for (const auto& update : Layer::updates()) updates.push_back(update);
  updates.insert(updates.end(), compiled_->metric_updates.begin(), compiled_->metric_updates.end());
  std::vector<SymbolicTensor> outputs{compiled_->total_loss};
  outputs.insert(outputs.end(), compiled_->metric_tensors.begin(), compiled_->metric_tensors.end());
  compiled_->train_fn.emplace(feed_order(fed_inputs(*this), compiled_->outputs), outputs, updates,
                              K::Givens{{K::learning_phase(), K::constant(1.0, DType::int32)}});
}

bool Model::stateful() const {
  for (const auto& layer : layers())
    if (layer->stateful()) return true;
  return false;
}

void Model::reset_states() {
  for (const auto& layer : layers())
    if (layer->stateful()) layer->reset_states();
}

namespace {

// Every update of `model`'s layers, those of nested models' layers included, as each layer made
// them: one per call of the layer (a layer called in several graphs has one for each). Layers
// set untrainable make none, unless stateful (Keras 2.2.4's get_updates_for).
void gather_updates(const Model& model, std::vector<std::pair<K::Update, bool>>& out) {
  for (const auto& update : model.Layer::tagged_updates()) out.push_back(update);
  for (const auto& layer : model.layers()) {
    if (!layer->trainable() && !layer->stateful()) continue;
    if (const auto* inner = dynamic_cast<const Model*>(layer.get()))
      gather_updates(*inner, out);
    else
      for (const auto& update : layer->tagged_updates()) out.push_back(update);
  }
}

// Every loss of `model`'s layers, those of nested models' layers included, as each layer made
// them (one per call of a layer with an activity regularizer), and the models' own add_loss.
void gather_losses(const Model& model, std::vector<SymbolicTensor>& out) {
  for (const auto& loss : model.Layer::losses()) out.push_back(loss);
  for (const auto& layer : model.layers()) {
    if (const auto* inner = dynamic_cast<const Model*>(layer.get()))
      gather_losses(*inner, out);
    else
      for (const auto& loss : layer->losses()) out.push_back(loss);
  }
}

// Whether `node` can be computed from the placeholders in `fed` (memoised in `known`).
bool computable_from(const K::NodePtr& node, const std::set<const K::Node*>& fed,
                     std::map<const K::Node*, bool>& known) {
  std::vector<std::pair<const K::Node*, std::size_t>> stack{{node.get(), 0}};
  while (!stack.empty()) {
    auto& [current, next_input] = stack.back();
    if (known.count(current)) {
      stack.pop_back();
      continue;
    }
    if (current->op == K::OpKind::kPlaceholder) {
      known[current] = fed.count(current) > 0;
      stack.pop_back();
      continue;
    }
    if (next_input < current->inputs.size()) {
      const K::Node* input = current->inputs[next_input].get();
      auto found = known.find(input);
      if (found == known.end()) {
        stack.emplace_back(input, 0);  // comes back to this input once it is known
      } else if (!found->second) {
        known[current] = false;
        stack.pop_back();
      } else {
        ++next_input;
      }
      continue;
    }
    known[current] = true;
    stack.pop_back();
  }
  return known[node.get()];
}

}  // namespace

// Keras's Network.updates: the updates of the layer calls inside this model. A layer (a
// batch-norm in a nested Sequential, say) called on another graph's tensors as well has updates
// there too, which this model cannot compute from its inputs: those are left out. A variable
// updated by several calls inside the model reports the first.
std::vector<std::pair<K::Update, bool>> Model::tagged_updates() const {
  std::vector<std::pair<K::Update, bool>> all;
  if (!trainable() && !stateful()) return all;
  gather_updates(*this, all);
  std::set<const K::Node*> fed{K::learning_phase().node().get()};
  for (const auto& input : inputs_) fed.insert(input.node().get());
  std::map<const K::Node*, bool> known;
  std::vector<std::pair<K::Update, bool>> out;
  std::set<const K::Node*> seen;
  for (const auto& update : all) {
    if (seen.count(update.first.variable.node().get())) continue;
    if (!inputs_.empty() && !computable_from(update.first.new_value.node(), fed, known)) continue;
    seen.insert(update.first.variable.node().get());
    out.push_back(update);
  }
  return out;
}

// Keras's Network.losses: the losses of the layer calls inside this model and those of no call
// (weight regularization, add_loss of constants). A layer called on another graph's tensors as
// well (a model nested in another) has losses there too, which this model cannot compute from
// its inputs: those are left out.
std::vector<SymbolicTensor> Model::losses() const {
  std::vector<SymbolicTensor> all;
  gather_losses(*this, all);
  std::set<const K::Node*> fed{K::learning_phase().node().get()};
  for (const auto& input : inputs_) fed.insert(input.node().get());
  std::map<const K::Node*, bool> known;
  std::vector<SymbolicTensor> out;
  std::set<const K::Node*> seen;
  for (const auto& loss : all) {
    if (!seen.insert(loss.node().get()).second) continue;
    if (inputs_.empty() || computable_from(loss.node(), fed, known)) out.push_back(loss);
  }
  return out;
}

void Model::make_test_function() {
  std::lock_guard lock(functions_mutex_);
  if (compiled_->test_fn) return;
  std::vector<SymbolicTensor> outputs{compiled_->total_loss};
  outputs.insert(outputs.end(), compiled_->metric_tensors.begin(), compiled_->metric_tensors.end());
  std::vector<K::Update> updates = state_updates();
  updates.insert(updates.end(), compiled_->metric_updates.begin(), compiled_->metric_updates.end());
  compiled_->test_fn.emplace(feed_order(fed_inputs(*this), compiled_->outputs), outputs, updates,
                             K::Givens{{K::learning_phase(), K::constant(0.0, DType::int32)}});
}

void Model::make_predict_function() {
  std::lock_guard lock(functions_mutex_);
  if (!compiled_) compiled_ = std::make_unique<Compiled>();  // predicting needs no compile()
  if (compiled_->predict_fn) return;
  compiled_->predict_fn.emplace(fed_inputs(*this), graph_tensors(outputs_), state_updates(),
                                K::Givens{{K::learning_phase(), K::constant(0.0, DType::int32)}});
}

namespace {
// Keras cannot fit, evaluate or predict on no data (its loops would report a loss of 0).
void check_not_empty(const std::vector<Tensor>& x, const char* what) {
  if (x.front().shape()[0] == 0)
    throw std::invalid_argument(std::string(what) +
                                ": the input arrays are empty (0 samples, shape " +
                                shape_to_string(x.front().shape()) + "); pass at least one sample");
}

void check_batch_size(std::int64_t batch_size, const char* what) {
  if (batch_size <= 0)
    throw std::invalid_argument(std::string(what) + ": batch_size must be positive, got " +
                                std::to_string(batch_size));
}

// A model whose inputs have a fixed batch size (batch_input_shape, as a stateful network needs)
// runs batches of that size only.
void check_fixed_batch(const std::vector<SymbolicTensor>& inputs, std::int64_t batch_size,
                       std::int64_t samples, const char* what) {
  for (const auto& input : inputs) {
    const std::int64_t fixed = input.ndim() > 0 ? input.shape()[0] : -1;
    if (fixed > 0 && std::min(batch_size, samples) != fixed)
      throw std::invalid_argument(
          std::string(what) + ": input " + input.name() + " has a fixed batch size of " +
          std::to_string(fixed) + " (its batch_input_shape " + shape_to_string(input.shape()) +
          ", as a stateful network needs): pass batch_size=" + std::to_string(fixed) + ", got " +
          std::to_string(batch_size));
  }
}

std::vector<Tensor> rows_of(const std::vector<Tensor>& data, std::int64_t begin, std::int64_t end) {
  std::vector<Tensor> out;
  for (const auto& t : data) out.push_back(t.slice(begin, end));
  return out;
}
}  // namespace

callbacks::History Model::fit(const Tensor& x, const Tensor& y, const FitOptions& options) {
  return fit(Arrays(x), Arrays(y), options);
}

callbacks::History Model::fit(const Arrays& x, const Arrays& y, const FitOptions& options) {
  require_compiled("training/testing");
  distributed::init_from_environment();
  std::vector<Tensor> data = standardize_data(
      x, y, options.sample_weight ? &*options.sample_weight : nullptr, options.class_weight);
  check_not_empty(data, "fit");
  check_batch_size(options.batch_size, "fit");
  check_fixed_batch(fed_inputs(*this), options.batch_size, data.front().shape()[0], "fit");
  const int epochs = detail::epochs_to_train(options.epochs, options.nb_epoch, "fit");
  if (options.initial_epoch < 0)
    throw std::invalid_argument("fit: initial_epoch must be a non-negative integer, got " +
                                std::to_string(options.initial_epoch));
  if (options.validation_split < 0 || options.validation_split >= 1)
    throw std::invalid_argument("fit: validation_split must be in [0, 1), got " +
                                std::to_string(options.validation_split));
  std::vector<Tensor> validation_data;
  if (options.validation_data) {
    validation_data = standardize_data(
        options.validation_data->first, options.validation_data->second,
        options.validation_sample_weight ? &*options.validation_sample_weight : nullptr, {},
        "validation ");
    check_not_empty(validation_data, "fit: validation_data");
  } else if (options.validation_sample_weight) {
    throw std::invalid_argument("fit: validation_sample_weight needs validation_data");
  } else if (options.validation_split > 0) {
    // Keras takes the validation samples (and their weights) from the end, before shuffling.
    const std::int64_t total = data.front().shape()[0];
    const auto split_at =
        static_cast<std::int64_t>(static_cast<double>(total) * (1.0 - options.validation_split));
    if (split_at == 0)
      throw std::invalid_argument("fit: validation_split leaves none of the " +
                                  std::to_string(total) + " samples for training");
    if (split_at < total) validation_data = rows_of(data, split_at, total);
    data = rows_of(data, 0, split_at);
  }
  const std::int64_t n = data.front().shape()[0];
  const std::int64_t batch_size = std::min(options.batch_size, n);
  std::unique_ptr<DataAdapter> validation;
  if (!validation_data.empty())
    validation =
        make_array_adapter(std::move(validation_data), batch_size, false, Sharding::contiguous);
  auto train =
      make_array_adapter(std::move(data), batch_size, options.shuffle, Sharding::per_batch);
  return Trainer(*this).fit(*train, {.what = "fit",
                                     .epochs = epochs,
                                     .initial_epoch = options.initial_epoch,
                                     .verbose = options.verbose,
                                     .callbacks = options.callbacks,
                                     .batch_size = batch_size,
                                     .validation = validation.get(),
                                     .announce_samples = true});
}

std::vector<double> Model::evaluate(const Tensor& x, const Tensor& y,
                                    const EvaluateOptions& options) {
  return evaluate(Arrays(x), Arrays(y), options);
}

std::vector<double> Model::evaluate(const Arrays& x, const Arrays& y,
                                    const EvaluateOptions& options) {
  require_compiled("training/testing");
  std::vector<Tensor> data =
      standardize_data(x, y, options.sample_weight ? &*options.sample_weight : nullptr, {});
  check_not_empty(data, "evaluate");
  check_batch_size(options.batch_size, "evaluate");
  check_fixed_batch(fed_inputs(*this), options.batch_size, data.front().shape()[0], "evaluate");
  distributed::init_from_environment();
  // Under keras::distributed each process tests its share of the samples; the sums are added.
  auto adapter =
      make_array_adapter(std::move(data), options.batch_size, false, Sharding::contiguous);
  return Trainer(*this).evaluate(*adapter, options.verbose);
}

Tensor Model::predict(const Tensor& x, const PredictOptions& options) {
  ensure_graph();
  if (outputs_.size() != 1)
    throw std::invalid_argument("Model " + name() + " has " + std::to_string(outputs_.size()) +
                                " outputs " + names_text(output_names()) +
                                ": use predict(Arrays{x}) to get one array per output");
  return predict(Arrays(x), options).front();
}

std::vector<Tensor> Model::predict(const Arrays& x, const PredictOptions& options) {
  std::vector<Tensor> inputs = standardize_inputs(x, "input");
  check_not_empty(inputs, "predict");
  check_batch_size(options.batch_size, "predict");
  check_fixed_batch(fed_inputs(*this), options.batch_size, inputs.front().shape()[0], "predict");
  auto adapter = make_array_adapter(std::move(inputs), options.batch_size);
  return Trainer(*this).predict(*adapter, options.verbose);
}

Tensor Model::predict_proba(const Tensor& x, const PredictOptions& options) {
  Tensor proba = predict(x, options);
  std::vector<double> values = proba.to_vector<double>();
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (!values.empty() && (*lo < 0 || *hi > 1))
    std::fprintf(stderr,
                 "Network returning invalid probability values. The last layer might not normalize "
                 "predictions into probabilities (like softmax or sigmoid would).\n");
  return proba;
}

Tensor Model::predict_classes(const Tensor& x, const PredictOptions& options) {
  Tensor proba = predict(x, options);
  std::int64_t n = proba.shape()[0];
  std::int64_t k = proba.ndim() > 1 ? proba.shape().back() : 1;
  std::vector<double> values = proba.to_vector<double>();
  std::vector<std::int64_t> classes;
  if (k > 1) {
    std::int64_t rows = static_cast<std::int64_t>(values.size()) / k;
    for (std::int64_t r = 0; r < rows; ++r) {
      auto begin = values.begin() + r * k;
      classes.push_back(std::max_element(begin, begin + k) - begin);
    }
    Shape shape(proba.shape().begin(), proba.shape().end() - 1);
    return Tensor::from_vector(classes, shape);
  }
  for (double v : values) classes.push_back(v > 0.5 ? 1 : 0);
  return Tensor::from_vector(classes, proba.ndim() > 1 ? proba.shape() : Shape{n});
}

std::vector<double> Model::train_on_batch(const Tensor& x, const Tensor& y,
                                          const Tensor& sample_weight,
                                          const ClassWeight& class_weight) {
  return train_on_batch(Arrays(x), Arrays(y), Arrays(sample_weight), class_weight);
}

std::vector<double> Model::train_on_batch(const Arrays& x, const Arrays& y,
                                          const Arrays& sample_weight,
                                          const ClassWeight& class_weight) {
  require_compiled("training/testing");
  return Trainer(*this).train_batch(standardize_data(x, y, &sample_weight, class_weight));
}

std::vector<double> Model::test_on_batch(const Tensor& x, const Tensor& y,
                                         const Tensor& sample_weight) {
  return test_on_batch(Arrays(x), Arrays(y), Arrays(sample_weight));
}

std::vector<double> Model::test_on_batch(const Arrays& x, const Arrays& y,
                                         const Arrays& sample_weight) {
  require_compiled("training/testing");
  return Trainer(*this).test_batch(standardize_data(x, y, &sample_weight, {}));
}

Tensor Model::predict_on_batch(const Tensor& x) {
  return predict_on_batch(Arrays(x)).front();
}

std::vector<Tensor> Model::predict_on_batch(const Arrays& x) {
  return Trainer(*this).predict_batch(standardize_inputs(x, "input"));
}

}  // namespace keras
