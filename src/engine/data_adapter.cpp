// The data adapters: arrays (batched, shuffled, sharded), generators (a producer thread and a
// bounded queue, as Keras's GeneratorEnqueuer with one worker) and Sequences.
#include "engine/data_adapter.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "backend/random_state.h"
#include "distributed/collectives.h"
#include "keras/distributed.h"

namespace keras {

ShuffleMode::ShuffleMode(const char* name) : kind(batches) {
  if (std::string(name) != "batch")
    throw std::invalid_argument(std::string("shuffle must be True, False or 'batch', got '") +
                                name + "'");
}

namespace {

// Batch tensors allocated once per batch size and refilled for every batch: one per array.
struct Feed {
  std::int64_t rows = -1;
  std::vector<Tensor> args;

  void allocate(std::int64_t n, const std::vector<Tensor>& data) {
    rows = n;
    args.clear();
    for (const auto& src : data) {
      Shape shape = src.shape();
      shape[0] = n;
      args.emplace_back(shape, src.dtype());
    }
  }
  // Copies rows order[begin, begin + rows) of each array (rows begin... without an order).
  void gather(const std::vector<Tensor>& data, const std::int64_t* order, std::int64_t begin) {
    for (std::size_t k = 0; k < data.size(); ++k) {
      const Tensor& src = data[k];
      std::size_t row_bytes =
          src.shape()[0] ? src.nbytes() / static_cast<std::size_t>(src.shape()[0]) : 0;
      const char* from = static_cast<const char*>(src.raw_data());
      char* to = static_cast<char*>(args[k].raw_data());
      for (std::int64_t r = 0; r < rows; ++r)
        std::memcpy(
            to + static_cast<std::size_t>(r) * row_bytes,
            from + static_cast<std::size_t>(order ? order[begin + r] : begin + r) * row_bytes,
            row_bytes);
    }
  }
};

class ArrayAdapter : public DataAdapter {
 public:
  ArrayAdapter(std::vector<Tensor> data, std::int64_t batch_size, ShuffleMode shuffle,
               Sharding sharding)
      : all_(data), total_(data.front().shape()[0]), shuffle_(shuffle), sharding_(sharding) {
    if (sharding_ == Sharding::contiguous && distributed::size() > 1) {
      // Each process its contiguous share of the samples; the loop adds the sums up.
      const auto [first, last] = distributed::detail::shard(total_);
      for (auto& t : data) t = t.slice(first, last);
    }
    data_ = std::move(data);
    n_ = data_.front().shape()[0];
    order_.resize(static_cast<std::size_t>(n_));
    std::iota(order_.begin(), order_.end(), 0);
    set_batch_size(batch_size);
  }

  void set_batch_size(std::int64_t batch_size) override {
    batch_size = std::min(batch_size, std::max<std::int64_t>(n_, 1));
    if (batch_size == batch_size_) return;
    batch_size_ = batch_size;
    full_.allocate(local_rows(batch_size_), data_);
    tail_ = Feed{};
    if (n_ % batch_size_) tail_.allocate(local_rows(n_ % batch_size_), data_);
  }

  void begin_epoch(int epoch) override {
    DataAdapter::begin_epoch(epoch);
    start_ = 0;
    // Each epoch shuffles the previous epoch's order, as Keras's fit loop does.
    auto& random = detail::global_generator();
    if (shuffle_ == ShuffleMode::samples) {
      std::shuffle(order_.begin(), order_.end(), random);
    } else if (shuffle_ == ShuffleMode::batches) {
      // Keras's batch_shuffle: whole batches in a random order, the short last batch last.
      const std::int64_t whole = n_ / batch_size_;
      std::vector<std::int64_t> batches(static_cast<std::size_t>(whole));
      std::iota(batches.begin(), batches.end(), 0);
      std::shuffle(batches.begin(), batches.end(), random);
      const std::vector<std::int64_t> previous = order_;
      for (std::int64_t b = 0; b < whole; ++b)
        for (std::int64_t r = 0; r < batch_size_; ++r)
          order_[static_cast<std::size_t>(b * batch_size_ + r)] = previous[static_cast<std::size_t>(
              batches[static_cast<std::size_t>(b)] * batch_size_ + r)];
    }
  }

