// Sample weights, class weights and temporal weights, as Keras 2.2.4's weighted objective and
// standardize_weights: equivalences, the removal of zero-weighted samples, and Keras's errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>

#include "keras/keras.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;

namespace {

using keras::testing::random_normal;

std::vector<std::int64_t> labels_of(std::int64_t n) {
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) labels.push_back((i * 7 + 1) % 3);
  return labels;
}

// A softmax classifier whose initial weights depend only on `seed`.
std::unique_ptr<Sequential> classifier(std::uint64_t seed,
                                       const std::string& loss = "categorical_crossentropy") {
  utils::set_random_seed(seed);
  auto model = std::make_unique<Sequential>();
  model->add(Dense(6, {.activation = "tanh", .input_dim = 4}));
  model->add(Dense(3, {.activation = "softmax"}));
  model->compile({.optimizer = "sgd", .loss = loss, .metrics = {"accuracy"}});
  return model;
}

void expect_same_weights(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i].to_vector<float>(), b[i].to_vector<float>()) << "weight " << i;
}

void expect_near_weights(const std::vector<Tensor>& a, const std::vector<Tensor>& b,
                         double tolerance) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto va = a[i].to_vector<double>(), vb = b[i].to_vector<double>();
    ASSERT_EQ(va.size(), vb.size());
    for (std::size_t j = 0; j < va.size(); ++j)
      EXPECT_NEAR(va[j], vb[j], tolerance) << "weight " << i << "[" << j << "]";
  }
}

