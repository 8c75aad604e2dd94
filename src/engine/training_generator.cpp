// Model::fit_generator, evaluate_generator and predict_generator (Keras 2.2.4's
// training_generator.py, with Keras 1.2.2's sample-counting arguments). A producer thread calls
// the user's generator and fills a bounded queue, as Keras's GeneratorEnqueuer with one worker.
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "keras/engine/training.h"

namespace keras {

namespace {

// Rethrows `error` as a std::runtime_error that names `context` and nests the original, so that
// callers see where it happened and can still reach the original (std::rethrow_if_nested).
[[noreturn]] void rethrow_with_context(const std::exception_ptr& error,
                                       const std::string& context) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::throw_with_nested(
        std::runtime_error(context + ": the generator raised an exception: " + e.what()));
  } catch (...) {
    std::throw_with_nested(std::runtime_error(context + ": the generator raised an exception"));
  }
}

// The batches of a generator: called on a producer thread that keeps up to `capacity` batches
// ready (threaded), or on the caller's thread (Keras 2's workers=0). The destructor stops and
// joins the thread, so every exit path (return, exception, early stop) joins it.
class BatchSource {
 public:
  BatchSource(Generator generator, std::size_t capacity, bool threaded)
      : generator_(std::move(generator)), capacity_(capacity) {
    if (threaded) thread_ = std::thread([this] { produce(); });
  }
  ~BatchSource() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    not_full_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  BatchSource(const BatchSource&) = delete;
  BatchSource& operator=(const BatchSource&) = delete;

  // The next batch; `context` names the caller and step for errors.
  Batch next(const std::string& context) {
    if (!thread_.joinable()) {
      Batch batch;
      try {
        batch = generator_();
      } catch (...) {
        rethrow_with_context(std::current_exception(), context);
      }
      if (!batch.x.defined()) ran_out(context);
      return batch;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [this] { return !queue_.empty() || finished_; });
    if (!queue_.empty()) {
      Batch batch = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      not_full_.notify_one();
      return batch;
    }
    if (error_) rethrow_with_context(error_, context);
    ran_out(context);
  }

 private:
  [[noreturn]] static void ran_out(const std::string& context) {
    throw std::runtime_error(
        context +
        ": the generator ran out of data (it returned a batch without x, or its "
        "range ended); it must yield as many batches as the steps or samples asked "
        "for");
  }

  void produce() {
    for (;;) {
      {
        // Wait for room before calling the generator, as Keras's enqueuer does, so that at most
        // `capacity` batches are drawn ahead of the consumer.
        std::unique_lock<std::mutex> lock(mutex_);
        not_full_.wait(lock, [this] { return stop_ || queue_.size() < capacity_; });
        if (stop_) return;
      }
      Batch batch;
      std::exception_ptr error;
      try {
        batch = generator_();
      } catch (...) {
        error = std::current_exception();
      }
      const bool end = error || !batch.x.defined();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (end) {
          error_ = error;
          finished_ = true;
        } else {
          queue_.push_back(std::move(batch));
        }
      }
      not_empty_.notify_one();
      if (end) return;
    }
  }

  Generator generator_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> queue_;
  std::exception_ptr error_;
  bool stop_ = false, finished_ = false;
  std::thread thread_;  // last: started once the members it uses exist
};

std::size_t queue_capacity(int max_queue_size, int max_q_size, const char* what) {
  int size = max_q_size > 0 ? max_q_size : max_queue_size;
  if (size < 1)
    throw std::invalid_argument(std::string(what) + ": max_queue_size must be at least 1, got " +
                                std::to_string(size));
  return static_cast<std::size_t>(size);
}

// One producer thread (workers=1) or none (workers=0); more workers and processes are not
// supported: a C++ callable cannot be split across processes, and several threads calling one
// generator would need it to be thread-safe.
bool threaded(int workers, bool use_multiprocessing, const char* what) {
  if (use_multiprocessing)
    throw std::invalid_argument(std::string(what) +
                                ": use_multiprocessing is not supported (one producer thread)");
  if (workers < 0 || workers > 1)
    throw std::invalid_argument(std::string(what) +
                                ": workers must be 0 or 1 (one producer thread), got " +
                                std::to_string(workers));
  return workers == 1;
}

