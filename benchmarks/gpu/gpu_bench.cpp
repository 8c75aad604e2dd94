// keras.cpp's side of the GPU benchmark (benchmarks/gpu/run.sh): the MLP, CNN and LSTM of
// benchmarks/models/ at batch 128 with Adam(1e-3), trained on synthetic Fashion-MNIST-shaped data
// (throughput does not depend on the pixel values; the GPU machine has no dataset package), on the
// backend K::backend() selects (KERAS_BACKEND=cuda), with its plans replayed as CUDA graphs unless
// KERAS_CUDA_GRAPHS=0 and the next batch copied during each step unless KERAS_CUDA_OVERLAP=0.
// Prints one JSON line per model: training samples/s and the median batch-1 predict latency.
// Usage: keras_gpu_bench [--models mlp,cnn,lstm] [--steps N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <keras/keras.h>

#include "models/bench_models.h"

using namespace keras;
using namespace keras::layers;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The MLP and CNN of the CPU benchmarks (models/bench_models.h), and the LSTM of keras_lstm_bench.
std::unique_ptr<Sequential> build_model(const std::string& name) {
  if (name != "lstm") return build_bench_model(name == "cnn");
  auto model = std::make_unique<Sequential>();
  model->add(LSTM(128, {.input_shape = Shape{28, 28}}));
  model->add(Dense(10, {.activation = "softmax"}));
  model->compile({.optimizer = optimizers::Adam({.lr = 1e-3}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy"}});
  return model;
}

Shape sample_shape(const std::string& name) {
  if (name == "cnn") return {28, 28, 1};
  if (name == "lstm") return {28, 28};
  return {784};
}

// Pixels in [0, 1) and one-hot labels from a fixed linear congruential sequence.
std::pair<Tensor, Tensor> synthetic(const std::string& name, std::int64_t n) {
  Shape shape = sample_shape(name);
  shape.insert(shape.begin(), n);
  Tensor x(shape), y({n, 10});
  std::uint64_t state = 12345;
  auto next = [&]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state >> 33);
  };
  for (std::int64_t i = 0; i < x.numel(); ++i)
    x.data<float>()[i] = static_cast<float>(next() % 256) / 255.0f;
  for (std::int64_t i = 0; i < n; ++i) y.data<float>()[i * 10 + next() % 10] = 1.0f;
  return {x, y};
}

}  // namespace

int main(int argc, char** argv) {
  std::string models = "mlp,cnn,lstm";
  int steps = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--models")
      models = argv[i + 1];
    else if (flag == "--steps")
      steps = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "unknown flag %s (flags: --models mlp,cnn,lstm --steps N)\n", argv[i]);
      return 2;
    }
  }
  const char* graphs = std::getenv("KERAS_CUDA_GRAPHS");
  const bool cuda_graphs = backend::backend() == "cuda" && !(graphs && std::string(graphs) == "0");
  const char* overlap = std::getenv("KERAS_CUDA_OVERLAP");
  const bool copies_ahead =
      backend::backend() == "cuda" && !(overlap && std::string(overlap) == "0");
  for (std::size_t at = 0; at < models.size();) {
    std::size_t comma = models.find(',', at);
    if (comma == std::string::npos) comma = models.size();
    const std::string name = models.substr(at, comma - at);
    at = comma + 1;
    utils::set_random_seed(1);
    auto model = build_model(name);
    const std::int64_t batch = 128, n = batch * steps;
    auto [x, y] = synthetic(name, n);
    // Warm-up: the plans (and on the GPU the cuBLASLt and cuDNN choices) are made here.
    model->fit(x.slice(0, 10 * batch), y.slice(0, 10 * batch),
               {.batch_size = batch, .epochs = 1, .verbose = 0});
    auto start = Clock::now();
    model->fit(x, y, {.batch_size = batch, .epochs = 1, .verbose = 0});
    const double train_rate = static_cast<double>(n) / seconds_since(start);
    Tensor one = x.slice(0, 1).clone();
    for (int i = 0; i < 50; ++i) model->predict_on_batch(one);
    std::vector<double> times;
    for (int i = 0; i < 500; ++i) {
      auto t0 = Clock::now();
      model->predict_on_batch(one);
      times.push_back(seconds_since(t0) * 1e6);
    }
    std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2),
                     times.end());
    std::printf(
        "{\"framework\": \"keras.cpp\", \"backend\": \"%s\", \"cuda_graphs\": %s, "
        "\"copies_ahead\": %s, \"model\": \"%s\", \"batch\": %lld, \"train_samples_per_s\": "
        "%.1f, \"latency_us\": %.2f}\n",
        backend::backend().c_str(), cuda_graphs ? "true" : "false", copies_ahead ? "true" : "false",
        name.c_str(), static_cast<long long>(batch), train_rate, times[times.size() / 2]);
    std::fflush(stdout);
  }
  return 0;
}