// Rows `keep` of t.
Tensor take_rows(const Tensor& t, const std::vector<std::int64_t>& keep) {
  Shape shape = t.shape();
  shape[0] = static_cast<std::int64_t>(keep.size());
  Tensor out(shape, t.dtype());
  std::size_t row = t.nbytes() / static_cast<std::size_t>(t.shape()[0]);
  for (std::size_t i = 0; i < keep.size(); ++i)
    std::memcpy(static_cast<char*>(out.raw_data()) + i * row,
                static_cast<const char*>(t.raw_data()) + static_cast<std::size_t>(keep[i]) * row,
                row);
  return out;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST(ClassWeight, EqualsTheEquivalentSampleWeight) {
  const ClassWeight class_weight{{0, 1.0}, {1, 2.5}, {2, 0.25}};
  Tensor x = random_normal({12, 4}, 1);
  std::vector<std::int64_t> labels = labels_of(12);
  Tensor y = utils::to_categorical(Tensor::from_vector(labels), 3);
  std::vector<float> weights;
  for (auto label : labels) weights.push_back(static_cast<float>(class_weight.at(label)));
  Tensor w = Tensor::from_vector(weights);

  auto by_class = classifier(7), by_sample = classifier(7);
  auto loss_class = by_class->train_on_batch(x, y, {}, class_weight);
  auto loss_sample = by_sample->train_on_batch(x, y, w);
  EXPECT_EQ(loss_class, loss_sample);
  expect_same_weights(by_class->get_weights(), by_sample->get_weights());

  // Through fit, shuffled: the same seed gives the same order, so the same steps.
  utils::set_random_seed(99);
  auto h_class = by_class->fit(
      x, y, {.batch_size = 5, .epochs = 2, .verbose = 0, .class_weight = class_weight});
  utils::set_random_seed(99);
  auto h_sample =
      by_sample->fit(x, y, {.batch_size = 5, .epochs = 2, .verbose = 0, .sample_weight = w});
  EXPECT_EQ(h_class.history.at("loss"), h_sample.history.at("loss"));
  expect_same_weights(by_class->get_weights(), by_sample->get_weights());
}

TEST(ClassWeight, SparseLabelsUseTheLabelItself) {
  const ClassWeight class_weight{{0, 3.0}, {1, 0.5}, {2, 1.5}};
  Tensor x = random_normal({9, 4}, 2);
  std::vector<std::int64_t> labels = labels_of(9);
  std::vector<float> weights;
  for (auto label : labels) weights.push_back(static_cast<float>(class_weight.at(label)));
  auto by_class = classifier(3, "sparse_categorical_crossentropy");
  auto by_sample = classifier(3, "sparse_categorical_crossentropy");
  Tensor y = Tensor::from_vector(labels);
  EXPECT_EQ(by_class->train_on_batch(x, y, {}, class_weight),
            by_sample->train_on_batch(x, y, Tensor::from_vector(weights)));
  expect_same_weights(by_class->get_weights(), by_sample->get_weights());
}

TEST(SampleWeight, ZeroWeightRemovesTheSample) {
  Tensor x = random_normal({8, 4}, 3);
  Tensor y = utils::to_categorical(Tensor::from_vector(labels_of(8)), 3);
  Tensor w = Tensor::full({8}, 1.0);
  w.data<float>()[5] = 0;
  auto weighted = classifier(11), without = classifier(11);
  double loss_weighted = weighted->train_on_batch(x, y, w)[0];
  std::vector<std::int64_t> keep{0, 1, 2, 3, 4, 6, 7};
  double loss_without = without->train_on_batch(take_rows(x, keep), take_rows(y, keep))[0];
  // Keras normalises by the fraction of non-zero weights: the mean over the other 7 samples.
  EXPECT_NEAR(loss_weighted, loss_without, 1e-6);
  expect_near_weights(weighted->get_weights(), without->get_weights(), 1e-6);
}

TEST(SampleWeight, ShuffledFitKeepsWeightsAlignedWithSamples) {
  // Rows 1, 4 and 6 carry absurd targets and weight 0: if shuffling separated weights from
  // their samples, those targets would dominate training.
  Tensor x = random_normal({10, 4}, 4);
  Tensor y = utils::to_categorical(Tensor::from_vector(labels_of(10)), 3);
  Tensor w = Tensor::full({10}, 1.0);
  for (std::int64_t bad : {1, 4, 6}) {
    w.data<float>()[bad] = 0;
    for (int k = 0; k < 3; ++k) y.at<float>(bad, k) = 50.0f;
  }
  std::vector<std::int64_t> keep{0, 2, 3, 5, 7, 8, 9};
  auto weighted = classifier(5), clean = classifier(5);
  // One batch per epoch: the order within it does not change the gradient beyond rounding.
  weighted->fit(x, y,
                {.batch_size = 10, .epochs = 3, .verbose = 0, .shuffle = true, .sample_weight = w});
  clean->fit(take_rows(x, keep), take_rows(y, keep), {.batch_size = 10, .epochs = 3, .verbose = 0});
  expect_near_weights(weighted->get_weights(), clean->get_weights(), 1e-5);
}

TEST(SampleWeight, EvaluateAndValidationUseWeights) {
  Tensor x = random_normal({20, 4}, 5);
  Tensor y = utils::to_categorical(Tensor::from_vector(labels_of(20)), 3);
  std::vector<float> wv;
  for (int i = 0; i < 20; ++i) wv.push_back(static_cast<float>(i % 4));  // zeros included
  Tensor w = Tensor::from_vector(wv);
  auto model = classifier(8);
  // evaluate with weights over one batch equals test_on_batch with the same weights.
  EXPECT_NEAR(model->evaluate(x, y, {.batch_size = 20, .verbose = 0, .sample_weight = w})[0],
              model->test_on_batch(x, y, w)[0], 1e-6);
  // validation_data with weights (Keras's 3-tuple): val_loss is the weighted loss after the epoch.
  auto history = model->fit(x.slice(0, 12), y.slice(0, 12),
                            {.batch_size = 4,
                             .epochs = 1,
                             .verbose = 0,
                             .validation_data = std::pair{x.slice(12, 20), y.slice(12, 20)},
                             .validation_sample_weight = w.slice(12, 20)});
  EXPECT_NEAR(history.history.at("val_loss")[0],
              model->test_on_batch(x.slice(12, 20), y.slice(12, 20), w.slice(12, 20))[0], 1e-6);
  // validation_split takes the weights of the last samples with them (validated in batches of 4
  // and 1, each normalised by its own non-zero weights, as Keras).
  history = model->fit(
      x, y,
      {.batch_size = 4, .epochs = 1, .verbose = 0, .validation_split = 0.25, .sample_weight = w});
  EXPECT_NEAR(history.history.at("val_loss")[0],
              model->evaluate(x.slice(15, 20), y.slice(15, 20),
                              {.batch_size = 4, .verbose = 0, .sample_weight = w.slice(15, 20)})[0],
              1e-6);
}

namespace {
// Dense over (batch, timesteps, features): a (batch, 5, 2) output, weighted per timestep.
std::unique_ptr<Sequential> temporal_model(std::uint64_t seed) {
  utils::set_random_seed(seed);
  auto model = std::make_unique<Sequential>();
  model->add(Dense(2, {.input_shape = Shape{5, 3}}));
  model->compile({.optimizer = "sgd", .loss = "mse", .sample_weight_mode = "temporal"});
  return model;
}
}  // namespace

TEST(TemporalWeights, WeightEachTimestepAsKeras) {
  auto model = temporal_model(4);
  Tensor x = random_normal({4, 5, 3}, 6), y = random_normal({4, 5, 2}, 7);
  Tensor w = random_normal({4, 5}, 8);
  for (std::int64_t i = 0; i < w.numel(); ++i) w.data<float>()[i] = std::abs(w.data<float>()[i]);
  w.at<float>(1, 3) = 0;
  w.at<float>(2, 0) = 0;
  // Keras: mean(mse per timestep * w) / mean(w != 0).
  Tensor pred = model->predict(x);
  double total = 0, nonzero = 0;
  for (std::int64_t b = 0; b < 4; ++b)
    for (std::int64_t t = 0; t < 5; ++t) {
      double se = 0;
      for (std::int64_t k = 0; k < 2; ++k) se += std::pow(pred(b, t, k) - y(b, t, k), 2);
      total += se / 2 * w(b, t);
      nonzero += w(b, t) != 0;
    }
  double expected = (total / 20) / (nonzero / 20);
  EXPECT_NEAR(model->test_on_batch(x, y, w)[0], expected, 1e-5);
  EXPECT_NEAR(model->evaluate(x, y, {.batch_size = 3, .verbose = 0, .sample_weight = w})[0],
              // evaluate averages batches of 3 and 1 samples, each normalised by its own non-zeros
              (model->test_on_batch(x.slice(0, 3), y.slice(0, 3), w.slice(0, 3))[0] * 3 +
               model->test_on_batch(x.slice(3, 4), y.slice(3, 4), w.slice(3, 4))[0]) /
                  4,
              1e-6);

  // A zero-weighted timestep's target does not matter, for the loss or for training.
  Tensor y2 = y.clone();
  y2.at<float>(1, 3, 0) = 100.0f;
  y2.at<float>(2, 0, 1) = -100.0f;
  auto a = temporal_model(4), b = temporal_model(4);
  EXPECT_NEAR(a->train_on_batch(x, y, w)[0], b->train_on_batch(x, y2, w)[0], 1e-6);
  expect_near_weights(a->get_weights(), b->get_weights(), 1e-6);

  // fit in one unshuffled batch takes the same step as train_on_batch.
  auto c = temporal_model(4);
  c->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false, .sample_weight = w});
  expect_same_weights(a->get_weights(), c->get_weights());
}