std::int64_t batch_rows(const Batch& batch, const std::string& context) {
  if (batch.x.ndim() == 0 || batch.x.shape()[0] == 0)
    throw std::invalid_argument(
        context + ": Received an empty batch. Batches should contain at least one item.");
  return batch.x.shape()[0];
}

void require_target(const Batch& batch, const std::string& context) {
  if (!batch.y.defined())
    throw std::invalid_argument(
        context +
        ": Output of generator should be a tuple `(x, y, sample_weight)` or `(x, y)`. "
        "Found: a batch without y");
}

std::string step_context(const char* what, int epoch, std::int64_t step) {
  std::string context = what;
  context += epoch >= 0 ? " (epoch " + std::to_string(epoch + 1) + ", step " : " (step ";
  return context + std::to_string(step) + ")";
}

// Steps (Keras 2) or samples (Keras 1) of a loop; exactly one is positive.
struct Extent {
  std::int64_t steps = 0;
  std::int64_t samples = 0;
  bool done(std::int64_t steps_done, std::int64_t samples_seen) const {
    return samples > 0 ? samples_seen >= samples : steps_done >= steps;
  }
};

Extent extent(std::int64_t steps, std::int64_t samples, const char* steps_name,
              const char* samples_name) {
  if (steps > 0 && samples > 0)
    throw std::invalid_argument(std::string("Set `") + steps_name + "` (batches, Keras 2) or `" +
                                samples_name + "` (samples, Keras 1), not both.");
  if (steps <= 0 && samples <= 0)
    throw std::invalid_argument(
        std::string("`") + steps_name +
        "=None` is only valid for a generator based on the `keras.utils.Sequence` class. "
        "Please specify `" +
        steps_name + "` or use the `keras.utils.Sequence` class.");
  return {steps, samples};
}

// Keras 2's evaluate_generator loop: test_on_batch over `extent`, averaged weighted by the
// batch sizes.
std::vector<double> evaluate_batches(Model& model, BatchSource& source, Extent extent, int verbose,
                                     const char* what, int epoch) {
  std::vector<double> sums;
  std::int64_t steps_done = 0, seen = 0;
  std::unique_ptr<utils::Progbar> progbar;
  if (verbose == 1)
    progbar = std::make_unique<utils::Progbar>(extent.samples > 0 ? extent.samples : extent.steps);
  while (!extent.done(steps_done, seen)) {
    std::string context = step_context(what, epoch, steps_done);
    Batch batch = source.next(context);
    require_target(batch, context);
    std::int64_t rows = batch_rows(batch, context);
    std::vector<double> outs = model.test_on_batch(batch.x, batch.y, batch.sample_weight);
    sums.resize(outs.size(), 0.0);
    for (std::size_t k = 0; k < outs.size(); ++k) sums[k] += outs[k] * static_cast<double>(rows);
    ++steps_done;
    seen += rows;
    if (progbar) progbar->update(extent.samples > 0 ? seen : steps_done);
  }
  for (auto& s : sums) s /= static_cast<double>(seen);
  return sums;
}

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
    collect(logs);
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
  void collect(const callbacks::Logs& logs) {
    for (auto& [name, value] : values_) {
      auto found = logs.find(name);
      if (found != logs.end()) value = found->second;
    }
  }

  std::int64_t steps_, seen_ = 0;
  std::unique_ptr<utils::Progbar> progbar_;
  std::vector<std::pair<std::string, double>> values_;
};

}  // namespace

