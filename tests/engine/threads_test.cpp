// A model used from several threads at once, and the calling thread's floating-point state
// (MXCSR), which a run may change only while it computes.
#include <gtest/gtest.h>
#include <xmmintrin.h>

#include <atomic>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "keras/keras.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;

namespace {

using keras::testing::random_normal;

std::unique_ptr<Sequential> classifier() {
  auto model = std::make_unique<Sequential>();
  model->add(Dense(64, {.activation = "relu", .input_dim = 20}));
  model->add(Dense(64, {.activation = "tanh"}));
  model->add(Dense(5, {.activation = "softmax"}));
  model->compile({.optimizer = "sgd", .loss = "categorical_crossentropy"});
  return model;
}

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()) == 0;
}

constexpr unsigned kFlushBits = 0x8040;  // FTZ | DAZ

}  // namespace

// Before the lock, threads running the same plan wrote each other's scratch memory: softmax rows
// that did not sum to 1, values outside [0, 1].
TEST(Threads, PredictOnTheSameModelFromSeveralThreadsGivesTheOneThreadNumbers) {
  auto model = classifier();
  const Tensor x = random_normal({96, 20}, 1);
  const Tensor expected = model->predict(x, {.batch_size = 32});
  constexpr int kThreads = 4, kRounds = 25;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int r = 0; r < kRounds; ++r)
        if (!same_bytes(model->predict(x, {.batch_size = 32}), expected)) ++wrong;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Threads, EvaluateAndPredictOnBatchFromSeveralThreadsAgreeWithOneThread) {
  auto model = classifier();
  const Tensor x = random_normal({64, 20}, 2);
  std::vector<std::int64_t> labels(64);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 5);
  const Tensor y = utils::to_categorical(Tensor::from_vector(labels), 5);
  const double loss = model->evaluate(x, y, {.batch_size = 16, .verbose = 0}).front();
  const Tensor batch = model->predict_on_batch(x);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 20; ++r) {
        if (t % 2 == 0 && model->evaluate(x, y, {.batch_size = 16, .verbose = 0}).front() != loss)
          ++wrong;
        if (t % 2 == 1 && !same_bytes(model->predict_on_batch(x), batch)) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

// The first predict of each thread builds the compiled function: made once, under a lock.
TEST(Threads, TheFirstPredictFromSeveralThreadsAtOnceBuildsOneFunction) {
  auto model = classifier();
  const Tensor x = random_normal({8, 20}, 3);
  std::vector<Tensor> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t)
    threads.emplace_back([&, t] { results[t] = model->predict(x); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_TRUE(same_bytes(r, results.front()));
}

// fit and predict on the same model interleave batch by batch: every prediction is made with
// the weights of some whole step (softmax rows sum to 1), none fails.
TEST(Threads, PredictWhileAnotherThreadFitsSeesWholeSteps) {
  auto model = classifier();
  const Tensor x = random_normal({256, 20}, 4);
  std::vector<std::int64_t> labels(256);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 5);
  const Tensor y = utils::to_categorical(Tensor::from_vector(labels), 5);
  std::atomic<bool> done{false};
  std::thread trainer([&] {
    model->fit(x, y, {.batch_size = 8, .epochs = 3, .verbose = 0});
    done = true;
  });
  int rounds = 0, bad_rows = 0;
  while (!done || rounds == 0) {
    Tensor p = model->predict(x, {.batch_size = 64});
    for (std::int64_t r = 0; r < p.shape()[0]; ++r) {
      double sum = 0;
      for (std::int64_t c = 0; c < 5; ++c) sum += p.data<float>()[r * 5 + c];
      if (std::abs(sum - 1.0) > 1e-4) ++bad_rows;
    }
    ++rounds;
  }
  trainer.join();
  EXPECT_EQ(bad_rows, 0);
}

// A K::function called from several threads: operator() copies the results under the lock.
TEST(Threads, AFunctionCalledFromSeveralThreadsGivesTheOneThreadNumbers) {
  namespace K = keras::backend;
  auto a = K::placeholder({-1, 32}, DType::float32, "a");
  auto w = K::variable(random_normal({32, 32}, 5));
  auto f = K::function({a}, {K::softmax(K::tanh(K::dot(a, w)))});
  const Tensor x = random_normal({16, 32}, 6);
  const Tensor expected = f({x}).front();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int r = 0; r < 50; ++r)
        if (!same_bytes(f({x}).front(), expected)) ++wrong;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

// Denormals are flushed while the library computes, but the caller's MXCSR is its own again
// afterwards: its subnormal arithmetic keeps working.
TEST(Denormals, PredictAndFitLeaveTheCallersMxcsrAsItWas) {
  const unsigned before = _mm_getcsr();
  ASSERT_EQ(before & kFlushBits, 0u) << "the test process started with FTZ/DAZ on";
  auto model = classifier();
  const Tensor x = random_normal({32, 20}, 7);
  std::vector<std::int64_t> labels(32, 1);
  const Tensor y = utils::to_categorical(Tensor::from_vector(labels), 5);
  model->predict(x);
  EXPECT_EQ(_mm_getcsr() & kFlushBits, 0u) << "predict left FTZ/DAZ on";
  model->fit(x, y, {.batch_size = 8, .epochs = 1, .verbose = 0});
  model->evaluate(x, y, {.verbose = 0});
  EXPECT_EQ(_mm_getcsr() & kFlushBits, 0u) << "fit/evaluate left FTZ/DAZ on";
  volatile float tiny = 1e-40f;  // subnormal
  volatile float one = 1.0f;
  EXPECT_NE(tiny * one, 0.0f);
}

TEST(Denormals, ACallerThatFlushesItselfKeepsItsSetting) {
  const unsigned before = _mm_getcsr();
  _mm_setcsr(before | kFlushBits);
  auto model = classifier();
  model->predict(random_normal({4, 20}, 8));
  EXPECT_EQ(_mm_getcsr() & kFlushBits, kFlushBits);
  _mm_setcsr(before);
}
