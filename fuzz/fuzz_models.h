// The small models whose files seed the fuzzers' corpora (make_seed_corpus.cpp), and the model
// the load_weights fuzzer loads into (the first of them, so that its seeds load positionally).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "keras/keras.h"

namespace keras::fuzz {

// Dense, Dropout, PReLU and a regularized softmax Dense (the load_weights fuzzer's model).
inline std::shared_ptr<Sequential> mlp() {
  auto model = std::make_shared<Sequential>();
  model->add(layers::Dense(16, {.activation = "relu", .input_dim = 8, .name = "hidden"}));
  model->add(layers::Dropout(0.25));
  model->add(layers::PReLU());
  model->add(layers::Dense(
      3, {.activation = "softmax", .kernel_regularizer = regularizers::l2(0.01), .name = "probs"}));
  return model;
}

// Conv2D, BatchNormalization, MaxPooling2D, Flatten and Dense.
inline std::shared_ptr<Sequential> cnn() {
  auto model = std::make_shared<Sequential>();
  model->add(layers::Conv2D(4, {3, 3}, {.activation = "relu", .input_shape = Shape{6, 6, 1}}));
  model->add(layers::BatchNormalization());
  model->add(layers::MaxPooling2D());
  model->add(layers::Flatten());
  model->add(layers::Dense(2, {.activation = "softmax"}));
  return model;
}

// Two inputs (a sequence through Embedding and LSTM, a vector through a shared Dense), merged,
// with two named outputs.
inline std::shared_ptr<Model> two_heads() {
  auto tokens = Input({.shape = Shape{5}, .name = "tokens"});
  auto features = Input({.shape = Shape{4}, .name = "features"});
  auto sequence = layers::Embedding(20, 4, {.input_length = 5})(tokens);
  auto summary = layers::LSTM(6)(sequence);
  auto merged = layers::concatenate({summary, layers::Dense(6, {.activation = "tanh"})(features)});
  auto main_out = layers::Dense(2, {.activation = "softmax", .name = "main_output"})(merged);
  auto aux_out = layers::Dense(1, {.name = "aux_output"})(merged);
  return std::make_shared<Model>(TensorList{tokens, features}, TensorList{main_out, aux_out},
                                 "two_heads");
}

// Deterministic numbers in [0, 1) for the seeds' training data.
inline Tensor uniform(Shape shape, std::uint32_t seed) {
  Tensor t(shape);
  std::uint32_t state = seed * 2654435761u + 1u;
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    state = state * 1664525u + 1013904223u;
    t.data<float>()[i] = static_cast<float>(state >> 8) / 16777216.0f;
  }
  return t;
}

// The seed models, compiled and trained for one step (so that their files hold optimizer state).
inline std::vector<std::pair<std::string, std::shared_ptr<Model>>> trained_seed_models() {
  std::vector<std::pair<std::string, std::shared_ptr<Model>>> models;

  auto dense = mlp();
  dense->compile(
      {.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  dense->fit(uniform({4, 8}, 1), uniform({4, 3}, 2), {.batch_size = 4, .epochs = 1, .verbose = 0});
  models.emplace_back("mlp", dense);

  auto conv = cnn();
  conv->compile({.optimizer = "sgd", .loss = "categorical_crossentropy"});
  conv->fit(uniform({2, 6, 6, 1}, 3), uniform({2, 2}, 4),
            {.batch_size = 2, .epochs = 1, .verbose = 0});
  models.emplace_back("cnn", conv);

  auto heads = two_heads();
  heads->compile({.optimizer = "rmsprop",
                  .loss = {{"main_output", "categorical_crossentropy"}, {"aux_output", "mse"}},
                  .loss_weights = {{"main_output", 1.0}, {"aux_output", 0.5}}});
  Tensor tokens = Tensor::from_vector<float>({1, 2, 3, 0, 0, 4, 5, 6, 7, 8}, {2, 5});
  heads->fit({tokens, uniform({2, 4}, 5)}, {uniform({2, 2}, 6), uniform({2, 1}, 7)},
             {.batch_size = 2, .epochs = 1, .verbose = 0});
  models.emplace_back("two_heads", heads);
  return models;
}

}  // namespace keras::fuzz
