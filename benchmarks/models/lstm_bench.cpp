// The LSTM of examples/fashion_mnist_lstm.cpp (28 timesteps of 28 features, LSTM 128, Dense 10
// softmax) with Adam(1e-3), batch 128, timed the way benchmarks/vs_pytorch/torch_lstm.py times
// PyTorch. Prints one JSON line.
// Usage: keras_lstm_bench [--threads N] [--accuracy-epochs E] [--accuracy-seeds S] [--train-epochs
// T]
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::unique_ptr<Sequential> build_model() {
  auto model = std::make_unique<Sequential>();
  model->add(LSTM(128, {.input_shape = Shape{28, 28}}));
  model->add(Dense(10, {.activation = "softmax"}));
  model->compile({.optimizer = optimizers::Adam({.lr = 1e-3}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy"}});
  return model;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0, accuracy_epochs = 0, train_epochs = 1, accuracy_seeds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--threads")
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
  x_train = x_train.reshape({60000, 28, 28});
  x_test = x_test.reshape({10000, 28, 28});
  for (Tensor* x : {&x_train, &x_test})
    for (std::int64_t i = 0; i < x->numel(); ++i) x->data<float>()[i] /= 255.0f;
  y_train = utils::to_categorical(y_train, 10);
  y_test = utils::to_categorical(y_test, 10);

  // Training throughput: warm up on a few batches, then whole epochs with shuffling.
  utils::set_random_seed(1);
  auto model = build_model();
  model->fit(x_train.slice(0, 20 * 128), y_train.slice(0, 20 * 128),
             {.batch_size = 128, .epochs = 1, .verbose = 0});
  auto start = Clock::now();
  model->fit(x_train, y_train, {.batch_size = 128, .epochs = train_epochs, .verbose = 0});
  double train_rate = 60000.0 * train_epochs / seconds_since(start);

  // Inference throughput at batch 1024 over the test set.
  model->predict(x_test, {.batch_size = 1024});
  int repeats = 5;
  start = Clock::now();
  for (int r = 0; r < repeats; ++r) model->predict(x_test, {.batch_size = 1024});
  double infer_rate = 10000.0 * repeats / seconds_since(start);

  // Latency of one sample (median of many single-sample predictions).
  Tensor one = x_test.slice(0, 1).clone();
  for (int i = 0; i < 200; ++i) model->predict_on_batch(one);
  std::vector<double> times;
  for (int i = 0; i < 3000; ++i) {
    auto t0 = Clock::now();
    model->predict_on_batch(one);
    times.push_back(seconds_since(t0) * 1e6);
  }
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2),
                   times.end());
  double latency = times[times.size() / 2];

  std::printf(
      "{\"framework\": \"keras.cpp\", \"threads\": %d, \"train_samples_per_s\": %.1f, "
      "\"infer_samples_per_s\": %.1f, \"latency_us\": %.2f",
      threads, train_rate, infer_rate, latency);
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
