// The next run's inputs copied while the device computes (CompiledFunction::copy_ahead, the
// Trainer's BatchReader), over a device whose memory is host memory and whose second stream
// defers each copy until something waits for it, as a GPU's may: a missing wait reads stale
// memory and changes the results. The fake device logs its operations, so the tests check their
// order: batch k+1's copy is issued before the host waits for step k's outputs, a run waits for
// the copy before it moves it into place, and a pinned slot is refilled only after its last copy
// is done. The same on a GPU: tests/kernels/cuda_copy_ahead_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "keras/keras.h"
#include "kernels/copy_stream.h"
#include "testing/classification.h"
#include "testing/tensor_utils.h"

namespace {

using namespace keras;
namespace K = keras::backend;
using K::detail::runs_with_inputs_ahead;

class LoggingDevice final : public kernels::Device, public kernels::CopyStream {
 public:
  mutable std::vector<std::string> log;
  mutable std::set<const void*> slots;  // the pinned buffers copied ahead from

  std::shared_ptr<void> allocate(std::size_t bytes) const override {
    return {std::calloc(bytes ? bytes : 1, 1), std::free};
  }
  std::shared_ptr<void> allocate_pinned(std::size_t bytes) const override {
    return allocate(bytes);
  }
  void copy_to_device(void* to, const void* from, std::size_t bytes) const override {
    log.push_back("upload");
    std::memcpy(to, from, bytes);
  }
  void copy_to_host(void* to, const void* from, std::size_t bytes) const override {
    log.push_back("download");
    std::memcpy(to, from, bytes);
  }
  void copy_on_device(void* to, const void* from, std::size_t bytes) const override {
    log.push_back("on device");
    std::memcpy(to, from, bytes);
    read_ = from;
  }
  void synchronize() const override { log.push_back("synchronize"); }
  std::shared_ptr<void> capture(const std::function<void()>&) const override {
    throw std::runtime_error("no graphs here");  // the plans run step by step
  }
  void launch(const std::shared_ptr<void>&) const override {}

  // The copy stream: a queue of copies, each run when something waits for its event.
  std::shared_ptr<void> make_event() const override { return std::make_shared<int>(0); }
  void copy_ahead(void* to, const void* from, std::size_t bytes, void* after,
                  void* copied) const override {
    log.push_back("copy ahead");
    slots.insert(from);
    // The stream's last copy out of `to` must be done first: the event recorded after it.
    auto read = read_then_recorded_.find(to);
    if (read != read_then_recorded_.end() && read->second != after)
      throw std::logic_error("a copy ahead into memory the stream may still read");
    run_copies_until(after);
    queue_.push_back({copied, [=] { std::memcpy(to, from, bytes); }});
  }
  void record(void* event) const override {
    log.push_back("record");
    if (read_) read_then_recorded_[read_] = event;
    read_ = nullptr;
    run_copies_until(event);  // the device's stream: done as queued
  }
  void wait_for(void* event) const override {
    log.push_back("wait for copy");
    run_copies_until(event);
  }
  void wait_host(void* event) const override {
    log.push_back("host waits");
    run_copies_until(event);
  }

 private:
  void run_copies_until(void* event) const {
    bool queued = false;
    for (const auto& c : queue_) queued = queued || c.first == event;
    while (queued) {
      auto [recorded, copy] = queue_.front();
      queue_.pop_front();
      copy();
      queued = recorded != event;
    }
  }
  mutable std::deque<std::pair<void*, std::function<void()>>> queue_;
  // Device memory copied from on the stream, and the event recorded after that copy.
  mutable const void* read_ = nullptr;
  mutable std::map<const void*, void*> read_then_recorded_;
};

// Made once per process: the process's device values belong to the first device.
const LoggingDevice& device() {
  static const LoggingDevice* made = [] {
    auto* d = new LoggingDevice();
    K::detail::set_device_for_tests(d);
    return d;
  }();
  return *made;
}

// KERAS_CUDA_OVERLAP set while alive.
class ScopedOverlap {
 public:
  explicit ScopedOverlap(const char* value) { setenv("KERAS_CUDA_OVERLAP", value, 1); }
  ~ScopedOverlap() { unsetenv("KERAS_CUDA_OVERLAP"); }
};

// The next batch, as the Trainer hands it over.
class Next final : public K::detail::NextInputs {
 public:
  explicit Next(const std::vector<Tensor>* batch) : batch_(batch) {}
  const std::vector<Tensor>* next() override {
    ++calls;
    return batch_;
  }
  int calls = 0;

