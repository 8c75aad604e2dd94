// Fashion-MNIST read row by row: each image is a sequence of 28 timesteps of 28 pixels, an LSTM
// of 128 units reads it and a softmax layer classifies its last output. Adam.
// Usage: fashion_mnist_lstm [epochs (default 5)] [dataset directory]
#include <cstdio>
#include <cstdlib>
#include <string>

#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;

int main(int argc, char** argv) {
  const std::int64_t batch_size = 128;
  const std::int64_t num_classes = 10;
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 5;
  const std::string path = argc > 2 ? argv[2] : "";
  utils::set_random_seed(1337);

  auto [train, test] = datasets::fashion_mnist::load_data(path);
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  // (samples, 28 timesteps, 28 features), scaled to [0, 1].
  x_train = x_train.reshape({60000, 28, 28});
  x_test = x_test.reshape({10000, 28, 28});
  for (Tensor* x : {&x_train, &x_test})
    for (std::int64_t i = 0; i < x->numel(); ++i) x->data<float>()[i] /= 255.0f;
  y_train = utils::to_categorical(y_train, num_classes);
  y_test = utils::to_categorical(y_test, num_classes);

  Sequential model;
  model.add(LSTM(128, {.input_shape = Shape{28, 28}}));
  model.add(Dense(num_classes, {.activation = "softmax"}));
  model.compile({.optimizer = optimizers::Adam(),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});

  model.fit(x_train, y_train,
            {.batch_size = batch_size,
             .epochs = epochs,
             .verbose = 1,
             .validation_data = std::pair{x_test, y_test}});
  std::vector<double> score = model.evaluate(x_test, y_test, {.verbose = 0});
  std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", score[0], score[1]);
  return 0;
}
