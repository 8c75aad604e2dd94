// The cuda backend: selecting it where it cannot run (no GPU, no driver, a build without CUDA)
// is a clear error; the ops that run on the host for want of a cuda kernel are listed; and, on a
// machine with a GPU (scripts/gpu_check.sh), every op case against the reference kernels, forward
// and gradients, and the float64 gradchecks. Without a GPU those skip, saying why.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "kernels/kernel.h"
#include "ops/op_def.h"
#include "testing/backend_compare.h"
#include "testing/gpu.h"
#include "testing/gradcheck.h"
#include "testing/op_cases.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::backend::OpKind;
using keras::testing::OpCase;

using keras::testing::cuda_unavailable;

bool mentions(const std::string& text, std::initializer_list<const char*> parts) {
  for (const char* p : parts)
    if (text.find(p) == std::string::npos) return false;
  return true;
}

TEST(CudaBackend, SelectingItWithoutAGpuIsAClearError) {
  const std::string why = cuda_unavailable();
  if (why.empty()) GTEST_SKIP() << "a GPU is present: the cuda backend starts";
  // What was asked for, and what to do instead.
  EXPECT_TRUE(mentions(why, {"cuda backend", "backend 'cpu'", "KERAS_BACKEND"})) << why;
#if defined(KERAS_HAVE_CUDA)
  EXPECT_TRUE(mentions(why, {"GPU", "driver"})) << why;  // why: this machine
#else
  EXPECT_TRUE(mentions(why, {"without CUDA", "-DKERAS_WITH_CUDA=ON"})) << why;  // why: this build
#endif
  const std::string before = K::backend();
  try {
    K::set_backend("cuda");
    ADD_FAILURE() << "set_backend('cuda') succeeded without a GPU";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), why);
  }
  EXPECT_EQ(K::backend(), before);  // unchanged by the failed switch
}

TEST(CudaBackend, ReportsItsNameAndFallsBackVisibly) {
  KERAS_SKIP_WITHOUT_GPU();
  const auto& cuda = keras::kernels::backend_named("cuda");
  EXPECT_STREQ(cuda.name(), "cuda");
  EXPECT_TRUE(cuda.fuses());
  EXPECT_NE(cuda.device(), nullptr);
  EXPECT_STREQ(cuda.kernel(OpKind::kMatMul).name, "cuda::matmul");
  EXPECT_FALSE(cuda.kernel(OpKind::kMatMul).fallback);
  keras::testing::ScopedBackend scoped("cuda");
  EXPECT_EQ(K::backend(), "cuda");
}

// The coverage report: the ops of the table that the cuda backend runs through the host fallback
// (their reference kernel on host copies of their operands). The ops of a Dense network's
// training step, pooling, embeddings' gradient, the recurrent sequences and their gradients and
// the simple ops have kernels of their own.
TEST(CudaCoverage, ListsTheOpsThatRunOnTheHost) {
  std::string host, device;
  int on_host = 0, on_device = 0;
  for (const keras::ops::OpDef& def : keras::ops::op_table()) {
    if (!def.reference.fn) continue;  // the leaves
    std::string& list = def.cuda.fn ? device : host;
    if (!list.empty()) list += ' ';
    list += def.name;
    ++(def.cuda.fn ? on_device : on_host);
  }
  std::printf("cuda kernels (%d ops): %s\nhost fallback (%d ops): %s\n", on_device, device.c_str(),
              on_host, host.c_str());
#if defined(KERAS_HAVE_CUDA)
  const OpKind own_kernels[] = {OpKind::kMatMul,
                                OpKind::kFusedDense,
                                OpKind::kAdd,
                                OpKind::kMul,
                                OpKind::kRelu,
                                OpKind::kSum,
                                OpKind::kMean,
                                OpKind::kSumLike,
                                OpKind::kSoftmax,
                                OpKind::kSoftmaxCrossEntropyGrad,
                                OpKind::kCategoricalCrossentropy,
                                OpKind::kDropoutMask,
                                OpKind::kMaxPool,
                                OpKind::kMaxPoolGrad,
                                OpKind::kAvgPool,
                                OpKind::kAvgPoolGrad,
                                OpKind::kGatherGrad,
                                OpKind::kL2Normalize,
                                OpKind::kRandomUniform,
                                OpKind::kTruncatedNormal,
                                OpKind::kCumsum,
                                OpKind::kCumprod,
                                OpKind::kRecurrent,
                                OpKind::kRecurrentGrad,
                                OpKind::kRecurrentGradWeights};
  for (OpKind op : own_kernels)
    EXPECT_NE(keras::ops::op_def(op).cuda.fn, nullptr) << K::op_name(op);
#else
  EXPECT_EQ(on_device, 0) << "a build without CUDA names cuda kernels: " << device;
#endif
}

// The outputs of one function compiled and run twice on `backend`.
std::vector<std::vector<keras::Tensor>> run_twice(const std::string& backend,
                                                  const std::vector<K::SymbolicTensor>& inputs,
                                                  const std::vector<K::SymbolicTensor>& outputs,
                                                  const std::vector<keras::Tensor>& feed) {
  keras::testing::ScopedBackend scoped(backend);
  K::Function f(inputs, outputs);
  std::vector<std::vector<keras::Tensor>> runs;
  runs.push_back(f(feed));
  runs.push_back(f(feed));
  return runs;
}

bool same_bits(const keras::Tensor& a, const keras::Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()) == 0;
}

