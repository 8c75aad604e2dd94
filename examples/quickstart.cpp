// The seed's quick start, Steps 1-4, line for line: a Sequential model on random data.
#include <cstdio>
#include <random>

#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;

namespace {
std::mt19937 rng(7);

// np.random.randn(rows, cols)
Tensor randn(std::int64_t rows, std::int64_t cols) {
  Tensor t({rows, cols});
  std::normal_distribution<float> normal;
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = normal(rng);
  return t;
}

// y = np.zeros((n, 10)); y[range(n), np.random.randint(0, 10, size=(n,))] = 1
Tensor random_one_hot(std::int64_t n) {
  std::uniform_int_distribution<std::int64_t> label(0, 9);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  for (auto& l : labels) l = label(rng);
  return utils::to_categorical(Tensor::from_vector(labels), 10);
}
}  // namespace

int main() {
  // Step 1: a Sequential model, layers added with .add().
  Sequential model;
  model.add(Dense({.units = 64, .input_dim = 100}));
  model.add(Activation("relu"));
  model.add(Dense({.units = 10}));
  model.add(Activation("softmax"));

  // Step 2: compile with an optimizer, a loss and metrics.
  model.compile({.optimizer = "sgd", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});

  // Step 3: fit on randomly generated data.
  Tensor x_train = randn(1000, 100);
  Tensor y_train = random_one_hot(1000);
  model.fit(x_train, y_train, {.batch_size = 20, .nb_epoch = 5});

  // Step 4: predict on another random set.
  Tensor x_test = randn(1000, 100);
  Tensor y_test = random_one_hot(1000);
  Tensor classes = model.predict_classes(x_test, {.batch_size = 20});
  Tensor proba = model.predict_proba(x_test, {.batch_size = 20});

  std::printf("classes: shape %s, first five:", shape_to_string(classes.shape()).c_str());
  for (int i = 0; i < 5; ++i)
    std::printf(" %lld", static_cast<long long>(classes.at<std::int64_t>(i)));
  std::printf("\nproba: shape %s, row 0 sums to %.4f\n", shape_to_string(proba.shape()).c_str(),
              [&] {
                double total = 0;
                for (int j = 0; j < 10; ++j) total += proba(0, j);
                return total;
              }());
  return 0;
}
