// The MLP of examples/fashion_mnist_mlp.cpp (--model mlp, the default) or the CNN of
// examples/fashion_mnist_cnn.cpp (--model cnn) with Adam(1e-3), batch 128, timed the way
// benchmarks/vs_pytorch/torch_mlp.py times PyTorch. Prints one JSON line.
// Usage: keras_mlp_bench [--model mlp|cnn] [--threads N] [--accuracy-epochs E]
//                        [--accuracy-seeds S] [--train-epochs T] [--train-samples N]
// --train-samples times epochs over the first N training samples only (the CNN's full epoch
// takes a minute on one core).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <keras/keras.h>

#include "bench_models.h"

using namespace keras;
using namespace keras::layers;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool g_cnn = false;

std::unique_ptr<Sequential> build_model() {
  return build_bench_model(g_cnn);
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0, accuracy_epochs = 0, train_epochs = 1, accuracy_seeds = 3;
  std::int64_t train_samples = 60000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--model") {
      g_cnn = std::string(argv[i + 1]) == "cnn";
      if (!g_cnn && std::string(argv[i + 1]) != "mlp") {
        std::fprintf(stderr, "--model must be mlp or cnn\n");
        return 2;
      }
    } else if (flag == "--train-samples")
      train_samples = std::min<std::int64_t>(std::max(value, 128), 60000);
    else if (flag == "--threads")
      threads = value;
    else if (flag == "--accuracy-epochs")
      accuracy_epochs = value;
    else if (flag == "--train-epochs")
      train_epochs = value;
    else if (flag == "--accuracy-seeds")
      accuracy_seeds = value;
  }
  if (threads > 0) omp_set_num_threads(threads);
  threads = omp_get_max_threads();

  auto [train, test] = datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  x_train = g_cnn ? x_train.reshape({60000, 28, 28, 1}) : x_train.reshape({60000, 784});
  x_test = g_cnn ? x_test.reshape({10000, 28, 28, 1}) : x_test.reshape({10000, 784});
  for (Tensor* x : {&x_train, &x_test})
    for (std::int64_t i = 0; i < x->numel(); ++i) x->data<float>()[i] /= 255.0f;
  y_train = utils::to_categorical(y_train, 10);
  y_test = utils::to_categorical(y_test, 10);

  // Training throughput: warm up on a few batches, then whole epochs with shuffling.
  utils::set_random_seed(1);
  auto model = build_model();
  model->fit(x_train.slice(0, 20 * 128), y_train.slice(0, 20 * 128),
             {.batch_size = 128, .epochs = 1, .verbose = 0});
  Tensor x_timed = train_samples < 60000 ? x_train.slice(0, train_samples) : x_train;
  Tensor y_timed = train_samples < 60000 ? y_train.slice(0, train_samples) : y_train;
  auto start = Clock::now();
  model->fit(x_timed, y_timed, {.batch_size = 128, .epochs = train_epochs, .verbose = 0});
  double train_rate = static_cast<double>(train_samples) * train_epochs / seconds_since(start);

  // Inference throughput at batch 1024 over the test set.
  // The CNN is ~100x the MLP's work per sample: its inference passes use 2,048 test images.
  Tensor x_infer = g_cnn ? x_test.slice(0, 2048) : x_test;
  model->predict(x_infer, {.batch_size = 1024});
  int repeats = g_cnn ? 3 : 5;
  start = Clock::now();
  for (int r = 0; r < repeats; ++r) model->predict(x_infer, {.batch_size = 1024});
  double infer_rate = static_cast<double>(x_infer.dim(0)) * repeats / seconds_since(start);

  // Latency of one sample (median of many single-sample predictions).
  Tensor one = x_test.slice(0, 1).clone();
  for (int i = 0; i < 200; ++i) model->predict_on_batch(one);
  std::vector<double> times;
  for (int i = 0; i < (g_cnn ? 1000 : 3000); ++i) {
    auto t0 = Clock::now();
    model->predict_on_batch(one);
    times.push_back(seconds_since(t0) * 1e6);
  }
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2),
                   times.end());
  double latency = times[times.size() / 2];

  std::printf(
      "{\"framework\": \"keras.cpp\", \"model\": \"%s\", \"threads\": %d, "
      "\"train_samples_per_s\": %.1f, \"infer_samples_per_s\": %.1f, \"latency_us\": %.2f",
      g_cnn ? "cnn" : "mlp", threads, train_rate, infer_rate, latency);
  if (accuracy_epochs > 0) {
    // One run's accuracy varies by about a point from seed to seed: report the mean of several.
    std::vector<double> accuracies;
    for (int seed = 0; seed < accuracy_seeds; ++seed) {
      utils::set_random_seed(static_cast<std::uint64_t>(seed));
      auto fresh = build_model();
      fresh->fit(x_train, y_train, {.batch_size = 128, .epochs = accuracy_epochs, .verbose = 0});
      accuracies.push_back(fresh->evaluate(x_test, y_test, {.batch_size = 1024, .verbose = 0})[1]);
    }
    double mean = 0;
    for (double a : accuracies) mean += a / static_cast<double>(accuracies.size());
    std::printf(", \"test_accuracy\": %.4f, \"accuracy_epochs\": %d, \"test_accuracies\": [", mean,
                accuracy_epochs);
    for (std::size_t i = 0; i < accuracies.size(); ++i)
      std::printf("%s%.4f", i ? ", " : "", accuracies[i]);
    std::printf("]");
  }
  std::printf("}\n");
  return 0;
}