 private:
  const std::vector<Tensor>* batch_;
};

std::size_t count(const std::vector<std::string>& log, const std::string& what) {
  return static_cast<std::size_t>(std::count(log.begin(), log.end(), what));
}

float first(const std::vector<Tensor>& outs) {
  return outs[0].data<float>()[0];
}

}  // namespace

// A function's runs with and without inputs copied ahead: the run after a copy ahead takes it
// only when it is the next run on the vector handed over; any other run copies its own inputs.
TEST(CopyAhead, TheNextRunTakesTheInputsCopiedAhead) {
  const LoggingDevice& fake = device();
  keras::testing::ScopedBackend reference("reference");
  ASSERT_TRUE(K::detail::runs_copy_ahead());
  auto w = K::variable(Tensor::full({2}, 1.0), "w");
  auto x = K::placeholder({-1, 2});
  K::Function f({x}, {K::sum(x * w, {1})}, {{w, w + 1.0}});  // w goes 1, 2, 3, ...
  auto batch = [](float v, std::int64_t rows = 1) {
    return std::vector<Tensor>{Tensor::full({rows, 2}, v)};
  };
  const auto b0 = batch(1), b1 = batch(10), b2 = batch(100), b3 = batch(1000), wide = batch(7, 3);
  const std::uint64_t taken = runs_with_inputs_ahead();

  Next to_b1(&b1);
  {
    K::detail::RunAhead ahead(to_b1);
    EXPECT_EQ(first(f.run(b0)), 2.0f);  // 1 * 1 * 2
  }
  EXPECT_EQ(to_b1.calls, 1);
  fake.log.clear();
  EXPECT_EQ(first(f.run(b1)), 40.0f);  // 10 * 2 * 2, copied ahead
  EXPECT_EQ(runs_with_inputs_ahead(), taken + 1);
  ASSERT_GE(fake.log.size(), 3u);  // waits for the copy, then moves it into place
  EXPECT_EQ(fake.log[0], "wait for copy");
  EXPECT_EQ(fake.log[1], "on device");
  EXPECT_EQ(fake.log[2], "record");
  EXPECT_EQ(count(fake.log, "upload"), 0u);

  Next to_b2(&b2);
  {
    K::detail::RunAhead ahead(to_b2);
    EXPECT_EQ(first(f.run(b1)), 60.0f);  // 10 * 3 * 2
  }
  EXPECT_EQ(first(f.run(b3)), 8000.0f);  // another batch: its own copy
  EXPECT_EQ(first(f.run(b2)), 1000.0f);  // no longer the next run
  EXPECT_EQ(runs_with_inputs_ahead(), taken + 1);

  Next to_wide(&wide);  // another shape: another plan copies it when it runs
  {
    K::detail::RunAhead ahead(to_wide);
    EXPECT_EQ(first(f.run(b0)), 12.0f);  // 1 * 6 * 2
  }
  EXPECT_EQ(to_wide.calls, 1);
  EXPECT_EQ(first(f.run(wide)), 98.0f);  // 7 * 7 * 2
  EXPECT_EQ(runs_with_inputs_ahead(), taken + 1);

  // An output that is an input is read after the run: the next batch is not read during it.
  K::Function echo({x}, {x});
  Next not_read(&b1);
  {
    K::detail::RunAhead ahead(not_read);
    echo.run(b0);
  }
  EXPECT_EQ(not_read.calls, 0);
}

