// The compiled function's plan cache: one plan per input-shape signature, built the first time a
// shape is seen, kept up to the cache size with least-recently-used eviction; and the shape ops
// that let one graph serve every length (slices from the end, reshapes like another tensor).
#include <gtest/gtest.h>

#include <vector>

#include "backend/reshape_like.h"
#include "compiler/compiler.h"
#include "keras/backend/plan_cache.h"
#include "keras/keras.h"
#include "testing/tensor_utils.h"

using namespace keras;
namespace K = keras::backend;
using keras::testing::random_normal;

namespace {

// Restores the cache size the other tests expect.
struct ScopedPlanCacheSize {
  explicit ScopedPlanCacheSize(std::size_t plans) : previous(K::plan_cache_size()) {
    K::set_plan_cache_size(plans);
  }
  ~ScopedPlanCacheSize() { K::set_plan_cache_size(previous); }
  std::size_t previous;
};

// f(x) = sum over time of tanh(x) * 2, for x of shape (batch, time, 3).
struct SumOverTime {
  SymbolicTensor x = K::placeholder({-1, -1, 3});
  K::detail::CompiledFunction f{{x}, {K::sum(K::tanh(x) * 2.0, {1})}, {}, {}};

  Tensor run(std::int64_t steps) {
    Tensor in = random_normal({2, steps, 3}, static_cast<std::uint32_t>(steps));
    Tensor out = f.run({in})[0].clone();
    for (std::int64_t b = 0; b < 2; ++b)
      for (std::int64_t d = 0; d < 3; ++d) {
        double expected = 0;
        for (std::int64_t t = 0; t < steps; ++t) expected += 2 * std::tanh(in.at<float>(b, t, d));
        EXPECT_NEAR(out.at<float>(b, d), expected, 1e-4) << "length " << steps;
      }
    return out;
  }
};

}  // namespace

TEST(PlanCache, OnePlanPerLengthTheFirstTimeItIsSeen) {
  SumOverTime sum;
  EXPECT_EQ(sum.f.capacity(), 16u);
  for (std::int64_t steps : {5, 9, 5, 9, 9, 5}) sum.run(steps);
  EXPECT_EQ(sum.f.plan_builds(), 2u);
  EXPECT_EQ(sum.f.cached_plans(), 2u);
  EXPECT_EQ(sum.f.evictions(), 0u);
}

TEST(PlanCache, MoreLengthsThanTheBoundEvictTheLeastRecentlyUsed) {
  ScopedPlanCacheSize size(3);
  SumOverTime sum;
  ASSERT_EQ(sum.f.capacity(), 3u);
  for (std::int64_t steps : {1, 2, 3}) sum.run(steps);
  sum.run(1);  // 2 is now the least recently used
  sum.run(4);  // evicts 2
  EXPECT_EQ(sum.f.plan_builds(), 4u);
  EXPECT_EQ(sum.f.evictions(), 1u);
  EXPECT_EQ(sum.f.cached_plans(), 3u);
  sum.run(1);
  sum.run(3);
  EXPECT_EQ(sum.f.plan_builds(), 4u);  // 1 and 3 were kept
  sum.run(2);                          // rebuilt, evicting 4
  EXPECT_EQ(sum.f.plan_builds(), 5u);
  EXPECT_EQ(sum.f.evictions(), 2u);
  for (std::int64_t steps = 1; steps <= 10; ++steps) sum.run(steps);  // still correct
  EXPECT_EQ(sum.f.cached_plans(), 3u);
}

TEST(PlanCache, AViewOfAnEvictedPlanStaysValid) {
  ScopedPlanCacheSize size(1);
  SumOverTime sum;
  Tensor first = sum.f.run(
      std::vector<Tensor>{random_normal({2, 4, 3}, 4)})[0];  // a view into the plan's arena
  Tensor copy = first.clone();
  sum.run(7);  // evicts the plan the view points into
  EXPECT_EQ(sum.f.evictions(), 1u);
  EXPECT_EQ(first.to_vector<float>(), copy.to_vector<float>());
}

TEST(PlanCache, ProcessWideCountersAndSize) {
  const K::PlanCacheStats before = K::plan_cache_stats();
  SumOverTime sum;
  for (std::int64_t steps : {2, 3, 2}) sum.run(steps);
  EXPECT_EQ(K::plan_cache_stats().builds - before.builds, 2u);
  EXPECT_THROW(K::set_plan_cache_size(0), std::invalid_argument);
}

TEST(PlanCache, RandomOpsDrawFreshNumbersAcrossPlans) {
  // A dropout mask must not repeat when a length's plan is rebuilt after an eviction.
  ScopedPlanCacheSize size(1);
  SymbolicTensor x = K::placeholder({-1, 8});
  K::detail::CompiledFunction f{{x}, {K::dropout(x, 0.5, 7)}, {}, {}};
  Tensor ones = Tensor::from_vector(std::vector<float>(16, 1.0f)).reshape({2, 8});
  Tensor first = f.run({ones})[0].clone();
  f.run({Tensor::from_vector(std::vector<float>(8, 1.0f)).reshape({1, 8})});
  Tensor again = f.run({ones})[0].clone();
  EXPECT_EQ(f.plan_builds(), 3u);
  EXPECT_NE(first.to_vector<float>(), again.to_vector<float>());
}

TEST(VariableShapeOps, SlicesFromTheEndOfAnUnknownAxis) {
  SymbolicTensor x = K::placeholder({-1, -1});
  SymbolicTensor last = K::slice(x, 1, -1, 0), but_last = K::slice(x, 1, 0, -1);
  EXPECT_EQ(last.shape(), (Shape{-1, 1}));
  EXPECT_EQ(but_last.shape(), (Shape{-1, -1}));
  K::Function f({x}, {last, but_last, K::gradients(K::sum(last * 3.0), {x})[0]});
  Tensor in = Tensor::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}).reshape({2, 3});
  auto out = f({in});
  EXPECT_EQ(out[0].to_vector<float>(), (std::vector<float>{3, 6}));
  EXPECT_EQ(out[1].to_vector<float>(), (std::vector<float>{1, 2, 4, 5}));
  EXPECT_EQ(out[2].to_vector<float>(), (std::vector<float>{0, 0, 3, 0, 0, 3}));
  EXPECT_THROW(K::slice(K::placeholder({2, 3}), 1, -4, 0), std::invalid_argument);
}

TEST(VariableShapeOps, ReshapeLikeTakesDimensionsFromAnotherTensorAtRunTime) {
  SymbolicTensor x = K::placeholder({-1, -1, 4});
  SymbolicTensor flat = K::reshape(x, {-1, 4});
  SymbolicTensor back = K::reshape_like(flat * 2.0, {-1, -1, 2, 2}, x, {0, 1, -1, -1});
  EXPECT_EQ(back.shape(), (Shape{-1, -1, 2, 2}));
  SymbolicTensor grad = K::gradients(K::sum(back * back), {x})[0];
  K::Function f({x}, {back, grad});
  for (std::int64_t steps : {2, 5}) {
    Tensor in = random_normal({3, steps, 4}, 1);
    auto out = f({in});
    EXPECT_EQ(out[0].shape(), (Shape{3, steps, 2, 2}));
    EXPECT_EQ(out[1].shape(), (Shape{3, steps, 4}));
    for (std::int64_t i = 0; i < in.numel(); ++i) {
      EXPECT_FLOAT_EQ(out[0].data<float>()[i], 2 * in.data<float>()[i]);
      EXPECT_FLOAT_EQ(out[1].data<float>()[i], 8 * in.data<float>()[i]);
    }
  }
}
