// Sequential end to end: the seed's quick start, training behaviour, Keras's errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>

#include "keras/keras.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;

namespace {

using keras::testing::random_normal;

// A learnable problem: the class is the argmax of the first 3 features.
std::pair<Tensor, Tensor> blobs(std::int64_t n, std::uint32_t seed) {
  Tensor x = random_normal({n, 8}, seed);
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x.data<float>() + i * 8;
    labels.push_back(std::max_element(row, row + 3) - row);
  }
  return {x, utils::to_categorical(Tensor::from_vector(labels), 3)};
}

std::unique_ptr<Sequential> small_model(const std::string& optimizer = "adam") {
  auto model = std::make_unique<Sequential>();
  model->add(Dense(16, {.activation = "relu", .input_dim = 8}));
  model->add(Dropout(0.1));
  model->add(Dense(3, {.activation = "softmax"}));
  model->compile(
      {.optimizer = optimizer, .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  return model;
}

}  // namespace

TEST(Sequential, SeedQuickStartTrainsAndPredicts) {
  Sequential model;
  model.add(Dense({.units = 64, .input_dim = 100}));
  model.add(Activation("relu"));
  model.add(Dense({.units = 10}));
  model.add(Activation("softmax"));
  model.compile({.optimizer = "sgd", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  Tensor x = random_normal({200, 100}, 1);
  std::vector<std::int64_t> labels(200);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 10);
  Tensor y = utils::to_categorical(Tensor::from_vector(labels), 10);
  auto history = model.fit(x, y, {.batch_size = 20, .nb_epoch = 5, .verbose = 0});
  ASSERT_EQ(history.history.at("loss").size(), 5u);
  EXPECT_EQ(history.history.count("acc"), 1u);
  EXPECT_LT(history.history["loss"].back(), history.history["loss"].front());

  Tensor classes = model.predict_classes(x, {.batch_size = 20});
  Tensor proba = model.predict_proba(x, {.batch_size = 20});
  ASSERT_EQ(classes.shape(), (Shape{200}));
  ASSERT_EQ(proba.shape(), (Shape{200, 10}));
  for (std::int64_t i = 0; i < 200; ++i) {
    double total = 0;
    std::int64_t best = 0;
    for (std::int64_t j = 0; j < 10; ++j) {
      total += proba(i, j);
      if (proba(i, j) > proba(i, best)) best = j;
    }
    EXPECT_NEAR(total, 1.0, 1e-5);
    EXPECT_EQ(classes.at<std::int64_t>(i), best);
  }
}

TEST(Sequential, ConstructorListAndInputSpecs) {
  Sequential a(
      {Dense(32, {.input_dim = 784}), Activation("relu"), Dense(10), Activation("softmax")});
  EXPECT_EQ(a.layers().size(), 4u);
  EXPECT_EQ(a.output_shape(), (Shape{-1, 10}));
  Sequential b;
  b.add(Dense(32, {.input_shape = Shape{784}}));
  EXPECT_EQ(b.input_shape(), (Shape{-1, 784}));
  Sequential c;
  c.add(Dense(32, {.batch_input_shape = Shape{-1, 784}}));
  EXPECT_EQ(c.output_shape(), (Shape{-1, 32}));
  EXPECT_EQ(a.count_params(), 784 * 32 + 32 + 32 * 10 + 10);
}

TEST(Sequential, LearnsAndHistoryHasKerasKeys) {
  utils::set_random_seed(3);
  auto [x, y] = blobs(600, 5);
  auto model = small_model();
  auto history =
      model->fit(x, y, {.batch_size = 32, .epochs = 15, .verbose = 0, .validation_split = 0.2});
  for (const char* key : {"loss", "acc", "val_loss", "val_acc"})
    EXPECT_EQ(history.history.count(key), 1u) << key;
  EXPECT_GT(history.history["val_acc"].back(), 0.75);
  EXPECT_LT(history.history["loss"].back(), history.history["loss"].front());
  std::vector<double> score = model->evaluate(x, y, {.verbose = 0});
  ASSERT_EQ(score.size(), 2u);
  EXPECT_EQ(model->metrics_names(), (std::vector<std::string>{"loss", "acc"}));
}

TEST(Sequential, OptimizersRmspropAndSgdMomentumTrain) {
  for (const char* name : {"rmsprop", "sgd"}) {
    utils::set_random_seed(11);
    auto [x, y] = blobs(300, 9);
    auto model = small_model(name);
    auto before = model->evaluate(x, y, {.verbose = 0})[0];
    model->fit(x, y, {.batch_size = 16, .epochs = 5, .verbose = 0});
    EXPECT_LT(model->evaluate(x, y, {.verbose = 0})[0], before) << name;
  }
}

TEST(Sequential, SameSeedSameWeights) {
  auto run = [] {
    utils::set_random_seed(1234);
    auto [x, y] = blobs(200, 2);
    auto model = small_model();
    model->fit(x, y, {.batch_size = 16, .epochs = 2, .verbose = 0});
    return model->get_weights();
  };
  auto first = run(), second = run();
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i)
    EXPECT_EQ(first[i].to_vector<float>(), second[i].to_vector<float>()) << "weight " << i;
}

TEST(Sequential, ValidationSplitTakesTheEnd) {
  auto [x, y] = blobs(100, 4);
  auto model = small_model();
  // Validation on the last 25 samples must equal evaluating them directly after training.
  auto history =
      model->fit(x, y, {.batch_size = 100, .epochs = 1, .verbose = 0, .validation_split = 0.25});
  double direct =
      model->evaluate(x.slice(75, 100), y.slice(75, 100), {.batch_size = 100, .verbose = 0})[0];
  EXPECT_NEAR(history.history["val_loss"][0], direct, 1e-5);
}

TEST(Sequential, BatchMethods) {
  auto [x, y] = blobs(64, 6);
  auto model = small_model();
  auto train = model->train_on_batch(x, y);
  auto test = model->test_on_batch(x, y);
  ASSERT_EQ(train.size(), 2u);
  ASSERT_EQ(test.size(), 2u);
  Tensor p = model->predict_on_batch(x);
  EXPECT_EQ(p.shape(), (Shape{64, 3}));
  Tensor q = model->predict(x, {.batch_size = 7});
  for (std::int64_t i = 0; i < p.numel(); ++i)
    EXPECT_NEAR(p.data<float>()[i], q.data<float>()[i], 1e-6);
}

TEST(Sequential, DropoutOnlyWhileTraining) {
  Sequential model;
  model.add(Dropout(0.5, {.input_shape = Shape{100}}));
  Tensor x = Tensor::full({4, 100}, 1.0);
  Tensor y = model.predict(x);
  for (std::int64_t i = 0; i < y.numel(); ++i) EXPECT_EQ(y.data<float>()[i], 1.0f);
}

TEST(SequentialErrors, SampleCountMismatch) {
  auto model = small_model();
  try {
    model->fit(Tensor({10, 8}), Tensor({9, 3}), {.verbose = 0});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Found 10 input samples and 9 target samples"),
              std::string::npos)
        << e.what();
  }
}

