// The seed's first functional API example, line for line: Input -> Dense -> Dense -> softmax,
// Model(input=, output=), then the model reused as a layer and applied to every timestep of a
// sequence with TimeDistributed.
#include <cstdio>
#include <random>

#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;

namespace {
std::mt19937 rng(7);

Tensor randn(Shape shape) {
  Tensor t(shape);
  std::normal_distribution<float> normal;
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = normal(rng);
  return t;
}

Tensor random_one_hot(std::int64_t n) {
  std::uniform_int_distribution<std::int64_t> label(0, 9);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  for (auto& l : labels) l = label(rng);
  return utils::to_categorical(Tensor::from_vector(labels), 10);
}
}  // namespace

int main() {
  // this returns a tensor
  auto inputs = Input({.shape = Shape{784}});

  // a layer instance is callable on a tensor, and returns a tensor
  auto x = Dense(64, {.activation = "relu"})(inputs);
  x = Dense(64, {.activation = "relu"})(x);
  auto predictions = Dense(10, {.activation = "softmax"})(x);

  // this creates a model that includes the Input layer and three Dense layers
  auto model = std::make_shared<Model>(ModelArguments{.input = inputs, .output = predictions});
  model->compile(
      {.optimizer = "rmsprop", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  Tensor data = randn({1000, 784});
  Tensor labels = random_one_hot(1000);
  model->fit(data, labels);  // starts training

  // All models are callable, just like layers: this returns the 10-way softmax defined above.
  auto x2 = Input({.shape = Shape{784}});
  auto y = (*model)(x2);
  std::printf("model(x): shape %s\n", shape_to_string(y.shape()).c_str());

  // Input tensor for sequences of 20 timesteps, each containing a 784-dimensional vector; this
  // applies the previous model to every timestep in the input sequences.
  auto input_sequences = Input({.shape = Shape{20, 784}});
  auto processed_sequences = TimeDistributed(model)(input_sequences);
  Model video(input_sequences, processed_sequences);
  Tensor clips = video.predict(randn({4, 20, 784}));
  std::printf("TimeDistributed(model): %s -> %s\n",
              shape_to_string(input_sequences.shape()).c_str(),
              shape_to_string(clips.shape()).c_str());
  return 0;
}
