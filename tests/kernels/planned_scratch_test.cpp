// Kernels' scratch is planned: each kernel's prepare function says at plan time how many bytes it
// needs while it runs, the plan records the largest request, the compiled function holds one
// region that large for its steps and plans (they run one at a time), and the kernels take their
// pieces of it through one layout (kernels/kernel.h's ScratchLayout) instead of thread_local
// buffers of their own.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "kernels/kernel.h"
#include "testing/tensor_utils.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::Tensor;
using keras::backend::OpKind;
using keras::backend::SymbolicTensor;
using keras::kernels::KernelCall;
using keras::kernels::ScratchLayout;
using keras::testing::ScopedBackend;

TEST(ScratchLayout, CountsThenHandsOutTheSamePieces) {
  ScratchLayout counting = ScratchLayout::counting();
  EXPECT_EQ(counting.take<float>(3), nullptr);
  EXPECT_EQ(counting.take<double>(10), nullptr);
  EXPECT_EQ(counting.bytes(), 64u + 128u);  // each piece 64-byte aligned

  std::vector<char> memory(counting.bytes());
  KernelCall call;
  call.scratch = memory.data();
  call.scratch_bytes = memory.size();
  ScratchLayout running(call);
  EXPECT_EQ(static_cast<void*>(running.take<float>(3)), memory.data());
  EXPECT_EQ(static_cast<void*>(running.take<double>(10)), memory.data() + 64);
  try {
    running.take<float>(1);
    FAIL() << "a piece beyond the planned scratch was handed out";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("than its step was planned with (192)"), std::string::npos)
        << e.what();
  }
}

TEST(ScratchLayout, AStepPlannedWithoutScratchIsAClearError) {
  KernelCall call;
  ScratchLayout running(call);
  EXPECT_THROW(running.take<float>(1), std::logic_error);
}

struct RecurrentRun {
  std::vector<Tensor> values;
  std::string kernels;  // what KERAS_LOG_KERNELS printed for the plan
};

// "... kernel scratch N bytes" of a KERAS_LOG_KERNELS log.
std::size_t plan_scratch(const std::string& log) {
  const std::string key = "kernel scratch ";
  const auto at = log.find(key);
  EXPECT_NE(at, std::string::npos) << log;
  return at == std::string::npos ? 0 : std::stoul(log.substr(at + key.size()));
}

// An LSTM or GRU sequence, its loss and the gradients of both its inputs, on one backend.
RecurrentRun run_recurrent(const std::string& backend, K::RnnCell cell, int threads) {
  ScopedBackend scoped(backend);
  const std::int64_t time = 8, batch = 32, units = 32;
  const std::int64_t gates = cell == K::RnnCell::kLSTM ? 4 : 3;
  std::mt19937_64 rng(7);
  auto xproj = K::variable(
      keras::testing::random_tensor({time, batch, gates * units}, DType::float32, rng), "xproj");
  auto u = K::variable(
      keras::testing::random_tensor({units, gates * units}, DType::float32, rng, -0.3, 0.3), "u");
  SymbolicTensor y = K::slice(K::recurrent(xproj, u, {.cell = cell}), 2, 0, units);
  SymbolicTensor loss = K::sum(y * y);
  auto grads = K::gradients(loss, {xproj, u});
  EXPECT_EQ(setenv("KERAS_LOG_KERNELS", "1", 1), 0);
  K::Function f({}, {loss, grads[0], grads[1]});
  EXPECT_EQ(unsetenv("KERAS_LOG_KERNELS"), 0);
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  ::testing::internal::CaptureStderr();
  RecurrentRun run;
  run.values = f({});
  run.kernels = ::testing::internal::GetCapturedStderr();
  omp_set_num_threads(before);
  return run;
}

// Batch 32 of 32 units: the cpu kernels split the batch over both threads, which then share the
// step's scratch row by row.
TEST(PlannedScratch, RecurrentStepsSplitOverThreadsMatchReference) {
  for (K::RnnCell cell : {K::RnnCell::kLSTM, K::RnnCell::kGRU}) {
    for (int threads : {1, 2}) {
      SCOPED_TRACE("cell " + std::to_string(static_cast<int>(cell)) + ", " +
                   std::to_string(threads) + " threads");
      const RecurrentRun cpu = run_recurrent("cpu", cell, threads);
      const RecurrentRun reference = run_recurrent("reference", cell, 1);
      ASSERT_EQ(cpu.values.size(), reference.values.size());
      for (std::size_t k = 0; k < cpu.values.size(); ++k)
        EXPECT_TRUE(keras::testing::all_close(cpu.values[k], reference.values[k], 1e-4, 1e-4))
            << "output " << k;
      EXPECT_EQ(plan_scratch(cpu.kernels), plan_scratch(reference.kernels));
    }
  }
}

// The region is the largest step's need, not the sum: for the LSTM (batch 32, 32 units, float32)
// RecurrentGrad's eight (batch, units) rows and U^T (32 x 128) take 8 * 4096 + 16384 bytes, more
// than the forward step's 3 * 4096 or RecurrentGradWeights' 4096 + 9 * 4096.
TEST(PlannedScratch, OneRegionAsLargeAsTheLargestStep) {
  const RecurrentRun lstm = run_recurrent("reference", K::RnnCell::kLSTM, 1);
  EXPECT_EQ(plan_scratch(lstm.kernels), 8u * 4096u + 16384u);
  EXPECT_NE(lstm.kernels.find("reference::recurrent_grad (scratch 49152 bytes)"), std::string::npos)
      << lstm.kernels;
  EXPECT_NE(lstm.kernels.find("reference::recurrent (scratch 12288 bytes)"), std::string::npos)
      << lstm.kernels;

  ScopedBackend scoped("reference");
  auto x = K::placeholder({-1, 4}, DType::float32, "x");
  auto w = K::variable(Tensor::full({4, 3}, 0.5), "w");
  ASSERT_EQ(setenv("KERAS_LOG_KERNELS", "1", 1), 0);
  K::Function dense({x}, {K::dot(x, w)});
  ASSERT_EQ(unsetenv("KERAS_LOG_KERNELS"), 0);
  ::testing::internal::CaptureStderr();
  dense({Tensor::full({2, 4}, 1.0)});
  EXPECT_EQ(plan_scratch(::testing::internal::GetCapturedStderr()), 0u);  // none asks for any
}

}  // namespace
