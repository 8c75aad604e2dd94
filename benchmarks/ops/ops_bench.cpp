// Per-op microbenchmarks of compiled backend functions (Google Benchmark), cpu backend.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"

namespace K = keras::backend;
using keras::Tensor;

namespace {

// Dense forward: the compiler fuses matmul + bias + relu into one oneDNN sgemm step.
void BM_DenseReluForward(benchmark::State& state) {
  const std::int64_t batch = state.range(0);
  auto x = K::placeholder({-1, 784});
  auto w = K::variable(Tensor::full({784, 512}, 0.01));
  auto b = K::variable(Tensor({512}));
  K::Function f({x}, {K::relu(K::dot(x, w) + b)});
  std::vector<Tensor> feed{Tensor::full({batch, 784}, 0.5)};
  for (auto _ : state) benchmark::DoNotOptimize(f.run(feed).data());
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * batch * 784 * 512 * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_DenseReluForward)->Arg(1)->Arg(128)->Arg(1024);

// An Adam-style update of a 784x512 parameter: one fused elementwise pass.
void BM_AdamUpdate(benchmark::State& state) {
  auto p = K::variable(Tensor::full({784, 512}, 0.1));
  auto m = K::variable(Tensor({784, 512}));
  auto v = K::variable(Tensor({784, 512}));
  auto g = K::placeholder({784, 512});
  auto lr_t = K::constant(1e-3);
  auto m_t = m * 0.9 + g * 0.1;
  auto v_t = v * 0.999 + K::square(g) * 0.001;
  auto p_t = p - lr_t * m_t / (K::sqrt(v_t) + 1e-7);
  K::Function f({g}, {}, {{m, m_t}, {v, v_t}, {p, p_t}});
  std::vector<Tensor> feed{Tensor::full({784, 512}, 0.01)};
  for (auto _ : state) f.run(feed);
  state.SetBytesProcessed(state.iterations() * 784 * 512 * 4 * 7);
}
BENCHMARK(BM_AdamUpdate);

double min_of(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}

// Evicts p, m and v from the caches before a run, as in a training step, where the rest of the
// step's data passed through the caches since the last update.
void evict_caches() {
  static std::vector<float> sweep(std::size_t{16} << 20, 1.f);  // 64 MB, twice the L3
  for (std::size_t i = 0; i < sweep.size(); i += 16) sweep[i] += 1.f;
  benchmark::DoNotOptimize(sweep.data());
}

// The same update with the gradient already in memory (as in a training step, where the backward
// pass wrote it): the fused group alone, its cost per element against the hand-written loop below.
// Arg 0: the data resident in the caches; arg 1: evicted before each run (the part that streams
// from memory, where the order of the passes over a chunk matters).
void BM_AdamFusedGroup(benchmark::State& state) {
  const bool cold = state.range(0) == 1;
  const std::int64_t n = 784 * 512;
  auto p = K::variable(Tensor::full({n}, 0.1));
  auto m = K::variable(Tensor({n}));
  auto v = K::variable(Tensor({n}));
  auto g = K::variable(Tensor::full({n}, 0.01));
  auto lr_t = K::constant(1e-3);
  auto m_t = m * 0.9 + g * 0.1;
  auto v_t = v * 0.999 + K::square(g) * 0.001;
  auto p_t = p - lr_t * m_t / (K::sqrt(v_t) + 1e-7);
  K::Function f({}, {}, {{m, m_t}, {v, v_t}, {p, p_t}});
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      evict_caches();
      state.ResumeTiming();
    }
    f.run({});
  }
  state.SetBytesProcessed(state.iterations() * n * 4 * 7);
}
BENCHMARK(BM_AdamFusedGroup)->Arg(0)->Arg(1)->Repetitions(5)->ComputeStatistics("min", min_of);

// The floor for the fused group above: one hand-written loop (what a compiler makes of the whole
// expression at once), one thread; the same two args.
void BM_AdamHandWrittenLoop(benchmark::State& state) {
  const bool cold = state.range(0) == 1;
  const std::int64_t n = 784 * 512;
  std::vector<float> p(n, 0.1f), g(n, 0.01f), m(n, 0.f), v(n, 0.f);
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      evict_caches();
      state.ResumeTiming();
    }
    float* __restrict pp = p.data();
    float* __restrict mp = m.data();
    float* __restrict vp = v.data();
    const float* __restrict gp = g.data();
    for (std::int64_t i = 0; i < n; ++i) {
      const float mi = 0.9f * mp[i] + 0.1f * gp[i];
      const float vi = 0.999f * vp[i] + 0.001f * gp[i] * gp[i];
      mp[i] = mi;
      vp[i] = vi;
      pp[i] -= 1e-3f * mi / (std::sqrt(vi) + 1e-7f);
    }
    benchmark::DoNotOptimize(pp);
  }
  state.SetBytesProcessed(state.iterations() * n * 4 * 7);
}
BENCHMARK(BM_AdamHandWrittenLoop)->Arg(0)->Arg(1)->Repetitions(5)->ComputeStatistics("min", min_of);

// BatchNormalization's training step on a (128, 28, 28, 32) channels_last input: forward with
// the batch statistics, the moving-average updates, and the gradients of sum(y * r) with respect
// to x, gamma and beta. Arg 0: the generic ops (mean, variance, broadcasts, as the layer was
// before the fused op); arg 1: K::normalize_batch_in_training (BatchNormStats + oneDNN BatchNorm,
// oneDNN's backward for dx).
void BM_BatchNormTrainStep(benchmark::State& state) {
  const bool fused = state.range(0) == 1;
  const std::int64_t batch = 128, channels = 32;
  auto x = K::placeholder({-1, 28, 28, channels});
  auto gamma = K::variable(Tensor::full({channels}, 1.1));
  auto beta = K::variable(Tensor::full({channels}, 0.1));
  auto moving_mean = K::variable(Tensor({channels}));
  auto moving_var = K::variable(Tensor::full({channels}, 1.0));
  K::SymbolicTensor y, mean, var;
  if (fused) {
    auto r = K::normalize_batch_in_training(x, gamma, beta, {0, 1, 2});
    y = r.normed;
    mean = r.mean;
    var = r.variance;
  } else {
    auto m = K::mean(x, {0, 1, 2}, true);
    auto centered = x - m;
    auto v = K::mean(K::square(centered), {0, 1, 2}, true);
    y = centered / K::sqrt(v + 1e-3) * gamma + beta;
    mean = K::reshape(m, {channels});
    var = K::reshape(v, {channels});
  }
  auto r = K::constant(Tensor::full({batch, 28, 28, channels}, 0.5));
  auto grads = K::gradients(K::sum(y * r), {x, gamma, beta});
  K::Function f({x}, grads,
                {{moving_mean, moving_mean * 0.99 + mean * 0.01},
                 {moving_var, moving_var * 0.99 + var * 0.01}});
  Tensor input({batch, 28, 28, channels});
  for (std::int64_t i = 0; i < input.numel(); ++i)
    input.data<float>()[i] = static_cast<float>((i * 7919) % 1000) / 500.0f - 1.0f;
  std::vector<Tensor> feed{input};
  for (auto _ : state) benchmark::DoNotOptimize(f.run(feed).data());
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_BatchNormTrainStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