  bool exhausted() const override { return start_ >= n_; }
  std::optional<AdapterBatch> next() override {
    if (exhausted()) return std::nullopt;
    const std::int64_t rows = std::min(batch_size_, n_ - start_);
    Feed& feed = start_ + batch_size_ <= n_ ? full_ : tail_;
    const bool ordered = shuffle_ != ShuffleMode::none;
    AdapterBatch batch{&feed.args, rows, static_cast<double>(rows)};
    if (sharding_ == Sharding::per_batch) {
      // Each process trains on its shard of every global batch; a process whose shard of the
      // short last batch is empty runs one row with weight 0.
      const auto [first, last] = distributed::detail::shard(rows);
      feed.gather(data_, ordered ? order_.data() : nullptr, start_ + std::min(first, rows - 1));
      batch.weight = static_cast<double>(last - first);
    } else {
      feed.gather(data_, ordered ? order_.data() : nullptr, start_);
    }
    start_ += rows;
    return batch;
  }

  bool reads_ahead() const override { return true; }  // copies of rows into its batch tensors
  std::int64_t size() const override { return sharding_ == Sharding::contiguous ? n_ : total_; }
  bool counts_samples() const override { return true; }
  bool sharded() const override { return sharding_ != Sharding::none && distributed::size() > 1; }
  std::vector<Tensor> arrays() const override { return all_; }

 private:
  std::int64_t local_rows(std::int64_t rows) const {
    if (sharding_ != Sharding::per_batch) return rows;
    auto [first, last] = distributed::detail::shard(rows);
    return std::max<std::int64_t>(last - first, 1);
  }

