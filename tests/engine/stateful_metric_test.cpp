// Keras 2.2.4's stateful metrics in the C++ API (keras/metrics/stateful.h): a metric function
// that marks itself stateful during compile is reported as its last value and reset at each
// epoch and before each evaluation; and Keras's _feed_inputs (keras/engine/feed.h): an Input on
// a variable takes no array.
#include <gtest/gtest.h>

#include <memory>

#include "keras/engine/feed.h"
#include "keras/keras.h"
#include "keras/metrics/stateful.h"

using namespace keras;
using namespace keras::layers;
namespace K = keras::backend;

namespace {

// A metric counting the samples of every batch since its last reset.
struct SamplesSeen {
  SymbolicTensor total = K::variable(Tensor::zeros({}));
  int resets = 0;

  metrics::MetricFunction function() {
    return [this](const SymbolicTensor&, const SymbolicTensor& y_pred) {
      SymbolicTensor batch = K::sum(K::ones_like(y_pred)) / K::constant(2.0);  // 2 units
      metrics::mark_stateful(
          [this] {
            ++resets;
            K::set_value(total, Tensor::zeros({}));
          },
          {K::update_add(total, batch)});
      return total + batch;
    };
  }
};

std::shared_ptr<Model> model_with(SamplesSeen& metric) {
  auto x = Input({.shape = Shape{3}});
  auto model = std::make_shared<Model>(x, Dense(2)(x));
  model->compile({.optimizer = "sgd",
                  .loss = "mse",
                  .metrics = {MetricArg("samples_seen", metric.function())}});
  return model;
}

TEST(StatefulMetric, FitReportsTheLastValueEveryEpochFromZero) {
  SamplesSeen metric;
  auto model = model_with(metric);
  Tensor x = Tensor::full({25, 3}, 0.5), y = Tensor::zeros({25, 2});
  FitOptions options;
  options.batch_size = 10;
  options.epochs = 3;
  options.verbose = 0;
  options.validation_data =
      std::make_pair(Arrays(Tensor::full({7, 3}, 0.1)), Arrays(Tensor::zeros({7, 2})));
  callbacks::History history = model->fit(x, y, options);
  EXPECT_EQ(history.history["samples_seen"], (std::vector<double>{25, 25, 25}));
  EXPECT_EQ(history.history["val_samples_seen"], (std::vector<double>{7, 7, 7}));
  EXPECT_GE(metric.resets, 6);
  EXPECT_EQ(model->evaluate(x, y, {.batch_size = 8, .verbose = 0})[1], 25.0);
  // The batch methods go on counting, as Keras's.
  EXPECT_EQ(model->train_on_batch(x, y)[1], 50.0);
  EXPECT_EQ(model->test_on_batch(x, y)[1], 75.0);
}

TEST(StatefulMetric, MarkOutsideCompileDoesNothing) {
  bool called = false;
  metrics::mark_stateful([&] { called = true; }, {});
  EXPECT_FALSE(called);
}

TEST(FedInputs, AnInputOnAVariableTakesNoArray) {
  Tensor values = Tensor::full({4, 3}, 1.0);
  auto constant =
      std::make_shared<InputLayer>(InputLayer::Options{.input_tensor = {K::variable(values)}})
          ->make_input();
  auto fed = Input({.shape = Shape{3}, .name = "fed"});
  auto model = std::make_shared<Model>(TensorList{fed, constant},
                                       TensorList{Dense(1)(add({fed, constant}))});
  EXPECT_EQ(fed_inputs(*model).size(), 1U);
  EXPECT_EQ(fed_input_names(*model), (std::vector<std::string>{"fed"}));
  model->compile({.optimizer = "sgd", .loss = "mse"});
  EXPECT_EQ(model->predict(Tensor::zeros({4, 3}), {.batch_size = 4}).shape(), (Shape{4, 1}));
  model->train_on_batch(Tensor::zeros({4, 3}), Tensor::zeros({4, 1}));
  EXPECT_THROW(model->train_on_batch(Arrays(std::vector<Tensor>{Tensor::zeros({4, 3}), values}),
                                     Arrays(Tensor::zeros({4, 1}))),
               std::invalid_argument);
}

}  // namespace