TEST(WeightErrors, KerasMessages) {
  auto model = classifier(1);
  Tensor x = random_normal({10, 4}, 9);
  Tensor y = utils::to_categorical(Tensor::from_vector(labels_of(10)), 3);
  EXPECT_NE(message_of([&] { model->fit(x, y, {.verbose = 0, .sample_weight = Tensor({9})}); })
                .find("Found a sample_weight array with shape (9,) for an input with shape (10, "
                      "3). sample_weight "
                      "cannot be broadcast."),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              model->fit(x, y, {.verbose = 0, .sample_weight = Tensor({10, 3})});
            }).find("you should specify sample_weight_mode=\"temporal\" in compile()"),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              model->fit(x, y, {.verbose = 0, .class_weight = {{0, 1.0}, {2, 1.0}}});
            })
                .find("`class_weight` must contain all classes in the data. The classes {1} exist "
                      "in the data but not "
                      "in `class_weight`."),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              model->evaluate(x, y, {.verbose = 0, .sample_weight = Tensor({11})});
            }).find("sample_weight cannot be broadcast"),
            std::string::npos);

  auto temporal = temporal_model(2);
  Tensor tx({4, 5, 3}), ty({4, 5, 2});
  EXPECT_NE(message_of([&] { temporal->fit(tx, ty, {.verbose = 0, .sample_weight = Tensor({4})}); })
                .find("Found a sample_weight array with shape (4,). In order to use timestep-wise "
                      "sample weighting, you "
                      "should pass a 2D sample_weight array."),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              temporal->fit(tx, ty, {.verbose = 0, .class_weight = {{0, 1.0}}});
            }).find("`class_weight` not supported for 3+ dimensional targets."),
            std::string::npos);
  EXPECT_NE(
      message_of([&] {
        temporal->fit(tx, ty, {.verbose = 0, .sample_weight = Tensor({4, 4})});
      }).find("Found a sample_weight array with shape (4, 4) for an input with shape (4, 5, 2)."),
      std::string::npos);

  // Keras 2.2.4 compiles "temporal" for a flat output and refuses the data it is given.
  Sequential flat;
  flat.add(Dense(2, {.input_dim = 3}));
  flat.compile({.optimizer = "sgd", .loss = "mse", .sample_weight_mode = "temporal"});
  EXPECT_NE(message_of([&] {
              flat.train_on_batch(Tensor({4, 3}), Tensor({4, 2}), Tensor({4, 2}));
            })
                .find("Found a sample_weight array for an input with shape (4, 2). Timestep-wise "
                      "sample weighting (use of sample_weight_mode=\"temporal\") is restricted to "
                      "outputs that are at least 3D"),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              flat.compile({.optimizer = "sgd", .loss = "mse", .sample_weight_mode = "time"});
            }).find("\"sample_weight_mode should be None or \"temporal\". Found: time"),
            std::string::npos);
}