  std::vector<Tensor> all_, data_;
  std::int64_t total_, n_ = 0, batch_size_ = 0, start_ = 0;
  ShuffleMode shuffle_;
  Sharding sharding_;
  std::vector<std::int64_t> order_;
  Feed full_, tail_;
};

// Rethrows `error` as a std::runtime_error (std::invalid_argument for bad data) that names
// `context` and nests the original, so that callers see where it happened and can still reach
// the original (std::rethrow_if_nested).
[[noreturn]] void rethrow_with_context(const std::exception_ptr& error,
                                       const std::string& context) {
  try {
    std::rethrow_exception(error);
  } catch (const std::invalid_argument& e) {
    // Data of the wrong form (a batch that is not (x, y[, sample_weight])): a ValueError in
    // Python, as Keras's.
    std::throw_with_nested(std::invalid_argument(context + ": " + e.what()));
  } catch (const std::exception& e) {
    std::throw_with_nested(
        std::runtime_error(context + ": the generator raised an exception: " + e.what()));
  } catch (...) {
    std::throw_with_nested(std::runtime_error(context + ": the generator raised an exception"));
  }
}

bool ends_data(const Batch& batch) {
  return batch.x.empty();
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
      if (ends_data(batch)) ran_out(context);
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
      const bool end = error || ends_data(batch);
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

std::string step_context(const char* what, int epoch, std::int64_t step) {
  std::string context = what;
  context += epoch >= 0 ? " (epoch " + std::to_string(epoch + 1) + ", step " : " (step ";
  return context + std::to_string(step) + ")";
}

// The batches a generator or Sequence yields, standardized; they keep their own sizes.
class StandardizedBatches : public DataAdapter {
 protected:
  StandardizedBatches(StandardizeBatch standardize, const char* what)
      : standardize_(std::move(standardize)), what_(what) {}

  AdapterBatch take(const Batch& batch, const std::string& context) {
    current_ = standardize_(batch, context);
    const Tensor& first = current_.front();
    if (first.ndim() == 0 || first.shape()[0] == 0)
      throw std::invalid_argument(
          context + ": Received an empty batch. Batches should contain at least one item.");
    const std::int64_t rows = first.shape()[0];
    return {&current_, rows, static_cast<double>(rows)};
  }
  std::string context(std::int64_t step) const { return step_context(what_, epoch_, step); }

  StandardizeBatch standardize_;
  const char* what_;
  std::vector<Tensor> current_;
};

class GeneratorAdapter : public StandardizedBatches {
 public:
  GeneratorAdapter(Generator generator, Extent extent, StandardizeBatch standardize,
                   const char* what, std::size_t queue_size, bool threaded)
      : StandardizedBatches(std::move(standardize), what),
        extent_(extent),
        source_(std::move(generator), queue_size, threaded) {}

  void begin_epoch(int epoch) override {
    DataAdapter::begin_epoch(epoch);
    steps_ = seen_ = 0;
  }

  bool exhausted() const override { return extent_.done(steps_, seen_); }
  std::optional<AdapterBatch> next() override {
    if (exhausted()) return std::nullopt;
    const std::string where = context(steps_);
    AdapterBatch batch = take(source_.next(where), where);
    ++steps_;
    seen_ += batch.rows;
    if (extent_.samples > 0 && seen_ > extent_.samples && !warned_overshoot_ && epoch_ >= 0) {
      // Keras 1 warned (once, as Python's warnings do) and kept the extra samples.
      std::fprintf(stderr,
                   "UserWarning: Epoch comprised more than `samples_per_epoch` samples, which "
                   "might affect learning results. Set `samples_per_epoch` correctly to avoid "
                   "this warning.\n");
      warned_overshoot_ = true;
    }
    return batch;
  }

  std::int64_t size() const override { return counts_samples() ? extent_.samples : extent_.steps; }
  bool counts_samples() const override { return extent_.samples > 0; }

 private:
  Extent extent_;
  BatchSource source_;
  std::int64_t steps_ = 0, seen_ = 0;
  bool warned_overshoot_ = false;
};

class SequenceAdapter : public StandardizedBatches {
 public:
  SequenceAdapter(SequencePtr sequence, std::int64_t steps, bool shuffle,
                  StandardizeBatch standardize, const char* what)
      : StandardizedBatches(std::move(standardize), what),
        sequence_(std::move(sequence)),
        shuffle_(shuffle) {
    const std::int64_t length = sequence_->size();
    if (length <= 0)
      throw std::invalid_argument(std::string(what) + ": the Sequence has no batches (len " +
                                  std::to_string(length) + ")");
    steps_ = steps > 0 ? steps : length;
    order_.resize(static_cast<std::size_t>(length));
  }

  void begin_epoch(int epoch) override {
    DataAdapter::begin_epoch(epoch);
    done_ = 0;
    // Keras's OrderedEnqueuer: the indices in order, or shuffled for each epoch.
    std::iota(order_.begin(), order_.end(), 0);
    if (shuffle_) std::shuffle(order_.begin(), order_.end(), detail::global_generator());
  }

  bool exhausted() const override { return done_ >= steps_; }
  std::optional<AdapterBatch> next() override {
    if (exhausted()) return std::nullopt;
    const std::string where = context(done_);
    const auto index = order_[static_cast<std::size_t>(done_ % std::ssize(order_))];
    Batch batch;
    try {
      batch = sequence_->get(index);
    } catch (...) {
      rethrow_with_context(std::current_exception(), where);
    }
    if (ends_data(batch))
      throw std::invalid_argument(where + ": the Sequence's batch " + std::to_string(index) +
                                  " has no x");
    ++done_;
    return take(batch, where);
  }

  void end_epoch() override { sequence_->on_epoch_end(); }
  std::int64_t size() const override { return steps_; }
  bool counts_samples() const override { return false; }

 private:
  SequencePtr sequence_;
  bool shuffle_;
  std::int64_t steps_ = 0, done_ = 0;
  std::vector<std::int64_t> order_;
};

}  // namespace

std::unique_ptr<DataAdapter> make_array_adapter(std::vector<Tensor> data, std::int64_t batch_size,
                                                ShuffleMode shuffle, Sharding sharding) {
  return std::make_unique<ArrayAdapter>(std::move(data), batch_size, shuffle, sharding);
}

std::unique_ptr<DataAdapter> make_generator_adapter(Generator generator, Extent extent,
                                                    StandardizeBatch standardize, const char* what,
                                                    std::size_t queue_size, bool threaded) {
  if (!generator) throw std::invalid_argument(std::string(what) + ": the generator is empty");
  return std::make_unique<GeneratorAdapter>(std::move(generator), extent, std::move(standardize),
                                            what, queue_size, threaded);
}

std::unique_ptr<DataAdapter> make_sequence_adapter(SequencePtr sequence, std::int64_t steps,
                                                   bool shuffle, StandardizeBatch standardize,
                                                   const char* what) {
  if (!sequence) throw std::invalid_argument(std::string(what) + ": the Sequence is null");
  return std::make_unique<SequenceAdapter>(std::move(sequence), steps, shuffle,
                                           std::move(standardize), what);
}

Extent make_extent(std::int64_t steps, std::int64_t samples, const char* steps_name,
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

}  // namespace keras
