// The benchmarks' models: the MLP of examples/fashion_mnist_mlp.cpp or the CNN of
// examples/fashion_mnist_cnn.cpp (Keras's mnist_mlp and mnist_cnn), compiled with Adam(1e-3),
// categorical cross-entropy and accuracy (keras_mlp_bench, keras_distributed_bench, keras_gpu_bench).
#pragma once

#include <memory>

#include <keras/keras.h>

inline std::unique_ptr<keras::Sequential> build_bench_model(bool cnn) {
  using namespace keras::layers;
  auto model = std::make_unique<keras::Sequential>();
  if (cnn) {
    model->add(Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = keras::Shape{28, 28, 1}}));
    model->add(Conv2D(64, {3, 3}, {.activation = "relu"}));
    model->add(MaxPooling2D({2, 2}));
    model->add(Dropout(0.25));
    model->add(Flatten());
    model->add(Dense(128, {.activation = "relu"}));
    model->add(Dropout(0.5));
    model->add(Dense(10, {.activation = "softmax"}));
  } else {
    model->add(Dense(512, {.activation = "relu", .input_shape = keras::Shape{784}}));
    model->add(Dropout(0.2));
    model->add(Dense(512, {.activation = "relu"}));
    model->add(Dropout(0.2));
    model->add(Dense(10, {.activation = "softmax"}));
  }
  model->compile({.optimizer = keras::optimizers::Adam({.lr = 1e-3}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy"}});
  return model;
}
