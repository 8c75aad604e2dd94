// After the first batch, the training loop allocates nothing: a counting operator new proves it.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "keras/keras.h"

namespace {
std::atomic<long> g_allocations{0};
}

// GCC 12 flags the free() below as mismatched with operator new, not seeing that this operator
// new is the malloc-based one replaced here (a false positive that -Werror builds fail on).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace keras;
using namespace keras::layers;

namespace {
std::unique_ptr<Sequential> mlp() {
  auto model = std::make_unique<Sequential>();
  model->add(Dense(32, {.activation = "relu", .input_dim = 20}));
  model->add(Dropout(0.2));
  model->add(Dense(5, {.activation = "softmax"}));
  model->compile({.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  return model;
}

long allocations_of_fit(Sequential& model, std::int64_t samples) {
  Tensor x = Tensor::full({samples, 20}, 0.5);
  Tensor y = Tensor::full({samples, 5}, 0.2);
  long before = g_allocations.load();
  model.fit(x, y, {.batch_size = 10, .epochs = 2, .verbose = 0});
  return g_allocations.load() - before;
}
}  // namespace

TEST(NoAllocation, CompiledTrainStepAllocatesNothingAfterTheFirstRun) {
  namespace K = keras::backend;
  auto x = K::placeholder({-1, 20});
  auto t = K::placeholder({-1, 5});
  auto w = K::variable(Tensor::full({20, 5}, 0.01));
  auto b = K::variable(Tensor({5}));
  auto loss = K::mean(K::categorical_crossentropy(t, K::softmax(K::dot(x, w) + b)));
  auto grads = K::gradients(loss, {w, b});
  K::Function step({x, t}, {loss}, {{w, w - grads[0] * 0.1}, {b, b - grads[1] * 0.1}});
  std::vector<Tensor> feed{Tensor::full({8, 20}, 1.0), Tensor::full({8, 5}, 0.2)};
  step.run(feed);
  long before = g_allocations.load();
  for (int i = 0; i < 50; ++i) step.run(feed);
  EXPECT_EQ(g_allocations.load() - before, 0);
}

TEST(NoAllocation, FitAllocationsDoNotGrowWithTheNumberOfBatches) {
  auto model = mlp();
  allocations_of_fit(*model, 40);  // compiles and plans
  long few = allocations_of_fit(*model, 40);     // 4 batches per epoch
  long many = allocations_of_fit(*model, 400);   // 40 batches per epoch
  EXPECT_EQ(few, many) << "the batch loop allocated";
}
