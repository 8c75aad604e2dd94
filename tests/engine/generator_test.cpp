// fit_generator / evaluate_generator / predict_generator: equal to the array methods on the same
// batches, Keras 1 sample counting vs Keras 2 steps, and the producer thread's error handling.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <stdexcept>
#include <thread>

#include "keras/keras.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;

namespace {

using keras::testing::random_normal;

struct Data {
  Tensor x, y;
};

Data blobs(std::int64_t n, std::uint32_t seed) {
  Tensor x = random_normal({n, 6}, seed);
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x.data<float>() + i * 6;
    labels.push_back(std::max_element(row, row + 3) - row);
  }
  return {x, utils::to_categorical(Tensor::from_vector(labels), 3)};
}

std::unique_ptr<Sequential> model_with_seed(std::uint64_t seed) {
  utils::set_random_seed(seed);
  auto model = std::make_unique<Sequential>();
  model->add(Dense(8, {.activation = "relu", .input_dim = 6}));
  model->add(Dropout(0.2));
  model->add(Dense(3, {.activation = "softmax"}));
  model->compile(
      {.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  return model;
}

// The batches fit(shuffle=false) makes: rows [i * size, (i + 1) * size), copied.
std::vector<Batch> batches_of(const Data& data, std::int64_t size, int repeat = 1) {
  std::vector<Batch> out;
  const std::int64_t n = data.x.shape()[0];
  for (int r = 0; r < repeat; ++r)
    for (std::int64_t start = 0; start < n; start += size) {
      std::int64_t end = std::min(start + size, n);
      out.push_back({data.x.slice(start, end).clone(), data.y.slice(start, end).clone()});
    }
  return out;
}

// An endless generator cycling over `batches`.
Generator cycle(std::vector<Batch> batches) {
  auto state = std::make_shared<std::pair<std::vector<Batch>, std::size_t>>(std::move(batches), 0);
  return [state] { return state->first[state->second++ % state->first.size()]; };
}

void expect_same_weights(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i].to_vector<float>(), b[i].to_vector<float>()) << "weight " << i;
}

class CountBatches : public callbacks::Callback {
 public:
  void on_batch_end(int, callbacks::Logs& logs) override {
    ++batches;
    samples += static_cast<std::int64_t>(logs.at("size"));
  }
  int batches = 0;
  std::int64_t samples = 0;
};

}  // namespace

TEST(FitGenerator, EqualsFitOnTheSameBatchesInTheSameOrder) {
  Data data = blobs(50, 1);
  auto by_fit = model_with_seed(42);
  auto by_range = model_with_seed(42);
  auto by_callable = model_with_seed(42);
  auto h_fit =
      by_fit->fit(data.x, data.y, {.batch_size = 10, .epochs = 3, .verbose = 0, .shuffle = false});
  // A range of all 15 batches (three epochs of five), and an endless callable on the caller's
  // thread.
  auto h_range = by_range->fit_generator(batches_of(data, 10, 3),
                                         {.steps_per_epoch = 5, .epochs = 3, .verbose = 0});
  auto h_callable = by_callable->fit_generator(
      cycle(batches_of(data, 10)), {.steps_per_epoch = 5, .epochs = 3, .verbose = 0, .workers = 0});
  expect_same_weights(by_fit->get_weights(), by_range->get_weights());
  expect_same_weights(by_fit->get_weights(), by_callable->get_weights());
  for (const char* key : {"loss", "acc"}) {
    EXPECT_EQ(h_fit.history.at(key), h_range.history.at(key)) << key;
    EXPECT_EQ(h_fit.history.at(key), h_callable.history.at(key)) << key;
  }
  EXPECT_EQ(h_range.epoch, (std::vector<int>{0, 1, 2}));
}

TEST(FitGenerator, Keras1SamplesPerEpochEqualsKeras2Steps) {
  Data data = blobs(40, 2);
  auto k1 = model_with_seed(5), k2 = model_with_seed(5);
  auto count1 = std::make_shared<CountBatches>(), count2 = std::make_shared<CountBatches>();
  auto h1 = k1->fit_generator(cycle(batches_of(data, 8)), {.samples_per_epoch = 40,
                                                           .nb_epoch = 2,
                                                           .verbose = 0,
                                                           .callbacks = {count1},
                                                           .max_q_size = 3});
  auto h2 =
      k2->fit_generator(cycle(batches_of(data, 8)),
                        {.steps_per_epoch = 5, .epochs = 2, .verbose = 0, .callbacks = {count2}});
  expect_same_weights(k1->get_weights(), k2->get_weights());
  EXPECT_EQ(h1.history.at("loss"), h2.history.at("loss"));
  EXPECT_EQ(count1->batches, 10);
  EXPECT_EQ(count2->batches, 10);

  // 36 samples per epoch in batches of 8: Keras 1 ends the epoch after 5 batches (40 samples)
  // and warns that the epoch overshot.
  auto k1_over = model_with_seed(5);
  auto count = std::make_shared<CountBatches>();
  ::testing::internal::CaptureStderr();
  k1_over->fit_generator(
      cycle(batches_of(data, 8)),
      {.samples_per_epoch = 36, .nb_epoch = 2, .verbose = 0, .callbacks = {count}});
  std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(count->batches, 10);
  EXPECT_EQ(count->samples, 80);
  EXPECT_NE(warnings.find("Epoch comprised more than `samples_per_epoch` samples"),
            std::string::npos)
      << warnings;
}

