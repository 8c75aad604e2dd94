// After the first batch, the training loop allocates nothing: a counting operator new proves it.
// oneDNN's dnnl_primitive_execute builds a small argument map on every call, inside libdnnl
// (beyond what its public API lets a caller avoid); allocations made directly by libdnnl's code
// are not counted, everything keras.cpp does is.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "keras/keras.h"

namespace {
std::atomic<long> g_allocations{0};

// A fixed thread team. Under the adaptive budget (cpu::ThreadBudget), a run granted another team
// while other processes keep the cores busy (ctest -j2) makes the convolutions' primitives again
// for it, once per change of the grant: an allocation by design, not the batch loop's. Set before
// main, so before the budget is made and reads it.
const bool kFixedTeam = setenv("KERAS_ADAPTIVE_THREADS", "0", 1) == 0;
}  // namespace

// GCC 12 flags the free() below as mismatched with operator new, not seeing that this operator
// new is the malloc-based one replaced here (a false positive that -Werror builds fail on).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
bool called_from_onednn(void* caller) {
  Dl_info info;
  return dladdr(caller, &info) && info.dli_fname && std::strstr(info.dli_fname, "libdnnl");
}
}  // namespace

void* operator new(std::size_t size) {
  if (!called_from_onednn(__builtin_return_address(0)))
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
  model->add(Dense(32, {.activation = "relu", .input_dim = 20}));
  model->add(Dropout(0.2));
  model->add(Dense(5, {.activation = "softmax"}));
  model->compile(
      {.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
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
  allocations_of_fit(*model, 40);               // compiles and plans
  long few = allocations_of_fit(*model, 40);    // 4 batches per epoch
  long many = allocations_of_fit(*model, 400);  // 40 batches per epoch
  EXPECT_EQ(few, many) << "the batch loop allocated";
}

// convolution and pooling: the oneDNN primitives are made on a step's first run and reused.
TEST(NoAllocation, CnnFitAllocationsDoNotGrowWithTheNumberOfBatches) {
  Sequential model;
  model.add(Conv2D(4, {3, 3}, {.activation = "relu", .input_shape = Shape{8, 8, 1}}));
  model.add(MaxPooling2D({2, 2}));
  model.add(Conv2D(4, {3, 3}, {.padding = "same"}));
  model.add(AveragePooling2D({2, 2}));
  model.add(Flatten());
  model.add(Dense(5, {.activation = "softmax"}));
  model.compile({.optimizer = "adam", .loss = "categorical_crossentropy"});
  auto allocations = [&](std::int64_t samples) {
    Tensor x = Tensor::full({samples, 8, 8, 1}, 0.5);
    Tensor y = Tensor::full({samples, 5}, 0.2);
    long before = g_allocations.load();
    model.fit(x, y, {.batch_size = 10, .epochs = 2, .verbose = 0});
    return g_allocations.load() - before;
  };
  allocations(20);
  long few = allocations(20);    // 2 batches per epoch
  long many = allocations(100);  // 10 batches per epoch
  EXPECT_EQ(few, many) << "the batch loop allocated";
}
