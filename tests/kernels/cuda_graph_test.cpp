// The cuda backend's CUDA graphs: from its second run, a device plan's steps replay as one captured
// graph (src/compiler/executor.cpp, Device::capture in src/kernels/cuda/runtime.cu). On a GPU
// (scripts/gpu_check.sh): every op case replayed matches the reference kernels run after run;
// training with dropout gives the weights of step-by-step runs (KERAS_CUDA_GRAPHS=0), so the
// random ops draw from the run counter in device memory, not the one frozen at capture; a plan
// with a host-fallback step runs step by step and is still right; the recurrent sequences'
// training ops are captured; predict at two batch sizes makes two plans and two graphs. Without a
// GPU those skip, saying why.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "keras/keras.h"
#include "ops/op_def.h"
#include "testing/backend_compare.h"
#include "testing/classification.h"
#include "testing/gpu.h"
#include "testing/op_cases.h"
#include "testing/tensor_utils.h"

namespace {

using namespace keras;
using namespace keras::layers;
using keras::backend::detail::graph_counts;
using keras::backend::detail::GraphCounts;
using keras::testing::OpCase;

// Sets an environment variable for the scope (functions read KERAS_CUDA_GRAPHS when compiled).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* before = std::getenv(name)) before_ = before;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (before_)
      setenv(name_, before_->c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> before_;
};

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()) == 0;
}

GraphCounts since(const GraphCounts& before) {
  const GraphCounts now = graph_counts();
  return {now.captured - before.captured, now.launched - before.launched,
          now.step_by_step - before.step_by_step};
}

