// The Trainer's one loop: epochs of batches from a data adapter through the training step, with
// callbacks, validation and (under keras::distributed) the sums of every process; and the test
// and predict loops over the same adapters. The batches come preallocated from the adapter, so
// after the first batch a fit on arrays allocates nothing.
#include "engine/trainer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "compiler/next_inputs.h"
#include "distributed/collectives.h"
#include "distributed/training_state.h"
#include "engine/compiled.h"
#include "keras/distributed.h"

namespace keras {

namespace {

// Keras 2's ProgbarLogger(count_mode='steps'): fit_generator with steps_per_epoch counts steps.
class StepProgbarLogger : public callbacks::Callback {
 public:
  explicit StepProgbarLogger(std::int64_t steps) : steps_(steps) {}

  void on_train_begin(callbacks::Logs&) override {
    values_.clear();
    for (const auto& name : params_.metrics)
      if (name.rfind("val_", 0) != 0) values_.emplace_back(name, 0.0);
  }
  void on_epoch_begin(int epoch, callbacks::Logs&) override {
    std::printf("Epoch %d/%d\n", epoch + 1, params_.epochs);
    std::fflush(stdout);
    seen_ = 0;
    progbar_ = std::make_unique<utils::Progbar>(steps_, 30, params_.verbose);
  }
  void on_batch_end(int, callbacks::Logs& logs) override {
    ++seen_;
    for (auto& [name, value] : values_) {
      auto found = logs.find(name);
      if (found != logs.end()) value = found->second;
    }
    if (seen_ < steps_) progbar_->update(seen_, values_);
  }
  void on_epoch_end(int, callbacks::Logs& logs) override {
    std::vector<std::pair<std::string, double>> all = values_;
    for (const auto& name : params_.metrics) {
      auto found = logs.find(name);
      if (name.rfind("val_", 0) == 0 && found != logs.end()) all.emplace_back(name, found->second);
    }
    progbar_->update(seen_, all);
  }

 private:
  std::int64_t steps_, seen_ = 0;
  std::unique_ptr<utils::Progbar> progbar_;
  std::vector<std::pair<std::string, double>> values_;
};

// The callbacks of a training run: the user's (those of this process), then the History and,
// when verbose, the progress bar counting samples or steps as the data does.
std::vector<callbacks::CallbackPtr> callback_list_for(const TrainLoop& loop, int verbose,
                                                      const DataAdapter& data,
                                                      std::shared_ptr<callbacks::History> history) {
  std::vector<callbacks::CallbackPtr> list =
      distributed::detail::callbacks_for_this_rank(loop.callbacks);
  list.push_back(std::move(history));
  if (verbose) {
    if (data.counts_samples())
      list.push_back(std::make_shared<callbacks::ProgbarLogger>());
    else
      list.push_back(std::make_shared<StepProgbarLogger>(data.size()));
  }
  return list;
}

// Keras's stateful_metric_functions' reset_states(), at each epoch's start and before each
// evaluation.
void reset_stateful_metrics(const std::vector<std::function<void()>>& metric_resets) {
  for (const auto& reset : metric_resets)
    if (reset) reset();
}

// The batches of an epoch, each read after the previous one ran; or, on a device that copies
// ahead (backend::detail::runs_copy_ahead), while it runs: the device run of step k (training,
// test or predict) asks for batch k+1 after launching its steps and copies it while they compute.
class BatchReader final : public backend::detail::NextInputs {
 public:
  BatchReader(DataAdapter& data, bool ahead) : data_(data), ahead_(ahead && data.reads_ahead()) {}

  const std::vector<Tensor>* next() override {
    read_ = true;
    batch_ = data_.next();
    return batch_ ? batch_->arrays : nullptr;
  }
  // Around the training step's run: lets it read the next batch.
  std::optional<backend::detail::RunAhead> during_run() {
    if (!ahead_) return std::nullopt;
    return std::optional<backend::detail::RunAhead>(std::in_place, *this);
  }
  // The batch after the one that ran: the one read during its run, else read now.
  std::optional<AdapterBatch> take() {
    if (!read_) return data_.next();
    read_ = false;
    return batch_;
  }
  // A batch read ahead that has not run (the loop stopped early): the epoch is not complete.
  bool holds_unrun_batch() const { return read_ && batch_; }