callbacks::History Model::fit_generator(Generator generator, const FitGeneratorOptions& options) {
  constexpr const char* what = "fit_generator";
  require_compiled("training/testing");
  if (!generator) throw std::invalid_argument("fit_generator: the generator is empty");
  const Extent train_extent = extent(options.steps_per_epoch, options.samples_per_epoch,
                                     "steps_per_epoch", "samples_per_epoch");
  const bool count_samples = train_extent.samples > 0;
  const int epochs = detail::epochs_to_train(options.epochs, options.nb_epoch, what);
  const bool use_thread = threaded(options.workers, options.use_multiprocessing, what);
  const std::size_t capacity = queue_capacity(options.max_queue_size, options.max_q_size, what);

  const GeneratorValidationData& validation = options.validation_data;
  const bool do_validation = validation.has_value();
  const bool val_gen = static_cast<bool>(validation.generator);
  Extent val_extent;
  std::vector<Tensor> val_arrays;
  if (val_gen) {
    if (options.validation_steps <= 0 && options.nb_val_samples <= 0)
      throw std::invalid_argument(count_samples ? "When using a generator for validation data, you "
                                                  "must specify a value for \"nb_val_samples\"."
                                                : "`validation_steps=None` is only valid for a "
                                                  "generator based on the `keras.utils.Sequence` "
                                                  "class. Please specify `validation_steps` or use "
                                                  "the `keras.utils.Sequence` class.");
    val_extent = extent(options.validation_steps, options.nb_val_samples, "validation_steps",
                        "nb_val_samples");
  } else if (do_validation) {
    // Checked once here, as Keras standardizes validation arrays before training.
    if (!validation.y.defined())
      throw std::invalid_argument(
          "`validation_data` should be a tuple `(val_x, val_y, val_sample_weight)` or "
          "`(val_x, val_y)`.");
    check_arrays(validation.x, &validation.y, "validation input");
    Tensor y_val = cast_target(validation.y);
    Tensor w_val = standardize_weights(
        y_val, validation.sample_weight.defined() ? &validation.sample_weight : nullptr, {});
    val_arrays = {validation.x, y_val, w_val};  // Keras gives arrays to the callbacks
  }
  make_train_function();
  if (do_validation) make_test_function();

  std::vector<std::string> names = metrics_names();
  auto history = std::make_shared<callbacks::History>();
  std::vector<callbacks::CallbackPtr> callback_list = options.callbacks;
  callback_list.push_back(history);
  if (options.verbose) {
    if (count_samples)
      callback_list.push_back(
          std::make_shared<callbacks::ProgbarLogger>());  // Keras 1 counted samples
    else
      callback_list.push_back(std::make_shared<StepProgbarLogger>(train_extent.steps));
  }
  callbacks::Params params;
  params.epochs = epochs;
  params.samples = train_extent.samples;  // Keras 1's nb_sample; Keras 2 passes steps instead
  params.verbose = options.verbose;
  params.do_validation = do_validation;
  params.metrics = names;
  if (do_validation)
    for (const auto& name : names) params.metrics.push_back("val_" + name);
  for (auto& cb : callback_list) {
    cb->set_model(this);
    cb->set_params(params);
    cb->validation_data = val_arrays;
  }

  // Validation first: its thread is joined after the training one (reverse order).
  std::unique_ptr<BatchSource> val_source;
  if (val_gen)
    val_source = std::make_unique<BatchSource>(validation.generator, capacity, use_thread);
  BatchSource source(std::move(generator), capacity, use_thread);

  callbacks::Logs train_logs, epoch_logs, batch_logs;
  std::vector<double> sums(names.size());
  bool warned_overshoot = false;
  stop_training = false;
  for (auto& cb : callback_list) cb->on_train_begin(train_logs);
  for (int epoch = options.initial_epoch; epoch < epochs; ++epoch) {
    epoch_logs.clear();
    for (auto& cb : callback_list) cb->on_epoch_begin(epoch, epoch_logs);
    std::fill(sums.begin(), sums.end(), 0.0);
    std::int64_t steps_done = 0, seen = 0, batch_size = 0;
    while (!train_extent.done(steps_done, seen)) {
      const std::string context = step_context(what, epoch, steps_done);
      Batch batch = source.next(context);
      require_target(batch, context);
      batch_size = batch_rows(batch, context);
      batch_logs.clear();
      batch_logs["batch"] = static_cast<double>(steps_done);
      batch_logs["size"] = static_cast<double>(batch_size);
      for (auto& cb : callback_list) cb->on_batch_begin(static_cast<int>(steps_done), batch_logs);
      std::vector<double> outs =
          train_on_batch(batch.x, batch.y, batch.sample_weight, options.class_weight);
      for (std::size_t k = 0; k < names.size(); ++k) {
        batch_logs[names[k]] = outs[k];
        sums[k] += outs[k] *
                   static_cast<double>(batch_size);  // Keras's BaseLogger: weighted by batch size
      }
      for (auto& cb : callback_list) cb->on_batch_end(static_cast<int>(steps_done), batch_logs);
      ++steps_done;
      seen += batch_size;
      if (count_samples && seen > train_extent.samples && !warned_overshoot) {
        // Keras 1 warned (once, as Python's warnings do) and kept the extra samples.
        std::fprintf(
            stderr,
            "UserWarning: Epoch comprised more than `samples_per_epoch` samples, which might "
            "affect "
            "learning results. Set `samples_per_epoch` correctly to avoid this warning.\n");
        warned_overshoot = true;
      }
      if (stop_training) break;
    }
    for (std::size_t k = 0; k < names.size(); ++k)
      epoch_logs[names[k]] = sums[k] / static_cast<double>(seen);
    // Keras validates only at the end of a complete epoch.
    if (do_validation && train_extent.done(steps_done, seen)) {
      std::vector<double> val;
      if (val_gen) {
        val =
            evaluate_batches(*this, *val_source, val_extent, 0, "fit_generator validation", epoch);
      } else {  // Keras 2.2.4 evaluates with the last training batch's size
        std::optional<Tensor> weights;
        if (validation.sample_weight.defined()) weights = validation.sample_weight;
        val = evaluate(validation.x, validation.y,
                       {.batch_size = batch_size, .verbose = 0, .sample_weight = weights});
      }
      for (std::size_t k = 0; k < names.size(); ++k) epoch_logs["val_" + names[k]] = val[k];
    }
    for (auto& cb : callback_list) cb->on_epoch_end(epoch, epoch_logs);
    if (stop_training) break;
  }
  for (auto& cb : callback_list) cb->on_train_end(train_logs);
  return *history;
}

