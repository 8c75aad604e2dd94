// compile()'s target_tensors (Keras 2.2.4): tensors the losses read instead of target
// placeholders fed with y arrays. A model trained on a target read from a variable (or computed
// from its inputs) takes the same steps as one fed the same values as y; Keras's errors.
#include <gtest/gtest.h>

#include <functional>

#include "keras/keras.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;

namespace K = keras::backend;

namespace {

using keras::testing::random_normal;

// Input(4) -> Dense "dense_a" (4) and Dense "dense_b" (3), weights from `seed`.
std::shared_ptr<Model> two_outputs(std::uint64_t seed) {
  utils::set_random_seed(seed);
  auto inputs = Input({.shape = Shape{4}});
  auto a = Dense(4, {.name = "dense_a"})(inputs);
  auto b = Dense(3, {.name = "dense_b"})(inputs);
  return std::make_shared<Model>(TensorList(inputs), TensorList({a, b}));
}

std::shared_ptr<Sequential> one_output(std::uint64_t seed) {
  utils::set_random_seed(seed);
  auto model = std::make_shared<Sequential>();
  model->add(Dense(4, {.input_dim = 4, .name = "dense"}));
  return model;
}

void expect_near_weights(const std::vector<Tensor>& a, const std::vector<Tensor>& b, int line) {
  SCOPED_TRACE("compared at line " + std::to_string(line));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto va = a[i].to_vector<double>(), vb = b[i].to_vector<double>();
    ASSERT_EQ(va.size(), vb.size());
    for (std::size_t j = 0; j < va.size(); ++j)
      EXPECT_NEAR(va[j], vb[j], 1e-5) << "weight " << i << "[" << j << "]";
  }
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

// The mean squared error of the model's predictions for x against y.
double mse(Model& model, const Tensor& x, const Tensor& y) {
  std::vector<double> p = model.predict(x).to_vector<double>(), t = y.to_vector<double>();
  double sum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) sum += (p[i] - t[i]) * (p[i] - t[i]);
  return sum / static_cast<double>(p.size());
}

}  // namespace

TEST(TargetTensors, AVariableTargetTrainsAsTheSameValuesFedAsY) {
  const Tensor x = random_normal({10, 4}, 1), y = random_normal({10, 4}, 2);
  auto read = one_output(7), fed = one_output(7);
  const SymbolicTensor target = K::variable(y.clone(), "target");
  read->compile({.optimizer = "sgd", .loss = "mse", .target_tensors = target});
  fed->compile({.optimizer = "sgd", .loss = "mse"});
  ASSERT_EQ(read->targets().size(), 1u);
  EXPECT_TRUE(read->targets()[0] == target);
  EXPECT_TRUE(read->sample_weights().empty());  // no target fed, no sample weights fed

  // The loss is the mean squared error against the variable's values, before the step.
  const double before = mse(*read, x, y);
  const std::vector<double> first = read->train_on_batch(x, Tensor{});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_NEAR(first[0], before, 1e-5);
  fed->train_on_batch(x, y);
  expect_near_weights(read->get_weights(), fed->get_weights(), __LINE__);

  // Unshuffled: x's rows stay beside the variable's (Keras shuffles x alone too).
  read->fit(x, Tensor{}, {.batch_size = 10, .epochs = 5, .verbose = 0, .shuffle = false});
  fed->fit(x, y, {.batch_size = 10, .epochs = 5, .verbose = 0, .shuffle = false});
  expect_near_weights(read->get_weights(), fed->get_weights(), __LINE__);
  EXPECT_LT(mse(*read, x, y), before);
  EXPECT_NEAR(read->evaluate(x, Tensor{}, {.verbose = 0})[0], mse(*read, x, y), 1e-5);
}

TEST(TargetTensors, ListMapAndSingleFormsAreTheSame) {
  const Tensor x = random_normal({10, 4}, 3), y = random_normal({10, 4}, 4);
  const SymbolicTensor target = K::variable(y.clone());
  std::vector<std::vector<Tensor>> weights;
  for (const TargetTensorsSpec& spec : {TargetTensorsSpec(target), TargetTensorsSpec({target}),
                                        TargetTensorsSpec({{"dense", target}})}) {
    auto model = one_output(11);
    model->compile({.optimizer = "sgd", .loss = "mse", .target_tensors = spec});
    model->train_on_batch(x, Tensor{});
    weights.push_back(model->get_weights());
  }
  expect_near_weights(weights[0], weights[1], __LINE__);
  expect_near_weights(weights[0], weights[2], __LINE__);
}

