// A residual connection and an inception-style block with the functional API: y = x + f(x)
// (the seed's `merge([x, y], mode='sum')`, here over Dense layers), and parallel branches
// joined by Concatenate.
#include <cstdio>
#include <random>

#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;

namespace {
std::mt19937 rng(3);

Tensor randn(Shape shape) {
  Tensor t(shape);
  std::normal_distribution<float> normal;
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = normal(rng);
  return t;
}

// y = relu(x + Dense(Dense(x))): the output has x's shape, so blocks stack.
KerasTensor residual_block(const KerasTensor& x) {
  auto width = x.shape().back();
  auto y = Dense(width, {.activation = "relu"})(x);
  y = Dense(width)(y);
  auto z = merge({x, y}, {.mode = "sum"});  // Keras 2: add({x, y})
  return Activation("relu")(z);
}

// Three branches of different depth over the same input, concatenated.
KerasTensor inception_block(const KerasTensor& x) {
  auto a = Dense(8, {.activation = "relu"})(x);
  auto b = Dense(16, {.activation = "relu"})(Dense(8, {.activation = "relu"})(x));
  auto c = Dense(8, {.activation = "relu"})(Dense(4, {.activation = "relu"})(x));
  return concatenate({a, b, c});
}
}  // namespace

int main() {
  auto inputs = Input({.shape = Shape{32}});
  auto x = residual_block(inputs);
  x = residual_block(x);
  x = inception_block(x);
  auto outputs = Dense(1)(x);
  Model model(inputs, outputs);
  model.compile({.optimizer = "adam", .loss = "mse"});

  // Learn the sum of the inputs.
  Tensor data = randn({512, 32});
  Tensor target({512, 1});
  for (std::int64_t i = 0; i < 512; ++i) {
    float total = 0;
    for (std::int64_t j = 0; j < 32; ++j) total += data(i, j);
    target.data<float>()[i] = total;
  }
  auto history = model.fit(data, target, {.batch_size = 32, .epochs = 20, .verbose = 0});
  std::printf("%zu layers, %lld parameters; mse %.3f -> %.3f\n", model.layers().size(),
              static_cast<long long>(model.count_params()), history.history.at("loss").front(),
              history.history.at("loss").back());
  return 0;
}
