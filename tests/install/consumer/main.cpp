#include <keras/keras.h>

#include <cstdio>

int main() {
  keras::Sequential model;
  model.add(keras::layers::Dense(2, {.activation = "softmax", .input_dim = 3}));
  model.compile({.optimizer = "sgd", .loss = "categorical_crossentropy"});
  keras::Tensor y = model.predict(keras::Tensor::full({4, 3}, 1.0));
  std::printf("consumer ok: %s\n", keras::shape_to_string(y.shape()).c_str());
  return y.shape() == keras::Shape{4, 2} ? 0 : 1;
}