// A classifier whose training step draws a dropout mask every batch.
std::unique_ptr<Sequential> dropout_classifier() {
  utils::set_random_seed(7);
  auto model = std::make_unique<Sequential>();
  model->add(Dense(32, {.activation = "relu", .input_dim = 12}));
  model->add(Dropout(0.5));
  model->add(Dense(4, {.activation = "softmax"}));
  model->compile({.optimizer = optimizers::Adam({.lr = 1e-2}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy"}});
  return model;
}

struct Trained {
  std::vector<Tensor> weights;
  std::vector<double> scores;
  Tensor predicted_32, predicted_16;
};

// Six training steps, an evaluation, and predictions at batch sizes 32 and 16 (two plans each
// run twice: step by step, then captured).
Trained train_and_predict() {
  keras::testing::ScopedBackend cuda("cuda");
  auto model = dropout_classifier();
  const auto d = keras::testing::classification_data(192, 12, 4, 11);
  model->fit(d.x, d.y, {.batch_size = 32, .epochs = 1, .verbose = 0, .shuffle = false});
  Trained t;
  t.weights = model->get_weights();
  t.scores = model->evaluate(d.x, d.y, {.batch_size = 64, .verbose = 0});
  const Tensor x = d.x.slice(0, 64);
  for (int run = 0; run < 3; ++run) {
    t.predicted_32 = model->predict(x, {.batch_size = 32});
    t.predicted_16 = model->predict(x, {.batch_size = 16});
  }
  return t;
}

}  // namespace

TEST(CudaGraphSteps, ReadingTheRunCounterOnTheHostMarksTheStep) {
  kernels::KernelCall call;
  call.set_counter(41);
  EXPECT_EQ(call.not_capturable, nullptr);
  EXPECT_EQ(call.counter(), 41u);
  ASSERT_NE(call.not_capturable, nullptr);  // a graph would replay the 41 forever
  EXPECT_NE(std::string(call.not_capturable).find("run counter"), std::string::npos);
}

TEST(CudaGraph, TrainingWithDropoutMatchesStepByStepWeights) {
  KERAS_SKIP_WITHOUT_GPU();
  const GraphCounts before = graph_counts();
  const Trained graphs = train_and_predict();
  const GraphCounts with = since(before);
  // fit's six batches: the first step by step, then captured and replayed; evaluate, predict.
  EXPECT_GE(with.captured, 3u);
  EXPECT_GE(with.launched, 5u + 2u);
  Trained stepwise;
  {
    ScopedEnv off("KERAS_CUDA_GRAPHS", "0");
    const GraphCounts off_before = graph_counts();
    stepwise = train_and_predict();
    const GraphCounts without = since(off_before);
    EXPECT_EQ(without.captured, 0u);
    EXPECT_EQ(without.launched, 0u);
    EXPECT_GE(without.step_by_step, 3u);
  }
  // Bit for bit: the same kernels in the same order, and the same dropout masks run after run.
  ASSERT_EQ(graphs.weights.size(), stepwise.weights.size());
  for (std::size_t i = 0; i < graphs.weights.size(); ++i)
    EXPECT_TRUE(same_bytes(graphs.weights[i], stepwise.weights[i])) << "weight " << i;
  EXPECT_EQ(graphs.scores, stepwise.scores);
  EXPECT_TRUE(same_bytes(graphs.predicted_32, stepwise.predicted_32));
  EXPECT_TRUE(same_bytes(graphs.predicted_16, stepwise.predicted_16));
  // Batches of 32 and of 16: one graph each, and the same rows either way.
  EXPECT_TRUE(keras::testing::all_close(graphs.predicted_16, graphs.predicted_32, 1e-5, 1e-6));
}

TEST(CudaGraph, DropoutMasksChangeFromReplayToReplay) {
  KERAS_SKIP_WITHOUT_GPU();
  namespace K = keras::backend;
  keras::testing::ScopedBackend cuda("cuda");
  auto x = K::placeholder({-1, 256});
  K::Function f({x}, {K::dropout(x, 0.5)});
  const Tensor ones = Tensor::full({8, 256}, 1.0);
  const GraphCounts before = graph_counts();
  std::vector<Tensor> masks;
  for (int run = 0; run < 4; ++run) masks.push_back(f({ones})[0]);
  EXPECT_EQ(since(before).launched, 3u);  // runs 2, 3 and 4
  for (int run = 2; run < 4; ++run)
    EXPECT_FALSE(same_bytes(masks[static_cast<std::size_t>(run)], masks[1])) << "run " << run;
}

// A plan with a step that runs on the host (an op without a cuda kernel) stays step by step and
// matches the reference kernels run after run.
TEST(CudaGraph, APlanWithAHostFallbackRunsStepByStep) {
  KERAS_SKIP_WITHOUT_GPU();
  const OpCase* on_host = nullptr;
  for (const OpCase& c : keras::testing::op_cases()) {
    const ops::OpDef& def = ops::op_def(c.op);
    // A kernel op (not a leaf), not a collective, and without a cuda kernel.
    if (!on_host && def.reference.fn && !def.finish.fn && !def.cuda.fn &&
        c.grad != keras::testing::GradMode::kSkip)
      on_host = &c;
  }
  if (!on_host) GTEST_SKIP() << "every op of the case table has a cuda kernel";
  SCOPED_TRACE(on_host->name);
  const GraphCounts before = graph_counts();
  keras::testing::compare_forward("cuda", *on_host, DType::float32, /*runs=*/3);
  const GraphCounts after = since(before);
  EXPECT_GE(after.step_by_step, 1u);
  EXPECT_EQ(after.captured, 0u);
  EXPECT_EQ(after.launched, 0u);
}

// The recurrent sequences run on the device (kernels/cuda/recurrent.cu: no host work inside a
// step), so a plan with them and their gradients is captured and replayed.
TEST(CudaGraph, RecurrentSequencesAreCaptured) {
  KERAS_SKIP_WITHOUT_GPU();
  for (const OpCase& c : keras::testing::op_cases()) {
    if (c.op != backend::OpKind::kRecurrent) continue;
    SCOPED_TRACE(c.name);
    const GraphCounts before = graph_counts();
    keras::testing::compare_gradients("cuda", c, DType::float32, /*runs=*/3);
    const GraphCounts after = since(before);
    EXPECT_GE(after.captured, 1u);
    EXPECT_GE(after.launched, 1u);
  }
}

// Every op case, forward and gradients, run three times per batch size (step by step, captured,
// replayed) against the reference kernels.
class CudaGraphReplayForward : public ::testing::TestWithParam<OpCase> {};

TEST_P(CudaGraphReplayForward, MatchesTheReferenceRunAfterRun) {
  KERAS_SKIP_WITHOUT_GPU();
  keras::testing::compare_forward("cuda", GetParam(), DType::float32, /*runs=*/3);
}

class CudaGraphReplayGradients : public ::testing::TestWithParam<OpCase> {};

TEST_P(CudaGraphReplayGradients, MatchTheReferenceRunAfterRun) {
  KERAS_SKIP_WITHOUT_GPU();
  keras::testing::compare_gradients("cuda", GetParam(), DType::float32, /*runs=*/3);
}

INSTANTIATE_TEST_SUITE_P(OpCases, CudaGraphReplayForward,
                         ::testing::ValuesIn(keras::testing::op_cases()),
                         keras::testing::case_name);
INSTANTIATE_TEST_SUITE_P(
    OpCases, CudaGraphReplayGradients,
    ::testing::ValuesIn(keras::testing::with_gradients(keras::testing::op_cases())),
    keras::testing::case_name);
