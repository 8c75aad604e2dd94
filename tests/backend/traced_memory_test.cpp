// The Traced op's inner functions own no memory: each runs in its step's scratch, lent by the
// outer compiled function, whose one scratch region its steps share (they run one at a time). A
// training step's forward and gradient Traced nodes therefore need the larger of their inner
// arenas, not the sum, and no arena is allocated beside the outer plan's.
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend/traced.h"
#include "compiler/compiler.h"
#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "testing/tensor_utils.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::Shape;
using keras::Tensor;
using keras::backend::SymbolicTensor;
using keras::testing::ScopedBackend;

constexpr std::int64_t kWidth = 128, kDepth = 8;

// h <- tanh(h . w), kDepth times: its gradient keeps every layer's h, so the gradient's inner
// arena is several times the forward's.
SymbolicTensor layers(const std::vector<SymbolicTensor>& in) {
  SymbolicTensor h = in[0];
  for (std::int64_t k = 0; k < kDepth; ++k) h = K::tanh(K::dot(h, in[1]));
  return h;
}

std::shared_ptr<const K::TracedGraph> traced_layers() {
  auto graph = std::make_shared<K::TracedGraph>();
  graph->name = "layers";
  graph->build = &layers;
  graph->output_shape = [](const std::vector<Shape>& in) { return in[0]; };
  graph->differentiable = {true, true};
  return graph;
}

// The arena the inner graph needs on its own, for a batch: the forward one, or the gradient one
// (the Traced gradient's graph: the gradients of sum(F(x, w) * g), flattened and concatenated).
std::size_t own_arena(std::int64_t batch, bool gradient) {
  auto x = K::placeholder({batch, kWidth}, DType::float32, "x");
  auto w = K::placeholder({kWidth, kWidth}, DType::float32, "w");
  auto g = K::placeholder({batch, kWidth}, DType::float32, "g");
  SymbolicTensor y = layers({x, w});
  std::vector<SymbolicTensor> inputs{x, w};
  if (gradient) {
    std::vector<SymbolicTensor> flat;
    for (const SymbolicTensor& d : K::gradients(K::sum(y * g), {x, w}))
      flat.push_back(K::flatten(d));
    y = K::concatenate(flat, 0);
    inputs.push_back(g);
  }
  K::Function f(inputs, {y});
  std::mt19937_64 rng(3);
  std::vector<Tensor> values;
  for (const SymbolicTensor& p : inputs)
    values.push_back(keras::testing::random_tensor(p.shape(), DType::float32, rng));
  f.run(values);
  return f.arena_bytes();
}

// Bytes malloc has handed out and not taken back (all arenas, and the mmapped chunks).
std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

TEST(TracedMemory, InnerArenasLiveInTheOuterScratchForwardAndGradientSharingIt) {
  ScopedBackend scoped("cpu");
  const std::int64_t batch = 2048;
  auto x = K::placeholder({-1, kWidth}, DType::float32, "x");  // the batch known at run time
  std::mt19937_64 rng(5);
  auto w = K::placeholder({kWidth, kWidth}, DType::float32, "w");
  SymbolicTensor y = K::traced(traced_layers(), {x, w});
  SymbolicTensor loss = K::sum(y * y);
  std::vector<SymbolicTensor> grads = K::gradients(loss, {x, w});
  const Tensor xv = keras::testing::random_tensor({batch, kWidth}, DType::float32, rng);
  const Tensor wv = keras::testing::random_tensor({kWidth, kWidth}, DType::float32, rng, -0.1, 0.1);

  const std::size_t forward = own_arena(batch, false), gradient = own_arena(batch, true);
  ASSERT_GT(gradient, 2 * forward);
  ASSERT_GT(gradient, std::size_t{16} << 20);  // large beside what else a plan allocates

  const std::size_t before = heap_in_use();
  K::detail::CompiledFunction f({x, w}, {loss, grads[0], grads[1]}, {}, {});
  const std::vector<Tensor> values = f.run({xv, wv});
  const std::size_t grown = heap_in_use() - before;

  const K::detail::Plan& plan = *f.last_plan();
  std::vector<const K::detail::Step*> traced;
  for (const auto& step : plan.steps)
    if (step.name == "Traced") traced.push_back(&step);
  ASSERT_EQ(traced.size(), 2u);  // the forward node and its gradient
  for (const K::detail::Step* step : traced) {
    EXPECT_NE(step->call.scratch, nullptr);
    EXPECT_EQ(step->call.scratch, traced.front()->call.scratch);  // one region, shared
  }
  // The region holds the gradient's inner arena (the larger), not the sum of both.
  EXPECT_GE(plan.scratch_bytes, gradient);
  EXPECT_LT(plan.scratch_bytes, gradient + forward);
  // Nothing else of that size was allocated: the inner functions have no arenas of their own.
  EXPECT_LT(grown, plan.arena_bytes + plan.scratch_bytes + forward / 2)
      << "outer arena " << plan.arena_bytes << ", scratch " << plan.scratch_bytes
      << ", inner arenas on their own: forward " << forward << ", gradient " << gradient;

  // The values are the unrolled graph's.
  K::Function unrolled({x, w}, {K::sum(layers({x, w}) * layers({x, w})),
                                K::gradients(K::sum(layers({x, w}) * layers({x, w})), {x, w})[0],
                                K::gradients(K::sum(layers({x, w}) * layers({x, w})), {x, w})[1]});
  const std::vector<Tensor> expected = unrolled({xv, wv});
  for (std::size_t k = 0; k < expected.size(); ++k)
    EXPECT_TRUE(keras::testing::all_close(values[k], expected[k], 1e-4, 1e-4)) << "output " << k;
}