TEST(FitGenerator, ValidationByGeneratorOrArraysAndHistoryKeys) {
  Data train = blobs(30, 3), val = blobs(12, 4);
  auto model = model_with_seed(9);
  auto history = model->fit_generator(cycle(batches_of(train, 10)),
                                      {.steps_per_epoch = 3,
                                       .epochs = 2,
                                       .verbose = 0,
                                       .validation_data = cycle(batches_of(val, 4)),
                                       .validation_steps = 3});
  for (const char* key : {"loss", "acc", "val_loss", "val_acc"})
    EXPECT_EQ(history.history.at(key).size(), 2u) << key;
  // The last validation ran with the final weights: it equals evaluate on the same data.
  std::vector<double> direct = model->evaluate(val.x, val.y, {.batch_size = 4, .verbose = 0});
  EXPECT_NEAR(history.history["val_loss"].back(), direct[0], 1e-6);
  EXPECT_NEAR(history.history["val_acc"].back(), direct[1], 1e-6);

  // Arrays as (x, y, sample_weight), Keras 1 counting for the validation generator is
  // nb_val_samples.
  Tensor w = Tensor::full({12}, 2.0);
  w.data<float>()[0] = 0;
  history = model->fit_generator(cycle(batches_of(train, 10)),
                                 {.steps_per_epoch = 3,
                                  .epochs = 1,
                                  .verbose = 0,
                                  .validation_data = std::tuple{val.x, val.y, w}});
  EXPECT_NEAR(
      history.history.at("val_loss")[0],
      model->evaluate(val.x, val.y, {.batch_size = 10, .verbose = 0, .sample_weight = w})[0], 1e-6);
  history = model->fit_generator(cycle(batches_of(train, 10)),
                                 {.samples_per_epoch = 30,
                                  .nb_epoch = 1,
                                  .verbose = 0,
                                  .validation_data = cycle(batches_of(val, 4)),
                                  .nb_val_samples = 12});
  EXPECT_NEAR(history.history.at("val_loss")[0],
              model->evaluate(val.x, val.y, {.batch_size = 4, .verbose = 0})[0], 1e-6);
}

TEST(FitGenerator, ClassWeightAndBatchSampleWeights) {
  Data data = blobs(24, 5);
  const ClassWeight class_weight{{0, 0.5}, {1, 2.0}, {2, 1.0}};
  std::vector<Batch> weighted = batches_of(data, 8);
  for (Batch& b : weighted) {
    Tensor w({b.x.front().shape()[0]});
    for (std::int64_t i = 0; i < w.numel(); ++i) {
      std::int64_t cls = 0;
      for (std::int64_t k = 1; k < 3; ++k)
        if (b.y.front()(i, k) > b.y.front()(i, cls)) cls = k;
      w.data<float>()[i] = static_cast<float>(class_weight.at(cls));
    }
    b.sample_weight = w;
  }
  auto by_class = model_with_seed(6), by_sample = model_with_seed(6);
  by_class->fit_generator(batches_of(data, 8),
                          {.steps_per_epoch = 3, .verbose = 0, .class_weight = class_weight});
  by_sample->fit_generator(weighted, {.steps_per_epoch = 3, .verbose = 0});
  expect_same_weights(by_class->get_weights(), by_sample->get_weights());
}