TEST(SequentialErrors, FeatureDimensionNamesLayerAndShapes) {
  auto model = small_model();
  try {
    model->fit(Tensor({10, 5}), Tensor({10, 3}), {.verbose = 0});
    FAIL();
  } catch (const std::invalid_argument& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(model->layers()[0]->name()), std::string::npos) << message;
    EXPECT_NE(message.find("(None, 8)"), std::string::npos) << message;
    EXPECT_NE(message.find("(10, 5)"), std::string::npos) << message;
  }
  try {
    model->fit(Tensor({10, 8}), Tensor({10, 4}), {.verbose = 0});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Error when checking target"), std::string::npos)
        << e.what();
  }
}

// Keras gives a later layer's input_dim no meaning: the layer builds for what it is called on.
TEST(Sequential, InputDimOfALaterLayerIsIgnored) {
  Sequential model;
  model.add(Dense(64, {.input_dim = 100}));
  model.add(Dense(10, {.input_dim = 50}));
  EXPECT_EQ(model.layers()[1]->weights()[0].shape(), (Shape{64, 10}));
  EXPECT_EQ(model.output_shape(), (Shape{-1, 10}));
}

TEST(SequentialErrors, UnknownStringsListValidOnes) {
  Sequential model;
  model.add(Dense(4, {.input_dim = 3}));
  auto expect_listing = [](auto&& f, const char* valid) {
    try {
      f();
      FAIL();
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(valid), std::string::npos) << e.what();
    }
  };
  expect_listing([&] { model.compile({.optimizer = "adamm", .loss = "mse"}); }, "rmsprop");
  expect_listing([&] { model.compile({.optimizer = "sgd", .loss = "msee"}); },
                 "categorical_crossentropy");
  expect_listing(
      [&] { model.compile({.optimizer = "sgd", .loss = "mse", .metrics = {"acuracy"}}); },
      "accuracy");
  expect_listing([&] { Activation("relux"); }, "softmax");
  expect_listing([&] { Dense(3, {.activation = "sigmoidd"}); }, "sigmoid");
}

TEST(SequentialErrors, FitBeforeCompile) {
  Sequential model;
  model.add(Dense(4, {.input_dim = 3}));
  try {
    model.fit(Tensor({2, 3}), Tensor({2, 4}), {.verbose = 0});
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("You must compile a model before"), std::string::npos);
  }
  // Predicting needs no compile (as in Keras).
  EXPECT_EQ(model.predict(Tensor({2, 3})).shape(), (Shape{2, 4}));
}

TEST(SequentialErrors, FirstLayerNeedsInputShape) {
  Sequential model;
  model.add(Dense(4));
  EXPECT_THROW(model.compile({.optimizer = "sgd", .loss = "mse"}), std::invalid_argument);
}