// One output reads its target, the other is fed (an undefined tensor in the list, or missing
// from the map); the fed output keeps its sample weights.
TEST(TargetTensors, OneOutputReadOneFed) {
  const Tensor x = random_normal({10, 4}, 5), ya = random_normal({10, 4}, 6),
               yb = random_normal({10, 3}, 7);
  Tensor wb = Tensor::full({10}, 1.0);
  wb.data<float>()[0] = 3.0f;
  const SymbolicTensor target_a = K::variable(ya.clone());
  auto reference = two_outputs(13);
  reference->compile({.optimizer = "sgd", .loss = "mse"});
  reference->train_on_batch(Arrays({x}), Arrays({ya, yb}),
                            Arrays(std::map<std::string, Tensor>{{"dense_b", wb}}));
  for (const TargetTensorsSpec& spec : {TargetTensorsSpec({target_a, SymbolicTensor()}),
                                        TargetTensorsSpec({{"dense_a", target_a}})}) {
    auto model = two_outputs(13);
    model->compile({.optimizer = "sgd", .loss = "mse", .target_tensors = spec});
    EXPECT_EQ(model->sample_weights().size(), 1u);
    ASSERT_EQ(model->targets().size(), 2u);
    EXPECT_TRUE(model->targets()[0] == target_a);
    // y for the fed output alone; a sample weight named for the read output is ignored.
    const auto losses =
        model->train_on_batch(Arrays({x}), Arrays({yb}),
                              Arrays(std::map<std::string, Tensor>{
                                  {"dense_a", Tensor::full({10}, 5.0)}, {"dense_b", wb}}));
    EXPECT_EQ(losses.size(), 3u);  // loss, dense_a_loss, dense_b_loss
    expect_near_weights(model->get_weights(), reference->get_weights(), __LINE__);
    EXPECT_NE(message_of([&] {
                model->train_on_batch(Arrays({x}), Arrays({ya, yb}));
              }).find("Expected to see 1 array(s)"),
              std::string::npos);
  }
}

// A target computed from the model's input (an autoencoder's) reads the fed input; a
// placeholder of one's own is fed with the y arrays as compile's own would be.
TEST(TargetTensors, ATensorOfTheInputsIsReadAPlaceholderIsFed) {
  const Tensor x = random_normal({10, 4}, 8);
  auto autoencoder = one_output(17), reference = one_output(17);
  autoencoder->compile(
      {.optimizer = "sgd", .loss = "mse", .target_tensors = autoencoder->input() * 2.0});
  reference->compile({.optimizer = "sgd", .loss = "mse"});
  Tensor twice = x.clone();
  for (std::int64_t i = 0; i < twice.numel(); ++i) twice.data<float>()[i] *= 2.0f;
  autoencoder->train_on_batch(x, Tensor{});
  reference->train_on_batch(x, twice);
  expect_near_weights(autoencoder->get_weights(), reference->get_weights(), __LINE__);

  auto own_placeholder = one_output(17);
  const SymbolicTensor y = K::placeholder({-1, 4}, DType::float32, "y");
  own_placeholder->compile({.optimizer = "sgd", .loss = "mse", .target_tensors = {y}});
  EXPECT_TRUE(own_placeholder->targets()[0] == y);
  EXPECT_EQ(own_placeholder->sample_weights().size(), 1u);
  own_placeholder->train_on_batch(x, twice);
  expect_near_weights(own_placeholder->get_weights(), reference->get_weights(), __LINE__);
}

TEST(TargetTensors, KerasErrors) {
  const SymbolicTensor target = K::variable(Tensor::zeros({10, 4}));
  auto model = two_outputs(19);
  EXPECT_EQ(message_of([&] { model->compile({.loss = "mse", .target_tensors = {target}}); }),
            "When passing a list as `target_tensors`, it should have one entry per model output. "
            "The model has 2 outputs, but you passed target_tensors=[<tensor '" +
                target.name() + "'>]");
  EXPECT_EQ(message_of([&] { model->compile({.loss = "mse", .target_tensors = target}); }),
            "The model has 2 outputs, but you passed a single tensor as `target_tensors`. "
            "Expected a list or a dict of tensors.");
  EXPECT_EQ(message_of([&] {
              model->compile({.loss = "mse", .target_tensors = {{"dense2", target}}});
            }),
            "Unknown entry in `target_tensors` dictionary: \"dense2\". Only expected the "
            "following keys: ['dense_a', 'dense_b']");

  // Every target read: y given is an error, as Keras's "expected no data".
  auto single = one_output(19);
  single->compile({.loss = "mse", .target_tensors = target});
  EXPECT_NE(message_of([&] {
              single->train_on_batch(random_normal({10, 4}, 9), random_normal({10, 4}, 10));
            }).find("Error when checking model target: expected no data"),
            std::string::npos);
}
