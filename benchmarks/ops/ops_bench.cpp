// Per-op microbenchmarks of compiled backend functions (Google Benchmark), cpu backend.
#include <benchmark/benchmark.h>

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

}  // namespace