// Keras trains the epochs [initial_epoch, epochs): none at all when epochs <= initial_epoch.
TEST(Sequential, EpochsNotAfterInitialEpochTrainNothing) {
  auto model = small_model();
  auto [x, y] = blobs(40, 11);
  const Tensor before = model->predict(x);
  for (auto options : {FitOptions{.epochs = 0, .verbose = 0},
                       FitOptions{.epochs = 3, .verbose = 0, .initial_epoch = 3},
                       FitOptions{.epochs = 2, .verbose = 0, .initial_epoch = 5}}) {
    auto history = model->fit(x, y, options);
    EXPECT_TRUE(history.epoch.empty());
    EXPECT_TRUE(history.history.empty());
  }
  const Tensor after = model->predict(x);
  EXPECT_EQ(std::memcmp(before.raw_data(), after.raw_data(), before.nbytes()), 0);
  EXPECT_EQ(model->fit(x, y, {.epochs = 4, .verbose = 0, .initial_epoch = 2}).epoch,
            (std::vector<int>{2, 3}));
  EXPECT_EQ(model->fit(x, y, {.nb_epoch = 2, .verbose = 0}).epoch, (std::vector<int>{0, 1}));
}

TEST(SequentialErrors, BadSizesNameTheArgumentAndValue) {
  auto model = small_model();
  auto [x, y] = blobs(10, 12);
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_EQ(message([&] { model->fit(x, y, {.epochs = -1, .verbose = 0}); }),
            "fit: epochs must be a non-negative integer, got -1");
  EXPECT_EQ(message([&] { model->fit(x, y, {.batch_size = 0, .verbose = 0}); }),
            "fit: batch_size must be positive, got 0");
  EXPECT_EQ(message([&] { model->fit(x, y, {.verbose = 0, .initial_epoch = -2}); }),
            "fit: initial_epoch must be a non-negative integer, got -2");
  EXPECT_NE(message([&] {
              model->fit(x, y, {.verbose = 0, .validation_split = 1.0});
            }).find("validation_split must be in [0, 1)"),
            std::string::npos);
  EXPECT_EQ(message([&] { model->predict(x, {.batch_size = -4}); }),
            "predict: batch_size must be positive, got -4");
  EXPECT_NE(message([] { Dense(-3, {.input_dim = 2}); }).find("got -3"), std::string::npos);
  EXPECT_NE(message([] { Dense({.units = -3, .input_dim = 2}); }).find("got -3"),
            std::string::npos);
}

// No data is an error, not a loss of 0.
TEST(SequentialErrors, EmptyDataIsAnError) {
  auto model = small_model();
  const Tensor x({0, 8}), y({0, 3});
  for (auto& run : std::vector<std::function<void()>>{
           [&] { model->fit(x, y, {.verbose = 0}); },
           [&] { model->evaluate(x, y, {.verbose = 0}); }, [&] { model->predict(x); }}) {
    try {
      run();
      FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("0 samples"), std::string::npos) << e.what();
    }
  }
}

// KERAS_CHECK_NUMERICS=1 (read when a function is compiled) names the first op that makes a NaN
// or an infinity.
TEST(SequentialErrors, CheckNumericsNamesTheFirstOpProducingNaN) {
  ::setenv("KERAS_CHECK_NUMERICS", "1", 1);
  Sequential model;
  model.add(Dense(3, {.activation = "relu", .input_dim = 2}));
  model.add(Lambda([](const SymbolicTensor& t) { return backend::log(t - 1.0); }));
  Tensor fine = Tensor::full({2, 2}, 0.0);  // relu(0) = 0, log(-1) = NaN
  std::string message;
  try {
    model.predict(fine);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  ::unsetenv("KERAS_CHECK_NUMERICS");
  EXPECT_NE(message.find("KERAS_CHECK_NUMERICS"), std::string::npos) << message;
  EXPECT_NE(message.find("Log"), std::string::npos) << message;
  EXPECT_NE(message.find("NaN"), std::string::npos) << message;
  EXPECT_NE(message.find("(2, 3)"), std::string::npos) << message;
  // Off (the default), the same model predicts NaN without a word.
  Sequential quiet;
  quiet.add(Dense(3, {.activation = "relu", .input_dim = 2}));
  quiet.add(Lambda([](const SymbolicTensor& t) { return backend::log(t - 1.0); }));
  EXPECT_TRUE(std::isnan(quiet.predict(fine).data<float>()[0]));
}

// A predict made before an add must not keep running the old stack.
TEST(Sequential, AddAfterPredictPredictsWithTheNewLayer) {
  Sequential model;
  model.add(Dense(2, {.input_shape = Shape{3, 4}}));
  EXPECT_EQ(model.predict(Tensor::full({1, 3, 4}, 1.0)).shape(), (Shape{1, 3, 2}));
  model.add(Flatten());
  EXPECT_EQ(model.predict(Tensor::full({1, 3, 4}, 1.0)).shape(), (Shape{1, 6}));
}