std::vector<double> Model::evaluate_generator(Generator generator,
                                              const EvaluateGeneratorOptions& options) {
  constexpr const char* what = "evaluate_generator";
  require_compiled("training/testing");
  if (!generator) throw std::invalid_argument("evaluate_generator: the generator is empty");
  const Extent ext = extent(options.steps, options.val_samples, "steps", "val_samples");
  const bool use_thread = threaded(options.workers, options.use_multiprocessing, what);
  BatchSource source(std::move(generator),
                     queue_capacity(options.max_queue_size, options.max_q_size, what), use_thread);
  make_test_function();
  return evaluate_batches(*this, source, ext, options.verbose, what, -1);
}

Tensor Model::predict_generator(Generator generator, const PredictGeneratorOptions& options) {
  constexpr const char* what = "predict_generator";
  if (!generator) throw std::invalid_argument("predict_generator: the generator is empty");
  const Extent ext = extent(options.steps, options.val_samples, "steps", "val_samples");
  const bool use_thread = threaded(options.workers, options.use_multiprocessing, what);
  BatchSource source(std::move(generator),
                     queue_capacity(options.max_queue_size, options.max_q_size, what), use_thread);
  std::vector<Tensor> outs;
  std::int64_t steps_done = 0, seen = 0;
  std::unique_ptr<utils::Progbar> progbar;
  if (options.verbose == 1)
    progbar = std::make_unique<utils::Progbar>(ext.samples > 0 ? ext.samples : ext.steps);
  while (!ext.done(steps_done, seen)) {
    const std::string context = step_context(what, -1, steps_done);
    Batch batch = source.next(context);
    seen += batch_rows(batch, context);
    outs.push_back(predict_on_batch(batch.x));
    ++steps_done;
    if (progbar) progbar->update(ext.samples > 0 ? seen : steps_done);
  }
  if (ext.samples > 0 && seen > ext.samples)
    std::fprintf(stderr,
                 "UserWarning: predict_generator: the generator yielded %lld samples, more than "
                 "val_samples=%lld; "
                 "all %lld predictions are returned.\n",
                 static_cast<long long>(seen), static_cast<long long>(ext.samples),
                 static_cast<long long>(seen));
  // Keras concatenates the batches' predictions along the sample axis.
  Shape shape = outs.front().shape();
  for (const Tensor& out : outs)
    if (!std::equal(shape.begin() + 1, shape.end(), out.shape().begin() + 1, out.shape().end()))
      throw std::invalid_argument("predict_generator: the batches' predictions differ in shape: " +
                                  shape_to_string(shape) + " and " + shape_to_string(out.shape()));
  shape[0] = seen;
  Tensor result(shape, outs.front().dtype());
  char* to = static_cast<char*>(result.raw_data());
  for (const Tensor& out : outs) {
    std::memcpy(to, out.raw_data(), out.nbytes());
    to += out.nbytes();
  }
  return result;
}

}  // namespace keras
