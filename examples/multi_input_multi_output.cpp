// The seed's multi-input, multi-output model: a headline (100 word indices) encoded by
// Embedding(512) and LSTM(32), an auxiliary input, a main output and an auxiliary output, one
// loss per output with loss weights, fit with lists and with maps by name.
//
// The seed trains for 50 epochs on its own data; here a few hundred random headlines and two
// epochs per form keep the example under a minute.
#include <cstdint>
#include <cstdio>
#include <random>

#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;

namespace {
std::mt19937 rng(5);

Tensor uniform(Shape shape) {
  Tensor t(shape);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// Sequences of integers between 1 and 10000 (the seed's headlines).
Tensor word_indices(std::int64_t n, std::int64_t length) {
  Tensor t({n, length}, DType::int32);
  std::uniform_int_distribution<std::int32_t> dist(1, 9999);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<std::int32_t>()[i] = dist(rng);
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
  // Headline input: sequences of 100 integers between 1 and 10000; any layer can be named.
  auto main_input = Input({.shape = Shape{100}, .name = "main_input", .dtype = "int32"});

  // The embedding encodes the sequence into a sequence of dense 512-dimensional vectors.
  auto x = Embedding({.input_dim = 10000, .output_dim = 512, .input_length = 100})(main_input);

  // The LSTM transforms the vector sequence into a single vector.
  auto lstm_out = LSTM(32)(x);

  // The auxiliary loss lets the LSTM and the Embedding train smoothly even though the main loss
  // is much higher.
  auto auxiliary_output = Dense(1, {.activation = "sigmoid", .name = "aux_output"})(lstm_out);

  auto auxiliary_input = Input({.shape = Shape{5}, .name = "aux_input"});
  x = merge({lstm_out, auxiliary_input}, {.mode = "concat"});

  // A deep fully-connected network on top.
  x = Dense(64, {.activation = "relu"})(x);
  x = Dense(64, {.activation = "relu"})(x);
  x = Dense(64, {.activation = "relu"})(x);

  // And the main logistic regression layer.
  auto main_output = Dense(1, {.activation = "sigmoid", .name = "main_output"})(x);

  Model model({.input = {main_input, auxiliary_input}, .output = {main_output, auxiliary_output}});
  model.summary();

  // One loss for every output, the auxiliary loss weighted 0.2.
  model.compile(
      {.optimizer = "rmsprop", .loss = "binary_crossentropy", .loss_weights = {1.0, 0.2}});
  Tensor headline_data = word_indices(256, 100), additional_data = uniform({256, 5});
  Tensor labels = random_labels(256);
  model.fit({headline_data, additional_data}, {labels, labels},
            {.batch_size = 32, .nb_epoch = 2, .verbose = 2});

  // The same with maps by input and output name.
  model.compile(
      {.optimizer = "rmsprop",
       .loss = {{"main_output", "binary_crossentropy"}, {"aux_output", "binary_crossentropy"}},
       .loss_weights = {{"main_output", 1.0}, {"aux_output", 0.2}}});
  auto history = model.fit(Arrays{{"main_input", headline_data}, {"aux_input", additional_data}},
                           Arrays{{"main_output", labels}, {"aux_output", labels}},
                           {.batch_size = 32, .nb_epoch = 2, .verbose = 0});
  for (const auto& [key, values] : history.history)
    std::printf("%s: %.4f\n", key.c_str(), values.back());
  return 0;
}
