// Model::compile and the training, testing and prediction loops. The loops feed preallocated
// batch tensors to compiled functions, so after the first batch they allocate nothing.
#include "keras/engine/training.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <set>
#include <stdexcept>

#include "backend/random_state.h"
#include "distributed/collectives.h"
#include "distributed/training_state.h"
#include "keras/distributed.h"

namespace keras {

namespace K = backend;

// What compile() made of each output: its target and sample-weight placeholders, loss, weight
// and metrics.
struct CompiledOutput {
  std::string name;
  SymbolicTensor output, target, sample_weight;
  std::string loss_name;
  double loss_weight = 1.0;
  bool sparse_target = false;
  bool temporal = false;  // sample_weight_mode "temporal": 2D sample weights
};

struct Model::Compiled {
  std::vector<CompiledOutput> outputs;
  SymbolicTensor total_loss;
  std::vector<std::string> metric_names;  // after "loss"
  std::vector<SymbolicTensor> metric_tensors;
  std::optional<K::Function> train_fn, test_fn, predict_fn;
  int train_fn_processes = 1;  // keras::distributed::size() when train_fn was made
};

namespace {

// A tensor like `src` with `n` rows.
Tensor rows_like(const Tensor& src, std::int64_t n) {
  Shape shape = src.shape();
  shape[0] = n;
  return Tensor(shape, src.dtype());
}

// Batch tensors allocated once per batch size and refilled for every batch: one per array of
// the data (inputs, then targets and sample weights).
struct Feed {
  std::int64_t rows = -1;
  std::vector<Tensor> args;

