// fit with sample weights or class weights allocates nothing per batch: allocations do not grow
// with the number of batches (a counting operator new, as no_allocation_test).
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
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace keras;
using namespace keras::layers;

namespace {

std::unique_ptr<Sequential> mlp() {
  auto model = std::make_unique<Sequential>();
  model->add(Dense(16, {.activation = "relu", .input_dim = 10}));
  model->add(Dropout(0.2));
  model->add(Dense(4, {.activation = "softmax"}));
  model->compile(
      {.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  return model;
}

Tensor one_hot_targets(std::int64_t samples) {
  Tensor y({samples, 4});
  for (std::int64_t i = 0; i < samples; ++i) y.at<float>(i, i % 4) = 1.0f;
  return y;
}

long allocations_of_fit(Sequential& model, std::int64_t samples, bool by_class) {
  Tensor x = Tensor::full({samples, 10}, 0.5);
  Tensor y = one_hot_targets(samples);
  Tensor w({samples});
  for (std::int64_t i = 0; i < samples; ++i) w.data<float>()[i] = static_cast<float>(i % 3);
  FitOptions options{.batch_size = 10, .epochs = 2, .verbose = 0, .validation_split = 0.2};
  if (by_class)
    options.class_weight = {{0, 1.0}, {1, 2.0}, {2, 0.5}, {3, 1.5}};
  else
    options.sample_weight = w;
  long before = g_allocations.load();
  model.fit(x, y, options);
  return g_allocations.load() - before;
}

}  // namespace

TEST(SampleWeightAllocation, FitWithSampleWeightsDoesNotAllocatePerBatch) {
  auto model = mlp();
  allocations_of_fit(*model, 50, false);               // compiles and plans
  long few = allocations_of_fit(*model, 50, false);    // 4 batches per epoch
  long many = allocations_of_fit(*model, 500, false);  // 40 batches per epoch
  EXPECT_EQ(few, many) << "the batch loop allocated";
}

TEST(SampleWeightAllocation, FitWithClassWeightsDoesNotAllocatePerBatch) {
  auto model = mlp();
  allocations_of_fit(*model, 50, true);
  long few = allocations_of_fit(*model, 50, true);
  long many = allocations_of_fit(*model, 500, true);
  EXPECT_EQ(few, many) << "the batch loop allocated";
}