// compile's weighted_metrics (Keras 2.2.4): weighted by sample_weight and class_weight as the
// loss is, named "weighted_" + the metric, after the output's plain metrics; in evaluate,
// train_on_batch and the History.
TEST(WeightedMetrics, UseTheSampleAndClassWeights) {
  Tensor x = random_normal({16, 4}, 11);
  Tensor y = random_normal({16, 2}, 12);
  Sequential model;
  model.add(Dense(2, {.kernel_initializer = "zeros", .input_dim = 4}));
  // SGD with lr 0: every value below is of the zero prediction.
  model.compile({.optimizer = optimizers::SGD({.lr = 0.0}),
                 .loss = "mse",
                 .metrics = {"mae"},
                 .weighted_metrics = {"mae", "mae"}});
  EXPECT_EQ(model.metrics_names(),
            (std::vector<std::string>{"loss", "mean_absolute_error", "weighted_mean_absolute_error",
                                      "weighted_mean_absolute_error_1"}));
  std::vector<float> wv(16, 0.0f), yv = y.to_vector<float>();
  for (int i = 0; i < 8; ++i) wv[static_cast<std::size_t>(i)] = 1.0f;
  auto mean_abs = [&](auto keep) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < 16; ++i)
      if (keep(i)) {
        sum += std::abs(yv[2 * i]) + std::abs(yv[2 * i + 1]);
        n += 2;
      }
    return sum / n;
  };
  const double plain = mean_abs([](int) { return true; });
  const double first_half = mean_abs([](int i) { return i < 8; });
  auto values = model.evaluate(x, y, {.verbose = 0, .sample_weight = Tensor::from_vector(wv)});
  ASSERT_EQ(values.size(), 4u);
  EXPECT_NEAR(values[1], plain, 1e-5);
  EXPECT_NEAR(values[2], first_half, 1e-5);
  EXPECT_NEAR(values[3], first_half, 1e-5);
  // class_weight: a sample's class is the argmax of its target.
  auto second_class = [&](int i) { return yv[2 * i + 1] > yv[2 * i]; };
  auto trained = model.train_on_batch(x, y, {}, {{0, 0.0}, {1, 1.0}});
  EXPECT_NEAR(trained[1], plain, 1e-5);
  EXPECT_NEAR(trained[2], mean_abs(second_class), 1e-5);
  auto history = model.fit(
      x, y,
      {.batch_size = 16, .epochs = 1, .verbose = 0, .sample_weight = Tensor::from_vector(wv)});
  EXPECT_NEAR(history.history.at("weighted_mean_absolute_error")[0], first_half, 1e-5);
  EXPECT_NEAR(history.history.at("mean_absolute_error")[0], plain, 1e-5);
  // Saved in the training config (as Keras after 2.2.4) and compiled back on load.
  const std::string path =
      (std::filesystem::temp_directory_path() / "keras_weighted_metrics.h5").string();
  model.save(path);
  EXPECT_EQ(models::load_model(path)->metrics_names(), model.metrics_names());
  std::filesystem::remove(path);
}

