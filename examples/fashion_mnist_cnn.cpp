// Keras's classic mnist_cnn example on Fashion-MNIST: two 3x3 convolutions, max pooling, dropout
// and a dense classifier, trained with Adadelta (Keras's recipe) or Adam.
// Usage: fashion_mnist_cnn [epochs (default 5)] [optimizer: adadelta | adam (default adadelta)]
//                          [dataset directory]
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
  const std::string optimizer = argc > 2 ? argv[2] : "adadelta";
  const std::string path = argc > 3 ? argv[3] : "";
  utils::set_random_seed(1337);

  // Input image dimensions.
  const std::int64_t img_rows = 28, img_cols = 28;

  auto [train, test] = datasets::fashion_mnist::load_data(path);
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  Shape input_shape;
  if (K::image_data_format() == "channels_first") {
    x_train = x_train.reshape({x_train.dim(0), 1, img_rows, img_cols});
    x_test = x_test.reshape({x_test.dim(0), 1, img_rows, img_cols});
    input_shape = {1, img_rows, img_cols};
  } else {
    x_train = x_train.reshape({x_train.dim(0), img_rows, img_cols, 1});
    x_test = x_test.reshape({x_test.dim(0), img_rows, img_cols, 1});
    input_shape = {img_rows, img_cols, 1};
  }
  for (Tensor* x : {&x_train, &x_test})
    for (std::int64_t i = 0; i < x->numel(); ++i) x->data<float>()[i] /= 255.0f;
  std::printf("x_train shape: %s\n", shape_to_string(x_train.shape()).c_str());
  std::printf("%lld train samples\n%lld test samples\n", static_cast<long long>(x_train.dim(0)),
              static_cast<long long>(x_test.dim(0)));

  // Convert class vectors to binary class matrices.
  y_train = utils::to_categorical(y_train, num_classes);
  y_test = utils::to_categorical(y_test, num_classes);

  Sequential model;
  model.add(Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = input_shape}));
  model.add(Conv2D(64, {3, 3}, {.activation = "relu"}));
  model.add(MaxPooling2D({2, 2}));
  model.add(Dropout(0.25));
  model.add(Flatten());
  model.add(Dense(128, {.activation = "relu"}));
  model.add(Dropout(0.5));
  model.add(Dense(num_classes, {.activation = "softmax"}));

  model.compile(
      {.optimizer = optimizer, .loss = "categorical_crossentropy", .metrics = {"accuracy"}});

  model.fit(x_train, y_train,
            {.batch_size = batch_size,
             .epochs = epochs,
             .verbose = 1,
             .validation_data = std::pair{x_test, y_test}});
  std::vector<double> score = model.evaluate(x_test, y_test, {.verbose = 0});
  std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", score[0], score[1]);
  return 0;
}
