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

namespace keras {

namespace K = backend;

struct Model::Compiled {
  std::string loss_name;
  SymbolicTensor target, sample_weight;
  SymbolicTensor total_loss;
  std::vector<std::string> metric_names;  // after "loss"
  std::vector<SymbolicTensor> metric_tensors;
  bool sparse_target = false;
  bool temporal = false;  // sample_weight_mode "temporal": 2D sample weights
  std::optional<K::Function> train_fn, test_fn, predict_fn;
};

namespace {

// A tensor like `src` with `n` rows.
Tensor rows_like(const Tensor& src, std::int64_t n) {
  Shape shape = src.shape();
  shape[0] = n;
  return Tensor(shape, src.dtype());
}

// Batch tensors allocated once per batch size and refilled for every batch.
struct Feed {
  std::int64_t rows = -1;
  Tensor x, y, w;
  std::vector<Tensor> args;

  // y_src and w_src (the standardized sample weights) are given together, or not at all.
  void allocate(std::int64_t n, const Tensor& x_src, const Tensor* y_src, const Tensor* w_src) {
    rows = n;
    x = rows_like(x_src, n);
    args = {x};
    if (y_src) {
      y = rows_like(*y_src, n);
      w = rows_like(*w_src, n);
      args.push_back(y);
      args.push_back(w);
    }
  }
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

std::string shape_text(const Shape& shape) {
  return shape_to_string(shape);
}

// Python's text for a set of integers, as Keras prints the classes missing from class_weight.
std::string set_text(const std::set<std::int64_t>& values) {
  std::string text = "{";
  for (auto v : values) text += (text.size() > 1 ? ", " : "") + std::to_string(v);
  return text + "}";
}

}  // namespace

std::shared_ptr<optimizers::Optimizer> OptimizerArg::resolve() const {
  return object ? object : optimizers::get(name);
}

Model::Model(std::string name) : name_(std::move(name)) {}
Model::~Model() = default;

LayerPtr Model::get_layer(const std::string& name) const {
  for (const auto& layer : layers_)
    if (layer->name() == name) return layer;
  throw std::invalid_argument("No such layer: " + name);
}

void Model::invalidate_compilation() {
  compiled_.reset();
  optimizer_.reset();
}

const SymbolicTensor& Model::input() const {
  const_cast<Model*>(this)->ensure_graph();
  return inputs_.front();
}

const SymbolicTensor& Model::output() const {
  const_cast<Model*>(this)->ensure_graph();
  return outputs_.front();
}

std::vector<SymbolicTensor> Model::weights() const {
  std::vector<SymbolicTensor> out;
  for (const auto& layer : layers_)
    for (auto& w : layer->weights()) out.push_back(w);
  return out;
}

std::vector<SymbolicTensor> Model::trainable_weights() const {
  std::vector<SymbolicTensor> out;
  for (const auto& layer : layers_)
    for (auto& w : layer->trainable_weights()) out.push_back(w);
  return out;
}

std::vector<Tensor> Model::get_weights() const {
  std::vector<Tensor> out;
  for (const auto& layer : layers_)
    for (auto& w : layer->get_weights()) out.push_back(w);
  return out;
}

void Model::set_weights(const std::vector<Tensor>& weights) {
  std::size_t expected = this->weights().size();
  if (weights.size() != expected)
    throw std::invalid_argument("You called `set_weights(weights)` on model \"" + name_ +
                                "\" with a weight list of length " +
                                std::to_string(weights.size()) + ", but the model was expecting " +
                                std::to_string(expected) + " weights.");
  std::size_t i = 0;
  for (const auto& layer : layers_) {
    std::size_t n = layer->weights().size();
    layer->set_weights(std::vector<Tensor>(weights.begin() + static_cast<std::ptrdiff_t>(i),
                                           weights.begin() + static_cast<std::ptrdiff_t>(i + n)));
    i += n;
  }
}

std::int64_t Model::count_params() const {
  std::int64_t total = 0;
  for (const auto& layer : layers_) total += layer->count_params();
  return total;
}

std::vector<std::string> Model::metrics_names() const {
  std::vector<std::string> names{"loss"};
  if (compiled_)
    names.insert(names.end(), compiled_->metric_names.begin(), compiled_->metric_names.end());
  return names;
}

void Model::compile(OptimizerArg optimizer, LossArg loss, std::vector<MetricArg> metrics) {
  compile(CompileOptions{std::move(optimizer), std::move(loss), std::move(metrics)});
}

void Model::compile(const CompileOptions& options) {
  ensure_graph();
  auto optimizer = options.optimizer.resolve();
  if (options.loss.name.empty() && !options.loss.function)
    throw std::invalid_argument(
        "compile: a loss is required, e.g. loss=\"categorical_crossentropy\"");
  auto c = std::make_unique<Compiled>();
  c->loss_name = options.loss.name;
  if (!options.sample_weight_mode.empty() && options.sample_weight_mode != "temporal")
    throw std::invalid_argument("\"sample_weight_mode should be None or \"temporal\". Found: " +
                                options.sample_weight_mode);
  c->temporal = options.sample_weight_mode == "temporal";
  losses::LossFunction loss_fn =
      options.loss.function ? options.loss.function : losses::get(options.loss.name);
  const SymbolicTensor& output = outputs_.front();
  std::string output_name = layers_.back()->name();
  c->sparse_target = c->loss_name == "sparse_categorical_crossentropy";
  Shape target_shape = output.shape();
  // Sparse targets are integer labels with a last axis of 1 (cast_target adds it to 1D labels);
  // saying so lets the loss squeeze that axis.
  if (c->sparse_target) {
    std::fill(target_shape.begin(), target_shape.end(), -1);
    target_shape.back() = 1;
  }
  c->target = K::placeholder(target_shape, output.dtype(), output_name + "_target");
  if (c->temporal && output.ndim() < 3)
    throw std::invalid_argument(
        "Output " + output_name + " has shape " + shape_text(output.shape()) +
        ". Timestep-wise sample weighting (use of sample_weight_mode=\"temporal\") is "
        "restricted to outputs that are at least 3D, i.e. that have a time dimension.");
  c->sample_weight = K::placeholder(c->temporal ? Shape{-1, -1} : Shape{-1}, output.dtype(),
                                    output_name + "_sample_weights");

  // Keras's weighted objective: per-sample (or per-timestep) losses times sample weights,
  // normalised by the fraction of non-zero weights, averaged over the batch.
  // The output's mask (Keras's _keras_mask), if a Masking layer or a masked layer made one:
  // masked entries count for nothing, and the rest are rescaled by the fraction kept.
  const SymbolicTensor output_mask = output.node()->keras_mask ? SymbolicTensor(output.node()->keras_mask) : SymbolicTensor();
  auto apply_mask = [&](SymbolicTensor values) {
    if (!output_mask.defined()) return values;
    SymbolicTensor m = K::cast(output_mask, values.dtype());
    return values * m / K::mean(m);
  };
  SymbolicTensor score = apply_mask(loss_fn(c->target, output));
  const int weight_ndim = c->temporal ? 2 : 1;
  if (score.ndim() > weight_ndim) {
    std::vector<int> axes(static_cast<std::size_t>(score.ndim() - weight_ndim));
    std::iota(axes.begin(), axes.end(), weight_ndim);
    score = K::mean(score, axes);
  }
  SymbolicTensor w = c->sample_weight;
  score = score * w;
  score = score / K::mean(K::not_equal(w, K::constant(0.0, w.dtype())));
  c->total_loss = K::mean(score);
  // Regularization penalties of every layer (Keras's model.losses).
  for (const auto& layer : layers_)
    for (const auto& penalty : layer->losses())
      c->total_loss = c->total_loss + K::sum(K::cast(penalty, output.dtype()));

  for (const auto& metric : options.metrics) {
    std::string key = metric.name;
    metrics::MetricFunction fn = metric.function;
    if (!fn) {
      if (metric.name == "accuracy" || metric.name == "acc") {
        auto resolved = metrics::resolve_accuracy(metric.name, c->loss_name, output.shape());
        key = resolved.first;
        fn = resolved.second;
      } else {
        fn = metrics::get(metric.name);
      }
    }
    c->metric_names.push_back(key);
    c->metric_tensors.push_back(K::mean(apply_mask(K::cast(fn(c->target, output), output.dtype()))));
  }
  optimizer_ = std::move(optimizer);
  compiled_ = std::move(c);
  compile_options_ = options;
}

void Model::require_compiled(const char* what) const {
  if (!optimizer_ || !compiled_)
    throw std::logic_error(std::string("You must compile a model before ") + what +
                           ". Use `model.compile(optimizer, loss)`.");
}

void Model::make_train_function() {
  require_compiled("training");
  if (compiled_->train_fn) return;
  std::vector<K::Update> updates =
      optimizer_->get_updates(trainable_weights(), compiled_->total_loss);
  // Constraints project the updated weights (Keras applies them to new_p in get_updates).
  for (const auto& layer : layers_)
    for (const auto& [weight, constraint] : layer->constraints())
      for (auto& update : updates)
        if (update.variable == weight) update.new_value = constraint(update.new_value);
  // Layer updates (batch-norm statistics, RNN states), as Keras's model.updates.
  for (const auto& layer : layers_)
    for (const auto& update : layer->updates()) updates.push_back(update);
  std::vector<SymbolicTensor> outputs{compiled_->total_loss};
  outputs.insert(outputs.end(), compiled_->metric_tensors.begin(), compiled_->metric_tensors.end());
  compiled_->train_fn.emplace(
      std::vector<SymbolicTensor>{inputs_.front(), compiled_->target, compiled_->sample_weight},
      outputs, updates, K::Givens{{K::learning_phase(), K::constant(1.0, DType::int32)}});
}

std::vector<K::Update> Model::state_updates() const {
  std::vector<K::Update> updates;
  for (const auto& layer : layers_)
    for (const auto& update : layer->state_updates()) updates.push_back(update);
  return updates;
}

void Model::reset_states() {
  for (const auto& layer : layers_)
    if (layer->stateful()) layer->reset_states();
}

void Model::make_test_function() {
  if (compiled_->test_fn) return;
  std::vector<SymbolicTensor> outputs{compiled_->total_loss};
  outputs.insert(outputs.end(), compiled_->metric_tensors.begin(), compiled_->metric_tensors.end());
  compiled_->test_fn.emplace(
      std::vector<SymbolicTensor>{inputs_.front(), compiled_->target, compiled_->sample_weight},
      outputs, state_updates(),
      K::Givens{{K::learning_phase(), K::constant(0.0, DType::int32)}});
}

void Model::make_predict_function() {
  if (!compiled_) compiled_ = std::make_unique<Compiled>();  // predicting needs no compile()
  if (compiled_->predict_fn) return;
  compiled_->predict_fn.emplace(std::vector<SymbolicTensor>{inputs_.front()}, outputs_,
                                state_updates(),
                                K::Givens{{K::learning_phase(), K::constant(0.0, DType::int32)}});
}

void Model::check_arrays(const Tensor& x, const Tensor* y, const char* what) const {
  const_cast<Model*>(this)->ensure_graph();
  const SymbolicTensor& in = inputs_.front();
  const std::string& input_name = in.name();
  std::string first_layer = layers_.front()->name();
  if (!x.defined() || x.ndim() == 0)
    throw std::invalid_argument(std::string("Error when checking ") + what + ": expected " +
                                input_name + " to have shape " + shape_text(in.shape()) +
                                " but got an empty array");
  if (x.ndim() != in.ndim())
    throw std::invalid_argument("Error when checking input: expected " + input_name + " to have " +
                                std::to_string(in.ndim()) +
                                " dimensions, but got array with shape " + shape_text(x.shape()) +
                                " (layer " + first_layer + " expects " + shape_text(in.shape()) +
                                ")");
  for (int d = 0; d < x.ndim(); ++d) {
    std::int64_t expected = in.shape()[static_cast<std::size_t>(d)];
    if (expected >= 0 && expected != x.shape()[static_cast<std::size_t>(d)])
      throw std::invalid_argument(
          "Error when checking input: expected " + input_name + " to have shape " +
          shape_text(in.shape()) + " but got array with shape " + shape_text(x.shape()) +
          " (layer " + first_layer + " expects " + shape_text(in.shape()) + ")");
  }
  if (!y) return;
  if (!y->defined() || y->ndim() == 0)
    throw std::invalid_argument("Error when checking target: the target array is empty");
  if (x.shape()[0] != y->shape()[0])
    throw std::invalid_argument(
        "Input arrays should have the same number of samples as target arrays. Found " +
        std::to_string(x.shape()[0]) + " input samples and " + std::to_string(y->shape()[0]) +
        " target samples.");
  const SymbolicTensor& out = outputs_.front();
  const std::string output_name = layers_.back()->name();
  if (compiled_ && compiled_->sparse_target) {
    if (y->ndim() > out.ndim() || (y->ndim() == out.ndim() && y->shape().back() != 1))
      throw std::invalid_argument(
          "Error when checking target: sparse_categorical_crossentropy expects integer "
          "class indices of shape (samples,) or (samples, 1), got an array of shape " +
          shape_text(y->shape()));
    return;
  }
  Shape y_shape = y->shape();
  if (y->ndim() == 1 && out.ndim() == 2) y_shape.push_back(1);  // Keras expands 1D targets
  bool fits = static_cast<int>(y_shape.size()) == out.ndim();
  for (int d = 1; fits && d < out.ndim(); ++d) {
    std::int64_t expected = out.shape()[static_cast<std::size_t>(d)];
    fits = expected < 0 || expected == y_shape[static_cast<std::size_t>(d)];
  }
  if (!fits)
    throw std::invalid_argument("Error when checking target: expected " + output_name +
                                " to have shape " + shape_text(out.shape()) +
                                " but got array with shape " + shape_text(y->shape()));
}

Tensor Model::cast_input(const Tensor& x) const {
  DType want = inputs_.front().dtype();
  return x.dtype() == want ? x : x.astype(want);
}

Tensor Model::cast_target(const Tensor& y) const {
  const SymbolicTensor& target = compiled_->target;
  Tensor out = y.dtype() == target.dtype() ? y : y.astype(target.dtype());
  if (out.ndim() + 1 == target.ndim()) {
    Shape s = out.shape();
    s.push_back(1);
    out = out.reshape(s);
  }
  return out;
}

Tensor Model::standardize_weights(const Tensor& y, const Tensor* sample_weight,
                                  const ClassWeight& class_weight) const {
  const DType dtype = compiled_->sample_weight.dtype();
  if (compiled_->temporal) {
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
  return Tensor::full(compiled_->temporal ? Shape{n, y.shape()[1]} : Shape{n}, 1.0, dtype);
}

callbacks::History Model::fit(const Tensor& x_in, const Tensor& y_in, const FitOptions& options) {
  require_compiled("training/testing");
  check_arrays(x_in, &y_in, "input");
  if (options.batch_size <= 0)
    throw std::invalid_argument("fit: batch_size must be positive, got " +
                                std::to_string(options.batch_size));
  if (options.validation_split < 0 || options.validation_split >= 1)
    throw std::invalid_argument("fit: validation_split must be in [0, 1), got " +
                                std::to_string(options.validation_split));
  Tensor x = cast_input(x_in), y = cast_target(y_in);
  Tensor w = standardize_weights(y, options.sample_weight ? &*options.sample_weight : nullptr,
                                 options.class_weight);
  const int epochs =
      options.epochs > 0 ? options.epochs : (options.nb_epoch > 0 ? options.nb_epoch : 1);

  Tensor x_val, y_val, w_val;
  bool do_validation = false;
  if (options.validation_data) {
    check_arrays(options.validation_data->first, &options.validation_data->second,
                 "validation input");
    x_val = cast_input(options.validation_data->first);
    y_val = cast_target(options.validation_data->second);
    w_val = standardize_weights(
        y_val, options.validation_sample_weight ? &*options.validation_sample_weight : nullptr, {});
    do_validation = true;
  } else if (options.validation_sample_weight) {
    throw std::invalid_argument("fit: validation_sample_weight needs validation_data");
  } else if (options.validation_split > 0) {
    // Keras takes the validation samples (and their weights) from the end, before shuffling.
    std::int64_t split_at = static_cast<std::int64_t>(static_cast<double>(x.shape()[0]) *
                                                      (1.0 - options.validation_split));
    x_val = x.slice(split_at, x.shape()[0]);
    y_val = y.slice(split_at, y.shape()[0]);
    w_val = w.slice(split_at, w.shape()[0]);
    x = x.slice(0, split_at);
    y = y.slice(0, split_at);
    w = w.slice(0, split_at);
    do_validation = x_val.shape()[0] > 0;
  }
  make_train_function();
  if (do_validation) make_test_function();

  const std::int64_t n = x.shape()[0];
  const std::int64_t batch_size = std::min(options.batch_size, std::max<std::int64_t>(n, 1));
  std::vector<std::string> names = metrics_names();

  auto history = std::make_shared<callbacks::History>();
  std::vector<callbacks::CallbackPtr> callback_list = options.callbacks;
  callback_list.push_back(history);
  if (options.verbose) callback_list.push_back(std::make_shared<callbacks::ProgbarLogger>());
  callbacks::Params params;
  params.batch_size = batch_size;
  params.epochs = epochs;
  params.samples = n;
  params.verbose = options.verbose;
  params.do_validation = do_validation;
  params.metrics = names;
  if (do_validation)
    for (const auto& name : names) params.metrics.push_back("val_" + name);
  for (auto& cb : callback_list) {
    cb->set_model(this);
    cb->set_params(params);
  }
  if (options.verbose && do_validation)
    std::printf("Train on %lld samples, validate on %lld samples\n", static_cast<long long>(n),
                static_cast<long long>(x_val.shape()[0]));

  Feed full, tail;
  full.allocate(batch_size, x, &y, &w);
  if (n % batch_size) tail.allocate(n % batch_size, x, &y, &w);
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> sums(names.size());
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
    std::int64_t seen = 0;
    for (std::int64_t start = 0; start < n; start += batch_size, ++batch) {
      Feed& feed = start + batch_size <= n ? full : tail;
      gather_rows(x, order.data(), start, feed.x);
      gather_rows(y, order.data(), start, feed.y);
      gather_rows(w, order.data(), start, feed.w);  // the same order keeps x, y and weights aligned
      batch_logs["batch"] = batch;
      batch_logs["size"] = static_cast<double>(feed.rows);
      for (auto& cb : callback_list) cb->on_batch_begin(batch, batch_logs);
      const std::vector<Tensor>& outs = compiled_->train_fn->run(feed.args);
      for (std::size_t k = 0; k < names.size(); ++k) {
        double value = outs[k].item();
        batch_logs[names[k]] = value;
        sums[k] += value * static_cast<double>(feed.rows);
      }
      seen += feed.rows;
      for (auto& cb : callback_list) cb->on_batch_end(batch, batch_logs);
      if (stop_training) break;
    }
    // Averages over the samples seen (a callback may stop mid-epoch); validation only after a
    // whole epoch, as Keras.
    for (std::size_t k = 0; k < names.size(); ++k)
      epoch_logs[names[k]] = sums[k] / static_cast<double>(std::max<std::int64_t>(seen, 1));
    if (do_validation && seen == n) {
      std::vector<double> val = test_loop(x_val, y_val, w_val, batch_size, 0);
      for (std::size_t k = 0; k < names.size(); ++k) epoch_logs[val_names[k]] = val[k];
    }
    for (auto& cb : callback_list) cb->on_epoch_end(epoch, epoch_logs);
    if (stop_training) break;
  }
  for (auto& cb : callback_list) cb->on_train_end(train_logs);
  return *history;
}

std::vector<double> Model::test_loop(const Tensor& x, const Tensor& y, const Tensor& w,
                                     std::int64_t batch_size, int verbose) {
  make_test_function();
  const std::int64_t n = x.shape()[0];
  batch_size = std::min(batch_size, std::max<std::int64_t>(n, 1));
  Feed full, tail;
  full.allocate(batch_size, x, &y, &w);
  if (n % batch_size) tail.allocate(n % batch_size, x, &y, &w);
  std::vector<double> sums(compiled_->metric_names.size() + 1, 0.0);
  std::unique_ptr<utils::Progbar> progbar;
  if (verbose == 1) progbar = std::make_unique<utils::Progbar>(n);
  for (std::int64_t start = 0; start < n; start += batch_size) {
    Feed& feed = start + batch_size <= n ? full : tail;
    gather_rows(x, nullptr, start, feed.x);
    gather_rows(y, nullptr, start, feed.y);
    gather_rows(w, nullptr, start, feed.w);
    const std::vector<Tensor>& outs = compiled_->test_fn->run(feed.args);
    for (std::size_t k = 0; k < sums.size(); ++k)
      sums[k] += outs[k].item() * static_cast<double>(feed.rows);
    if (progbar) progbar->update(start + feed.rows);
  }
  for (auto& s : sums) s /= static_cast<double>(std::max<std::int64_t>(n, 1));
  return sums;
}

std::vector<double> Model::evaluate(const Tensor& x, const Tensor& y,
                                    const EvaluateOptions& options) {
  require_compiled("training/testing");
  check_arrays(x, &y, "input");
  if (options.batch_size <= 0)
    throw std::invalid_argument("evaluate: batch_size must be positive, got " +
                                std::to_string(options.batch_size));
  Tensor y_cast = cast_target(y);
  Tensor w =
      standardize_weights(y_cast, options.sample_weight ? &*options.sample_weight : nullptr, {});
  return test_loop(cast_input(x), y_cast, w, options.batch_size, options.verbose);
}

Tensor Model::predict(const Tensor& x_in, const PredictOptions& options) {
  check_arrays(x_in, nullptr, "input");
  if (options.batch_size <= 0)
    throw std::invalid_argument("predict: batch_size must be positive, got " +
                                std::to_string(options.batch_size));
  make_predict_function();
  Tensor x = cast_input(x_in);
  const std::int64_t n = x.shape()[0];
  const std::int64_t batch_size = std::min(options.batch_size, std::max<std::int64_t>(n, 1));
  Shape out_shape = outputs_.front().shape();
  out_shape[0] = n;
  Feed full, tail;
  full.allocate(batch_size, x, nullptr, nullptr);
  if (n % batch_size) tail.allocate(n % batch_size, x, nullptr, nullptr);
  Tensor result;
  std::unique_ptr<utils::Progbar> progbar;
  if (options.verbose == 1) progbar = std::make_unique<utils::Progbar>(n);
  for (std::int64_t start = 0; start < n; start += batch_size) {
    Feed& feed = start + batch_size <= n ? full : tail;
    gather_rows(x, nullptr, start, feed.x);
    const Tensor& out = compiled_->predict_fn->run(feed.args)[0];
    if (!result.defined()) {
      for (int d = 1; d < out.ndim(); ++d)
        out_shape[static_cast<std::size_t>(d)] = out.shape()[static_cast<std::size_t>(d)];
      result = Tensor(out_shape, out.dtype());
    }
    std::memcpy(
        static_cast<char*>(result.raw_data()) +
            static_cast<std::size_t>(start) * (out.nbytes() / static_cast<std::size_t>(feed.rows)),
        out.raw_data(), out.nbytes());
    if (progbar) progbar->update(start + feed.rows);
  }
  if (!result.defined()) result = Tensor(out_shape, outputs_.front().dtype());
  return result;
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

std::vector<double> Model::train_on_batch(const Tensor& x_in, const Tensor& y_in,
                                          const Tensor& sample_weight,
                                          const ClassWeight& class_weight) {
  require_compiled("training/testing");
  check_arrays(x_in, &y_in, "input");
  make_train_function();
  Tensor x = cast_input(x_in), y = cast_target(y_in);
  Tensor w =
      standardize_weights(y, sample_weight.defined() ? &sample_weight : nullptr, class_weight);
  std::vector<double> out;
  for (const Tensor& t : compiled_->train_fn->run({x, y, w})) out.push_back(t.item());
  return out;
}

std::vector<double> Model::test_on_batch(const Tensor& x_in, const Tensor& y_in,
                                         const Tensor& sample_weight) {
  require_compiled("training/testing");
  check_arrays(x_in, &y_in, "input");
  make_test_function();
  Tensor x = cast_input(x_in), y = cast_target(y_in);
  Tensor w = standardize_weights(y, sample_weight.defined() ? &sample_weight : nullptr, {});
  std::vector<double> out;
  for (const Tensor& t : compiled_->test_fn->run({x, y, w})) out.push_back(t.item());
  return out;
}

Tensor Model::predict_on_batch(const Tensor& x_in) {
  check_arrays(x_in, nullptr, "input");
  make_predict_function();
  return compiled_->predict_fn->run({cast_input(x_in)})[0].clone();
}

}  // namespace keras
