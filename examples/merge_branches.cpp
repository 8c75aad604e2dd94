// The seed's Merge example: two Sequential branches merged by Keras 1's Merge layer as the first
// layer of a Sequential, which then takes one array per branch; then a custom merge function.
#include <cstdio>
#include <random>

#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;

namespace {
std::mt19937 rng(11);

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
  auto left_branch = std::make_shared<Sequential>();
  left_branch->add(Dense(32, {.input_dim = 784}));

  auto right_branch = std::make_shared<Sequential>();
  right_branch->add(Dense(32, {.input_dim = 784}));

  // mode "concat" joins the two tensors into one long tensor
  Merge merged({left_branch, right_branch}, {.mode = "concat"});

  Sequential final_model;
  final_model.add(std::move(merged));
  final_model.add(Dense(10, {.activation = "softmax"}));

  final_model.compile({.optimizer = "rmsprop", .loss = "categorical_crossentropy"});
  Tensor input_data_1 = randn({500, 784}), input_data_2 = randn({500, 784});
  Tensor targets = random_one_hot(500);
  final_model.fit({input_data_1, input_data_2}, targets, {.verbose = 2});  // one array per input

  // A merge by any function of backend ops: the seed's `mode=lambda x, y: x - y`.
  auto left = std::make_shared<Sequential>();
  left->add(Dense(32, {.input_dim = 784}));
  auto right = std::make_shared<Sequential>();
  right->add(Dense(32, {.input_dim = 784}));
  Sequential difference;
  difference.add(Merge({left, right},
                       {.mode = [](const std::vector<SymbolicTensor>& t) { return t[0] - t[1]; },
                        .output_shape = Shape{32}}));
  difference.add(Dense(10, {.activation = "softmax"}));
  Tensor p = difference.predict(Arrays{input_data_1, input_data_2}).front();
  std::printf("difference model output: %s\n", shape_to_string(p.shape()).c_str());
  return 0;
}