// compile's sample_weight_modes (Keras 2.2.4's list or dict of modes): one mode per output, here
// a sequence output weighted per timestep beside a flat output weighted per sample.
TEST(TemporalWeights, OneModePerOutput) {
  auto x = Input({.shape = Shape{5, 3}});
  auto seq = Dense(2, {.name = "seq"})(x);
  auto flat = Dense(1, {.name = "flat"})(Flatten()(x));
  Model model(TensorList{x}, TensorList{seq, flat});
  model.compile({.optimizer = "sgd", .loss = "mse", .sample_weight_modes = {"temporal", ""}});
  Tensor xs = random_normal({4, 5, 3}, 21);
  Arrays ys{random_normal({4, 5, 2}, 22), random_normal({4, 1}, 23)};
  Tensor per_timestep = Tensor::full({4, 5}, 1.0, K::floatx());
  Tensor per_sample = Tensor::full({4}, 1.0, K::floatx());
  auto all = model.test_on_batch(Arrays{xs}, ys, Arrays{per_timestep, per_sample});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_NEAR(all[0], all[1] + all[2], 1e-5);
  // One timestep weighted (Keras: mean(loss * w) / mean(w != 0)): that timestep's error.
  Tensor one_step = Tensor::full({4, 5}, 0.0, K::floatx());
  one_step.at<float>(2, 1) = 1.0f;
  Tensor pred = model.predict(Arrays{xs})[0];
  double expected = 0;
  for (std::int64_t k = 0; k < 2; ++k)
    expected += std::pow(pred(2, 1, k) - ys.list[0](2, 1, k), 2) / 2;
  auto weighted = model.test_on_batch(Arrays{xs}, ys, Arrays{one_step, per_sample});
  EXPECT_NEAR(weighted[1], expected, 1e-5);
  EXPECT_NEAR(weighted[2], all[2], 1e-5);

  EXPECT_NE(message_of([&] {
              model.compile({.optimizer = "sgd", .loss = "mse", .sample_weight_modes = {""}});
            }).find("it should have one entry per model output. The model has 2 outputs"),
            std::string::npos);
  // "temporal" on the flat output compiles (Keras 2.2.4) and refuses its targets.
  model.compile({.optimizer = "sgd", .loss = "mse", .sample_weight_modes = {"", "temporal"}});
  EXPECT_NE(message_of([&] {
              model.test_on_batch(Arrays{xs}, ys);
            }).find("restricted to outputs that are at least 3D"),
            std::string::npos);
}