namespace {

std::unique_ptr<Sequential> classifier() {
  utils::set_random_seed(3);
  auto model = std::make_unique<Sequential>();
  model->add(layers::Dense(16, {.activation = "relu", .input_dim = 8}));
  model->add(layers::BatchNormalization());
  model->add(layers::Dense(3, {.activation = "softmax"}));
  model->compile({.optimizer = optimizers::Adam({.lr = 1e-2}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy"}});
  return model;
}

// The weights after fit, then the predictions and the scores of evaluate.
std::vector<Tensor> fit(const char* overlap) {
  ScopedOverlap scoped(overlap);
  auto model = classifier();
  const auto d = keras::testing::classification_data(100, 8, 3, 5);
  // 100 samples: batches of 32, 32, 32 and 4 (another plan), shuffled.
  model->fit(d.x, d.y, {.batch_size = 32, .epochs = 2, .verbose = 0, .shuffle = true});
  std::vector<Tensor> seen = model->get_weights();
  seen.push_back(model->predict(d.x, {.batch_size = 32}));
  for (double score : model->evaluate(d.x, d.y, {.batch_size = 32, .verbose = 0}))
    seen.push_back(Tensor::full({1}, score, DType::float64));
  return seen;
}

}  // namespace

// fit, predict and evaluate through the Trainer: the same weights, predictions and scores, bit for
// bit, with and without copies ahead; batch
// k+1's copy issued before the wait for step k's outputs; the two pinned slots in turn, each
// refilled after its last copy.
TEST(CopyAhead, FitOverlapsTheNextBatchsCopyWithTheStep) {
  const LoggingDevice& fake = device();
  keras::testing::ScopedBackend reference("reference");
  const std::vector<Tensor> plain = fit("0");
  fake.log.clear();
  fake.slots.clear();
  const std::uint64_t taken = runs_with_inputs_ahead();
  const std::vector<Tensor> overlapped = fit("1");
  const std::vector<std::string> log = fake.log;

  ASSERT_EQ(plain.size(), overlapped.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    ASSERT_EQ(plain[i].nbytes(), overlapped[i].nbytes());
    EXPECT_EQ(std::memcmp(plain[i].raw_data(), overlapped[i].raw_data(), plain[i].nbytes()), 0)
        << "value " << i;
  }
  // Per epoch of fit, and in predict and evaluate: batches 2 and 3 copied ahead; the short last
  // batch has its own plan.
  EXPECT_EQ(runs_with_inputs_ahead(), taken + 8);
  EXPECT_EQ(count(log, "copy ahead"), 8u);
  EXPECT_EQ(count(log, "wait for copy"), 8u);
  EXPECT_EQ(fake.slots.size(), 6u);  // two per plan of 32 rows: fit's, predict's, evaluate's
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i] == "copy ahead") {
      EXPECT_EQ(log[i - 1], "host waits");  // the slot's last copy is done
      // Then this run's outputs come back and the host waits for them: the copy is issued first.
      std::size_t j = i + 1;
      while (j < log.size() && log[j] != "synchronize") {
        EXPECT_NE(log[j], "wait for copy");
        ++j;
      }
      ASSERT_LT(j, log.size());
      EXPECT_EQ(log[j - 1], "download");
    }
    if (log[i] == "wait for copy") {
      ASSERT_LT(i + 2, log.size());
      EXPECT_EQ(log[i + 1], "on device");  // moved into the leaves only after the copy
      EXPECT_EQ(log[i + 2], "record");
    }
  }
}

// A callback that stops training after the third batch, whose run read the last one ahead: that
// batch never runs, the epoch is incomplete and is not validated, as without copies ahead.
TEST(CopyAhead, ABatchReadAheadOfAStopDoesNotCompleteTheEpoch) {
  device();
  keras::testing::ScopedBackend reference("reference");
  ScopedOverlap scoped("1");
  auto model = classifier();
  const auto d = keras::testing::classification_data(100, 8, 3, 5);
  int batches = 0;
  auto stop = std::make_shared<callbacks::LambdaCallback>(
      callbacks::LambdaCallbackOptions{.on_batch_end = [&](int batch, callbacks::Logs&) {
        ++batches;
        if (batch == 2) model->stop_training = true;
      }});
  const std::uint64_t taken = runs_with_inputs_ahead();
  callbacks::History history = model->fit(d.x, d.y,
                                          {.batch_size = 32,
                                           .epochs = 2,
                                           .verbose = 0,
                                           .callbacks = {stop},
                                           .validation_data = std::pair{Arrays{d.x}, Arrays{d.y}}});
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(runs_with_inputs_ahead(), taken + 2);  // the 2nd and 3rd batches; the 4th read, unrun
  EXPECT_EQ(history.history.count("val_loss"), 0u);
  EXPECT_EQ(history.history.count("loss"), 1u);
}
