// The data adapter: every kind of data fit, evaluate and predict take (arrays, lists and maps of
// arrays, C++ and Python generators, Sequences) as one stream of batches, each already in the
// order the compiled function reads (inputs, then targets, then sample weights). Batching,
// shuffling, the short last batch and the per-process sharding under keras::distributed live
// here; the Trainer's one loop (trainer.h) only runs the batches.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/engine/data.h"

namespace keras {

// One batch of an epoch, ready to feed.
struct AdapterBatch {
  const std::vector<Tensor>* arrays = nullptr;
  std::int64_t rows = 0;  // the batch's samples over all processes
  double weight = 0;      // the samples this process trains on (its shard; 0 for a stand-in row)
};

class DataAdapter {
 public:
  virtual ~DataAdapter() = default;
  // Called before an epoch's first batch (-1 outside fit): reshuffles.
  virtual void begin_epoch(int epoch) { epoch_ = epoch; }
  // The next batch of the epoch, or nothing once the epoch is complete.
  virtual std::optional<AdapterBatch> next() = 0;
  // Whether the epoch's batches were all read.
  virtual bool exhausted() const = 0;
  // Whether next() may run while the device computes the previous batch (the Trainer then reads
  // batch k+1 during step k, after the step copied its inputs): it runs no user code, which a
  // generator or Sequence does (and which may use the model).
  virtual bool reads_ahead() const { return false; }
  // Called after an epoch whose batches were all read (a Sequence's on_epoch_end).
  virtual void end_epoch() {}
  // The progress bar's total: samples when counts_samples(), else batches.
  virtual std::int64_t size() const = 0;
  virtual bool counts_samples() const = 0;
  // Each process reads its shard: the loop adds the sums of all processes.
  virtual bool sharded() const { return false; }
  // The arrays (all processes' samples: the validation data given to the callbacks); empty for
  // generators.
  virtual std::vector<Tensor> arrays() const { return {}; }
  // A fixed batch size from now on (Keras 2.2.4's fit_generator validates arrays with the size
  // of the last training batch); only arrays have one.
  virtual void set_batch_size(std::int64_t) {}

 protected:
  int epoch_ = -1;
};

// How ArrayAdapter splits batches among the processes of keras::distributed.
enum class Sharding {
  none,
  per_batch,   // every global batch split among the processes (training: the same order everywhere)
  contiguous,  // each process its contiguous share of the samples (testing)
};

// Arrays (already standardized, in feed order), batch_size rows at a time; a short last batch.
// Allocates its batch tensors once per batch size and refills them.
std::unique_ptr<DataAdapter> make_array_adapter(std::vector<Tensor> data, std::int64_t batch_size,
                                                ShuffleMode shuffle = false,
                                                Sharding sharding = Sharding::none);

// Turns a generator's or Sequence's batch into feed-order arrays (the model's checks and casts);
// `context` names the loop and step for errors.
using StandardizeBatch =
    std::function<std::vector<Tensor>(const Batch& batch, const std::string& context)>;

// Steps (Keras 2) or samples (Keras 1) of a generator per epoch; exactly one is positive.
struct Extent {
  std::int64_t steps = 0;
  std::int64_t samples = 0;
  bool done(std::int64_t steps_done, std::int64_t samples_seen) const {
    return samples > 0 ? samples_seen >= samples : steps_done >= steps;
  }
};
// Checks that one of steps / samples is set, naming the arguments otherwise.
Extent make_extent(std::int64_t steps, std::int64_t samples, const char* steps_name,
                   const char* samples_name);

// A generator, called on a producer thread that keeps up to `queue_size` batches ready (or on the
// caller's thread when !threaded), `extent` batches per epoch. `what` names the loop in errors.
std::unique_ptr<DataAdapter> make_generator_adapter(Generator generator, Extent extent,
                                                    StandardizeBatch standardize, const char* what,
                                                    std::size_t queue_size, bool threaded);

// A Sequence: `steps` of its batches per epoch (all when 0), in a new random order each epoch
// with shuffle; on_epoch_end after each complete epoch.
std::unique_ptr<DataAdapter> make_sequence_adapter(SequencePtr sequence, std::int64_t steps,
                                                   bool shuffle, StandardizeBatch standardize,
                                                   const char* what);

// The generator loops' queue size (Keras 1's max_q_size overrides max_queue_size) and thread
// count (one producer thread, or none with workers=0).
std::size_t queue_capacity(int max_queue_size, int max_q_size, const char* what);
bool threaded(int workers, bool use_multiprocessing, const char* what);

}  // namespace keras
