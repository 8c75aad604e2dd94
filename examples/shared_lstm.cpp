// The seed's shared-layer example: does a pair of tweets come from the same person? One LSTM
// encodes both tweets (calling the same layer instance twice shares its weights), the two codes
// are concatenated and a logistic regression sits on top.
//
// Tweets are 140 characters, each a 256-dimensional vector. The seed trains for 10 epochs on its
// own data; here 64 random pairs and two epochs keep the example under a minute.
#include <cstdint>
#include <cstdio>
#include <random>

#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;

namespace {
std::mt19937 rng(7);

Tensor uniform(Shape shape) {
  Tensor t(shape);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

Tensor random_labels(std::int64_t n) {
  Tensor t({n, 1});
  std::bernoulli_distribution coin(0.5);
  for (std::int64_t i = 0; i < n; ++i) t.data<float>()[i] = coin(rng) ? 1.0f : 0.0f;
  return t;
}
}  // namespace

int main() {
  auto tweet_a = Input({.shape = Shape{140, 256}});
  auto tweet_b = Input({.shape = Shape{140, 256}});

  // This layer takes a matrix as input and returns a vector of size 64. A layer used by name is
  // a shared handle (copies share the layer).
  Shared shared_lstm = LSTM(64);

  // Reusing the same layer instance reuses its weights: it is the same layer.
  auto encoded_a = shared_lstm(tweet_a);
  auto encoded_b = shared_lstm(tweet_b);

  // Concatenate the two vectors.
  auto merged_vector = merge({encoded_a, encoded_b}, {.mode = "concat", .concat_axis = -1});

  // And a logistic regression on top.
  auto predictions = Dense(1, {.activation = "sigmoid"})(merged_vector);

  // A trainable model linking the tweet inputs to the predictions.
  Model model({.input = {tweet_a, tweet_b}, .output = predictions});
  model.summary();

  model.compile({.optimizer = "rmsprop", .loss = "binary_crossentropy", .metrics = {"accuracy"}});
  Tensor data_a = uniform({64, 140, 256}), data_b = uniform({64, 140, 256});
  Tensor labels = random_labels(64);
  auto history = model.fit({data_a, data_b}, labels, {.nb_epoch = 2, .verbose = 2});
  for (const auto& [key, values] : history.history)
    std::printf("%s: %.4f\n", key.c_str(), values.back());
  std::printf("shared LSTM nodes: %zu\n", shared_lstm->inbound_nodes().size());
  return 0;
}