// A second plan (another batch size) of the same function reuses the region, grown to the larger
// need; the first plan's Traced steps follow it there and still compute the same values.
TEST(TracedMemory, PlansOfOtherShapesShareTheRegionAsItGrows) {
  ScopedBackend scoped("cpu");
  auto x = K::placeholder({-1, kWidth}, DType::float32, "x");
  auto w = K::placeholder({kWidth, kWidth}, DType::float32, "w");
  SymbolicTensor y = K::traced(traced_layers(), {x, w});
  SymbolicTensor loss = K::sum(y * y);
  std::vector<SymbolicTensor> grads = K::gradients(loss, {w});
  K::detail::CompiledFunction f({x, w}, {loss, grads[0]}, {}, {});
  std::mt19937_64 rng(9);
  const Tensor wv = keras::testing::random_tensor({kWidth, kWidth}, DType::float32, rng, -0.1, 0.1);
  const Tensor small = keras::testing::random_tensor({16, kWidth}, DType::float32, rng);
  const Tensor large = keras::testing::random_tensor({512, kWidth}, DType::float32, rng);

  std::vector<Tensor> first;
  for (const Tensor& t : f.run({small, wv})) first.push_back(t.clone());
  f.run({large, wv});
  const K::detail::Plan& grown = *f.last_plan();
  const void* shared = nullptr;
  for (const auto& step : grown.steps)
    if (step.name == "Traced") shared = step.call.scratch;
  ASSERT_NE(shared, nullptr);
  const std::vector<Tensor>& again = f.run({small, wv});
  EXPECT_EQ(f.plan_builds(), 2u);
  for (const auto& step : f.last_plan()->steps)
    if (step.name == "Traced") {
      EXPECT_EQ(step.call.scratch, shared);
    }
  for (std::size_t k = 0; k < first.size(); ++k)
    EXPECT_TRUE(keras::testing::all_close(again[k], first[k], 1e-6, 1e-6)) << "output " << k;
}

}  // namespace

// What a traced sequence's gradient is made of: the gradients of a tensor's slices along one axis
// (the steps of an unrolled sequence, here 12 of them, one used twice) are one concatenation of
// the pieces, not a sum of zero-padded copies of the whole tensor all alive at once.
TEST(GradientMemory, SideBySideSlicesOfOneTensorConcatenateTheirGradients) {
  ScopedBackend scoped("cpu");
  const std::int64_t steps = 12, batch = 64, features = 256;
  auto x = K::placeholder({batch, steps, features}, DType::float32, "x");
  SymbolicTensor loss = K::sum(K::square(K::slice(x, 1, 0, 1)));
  for (std::int64_t t = 0; t < steps; ++t)
    loss = loss + K::sum(K::slice(x, 1, t, t + 1) * static_cast<double>(t + 1));
  SymbolicTensor dx = K::gradients(loss, {x})[0];
  K::Function f({x}, {dx});
  std::mt19937_64 rng(11);
  const Tensor xv = keras::testing::random_tensor({batch, steps, features}, DType::float32, rng);
  const Tensor got = f({xv})[0];
  Tensor expected({batch, steps, features});
  const float* in = xv.data<float>();
  float* want = expected.data<float>();
  for (std::int64_t b = 0; b < batch; ++b)
    for (std::int64_t t = 0; t < steps; ++t)
      for (std::int64_t c = 0; c < features; ++c) {
        const std::int64_t i = (b * steps + t) * features + c;
        want[i] = static_cast<float>(t + 1) + (t == 0 ? 2 * in[i] : 0.0f);
      }
  EXPECT_TRUE(keras::testing::all_close(got, expected, 1e-5, 1e-5));
  std::size_t slice_grads = 0;
  for (const std::string& step : f.step_names()) slice_grads += step == "SliceGrad";
  EXPECT_EQ(slice_grads, 0u);  // the slices cover the axis: the concatenation is the gradient
  // Summed one by one, twelve full-size SliceGrads (12 * 768 KiB) would be alive at once.
  EXPECT_LE(f.arena_bytes(), 4 * xv.nbytes()) << "arena " << f.arena_bytes();
}