 private:
  DataAdapter& data_;
  bool ahead_;
  bool read_ = false;
  std::optional<AdapterBatch> batch_;
};

// Whether the k-th of [loss, metric...] is a stateful metric (reported as its last value).
bool is_stateful(const std::vector<std::function<void()>>& metric_resets, std::size_t k) {
  return k > 0 && k <= metric_resets.size() && metric_resets[k - 1];
}

}  // namespace

callbacks::History Trainer::fit(DataAdapter& data, const TrainLoop& loop) {
  Model& model = model_;
  model.make_train_function();
  if (loop.validation) model.make_test_function();
  distributed::detail::broadcast_training_state(model);
  // Under keras::distributed only rank 0 prints and writes files.
  const int verbose = distributed::rank() == 0 ? loop.verbose : 0;
  const bool do_validation = loop.validation != nullptr;
  const std::vector<std::string> names = model.metrics_names();

  auto history = std::make_shared<callbacks::History>();
  std::vector<callbacks::CallbackPtr> callback_list =
      callback_list_for(loop, verbose, data, history);
  callbacks::Params params;
  params.batch_size = loop.batch_size;
  params.epochs = loop.epochs;
  params.samples = data.counts_samples() ? data.size() : 0;  // Keras 2's generators pass steps
  params.verbose = verbose;
  params.do_validation = do_validation;
  params.metrics = names;
  const auto& compiled = *model.compiled_;
  for (std::size_t i = 0; i < compiled.metric_resets.size(); ++i)
    if (compiled.metric_resets[i]) params.stateful_metrics.push_back(compiled.metric_names[i]);
  std::vector<std::string> val_names;
  for (const auto& name : names) val_names.push_back("val_" + name);
  if (do_validation)
    params.metrics.insert(params.metrics.end(), val_names.begin(), val_names.end());
  const std::vector<Tensor> validation_arrays =
      do_validation ? loop.validation->arrays() : std::vector<Tensor>{};
  for (auto& cb : callback_list) {
    cb->set_model(&model);
    cb->set_params(params);
    cb->validation_data = validation_arrays;
  }
  if (verbose && loop.announce_samples && do_validation)
    std::printf("Train on %lld samples, validate on %lld samples\n",
                static_cast<long long>(data.size()),
                static_cast<long long>(validation_arrays.front().shape()[0]));

  std::vector<double> sums(names.size() + 1);  // the metrics' sums, then the rows seen
  callbacks::Logs train_logs, epoch_logs, batch_logs;
  // Set once: a fit on arrays allocates nothing per batch.
  for (const auto& name : names) batch_logs[name] = 0;
  batch_logs["batch"] = 0;
  batch_logs["size"] = 0;
  const bool sharded = data.sharded();
  const bool copies_ahead = backend::detail::runs_copy_ahead();

  for (auto& cb : callback_list) cb->on_train_begin(train_logs);
  model.stop_training = false;  // after on_train_begin, as Keras
  for (int epoch = loop.initial_epoch; epoch < loop.epochs; ++epoch) {
    data.begin_epoch(epoch);
    epoch_logs.clear();
    reset_stateful_metrics(model.compiled_->metric_resets);
    for (auto& cb : callback_list) cb->on_epoch_begin(epoch, epoch_logs);
    std::fill(sums.begin(), sums.end(), 0.0);
    int step = 0;
    std::int64_t last_rows = 0;
    BatchReader reader(data, copies_ahead);
    for (auto batch = reader.take(); batch; batch = reader.take()) {
      if (sharded) distributed::detail::set_gradient_weight(batch->weight);
      batch_logs["batch"] = step;
      batch_logs["size"] = static_cast<double>(batch->rows);
      for (auto& cb : callback_list) cb->on_batch_begin(step, batch_logs);
      {
        std::lock_guard lock(model.run_mutex_);
        const auto ahead = reader.during_run();
        const std::vector<Tensor>& outs = model.compiled_->train_fn->run(*batch->arrays);
        for (std::size_t k = 0; k < names.size(); ++k) {
          const double value = outs[k].item();
          batch_logs[names[k]] = value;
          // Keras's BaseLogger: weighted by batch size; a stateful metric keeps its last value.
          if (!is_stateful(model.compiled_->metric_resets, k)) sums[k] += value * batch->weight;
        }
      }
      sums.back() += batch->weight;
      last_rows = batch->rows;
      for (auto& cb : callback_list) cb->on_batch_end(step, batch_logs);
      ++step;
      // Under keras::distributed all processes stop together (a callback may stop one only).
      model.stop_training = distributed::detail::any_process(model.stop_training);
      if (model.stop_training) break;
    }
    if (sharded) distributed::detail::set_gradient_weight(1.0);
    // Averages over the samples seen by all processes (a callback may stop mid-epoch).
    if (sharded) distributed::detail::allreduce_sum(sums.data(), sums.size());
    for (std::size_t k = 0; k < names.size(); ++k)
      epoch_logs[names[k]] = is_stateful(model.compiled_->metric_resets, k)
                                 ? batch_logs[names[k]]
                                 : sums[k] / std::max(sums.back(), 1.0);
    const bool complete = data.exhausted() && !reader.holds_unrun_batch();
    if (complete) data.end_epoch();
    // Validation only after a whole epoch, as Keras.
    if (do_validation && complete) {
      if (loop.validation_batch_from_training) loop.validation->set_batch_size(last_rows);
      std::vector<double> val = evaluate(*loop.validation, 0);
      for (std::size_t k = 0; k < names.size(); ++k) epoch_logs[val_names[k]] = val[k];
    }
    for (auto& cb : callback_list) cb->on_epoch_end(epoch, epoch_logs);
    model.stop_training = distributed::detail::any_process(model.stop_training);
    if (model.stop_training) break;
  }
  for (auto& cb : callback_list) cb->on_train_end(train_logs);
  return *history;
}

std::vector<double> Trainer::evaluate(DataAdapter& data, int verbose) {
  model_.make_test_function();
  const std::size_t outputs = model_.compiled_->metric_names.size() + 1;
  std::vector<double> sums(outputs + 1, 0.0);  // the outputs' sums, then the rows
  std::unique_ptr<utils::Progbar> progbar;
  if (verbose == 1 && distributed::rank() == 0)
    progbar = std::make_unique<utils::Progbar>(data.size());
  const auto& resets = model_.compiled_->metric_resets;
  std::vector<double> last(outputs, 0.0);  // the last batch's values, for stateful metrics
  reset_stateful_metrics(resets);
  data.begin_epoch(-1);
  std::int64_t steps = 0, seen = 0;
  BatchReader reader(data, backend::detail::runs_copy_ahead());
  for (auto batch = reader.take(); batch; batch = reader.take()) {
    {
      std::lock_guard lock(model_.run_mutex_);
      const auto ahead = reader.during_run();
      const std::vector<Tensor>& outs = model_.compiled_->test_fn->run(*batch->arrays);
      for (std::size_t k = 0; k < outputs; ++k) {
        last[k] = outs[k].item();
        sums[k] += last[k] * batch->weight;
      }
    }
    sums.back() += batch->weight;
    ++steps;
    seen += batch->rows;
    if (progbar) progbar->update(data.counts_samples() ? seen : steps);
  }
  if (data.sharded()) distributed::detail::allreduce_sum(sums.data(), sums.size());
  const double rows = std::max(sums.back(), 1.0);
  sums.pop_back();
  for (std::size_t k = 0; k < outputs; ++k)
    sums[k] = is_stateful(resets, k) ? last[k] : sums[k] / rows;
  return sums;
}

namespace {

// Copies `out` (a batch's predictions) to rows [start, ...) of `result`, allocated on first use
// with `total` rows.
void place_rows(Tensor& result, const Tensor& out, std::int64_t start, std::int64_t total) {
  if (!result.defined()) {
    Shape shape = out.shape();
    shape[0] = total;
    result = Tensor(shape, out.dtype());
  }
  const std::size_t row_bytes =
      out.shape()[0] ? out.nbytes() / static_cast<std::size_t>(out.shape()[0]) : 0;
  std::memcpy(static_cast<char*>(result.raw_data()) + static_cast<std::size_t>(start) * row_bytes,
              out.raw_data(), out.nbytes());
}

// The batches' predictions of one output, joined along the sample axis.
Tensor concatenate_rows(const std::vector<Tensor>& pieces, const char* what) {
  Shape shape = pieces.front().shape();
  std::int64_t rows = 0;
  for (const Tensor& piece : pieces) {
    if (!std::equal(shape.begin() + 1, shape.end(), piece.shape().begin() + 1, piece.shape().end()))
      throw std::invalid_argument(
          std::string(what) + ": the batches' predictions differ in shape: " +
          shape_to_string(shape) + " and " + shape_to_string(piece.shape()));
    rows += piece.shape()[0];
  }
  Tensor result;
  std::int64_t start = 0;
  for (const Tensor& piece : pieces) {
    place_rows(result, piece, start, rows);
    start += piece.shape()[0];
  }
  return result;
}

}  // namespace

std::vector<Tensor> Trainer::predict(DataAdapter& data, int verbose) {
  model_.make_predict_function();
  const std::size_t n_out = model_.outputs_.size();
  // Arrays have a known number of rows: the predictions go straight to their place. Generators'
  // batches are kept and joined at the end.
  const std::vector<Tensor> arrays = data.arrays();
  const std::int64_t total = arrays.empty() ? -1 : arrays.front().shape()[0];
  std::vector<Tensor> results(n_out);
  std::vector<std::vector<Tensor>> pieces(n_out);
  std::unique_ptr<utils::Progbar> progbar;
  if (verbose == 1) progbar = std::make_unique<utils::Progbar>(data.size());
  data.begin_epoch(-1);
  std::int64_t steps = 0, seen = 0;
  BatchReader reader(data, backend::detail::runs_copy_ahead());
  for (auto batch = reader.take(); batch; batch = reader.take()) {
    {
      std::lock_guard lock(model_.run_mutex_);
      const auto ahead = reader.during_run();
      const std::vector<Tensor>& outs = model_.compiled_->predict_fn->run(*batch->arrays);
      for (std::size_t k = 0; k < n_out; ++k) {
        if (total >= 0)
          place_rows(results[k], outs[k], seen, total);
        else
          pieces[k].push_back(outs[k].clone());
      }
    }
    ++steps;
    seen += batch->rows;
    if (progbar) progbar->update(data.counts_samples() ? seen : steps);
  }
  for (std::size_t k = 0; k < n_out; ++k) {
    if (total < 0 && !pieces[k].empty()) results[k] = concatenate_rows(pieces[k], "predict");
    if (!results[k].defined()) {
      Shape shape = model_.outputs_[k].shape();
      shape[0] = std::max<std::int64_t>(total, 0);
      results[k] = Tensor(shape, model_.outputs_[k].dtype());
    }
  }
  return results;
}

std::vector<double> Trainer::run_scalars(backend::Function& function,
                                         const std::vector<Tensor>& arrays) {
  std::vector<double> out;
  std::lock_guard lock(model_.run_mutex_);
  for (const Tensor& t : function.run(arrays)) out.push_back(t.item());
  return out;
}

std::vector<double> Trainer::train_batch(const std::vector<Tensor>& arrays) {
  model_.make_train_function();
  return run_scalars(*model_.compiled_->train_fn, arrays);
}

std::vector<double> Trainer::test_batch(const std::vector<Tensor>& arrays) {
  model_.make_test_function();
  return run_scalars(*model_.compiled_->test_fn, arrays);
}

std::vector<Tensor> Trainer::predict_batch(const std::vector<Tensor>& inputs) {
  model_.make_predict_function();
  std::vector<Tensor> out;
  std::lock_guard lock(model_.run_mutex_);
  for (const Tensor& t : model_.compiled_->predict_fn->run(inputs)) out.push_back(t.clone());
  return out;
}

}  // namespace keras