TEST(FitGenerator, GeneratorExceptionsReachTheCallerAndTheThreadIsJoined) {
  Data data = blobs(20, 6);
  auto model = model_with_seed(1);
  auto token = std::make_shared<int>(0);  // owned by the generator's copies
  auto calls = std::make_shared<std::atomic<int>>(0);
  Generator failing = [token, calls, batches = batches_of(data, 5)]() -> Batch {
    int call = (*calls)++;
    if (call == 6) throw std::out_of_range("no batch number 6");
    return batches[static_cast<std::size_t>(call) % batches.size()];
  };
  try {
    model->fit_generator(std::move(failing), {.steps_per_epoch = 4, .epochs = 3, .verbose = 0});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("no batch number 6"), std::string::npos) << message;
    EXPECT_NE(message.find("fit_generator (epoch 2, step 2)"), std::string::npos) << message;
    EXPECT_THROW(std::rethrow_if_nested(e), std::out_of_range);
  }
  // The thread was joined and the generator destroyed before fit_generator threw.
  EXPECT_EQ(token.use_count(), 1);
  EXPECT_EQ(calls->load(), 7);

  // An early stop (a callback setting stop_training) also joins the thread at once.
  struct StopAtFirstBatch : callbacks::Callback {
    void on_batch_end(int, callbacks::Logs&) override { model()->stop_training = true; }
  };
  auto endless_calls = std::make_shared<std::atomic<int>>(0);
  Generator endless = [token, endless_calls, batches = batches_of(data, 5)] {
    ++*endless_calls;
    return batches[0];
  };
  auto history =
      model->fit_generator(std::move(endless), {.steps_per_epoch = 1000,
                                                .epochs = 5,
                                                .verbose = 0,
                                                .callbacks = {std::make_shared<StopAtFirstBatch>()},
                                                .max_queue_size = 2});
  EXPECT_EQ(history.epoch.size(), 1u);
  EXPECT_EQ(token.use_count(), 1);
  int after = endless_calls->load();
  EXPECT_LE(after, 1 + 2 + 1);  // the consumed batch, a full queue, one in flight
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(endless_calls->load(), after);

  // A range that ends too early.
  try {
    model->fit_generator(batches_of(data, 5), {.steps_per_epoch = 4, .epochs = 2, .verbose = 0});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ran out of data"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("epoch 2, step 0"), std::string::npos) << e.what();
  }
}

TEST(FitGenerator, KerasArgumentErrors) {
  Data data = blobs(10, 7);
  auto model = model_with_seed(2);
  auto message = [&](const FitGeneratorOptions& options) {
    try {
      model->fit_generator(cycle(batches_of(data, 5)), options);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("(no exception)");
  };
  EXPECT_NE(message({.verbose = 0})
                .find("`steps_per_epoch=None` is only valid for a generator based on the "
                      "`keras.utils.Sequence` class"),
            std::string::npos);
  EXPECT_NE(
      message({.steps_per_epoch = 2, .verbose = 0, .validation_data = cycle(batches_of(data, 5))})
          .find("`validation_steps=None` is only valid"),
      std::string::npos);
  EXPECT_NE(
      message(
          {.samples_per_epoch = 10, .verbose = 0, .validation_data = cycle(batches_of(data, 5))})
          .find("you must specify a value for \"nb_val_samples\""),
      std::string::npos);
  EXPECT_NE(
      message({.steps_per_epoch = 2, .verbose = 0, .workers = 4}).find("workers must be 0 or 1"),
      std::string::npos);
  EXPECT_NE(message({.steps_per_epoch = 2, .verbose = 0, .use_multiprocessing = true})
                .find("use_multiprocessing"),
            std::string::npos);
  std::vector<Batch> no_targets{{data.x, {}, {}}};
  try {
    model->fit_generator(no_targets, {.steps_per_epoch = 1, .verbose = 0});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "Output of generator should be a tuple `(x, y, sample_weight)` or `(x, y)`"),
              std::string::npos);
  }
}

TEST(EvaluateAndPredictGenerator, MatchEvaluateAndPredict) {
  Data data = blobs(23, 8);
  auto model = model_with_seed(3);
  std::vector<double> direct = model->evaluate(data.x, data.y, {.batch_size = 5, .verbose = 0});
  std::vector<double> by_steps = model->evaluate_generator(batches_of(data, 5), {.steps = 5});
  std::vector<double> by_samples =
      model->evaluate_generator(cycle(batches_of(data, 5)), {.val_samples = 23, .workers = 0});
  ASSERT_EQ(by_steps.size(), direct.size());
  for (std::size_t k = 0; k < direct.size(); ++k) {
    EXPECT_NEAR(by_steps[k], direct[k], 1e-6);
    EXPECT_NEAR(by_samples[k], direct[k], 1e-6);
  }

  Tensor predicted = model->predict(data.x, {.batch_size = 5});
  Tensor by_gen = model->predict_generator(batches_of(data, 5), {.steps = 5, .max_queue_size = 1});
  // predict_generator reads only x: batches without targets are fine.
  std::vector<Batch> inputs_only;
  for (const Batch& b : batches_of(data, 5)) inputs_only.push_back({b.x, {}, {}});
  Tensor by_k1 = model->predict_generator(inputs_only, {.val_samples = 23});
  EXPECT_EQ(by_gen.shape(), predicted.shape());
  EXPECT_EQ(by_gen.to_vector<float>(), predicted.to_vector<float>());
  EXPECT_EQ(by_k1.to_vector<float>(), predicted.to_vector<float>());
  EXPECT_THROW(model->evaluate_generator(batches_of(data, 5)),
               std::invalid_argument);  // neither steps nor val_samples
}