  void allocate(std::int64_t n, const std::vector<Tensor>& data) {
    rows = n;
    args.clear();
    for (const auto& src : data) args.push_back(rows_like(src, n));
  }
  void gather(const std::vector<Tensor>& data, const std::int64_t* order, std::int64_t begin);
};

// Copies rows order[begin, begin + dst.rows) of src into dst.
void gather_rows(const Tensor& src, const std::int64_t* order, std::int64_t begin,
                 const Tensor& dst) {
  std::int64_t rows = dst.shape()[0];
  std::size_t row_bytes =
      src.shape()[0] ? src.nbytes() / static_cast<std::size_t>(src.shape()[0]) : 0;
  const char* from = static_cast<const char*>(src.raw_data());
  char* to = static_cast<char*>(dst.raw_data());
  for (std::int64_t r = 0; r < rows; ++r)
    std::memcpy(to + static_cast<std::size_t>(r) * row_bytes,
                from + static_cast<std::size_t>(order ? order[begin + r] : begin + r) * row_bytes,
                row_bytes);
}

void Feed::gather(const std::vector<Tensor>& data, const std::int64_t* order, std::int64_t begin) {
  for (std::size_t k = 0; k < data.size(); ++k) gather_rows(data[k], order, begin, args[k]);
}

std::string shape_text(const Shape& shape) {
  return shape_to_string(shape);
}

// Python's text for a set of integers, as Keras prints the classes missing from class_weight.
std::string set_text(const std::set<std::int64_t>& values) {
  std::string text = "{";
  for (auto v : values) text += (text.size() > 1 ? ", " : "") + std::to_string(v);
  return text + "}";
}

// Python's repr of a list of names.
std::string names_text(const std::vector<std::string>& names) {
  std::string text = "[";
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", '" : "'") + names[i] + "'";
  return text + "]";
}

std::vector<Tensor> slice_all(const std::vector<Tensor>& data, std::int64_t begin,
                              std::int64_t end) {
  std::vector<Tensor> out;
  for (const auto& t : data) out.push_back(t.slice(begin, end));
  return out;
}

std::vector<Tensor> concat(std::vector<Tensor> a, const std::vector<Tensor>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

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

void Model::compile(const CompileOptions& options) {
  ensure_graph();
  auto optimizer = options.optimizer.resolve();
  const std::vector<std::string> names = output_names();
  const std::size_t n_out = outputs_.size();
  if (options.loss.empty())
    throw std::invalid_argument(
        "compile: a loss is required, e.g. loss=\"categorical_crossentropy\"");
  if (!options.sample_weight_mode.empty() && options.sample_weight_mode != "temporal")
    throw std::invalid_argument("\"sample_weight_mode should be None or \"temporal\". Found: " +
                                options.sample_weight_mode);

  // One loss per output: the same for all, a list in output order, or a map by output name.
  std::vector<LossArg> losses_per_output;
  if (options.loss.is_map) {
    for (const auto& [key, loss] : options.loss.by_name)
      if (std::find(names.begin(), names.end(), key) == names.end())
        throw std::invalid_argument("Unknown entry in loss dictionary: \"" + key +
                                    "\". Only expected the following keys: " + names_text(names));
    for (const auto& output_name : names) {
      auto found = options.loss.by_name.find(output_name);
      if (found == options.loss.by_name.end())
        throw std::invalid_argument("Output \"" + output_name +
                                    "\" missing from loss dictionary; the model's outputs are " +
                                    names_text(names));
      losses_per_output.push_back(found->second);
    }
  } else if (options.loss.is_list) {
    if (options.loss.list.size() != n_out)
      throw std::invalid_argument(
          "When passing a list as loss, it should have one entry per model outputs. The model "
          "has " +
          std::to_string(n_out) + " outputs (" + names_text(names) + "), but you passed " +
          std::to_string(options.loss.list.size()) + " losses");
    losses_per_output = options.loss.list;
  } else {
    losses_per_output.assign(n_out, options.loss.single);
  }
  // Loss weights: a list in output order or a map by name (missing outputs weigh 1).
  std::vector<double> loss_weights(n_out, 1.0);
  if (options.loss_weights.is_map) {
    for (const auto& [key, weight] : options.loss_weights.by_name) {
      auto found = std::find(names.begin(), names.end(), key);
      if (found == names.end())
        throw std::invalid_argument("Unknown entry in loss_weights dictionary: \"" + key +
                                    "\". Only expected the following keys: " + names_text(names));
      loss_weights[static_cast<std::size_t>(found - names.begin())] = weight;
    }
  } else if (options.loss_weights.given) {
    if (options.loss_weights.list.size() != n_out)
      throw std::invalid_argument(
          "When passing a list as loss_weights, it should have one entry per model output. The "
          "model has " +
          std::to_string(n_out) + " outputs, but you passed loss_weights with " +
          std::to_string(options.loss_weights.list.size()) + " entries");
    loss_weights = options.loss_weights.list;
  }
  // Metrics: the same list for every output, or a map from output name to its list.
  std::vector<std::vector<MetricArg>> metrics_per_output(n_out, options.metrics.list);
  if (options.metrics.is_map) {
    for (auto& m : metrics_per_output) m.clear();
    for (const auto& [key, list] : options.metrics.by_name) {
      auto found = std::find(names.begin(), names.end(), key);
      if (found == names.end())
        throw std::invalid_argument("Unknown entry in metrics dictionary: \"" + key +
                                    "\". Only expected the following keys: " + names_text(names));
      metrics_per_output[static_cast<std::size_t>(found - names.begin())] = list;
    }
  }

  auto c = std::make_unique<Compiled>();
  const bool temporal = options.sample_weight_mode == "temporal";
  std::vector<std::string> loss_metric_names, metric_names;
  std::vector<SymbolicTensor> loss_metric_tensors, metric_tensors;
  for (std::size_t k = 0; k < n_out; ++k) {
    CompiledOutput spec;
    spec.name = names[k];
    spec.output = outputs_[k];
    spec.loss_name = losses_per_output[k].name;
    spec.loss_weight = loss_weights[k];
    spec.temporal = temporal;
    const SymbolicTensor& output = spec.output;
    losses::LossFunction loss_fn = losses_per_output[k].function
                                       ? losses_per_output[k].function
                                       : losses::get(losses_per_output[k].name);
    spec.sparse_target = spec.loss_name == "sparse_categorical_crossentropy";
    Shape target_shape = output.shape();
    // Sparse targets are integer labels with a last axis of 1 (cast_target adds it to 1D
    // labels); saying so lets the loss squeeze that axis.
    if (spec.sparse_target) {
      std::fill(target_shape.begin(), target_shape.end(), -1);
      target_shape.back() = 1;
    }
    spec.target = K::placeholder(target_shape, output.dtype(), spec.name + "_target");
    if (spec.temporal && output.ndim() < 3)
      throw std::invalid_argument(
          "Output " + spec.name + " has shape " + shape_text(output.shape()) +
          ". Timestep-wise sample weighting (use of sample_weight_mode=\"temporal\") is "
          "restricted to outputs that are at least 3D, i.e. that have a time dimension.");
    spec.sample_weight = K::placeholder(spec.temporal ? Shape{-1, -1} : Shape{-1}, output.dtype(),
                                        spec.name + "_sample_weights");

    // Keras's weighted objective: per-sample (or per-timestep) losses times sample weights,
    // normalised by the fraction of non-zero weights, averaged over the batch. The output's mask
    // (Keras's _keras_mask): masked entries count for nothing, the rest are rescaled by the
    // fraction kept.
    const SymbolicTensor output_mask =
        output.node()->keras_mask ? SymbolicTensor(output.node()->keras_mask) : SymbolicTensor();
    auto apply_mask = [&](SymbolicTensor values) {
      if (!output_mask.defined()) return values;
      SymbolicTensor m = K::cast(output_mask, values.dtype());
      return values * m / K::mean(m);
    };
    SymbolicTensor score = apply_mask(loss_fn(spec.target, output));
    const int weight_ndim = spec.temporal ? 2 : 1;
    if (score.ndim() > weight_ndim) {
      std::vector<int> axes(static_cast<std::size_t>(score.ndim() - weight_ndim));
      std::iota(axes.begin(), axes.end(), weight_ndim);
      score = K::mean(score, axes);
    }
    SymbolicTensor w = spec.sample_weight;
    score = score * w;
    score = score / K::mean(K::not_equal(w, K::constant(0.0, w.dtype())));
    SymbolicTensor output_loss = K::mean(score);
    if (n_out > 1) {
      loss_metric_names.push_back(spec.name + "_loss");
      loss_metric_tensors.push_back(output_loss);
    }
    SymbolicTensor weighted =
        spec.loss_weight == 1.0 ? output_loss : output_loss * spec.loss_weight;
    c->total_loss = c->total_loss.defined() ? c->total_loss + weighted : weighted;

    const std::string prefix = n_out > 1 ? spec.name + "_" : "";
    for (const auto& metric : metrics_per_output[k]) {
      std::string key = metric.name;
      metrics::MetricFunction fn = metric.function;
      if (!fn) {
        if (metric.name == "accuracy" || metric.name == "acc") {
          auto resolved = metrics::resolve_accuracy(metric.name, spec.loss_name, output.shape());
          key = resolved.first;
          fn = resolved.second;
        } else {
          fn = metrics::get(metric.name);
        }
      }
      metric_names.push_back(prefix + key);
      metric_tensors.push_back(
          K::mean(apply_mask(K::cast(fn(spec.target, output), output.dtype()))));
    }
    c->outputs.push_back(std::move(spec));
  }
  // Regularization penalties of every layer (Keras's model.losses).
  const DType loss_dtype = c->total_loss.dtype();
  for (const auto& penalty : losses())
    c->total_loss = c->total_loss + K::sum(K::cast(penalty, loss_dtype));
  c->metric_names = loss_metric_names;
  c->metric_names.insert(c->metric_names.end(), metric_names.begin(), metric_names.end());
  c->metric_tensors = loss_metric_tensors;
  c->metric_tensors.insert(c->metric_tensors.end(), metric_tensors.begin(), metric_tensors.end());
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
  std::vector<SymbolicTensor> out;
  for (const auto& o : compiled_->outputs) out.push_back(o.target);
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
  std::vector<SymbolicTensor> outputs{compiled_->total_loss};
  outputs.insert(outputs.end(), compiled_->metric_tensors.begin(), compiled_->metric_tensors.end());
  compiled_->train_fn.emplace(feed_order(inputs_, compiled_->outputs), outputs, updates,
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

std::vector<std::pair<K::Update, bool>> Model::tagged_updates() const {
  // A layer shared by nested models reports its updates once.
  std::vector<std::pair<K::Update, bool>> out = Layer::tagged_updates();
  std::set<const K::Node*> seen;
  for (const auto& update : out) seen.insert(update.first.variable.node().get());
  for (const auto& layer : layers())
    for (const auto& update : layer->tagged_updates())
      if (seen.insert(update.first.variable.node().get()).second) out.push_back(update);
  return out;
}

void Model::make_test_function() {
  std::lock_guard lock(functions_mutex_);
  if (compiled_->test_fn) return;
  std::vector<SymbolicTensor> outputs{compiled_->total_loss};
  outputs.insert(outputs.end(), compiled_->metric_tensors.begin(), compiled_->metric_tensors.end());
  compiled_->test_fn.emplace(feed_order(inputs_, compiled_->outputs), outputs, state_updates(),
                             K::Givens{{K::learning_phase(), K::constant(0.0, DType::int32)}});
}

void Model::make_predict_function() {
  std::lock_guard lock(functions_mutex_);
  if (!compiled_) compiled_ = std::make_unique<Compiled>();  // predicting needs no compile()
  if (compiled_->predict_fn) return;
  compiled_->predict_fn.emplace(inputs_, outputs_, state_updates(),
                                K::Givens{{K::learning_phase(), K::constant(0.0, DType::int32)}});
}

std::vector<Tensor> Model::standardize_inputs(const Arrays& x, const char* what) const {
  const_cast<Model*>(this)->ensure_graph();
  const std::vector<std::string> names = input_names();
  std::vector<Tensor> arrays;
  if (x.is_map) {
    for (const auto& [key, value] : x.by_name)
      if (std::find(names.begin(), names.end(), key) == names.end())
        throw std::invalid_argument("Error when checking " + std::string(what) +
                                    ": no model input is named \"" + key + "\"; the inputs are " +
                                    names_text(names));
    for (const auto& input_name : names) {
      auto found = x.by_name.find(input_name);
      if (found == x.by_name.end())
        throw std::invalid_argument("No data provided for \"" + input_name +
                                    "\". Need data for each key in: " + names_text(names));
      arrays.push_back(found->second);
    }
  } else {
    arrays = x.list;
    if (arrays.size() != inputs_.size())
      throw std::invalid_argument(
          "Error when checking model " + std::string(what) +
          ": the list of arrays that you are passing to your model is not the size the model "
          "expected. Expected to see " +
          std::to_string(inputs_.size()) + " array(s) (for inputs " + names_text(names) +
          "), but instead got " + std::to_string(arrays.size()) + " arrays.");
  }
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const Tensor& a = arrays[i];
    const SymbolicTensor& in = inputs_[i];
    const std::string& input_name = in.name();
    std::string expects;
    if (inputs_.size() == 1 && !layers().empty())
      expects = " (layer " + layers().front()->name() + " expects " + shape_text(in.shape()) + ")";
    if (!a.defined() || a.ndim() == 0)
      throw std::invalid_argument(std::string("Error when checking ") + what + ": expected " +
                                  input_name + " to have shape " + shape_text(in.shape()) +
                                  " but got an empty array");
    if (a.ndim() != in.ndim())
      throw std::invalid_argument("Error when checking input: expected " + input_name +
                                  " to have " + std::to_string(in.ndim()) +
                                  " dimensions, but got array with shape " + shape_text(a.shape()) +
                                  expects);
    for (int d = 0; d < a.ndim(); ++d) {
      std::int64_t expected = in.shape()[static_cast<std::size_t>(d)];
      // A fixed batch size (a stateful model's) need only divide the number of samples, which
      // fit, evaluate and predict split into batches: Keras does not check the batch axis.
      if (d == 0 && expected > 0 && a.shape()[0] > expected) {
        if (a.shape()[0] % expected != 0)
          throw std::invalid_argument(
              "In a stateful network, you should only pass inputs with a number of samples that "
              "can be divided by the batch size. Found: " +
              std::to_string(a.shape()[0]) + " samples");
        continue;
      }
      if (expected >= 0 && expected != a.shape()[static_cast<std::size_t>(d)])
        throw std::invalid_argument("Error when checking input: expected " + input_name +
                                    " to have shape " + shape_text(in.shape()) +
                                    " but got array with shape " + shape_text(a.shape()) + expects);
    }
    if (a.shape()[0] != arrays[0].shape()[0]) {
      std::string shapes;
      for (const auto& b : arrays) shapes += (shapes.empty() ? "" : ", ") + shape_text(b.shape());
      throw std::invalid_argument(
          "All input arrays (x) should have the same number of samples. Got array shapes: [" +
          shapes + "]");
    }
    if (a.dtype() != in.dtype()) arrays[i] = a.astype(in.dtype());
  }
  return arrays;
}

void Model::check_target_at(std::size_t output, const Tensor& y, const char*) const {
  const SymbolicTensor& out = outputs_[output];
  const std::string output_name = output_names()[output];
  if (!y.defined() || y.ndim() == 0)
    throw std::invalid_argument("Error when checking target: the target array is empty");
  if (compiled_ && !compiled_->outputs.empty() && compiled_->outputs[output].sparse_target) {
    if (y.ndim() > out.ndim() || (y.ndim() == out.ndim() && y.shape().back() != 1))
      throw std::invalid_argument(
          "Error when checking target: sparse_categorical_crossentropy expects integer "
          "class indices of shape (samples,) or (samples, 1), got an array of shape " +
          shape_text(y.shape()));
    return;
  }
  Shape y_shape = y.shape();
  if (y.ndim() == 1 && out.ndim() == 2) y_shape.push_back(1);  // Keras expands 1D targets
  bool fits = static_cast<int>(y_shape.size()) == out.ndim();
  for (int d = 1; fits && d < out.ndim(); ++d) {
    std::int64_t expected = out.shape()[static_cast<std::size_t>(d)];
    fits = expected < 0 || expected == y_shape[static_cast<std::size_t>(d)];
  }
  if (!fits)
    throw std::invalid_argument("Error when checking target: expected " + output_name +
                                " to have shape " + shape_text(out.shape()) +
                                " but got array with shape " + shape_text(y.shape()));
}

Tensor Model::cast_target_at(std::size_t output, const Tensor& y) const {
  const SymbolicTensor& target = compiled_->outputs[output].target;
  Tensor out = y.dtype() == target.dtype() ? y : y.astype(target.dtype());
  if (out.ndim() + 1 == target.ndim()) {
    Shape s = out.shape();
    s.push_back(1);
    out = out.reshape(s);
  }
  return out;
}

std::vector<Tensor> Model::standardize_targets(const Arrays& y, const char* what) const {
  const std::vector<std::string> names = output_names();
  std::vector<Tensor> arrays;
  if (y.is_map) {
    for (const auto& [key, value] : y.by_name)
      if (std::find(names.begin(), names.end(), key) == names.end())
        throw std::invalid_argument("Error when checking target: no model output is named \"" +
                                    key + "\"; the outputs are " + names_text(names));
    for (const auto& output_name : names) {
      auto found = y.by_name.find(output_name);
      if (found == y.by_name.end())
        throw std::invalid_argument("No data provided for \"" + output_name +
                                    "\". Need data for each key in: " + names_text(names));
      arrays.push_back(found->second);
    }
  } else {
    arrays = y.list;
    if (arrays.size() != outputs_.size())
      throw std::invalid_argument(
          "Error when checking model target: the list of arrays that you are passing to your "
          "model is not the size the model expected. Expected to see " +
          std::to_string(outputs_.size()) + " array(s) (for outputs " + names_text(names) +
          "), but instead got " + std::to_string(arrays.size()) + " arrays.");
  }
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    check_target_at(k, arrays[k], what);
    arrays[k] = cast_target_at(k, arrays[k]);
  }
  return arrays;
}

std::vector<Tensor> Model::standardize_sample_weights(const std::vector<Tensor>& y,
                                                      const Arrays* sample_weight,
                                                      const ClassWeight& class_weight) const {
  const std::vector<std::string> names = output_names();
  std::vector<Tensor> given(y.size());
  if (sample_weight && !sample_weight->empty()) {
    if (sample_weight->is_map) {
      for (const auto& [key, value] : sample_weight->by_name) {
        auto found = std::find(names.begin(), names.end(), key);
        if (found == names.end())
          throw std::invalid_argument("Unknown entry in sample_weight dictionary: \"" + key +
                                      "\". Only expected the following keys: " + names_text(names));
        given[static_cast<std::size_t>(found - names.begin())] = value;
      }
    } else if (sample_weight->list.size() == 1) {
      std::fill(given.begin(), given.end(), sample_weight->list.front());
    } else if (sample_weight->list.size() == y.size()) {
      given = sample_weight->list;
    } else {
      throw std::invalid_argument(
          "Provided sample_weight was a list of " + std::to_string(sample_weight->list.size()) +
          " arrays; the model has " + std::to_string(y.size()) + " outputs " + names_text(names));
    }
  }
  std::vector<Tensor> out;
  for (std::size_t k = 0; k < y.size(); ++k)
    out.push_back(
        standardize_weights_at(k, y[k], given[k].defined() ? &given[k] : nullptr, class_weight));
  return out;
}

// Single-input, single-output forms, for the generator methods.
void Model::check_arrays(const Tensor& x, const Tensor* y, const char* what) const {
  standardize_inputs(Arrays(x), what);
  if (!y) return;
  if (y->defined() && y->ndim() > 0 && x.shape()[0] != y->shape()[0])
    throw std::invalid_argument(
        "Input arrays should have the same number of samples as target arrays. Found " +
        std::to_string(x.shape()[0]) + " input samples and " + std::to_string(y->shape()[0]) +
        " target samples.");
  standardize_targets(Arrays(*y), what);
}

Tensor Model::cast_target(const Tensor& y) const {
  return cast_target_at(0, y);
}

Tensor Model::standardize_weights(const Tensor& y, const Tensor* sample_weight,
                                  const ClassWeight& class_weight) const {
  return standardize_weights_at(0, y, sample_weight, class_weight);
}

Tensor Model::standardize_weights_at(std::size_t output, const Tensor& y,
                                     const Tensor* sample_weight,
                                     const ClassWeight& class_weight) const {
  const CompiledOutput& spec = compiled_->outputs[output];
  const DType dtype = spec.sample_weight.dtype();
  if (spec.temporal) {
    if (y.ndim() < 3)
      throw std::invalid_argument(
          "Found a sample_weight array for an input with shape " + shape_text(y.shape()) +
          ". Timestep-wise sample weighting (use of sample_weight_mode=\"temporal\") is "
          "restricted to outputs that are at least 3D, i.e. that have a time dimension.");
    if (sample_weight && sample_weight->ndim() != 2)
      throw std::invalid_argument(
          "Found a sample_weight array with shape " + shape_text(sample_weight->shape()) +
          ". In order to use timestep-wise sample weighting, you should pass a 2D "
          "sample_weight array.");
  } else if (sample_weight && sample_weight->ndim() != 1) {
    throw std::invalid_argument(
        "Found a sample_weight array with shape " + shape_text(sample_weight->shape()) +
        ". In order to use timestep-wise sample weights, you should specify "
        "sample_weight_mode=\"temporal\" in compile(). If you just mean to use sample-wise "
        "weights, make sure your sample_weight array is 1D.");
  }
  if (sample_weight && !class_weight.empty())
    std::fprintf(
        stderr,
        "UserWarning: Found both `sample_weight` and `class_weight`: `class_weight` argument will "
        "be ignored.\n");
  if (sample_weight) {
    const Shape& ws = sample_weight->shape();
    if (ws.size() > y.shape().size() || !std::equal(ws.begin(), ws.end(), y.shape().begin()))
      throw std::invalid_argument("Found a sample_weight array with shape " + shape_text(ws) +
                                  " for an input with shape " + shape_text(y.shape()) +
                                  ". sample_weight cannot be broadcast.");
    return sample_weight->dtype() == dtype ? *sample_weight : sample_weight->astype(dtype);
  }
  const std::int64_t n = y.shape()[0];
  if (!class_weight.empty()) {
    if (y.ndim() > 2)
      throw std::invalid_argument("`class_weight` not supported for 3+ dimensional targets.");
    const std::int64_t k = y.ndim() > 1 ? y.shape()[1] : 1;
    std::vector<double> values = y.to_vector<double>();
    Tensor weights({n}, dtype);
    std::set<std::int64_t> missing;
    for (std::int64_t i = 0; i < n; ++i) {
      const double* row = values.data() + i * k;
      // The argmax of a one-hot row, or the label itself; a non-integer label is no class.
      double label = k > 1 ? static_cast<double>(std::max_element(row, row + k) - row) : row[0];
      auto cls = static_cast<std::int64_t>(label);
      auto found = static_cast<double>(cls) == label ? class_weight.find(cls) : class_weight.end();
      if (found == class_weight.end()) {
        missing.insert(cls);
        continue;
      }
      if (dtype == DType::float64)
        weights.data<double>()[i] = found->second;
      else
        weights.data<float>()[i] = static_cast<float>(found->second);
    }
    if (!missing.empty())
      throw std::invalid_argument(
          "`class_weight` must contain all classes in the data. The classes " + set_text(missing) +
          " exist in the data but not in `class_weight`.");
    return weights;
  }
  return Tensor::full(spec.temporal ? Shape{n, y.shape()[1]} : Shape{n}, 1.0, dtype);
}

namespace {
// Keras cannot fit, evaluate or predict on no data (its loops would report a loss of 0).
void check_not_empty(const std::vector<Tensor>& x, const char* what) {
  if (x.front().shape()[0] == 0)
    throw std::invalid_argument(std::string(what) +
                                ": the input arrays are empty (0 samples, shape " +
                                shape_to_string(x.front().shape()) + "); pass at least one sample");
}

void check_samples(const std::vector<Tensor>& x, const std::vector<Tensor>& y) {
  for (const auto& t : y)
    if (t.shape()[0] != x.front().shape()[0])
      throw std::invalid_argument(
          "Input arrays should have the same number of samples as target arrays. Found " +
          std::to_string(x.front().shape()[0]) + " input samples and " +
          std::to_string(t.shape()[0]) + " target samples.");
}
}  // namespace

callbacks::History Model::fit(const Tensor& x, const Tensor& y, const FitOptions& options) {
  return fit(Arrays(x), Arrays(y), options);
}

callbacks::History Model::fit(const Arrays& x_in, const Arrays& y_in, const FitOptions& options) {
  require_compiled("training/testing");
  distributed::init_from_environment();
  std::vector<Tensor> xs = standardize_inputs(x_in, "input");
  std::vector<Tensor> ys = standardize_targets(y_in, "target");
  check_samples(xs, ys);
  check_not_empty(xs, "fit");
  if (options.batch_size <= 0)
    throw std::invalid_argument("fit: batch_size must be positive, got " +
                                std::to_string(options.batch_size));
  const int epochs = detail::epochs_to_train(options.epochs, options.nb_epoch, "fit");
  if (options.initial_epoch < 0)
    throw std::invalid_argument("fit: initial_epoch must be a non-negative integer, got " +
                                std::to_string(options.initial_epoch));
  if (options.validation_split < 0 || options.validation_split >= 1)
    throw std::invalid_argument("fit: validation_split must be in [0, 1), got " +
                                std::to_string(options.validation_split));
  std::vector<Tensor> ws = standardize_sample_weights(
      ys, options.sample_weight ? &*options.sample_weight : nullptr, options.class_weight);

  std::vector<Tensor> val_data;
  bool do_validation = false;
  if (options.validation_data) {
    std::vector<Tensor> x_val =
        standardize_inputs(options.validation_data->first, "validation input");
    std::vector<Tensor> y_val =
        standardize_targets(options.validation_data->second, "validation target");
    check_samples(x_val, y_val);
    check_not_empty(x_val, "fit: validation_data");
    std::vector<Tensor> w_val = standardize_sample_weights(
        y_val, options.validation_sample_weight ? &*options.validation_sample_weight : nullptr, {});
    val_data = concat(concat(x_val, y_val), w_val);
    do_validation = true;
  } else if (options.validation_sample_weight) {
    throw std::invalid_argument("fit: validation_sample_weight needs validation_data");
  } else if (options.validation_split > 0) {
    // Keras takes the validation samples (and their weights) from the end, before shuffling.
    const std::int64_t total = xs.front().shape()[0];
    std::int64_t split_at =
        static_cast<std::int64_t>(static_cast<double>(total) * (1.0 - options.validation_split));
    val_data = concat(concat(slice_all(xs, split_at, total), slice_all(ys, split_at, total)),
                      slice_all(ws, split_at, total));
    xs = slice_all(xs, 0, split_at);
    ys = slice_all(ys, 0, split_at);
    ws = slice_all(ws, 0, split_at);
    do_validation = split_at < total;
    if (split_at == 0)
      throw std::invalid_argument("fit: validation_split leaves none of the " +
                                  std::to_string(total) + " samples for training");
  }
  const std::vector<Tensor> data = concat(concat(xs, ys), ws);
  make_train_function();
  if (do_validation) make_test_function();
  distributed::detail::broadcast_training_state(*this);
  // Under keras::distributed only rank 0 prints and writes files.
  const int verbose = distributed::rank() == 0 ? options.verbose : 0;

  const std::int64_t n = xs.front().shape()[0];
  const std::int64_t batch_size = std::min(options.batch_size, std::max<std::int64_t>(n, 1));
  std::vector<std::string> names = metrics_names();

  auto history = std::make_shared<callbacks::History>();
  std::vector<callbacks::CallbackPtr> callback_list =
      distributed::detail::callbacks_for_this_rank(options.callbacks);
  callback_list.push_back(history);
  if (verbose) callback_list.push_back(std::make_shared<callbacks::ProgbarLogger>());
  callbacks::Params params;
  params.batch_size = batch_size;
  params.epochs = epochs;
  params.samples = n;
  params.verbose = verbose;
  params.do_validation = do_validation;
  params.metrics = names;
  if (do_validation)
    for (const auto& name : names) params.metrics.push_back("val_" + name);
  for (auto& cb : callback_list) {
    cb->set_model(this);
    cb->set_params(params);
    cb->validation_data = val_data;
  }
  if (verbose && do_validation)
    std::printf("Train on %lld samples, validate on %lld samples\n", static_cast<long long>(n),
                static_cast<long long>(val_data.front().shape()[0]));

  // Under keras::distributed each process trains on its shard of every global batch (the same
  // shuffled order everywhere); a process whose shard of the short last batch is empty runs one
  // row with gradient weight 0.
  auto local_rows = [](std::int64_t rows) {
    auto [first, last] = distributed::detail::shard(rows);
    return last - first;
  };
  Feed full, tail;
  full.allocate(std::max<std::int64_t>(local_rows(batch_size), 1), data);
  if (n % batch_size) tail.allocate(std::max<std::int64_t>(local_rows(n % batch_size), 1), data);
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> sums(names.size() + 1);  // the metrics' sums, then the rows seen
  std::vector<std::string> val_names;
  for (const auto& name : names) val_names.push_back("val_" + name);
  callbacks::Logs train_logs, epoch_logs, batch_logs;
  for (const auto& name : names) batch_logs[name] = 0;
  batch_logs["batch"] = 0;
  batch_logs["size"] = 0;

  for (auto& cb : callback_list) cb->on_train_begin(train_logs);
  stop_training = false;  // after on_train_begin, as Keras
  for (int epoch = options.initial_epoch; epoch < epochs; ++epoch) {
    if (options.shuffle) std::shuffle(order.begin(), order.end(), detail::global_generator());
    epoch_logs.clear();
    for (auto& cb : callback_list) cb->on_epoch_begin(epoch, epoch_logs);
    std::fill(sums.begin(), sums.end(), 0.0);
    int batch = 0;
    std::int64_t seen = 0;  // global rows
    for (std::int64_t start = 0; start < n; start += batch_size, ++batch) {
      const std::int64_t rows = std::min(batch_size, n - start);
      Feed& feed = start + batch_size <= n ? full : tail;
      const auto [first, last] = distributed::detail::shard(rows);
      // one order keeps x, y and weights aligned
      feed.gather(data, order.data(), start + std::min(first, rows - 1));
      distributed::detail::set_gradient_weight(static_cast<double>(last - first));
      batch_logs["batch"] = batch;
      batch_logs["size"] = static_cast<double>(rows);
      for (auto& cb : callback_list) cb->on_batch_begin(batch, batch_logs);
      {
        std::lock_guard lock(run_mutex_);
        const std::vector<Tensor>& outs = compiled_->train_fn->run(feed.args);
        for (std::size_t k = 0; k < names.size(); ++k) {
          double value = outs[k].item();
          batch_logs[names[k]] = value;
          sums[k] += value * static_cast<double>(last - first);
        }
      }
      sums.back() += static_cast<double>(last - first);
      seen += rows;
      for (auto& cb : callback_list) cb->on_batch_end(batch, batch_logs);
      stop_training = distributed::detail::any_process(stop_training);  // all stop together
      if (stop_training) break;
    }
    distributed::detail::set_gradient_weight(1.0);
    // Averages over the samples seen by all processes (a callback may stop mid-epoch);
    // validation only after a whole epoch, as Keras.
    distributed::detail::allreduce_sum(sums.data(), sums.size());
    for (std::size_t k = 0; k < names.size(); ++k)
      epoch_logs[names[k]] = sums[k] / std::max(sums.back(), 1.0);
    if (do_validation && seen == n) {
      std::vector<double> val = test_loop(val_data, batch_size, 0);
      for (std::size_t k = 0; k < names.size(); ++k) epoch_logs[val_names[k]] = val[k];
    }
    for (auto& cb : callback_list) cb->on_epoch_end(epoch, epoch_logs);
    stop_training = distributed::detail::any_process(stop_training);
    if (stop_training) break;
  }
  for (auto& cb : callback_list) cb->on_train_end(train_logs);
  return *history;
}

std::vector<double> Model::test_loop(const std::vector<Tensor>& data, std::int64_t batch_size,
                                     int verbose) {
  make_test_function();
  // Under keras::distributed each process tests its contiguous shard of the samples and the
  // sums are added up: every process returns the means over all samples.
  const std::int64_t total = data.front().shape()[0];
  const auto [first, last] = distributed::detail::shard(total);
  const std::vector<Tensor> local = distributed::size() > 1 ? slice_all(data, first, last) : data;
  const std::int64_t n = last - first;
  batch_size = std::min(batch_size, std::max<std::int64_t>(n, 1));
  Feed full, tail;
  full.allocate(batch_size, local);
  if (n % batch_size) tail.allocate(n % batch_size, local);
  const std::size_t outputs = compiled_->metric_names.size() + 1;
  std::vector<double> sums(outputs + 1, 0.0);  // the outputs' sums, then the rows
  std::unique_ptr<utils::Progbar> progbar;
  if (verbose == 1 && distributed::rank() == 0) progbar = std::make_unique<utils::Progbar>(n);
  for (std::int64_t start = 0; start < n; start += batch_size) {
    Feed& feed = start + batch_size <= n ? full : tail;
    feed.gather(local, nullptr, start);
    std::lock_guard lock(run_mutex_);
    const std::vector<Tensor>& outs = compiled_->test_fn->run(feed.args);
    for (std::size_t k = 0; k < outputs; ++k)
      sums[k] += outs[k].item() * static_cast<double>(feed.rows);
    if (progbar) progbar->update(start + feed.rows);
  }
  sums.back() = static_cast<double>(n);
  distributed::detail::allreduce_sum(sums.data(), sums.size());
  const double rows = std::max(sums.back(), 1.0);
  sums.pop_back();
  for (auto& s : sums) s /= rows;
  return sums;
}

std::vector<double> Model::evaluate(const Tensor& x, const Tensor& y,
                                    const EvaluateOptions& options) {
  return evaluate(Arrays(x), Arrays(y), options);
}

std::vector<double> Model::evaluate(const Arrays& x, const Arrays& y,
                                    const EvaluateOptions& options) {
  require_compiled("training/testing");
  std::vector<Tensor> xs = standardize_inputs(x, "input");
  std::vector<Tensor> ys = standardize_targets(y, "target");
  check_samples(xs, ys);
  check_not_empty(xs, "evaluate");
  if (options.batch_size <= 0)
    throw std::invalid_argument("evaluate: batch_size must be positive, got " +
                                std::to_string(options.batch_size));
  std::vector<Tensor> ws =
      standardize_sample_weights(ys, options.sample_weight ? &*options.sample_weight : nullptr, {});
  distributed::init_from_environment();
  return test_loop(concat(concat(xs, ys), ws), options.batch_size, options.verbose);
}

Tensor Model::predict(const Tensor& x, const PredictOptions& options) {
  ensure_graph();
  if (outputs_.size() != 1)
    throw std::invalid_argument("Model " + name() + " has " + std::to_string(outputs_.size()) +
                                " outputs " + names_text(output_names()) +
                                ": use predict(Arrays{x}) to get one array per output");
  return predict(Arrays(x), options).front();
}

std::vector<Tensor> Model::predict(const Arrays& x_in, const PredictOptions& options) {
  std::vector<Tensor> xs = standardize_inputs(x_in, "input");
  check_not_empty(xs, "predict");
  if (options.batch_size <= 0)
    throw std::invalid_argument("predict: batch_size must be positive, got " +
                                std::to_string(options.batch_size));
  make_predict_function();
  const std::int64_t n = xs.front().shape()[0];
  const std::int64_t batch_size = std::min(options.batch_size, std::max<std::int64_t>(n, 1));
  Feed full, tail;
  full.allocate(batch_size, xs);
  if (n % batch_size) tail.allocate(n % batch_size, xs);
  std::vector<Tensor> results(outputs_.size());
  std::unique_ptr<utils::Progbar> progbar;
  if (options.verbose == 1) progbar = std::make_unique<utils::Progbar>(n);
  for (std::int64_t start = 0; start < n; start += batch_size) {
    Feed& feed = start + batch_size <= n ? full : tail;
    feed.gather(xs, nullptr, start);
    std::lock_guard lock(run_mutex_);
    const std::vector<Tensor>& outs = compiled_->predict_fn->run(feed.args);
    for (std::size_t k = 0; k < outs.size(); ++k) {
      const Tensor& out = outs[k];
      if (!results[k].defined()) {
        Shape out_shape = out.shape();
        out_shape[0] = n;
        results[k] = Tensor(out_shape, out.dtype());
      }
      std::memcpy(static_cast<char*>(results[k].raw_data()) +
                      static_cast<std::size_t>(start) *
                          (out.nbytes() / static_cast<std::size_t>(feed.rows)),
                  out.raw_data(), out.nbytes());
    }
    if (progbar) progbar->update(start + feed.rows);
  }
  for (std::size_t k = 0; k < results.size(); ++k)
    if (!results[k].defined()) {
      Shape out_shape = outputs_[k].shape();
      out_shape[0] = n;
      results[k] = Tensor(out_shape, outputs_[k].dtype());
    }
  return results;
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
  return train_on_batch(Arrays(x), Arrays(y),
                        sample_weight.defined() ? Arrays(sample_weight) : Arrays(), class_weight);
}

std::vector<double> Model::train_on_batch(const Arrays& x, const Arrays& y,
                                          const Arrays& sample_weight,
                                          const ClassWeight& class_weight) {
  require_compiled("training/testing");
  std::vector<Tensor> xs = standardize_inputs(x, "input");
  std::vector<Tensor> ys = standardize_targets(y, "target");
  check_samples(xs, ys);
  make_train_function();
  std::vector<Tensor> ws = standardize_sample_weights(ys, &sample_weight, class_weight);
  std::vector<double> out;
  std::lock_guard lock(run_mutex_);
  for (const Tensor& t : compiled_->train_fn->run(concat(concat(xs, ys), ws)))
    out.push_back(t.item());
  return out;
}

std::vector<double> Model::test_on_batch(const Tensor& x, const Tensor& y,
                                         const Tensor& sample_weight) {
  return test_on_batch(Arrays(x), Arrays(y),
                       sample_weight.defined() ? Arrays(sample_weight) : Arrays());
}

std::vector<double> Model::test_on_batch(const Arrays& x, const Arrays& y,
                                         const Arrays& sample_weight) {
  require_compiled("training/testing");
  std::vector<Tensor> xs = standardize_inputs(x, "input");
  std::vector<Tensor> ys = standardize_targets(y, "target");
  check_samples(xs, ys);
  make_test_function();
  std::vector<Tensor> ws = standardize_sample_weights(ys, &sample_weight, {});
  std::vector<double> out;
  std::lock_guard lock(run_mutex_);
  for (const Tensor& t : compiled_->test_fn->run(concat(concat(xs, ys), ws)))
    out.push_back(t.item());
  return out;
}

Tensor Model::predict_on_batch(const Tensor& x) {
  return predict_on_batch(Arrays(x)).front();
}

std::vector<Tensor> Model::predict_on_batch(const Arrays& x) {
  std::vector<Tensor> xs = standardize_inputs(x, "input");
  make_predict_function();
  std::vector<Tensor> out;
  std::lock_guard lock(run_mutex_);
  for (const Tensor& t : compiled_->predict_fn->run(xs)) out.push_back(t.clone());
  return out;
}

}  // namespace keras
