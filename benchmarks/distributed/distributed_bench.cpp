// Data-parallel training throughput (keras::distributed) of the benchmarks' MLP or CNN
// (benchmarks/models/bench_models.h) at global batch 128, run under mpirun by
// run_distributed_bench.py. Rank 0 prints one JSON line: training samples/s over all processes,
// the step time, the fraction of it this process spent in collectives (starting and waiting for
// the gradient allreduces, the epoch's metric sums) and the gradient buckets' sizes.
// Usage: mpirun -np N keras_distributed_bench [--model mlp|cnn] [--train-samples S]
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <keras/distributed.h>
#include <keras/keras.h>

#include "distributed/collectives.h"
#include "models/bench_models.h"

using namespace keras;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  bool cnn = false;
  std::int64_t train_samples = 60000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--model" && (value == "mlp" || value == "cnn")) {
      cnn = value == "cnn";
    } else if (flag == "--train-samples") {
      train_samples = std::clamp<std::int64_t>(std::atoll(value.c_str()), 128, 60000);
    } else {
      std::fprintf(stderr, "usage: %s [--model mlp|cnn] [--train-samples S]\n", argv[0]);
      return 2;
    }
  }
  distributed::init();
  const int processes = distributed::size();

  auto [train, test] = datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  x_train = cnn ? x_train.reshape({60000, 28, 28, 1}) : x_train.reshape({60000, 784});
  for (std::int64_t i = 0; i < x_train.numel(); ++i) x_train.data<float>()[i] /= 255.0f;
  y_train = utils::to_categorical(y_train, 10);

  utils::set_random_seed(1);
  auto model = build_bench_model(cnn);
  model->fit(x_train.slice(0, 20 * 128), y_train.slice(0, 20 * 128),
             {.batch_size = 128, .epochs = 1, .verbose = 0});  // warm-up: plans, caches
  const Tensor x = x_train.slice(0, train_samples), y = y_train.slice(0, train_samples);
  const double collective_before = distributed::detail::collective_seconds();
  const auto start = Clock::now();
  model->fit(x, y, {.batch_size = 128, .epochs = 1, .verbose = 0});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double in_collectives = distributed::detail::collective_seconds() - collective_before;
  const double fraction = in_collectives / seconds;
  std::vector<double> fractions(static_cast<std::size_t>(processes), 0.0);
  fractions[static_cast<std::size_t>(distributed::rank())] = fraction;
  distributed::detail::allreduce_sum(fractions.data(), fractions.size());
  const auto [lowest, highest] = std::minmax_element(fractions.begin(), fractions.end());
  if (distributed::rank() != 0) return 0;

  const double steps = static_cast<double>((train_samples + 127) / 128);
  std::printf(
      "{\"model\": \"%s\", \"processes\": %d, \"threads_per_process\": %d, \"samples\": %lld, "
      "\"train_samples_per_s\": %.1f, \"step_ms\": %.3f, \"allreduce_fraction_rank0\": %.4f, "
      "\"allreduce_fraction_min\": %.4f, \"allreduce_fraction_max\": %.4f, \"bucket_bytes\": [",
      cnn ? "cnn" : "mlp", processes, omp_get_max_threads(), static_cast<long long>(train_samples),
      static_cast<double>(train_samples) / seconds, seconds / steps * 1e3, fraction, *lowest,
      *highest);
  const auto& buckets = distributed::detail::last_bucket_bytes();
  for (std::size_t i = 0; i < buckets.size(); ++i) std::printf("%s%zu", i ? ", " : "", buckets[i]);
  std::printf("], \"parameter_bytes\": %lld}\n", static_cast<long long>(model->count_params() * 4));
  return 0;
}