// Sums without multiplies run in the reference's order on the GPU: the embedding gradient
// (GatherGrad: 4000 float32 rows into 5), max pooling's gradient over overlapping windows, average
// pooling and cumsum give the reference's bits, run after run (the reproducibility).
TEST(CudaKernels, SumInTheReferenceOrderRunAfterRun) {
  KERAS_SKIP_WITHOUT_GPU();
  std::mt19937_64 rng(7);
  const K::SymbolicTensor rows = K::placeholder({5, 8}, DType::float32);
  const K::SymbolicTensor indices = K::placeholder({4000}, DType::int32);
  const K::SymbolicTensor g = K::placeholder({4000, 8}, DType::float32);
  const K::SymbolicTensor x = K::placeholder({4, 17, 15, 3}, DType::float32);
  const K::SymbolicTensor pooled = K::pool2d(x, {3, 3}, {2, 2}, "same");
  const std::vector<K::SymbolicTensor> outputs = {
      K::make_node(OpKind::kGatherGrad, {g, indices, rows}),
      K::gradients(K::sum(K::square(pooled)), {x})[0],
      K::pool2d(x, {3, 2}, {1, 2}, "same", "", "avg"), K::cumsum(g, 0)};
  const std::vector<keras::Tensor> feed = {
      keras::testing::random_tensor({5, 8}, DType::float32, rng),
      keras::testing::random_tensor({4000}, DType::int32, rng, 0, 5),
      keras::testing::random_tensor({4000, 8}, DType::float32, rng),
      keras::testing::random_tensor({4, 17, 15, 3}, DType::float32, rng)};
  const std::vector<K::SymbolicTensor> inputs = {rows, indices, g, x};
  const auto cuda = run_twice("cuda", inputs, outputs, feed);
  const auto reference = run_twice("reference", inputs, outputs, feed);
  const char* names[] = {"GatherGrad", "MaxPoolGrad", "AvgPool", "Cumsum"};
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    EXPECT_TRUE(same_bits(cuda[0][i], cuda[1][i])) << names[i] << ": two runs differ";
    EXPECT_TRUE(same_bits(cuda[0][i], reference[0][i])) << names[i] << ": not the reference's bits";
  }
}

// The recurrent kernels (cuBLASLt products per time step, elementwise cell passes, no atomics)
// give the same bits run after run: an LSTM sequence and its gradients, run step by step and then
// replayed from a CUDA graph.
TEST(CudaKernels, RecurrentSequencesRepeatBitForBit) {
  KERAS_SKIP_WITHOUT_GPU();
  std::mt19937_64 rng(3);
  const K::SymbolicTensor x = K::placeholder({7, 16, 4 * 32}, DType::float32);
  const K::SymbolicTensor u = K::placeholder({32, 4 * 32}, DType::float32);
  const K::SymbolicTensor y = K::recurrent(x, u, {.cell = K::RnnCell::kLSTM, .go_backwards = true});
  const std::vector<K::SymbolicTensor> grads =
      K::gradients(K::sum(K::square(K::slice(y, 2, 0, 32))), {x, u});
  const std::vector<keras::Tensor> feed = {
      keras::testing::random_tensor({7, 16, 4 * 32}, DType::float32, rng),
      keras::testing::random_tensor({32, 4 * 32}, DType::float32, rng)};
  const auto runs = run_twice("cuda", {x, u}, {y, grads[0], grads[1]}, feed);
  const char* names[] = {"Recurrent", "d xproj", "d U"};
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_TRUE(same_bits(runs[0][i], runs[1][i])) << names[i] << ": two runs differ";
}

class CudaVsReferenceForward : public ::testing::TestWithParam<OpCase> {};

TEST_P(CudaVsReferenceForward, Matches) {
  KERAS_SKIP_WITHOUT_GPU();
  for (DType dtype : keras::testing::kDtypes) {
    SCOPED_TRACE(keras::dtype_name(dtype));
    keras::testing::compare_forward("cuda", GetParam(), dtype);
  }
}

class CudaVsReferenceGradients : public ::testing::TestWithParam<OpCase> {};

TEST_P(CudaVsReferenceGradients, Match) {
  KERAS_SKIP_WITHOUT_GPU();
  for (DType dtype : keras::testing::kDtypes) {
    SCOPED_TRACE(keras::dtype_name(dtype));
    keras::testing::compare_gradients("cuda", GetParam(), dtype);
  }
}

// The float64 finite-difference checks of tests/backend/gradients_test.cpp, on the GPU.
class CudaGradcheck : public ::testing::TestWithParam<OpCase> {};

TEST_P(CudaGradcheck, MatchesFiniteDifferences) {
  KERAS_SKIP_WITHOUT_GPU();
  EXPECT_TRUE(keras::testing::gradcheck(GetParam(), "cuda"));
}

std::vector<OpCase> checked_cases() {
  std::vector<OpCase> out;
  for (const OpCase& c : keras::testing::op_cases())
    if (c.grad == keras::testing::GradMode::kCheck) out.push_back(c);
  return out;
}

INSTANTIATE_TEST_SUITE_P(OpCases, CudaVsReferenceForward,
                         ::testing::ValuesIn(keras::testing::op_cases()),
                         keras::testing::case_name);
INSTANTIATE_TEST_SUITE_P(
    OpCases, CudaVsReferenceGradients,
    ::testing::ValuesIn(keras::testing::with_gradients(keras::testing::op_cases())),
    keras::testing::case_name);
INSTANTIATE_TEST_SUITE_P(OpCases, CudaGradcheck, ::testing::ValuesIn(checked_cases()),
                         keras::testing::case_name);

}  // namespace
