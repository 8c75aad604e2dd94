// Keras 2.2.4's callbacks: each driven hook by hook with hand-made logs (the epoch-by-epoch
// logic) and through a short fit().
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "callbacks/python_format.h"
#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;
using namespace keras::callbacks;
using testing::internal::CaptureStderr;
using testing::internal::CaptureStdout;
using testing::internal::GetCapturedStderr;
using testing::internal::GetCapturedStdout;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// y = sum of the 4 features > 0: learnable by one sigmoid unit.
std::pair<Tensor, Tensor> data(std::int64_t n, std::uint32_t seed) {
  Tensor x({n, 4});
  Tensor y({n, 1});
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  for (std::int64_t i = 0; i < n; ++i) {
    float sum = 0;
    for (std::int64_t j = 0; j < 4; ++j) sum += x.data<float>()[i * 4 + j] = normal(rng);
    y.data<float>()[i] = sum > 0 ? 1.0f : 0.0f;
  }
  return {x, y};
}

std::unique_ptr<Sequential> model(double lr = 0.1) {
  utils::set_random_seed(7);
  auto m = std::make_unique<Sequential>();
  m->add(Dense(1, {.activation = "sigmoid", .input_dim = 4}));
  m->compile({.optimizer = optimizers::SGD({.lr = lr}),
              .loss = "binary_crossentropy",
              .metrics = {"accuracy"}});
  return m;
}

// Hooks a callback up to a model as fit() does.
template <typename C>
std::shared_ptr<C> attach(std::shared_ptr<C> callback, Model& m) {
  callback->set_model(&m);
  callback->set_params({});
  return callback;
}

// Runs on_epoch_end over `values` of `key`, returning the epoch at which training was stopped
// (-1 when it was not).
int run_epochs(Callback& callback, Model& m, const std::string& key,
               const std::vector<double>& values) {
  Logs begin;
  m.stop_training = false;
  callback.on_train_begin(begin);
  for (std::size_t epoch = 0; epoch < values.size(); ++epoch) {
    Logs logs{{key, values[epoch]}};
    callback.on_epoch_end(static_cast<int>(epoch), logs);
    if (m.stop_training) return static_cast<int>(epoch);
  }
  return -1;
}

std::string temp_path(const std::string& suffix) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return (std::filesystem::temp_directory_path() / ("keras_callbacks_" + std::string(info->name()) +
                                                    "_" + std::to_string(::getpid()) + suffix))
      .string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<double> weights_flat(const Model& m) {
  std::vector<double> out;
  for (const Tensor& w : m.get_weights())
    for (double v : w.to_vector<double>()) out.push_back(v);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Python formatting

TEST(PythonFormat, FloatReprMatchesPython) {
  using keras::callbacks::detail::float_repr;
  EXPECT_EQ(float_repr(0.1), "0.1");
  EXPECT_EQ(float_repr(2.0), "2.0");
  EXPECT_EQ(float_repr(0.0), "0.0");
  EXPECT_EQ(float_repr(-0.0), "-0.0");
  EXPECT_EQ(float_repr(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(float_repr(0.0001), "0.0001");
  EXPECT_EQ(float_repr(0.00012345), "0.00012345");
  EXPECT_EQ(float_repr(1e-05), "1e-05");
  EXPECT_EQ(float_repr(1.5e-05), "1.5e-05");
  EXPECT_EQ(float_repr(-2.5e-07), "-2.5e-07");
  EXPECT_EQ(float_repr(100.0), "100.0");
  EXPECT_EQ(float_repr(123456.789), "123456.789");
  EXPECT_EQ(float_repr(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(float_repr(1e16), "1e+16");
  EXPECT_EQ(float_repr(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(float_repr(5e-324), "5e-324");
  EXPECT_EQ(float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(float_repr(kNaN), "nan");
  EXPECT_EQ(float_repr(kInf), "inf");
  EXPECT_EQ(float_repr(-kInf), "-inf");
}

// ---------------------------------------------------------------------------------------------
// EarlyStopping

TEST(EarlyStopping, DefaultsAreKeras) {
  EarlyStoppingOptions o;
  EXPECT_EQ(o.monitor, "val_loss");
  EXPECT_EQ(o.min_delta, 0.0);
  EXPECT_EQ(o.patience, 0);
  EXPECT_EQ(o.verbose, 0);
  EXPECT_EQ(o.mode, "auto");
  EXPECT_FALSE(o.baseline.has_value());
  EXPECT_FALSE(o.restore_best_weights);
  EarlyStopping es;
  EXPECT_FALSE(es.maximizes());
  EXPECT_TRUE(EarlyStopping({.monitor = "val_acc"}).maximizes());
  EXPECT_TRUE(EarlyStopping({.monitor = "categorical_acc"}).maximizes());
}

TEST(EarlyStopping, PatienceZeroStopsAtFirstNonImprovement) {
  auto m = model();
  auto es = attach(std::make_shared<EarlyStopping>(), *m);
  EXPECT_EQ(run_epochs(*es, *m, "val_loss", {1.0, 0.9, 0.9, 0.5}), 2);  // equal is no improvement
  EXPECT_EQ(es->stopped_epoch(), 2);
  EXPECT_EQ(es->best(), 0.9);
}

TEST(EarlyStopping, PatienceCountsEpochsWithoutImprovement) {
  auto m = model();
  auto es = attach(
      std::make_shared<EarlyStopping>(EarlyStoppingOptions{.monitor = "loss", .patience = 2}), *m);
  Logs begin;
  es->on_train_begin(begin);
  const std::vector<double> losses{1.0, 0.9, 0.95, 0.85, 0.86, 0.87, 0.5};
  const std::vector<int> waits{0, 0, 1, 0, 1, 2};
  for (int epoch = 0; epoch < 6; ++epoch) {
    Logs logs{{"loss", losses[static_cast<std::size_t>(epoch)]}};
    es->on_epoch_end(epoch, logs);
    EXPECT_EQ(es->wait(), waits[static_cast<std::size_t>(epoch)]) << "epoch " << epoch;
    EXPECT_EQ(m->stop_training, epoch == 5) << "epoch " << epoch;
  }
  EXPECT_EQ(es->stopped_epoch(), 5);
  EXPECT_EQ(es->best(), 0.85);
}

TEST(EarlyStopping, MinDeltaIsTheSmallestImprovement) {
  auto m = model();
  auto es = attach(
      std::make_shared<EarlyStopping>(EarlyStoppingOptions{.min_delta = 0.1, .patience = 1}), *m);
  EXPECT_EQ(es->min_delta(), -0.1);  // signed as Keras keeps it for a minimised quantity
  // 0.95 is 0.05 better than 1.0: not enough. 0.85 is 0.15 better: an improvement.
  EXPECT_EQ(run_epochs(*es, *m, "val_loss", {1.0, 0.85, 0.8}), 2);
  EXPECT_EQ(es->best(), 0.85);
  EXPECT_EQ(run_epochs(*es, *m, "val_loss", {1.0, 0.95}), 1);
  auto up = attach(std::make_shared<EarlyStopping>(EarlyStoppingOptions{
                       .monitor = "val_acc", .min_delta = 0.05, .patience = 1}),
                   *m);
  EXPECT_EQ(up->min_delta(), 0.05);
  EXPECT_EQ(run_epochs(*up, *m, "val_acc", {0.5, 0.6, 0.64, 0.7}), 2);
}

TEST(EarlyStopping, Modes) {
  auto m = model();
  // auto on an "acc" name maximises; a falling accuracy stops.
  auto acc =
      attach(std::make_shared<EarlyStopping>(EarlyStoppingOptions{.monitor = "val_acc"}), *m);
  EXPECT_EQ(run_epochs(*acc, *m, "val_acc", {0.5, 0.6, 0.55}), 2);
  EXPECT_EQ(acc->best(), 0.6);
  // max on a loss stops as soon as the loss falls.
  auto max = attach(std::make_shared<EarlyStopping>(EarlyStoppingOptions{.mode = "max"}), *m);
  EXPECT_EQ(run_epochs(*max, *m, "val_loss", {1.0, 0.9}), 1);
  // min on an accuracy stops as soon as it rises.
  auto min = attach(
      std::make_shared<EarlyStopping>(EarlyStoppingOptions{.monitor = "acc", .mode = "min"}), *m);
  EXPECT_EQ(run_epochs(*min, *m, "acc", {0.5, 0.4, 0.6}), 2);
  // An unknown mode warns and falls back to auto.
  CaptureStderr();
  EarlyStopping odd({.monitor = "val_acc", .mode = "maximum"});
  EXPECT_EQ(GetCapturedStderr(),
            "RuntimeWarning: EarlyStopping mode maximum is unknown, fallback to auto mode.\n");
  EXPECT_EQ(odd.options().mode, "auto");
  EXPECT_TRUE(odd.maximizes());
}

TEST(EarlyStopping, BaselineMustBeBeaten) {
  auto m = model();
  auto es = attach(
      std::make_shared<EarlyStopping>(EarlyStoppingOptions{.patience = 2, .baseline = 0.5}), *m);
  EXPECT_EQ(run_epochs(*es, *m, "val_loss", {0.6, 0.55, 0.52, 0.4}), 1);
  EXPECT_EQ(es->best(), 0.5);
  // Beating it once resets the count.
  EXPECT_EQ(run_epochs(*es, *m, "val_loss", {0.6, 0.45, 0.46, 0.47, 0.3}), 3);
  EXPECT_EQ(es->best(), 0.45);
  auto acc = attach(
      std::make_shared<EarlyStopping>(EarlyStoppingOptions{.monitor = "val_acc", .baseline = 0.9}),
      *m);
  EXPECT_EQ(run_epochs(*acc, *m, "val_acc", {0.95, 0.8}), 1);
  EXPECT_EQ(run_epochs(*acc, *m, "val_acc", {0.85}), 0);
}

TEST(EarlyStopping, RestoresTheBestEpochsWeights) {
  auto m = model();
  auto es = attach(std::make_shared<EarlyStopping>(EarlyStoppingOptions{
                       .monitor = "val_loss", .patience = 2, .restore_best_weights = true}),
                   *m);
  const std::vector<double> losses{0.8, 0.6, 0.7, 0.65};
  std::vector<std::vector<Tensor>> per_epoch;
  Logs begin;
  es->on_train_begin(begin);
  for (std::size_t epoch = 0; epoch < losses.size(); ++epoch) {
    std::vector<Tensor> weights = m->get_weights();
    for (Tensor& w : weights) w = Tensor::full(w.shape(), static_cast<double>(epoch) + 1.0);
    m->set_weights(weights);  // stands for one epoch of training
    per_epoch.push_back(weights);
    Logs logs{{"val_loss", losses[epoch]}};
    es->on_epoch_end(static_cast<int>(epoch), logs);
  }
  ASSERT_TRUE(m->stop_training);
  EXPECT_EQ(es->stopped_epoch(), 3);
  for (double v : weights_flat(*m)) EXPECT_EQ(v, 2.0);  // epoch 1's weights

  // Without the option the last weights stay.
  auto m2 = model();
  auto keep = attach(std::make_shared<EarlyStopping>(EarlyStoppingOptions{.patience = 0}), *m2);
  const std::vector<double> before = weights_flat(*m2);
  EXPECT_EQ(run_epochs(*keep, *m2, "val_loss", {0.5, 0.6}), 1);
  EXPECT_EQ(weights_flat(*m2), before);
  EXPECT_TRUE(keep->best_weights().empty());
}

TEST(EarlyStopping, RestoreWithNothingBetterThanBaselineKeepsWeights) {
  auto m = model();
  auto es = attach(std::make_shared<EarlyStopping>(
                       EarlyStoppingOptions{.baseline = 0.1, .restore_best_weights = true}),
                   *m);
  const std::vector<double> before = weights_flat(*m);
  EXPECT_EQ(run_epochs(*es, *m, "val_loss", {0.5}), 0);
  EXPECT_EQ(weights_flat(*m), before);
}

TEST(EarlyStopping, VerboseMessages) {
  auto m = model();
  auto es = attach(std::make_shared<EarlyStopping>(EarlyStoppingOptions{
                       .patience = 1, .verbose = 1, .restore_best_weights = true}),
                   *m);
  CaptureStdout();
  EXPECT_EQ(run_epochs(*es, *m, "val_loss", {0.5, 0.4, 0.45}), 2);
  Logs end;
  es->on_train_end(end);
  EXPECT_EQ(GetCapturedStdout(),
            "Restoring model weights from the end of the best epoch\n"
            "Epoch 00003: early stopping\n");
  // Keras reports nothing for a stop at the first epoch (its stopped_epoch > 0 test).
  auto first = attach(
      std::make_shared<EarlyStopping>(EarlyStoppingOptions{.verbose = 1, .baseline = 0.1}), *m);
  CaptureStdout();
  EXPECT_EQ(run_epochs(*first, *m, "val_loss", {0.5}), 0);
  first->on_train_end(end);
  EXPECT_EQ(GetCapturedStdout(), "");
}

TEST(EarlyStopping, MissingMonitorWarnsOnce) {
  auto m = model();
  auto es = attach(std::make_shared<EarlyStopping>(), *m);
  Logs begin;
  es->on_train_begin(begin);
  CaptureStderr();
  for (int epoch = 0; epoch < 3; ++epoch) {
    Logs logs{{"loss", 1.0}, {"acc", 0.5}};
    es->on_epoch_end(epoch, logs);
  }
  EXPECT_EQ(
      GetCapturedStderr(),
      "RuntimeWarning: Early stopping conditioned on metric `val_loss` which is not available. "
      "Available metrics are: acc,loss\n");
  EXPECT_FALSE(m->stop_training);
  EXPECT_EQ(es->wait(), 0);
}

TEST(EarlyStopping, StopsAFitOnAPlateau) {
  // lr 0 and the same batches each epoch: the loss never moves, to the bit (shuffled batches
  // would sum it in another order, and a last-bit improvement counts, as in Keras).
  auto m = model(0.0);
  auto [x, y] = data(64, 1);
  auto es = std::make_shared<EarlyStopping>(EarlyStoppingOptions{.monitor = "loss", .patience = 2});
  auto history = m->fit(
      x, y, {.batch_size = 16, .epochs = 10, .verbose = 0, .callbacks = {es}, .shuffle = false});
  EXPECT_EQ(history.epoch, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(es->stopped_epoch(), 2);
  // A second fit with the same callback starts counting afresh.
  history = m->fit(
      x, y, {.batch_size = 16, .epochs = 10, .verbose = 0, .callbacks = {es}, .shuffle = false});
  EXPECT_EQ(history.epoch.size(), 3u);
}

TEST(EarlyStopping, FitRestoresBestWeights) {
  // mode "max" on a falling loss: epoch 0 stays the best, and its weights come back.
  auto m = model(0.5);
  auto [x, y] = data(64, 2);
  std::vector<double> after_epoch0;
  auto capture =
      std::make_shared<LambdaCallback>(LambdaCallbackOptions{.on_epoch_end = [&](int epoch, Logs&) {
        if (epoch == 0) after_epoch0 = weights_flat(*m);
      }});
  auto es = std::make_shared<EarlyStopping>(EarlyStoppingOptions{
      .monitor = "loss", .patience = 2, .mode = "max", .restore_best_weights = true});
  auto history =
      m->fit(x, y, {.batch_size = 16, .epochs = 10, .verbose = 0, .callbacks = {capture, es}});
  ASSERT_EQ(history.epoch.size(), 3u);
  ASSERT_GT(history.history["loss"][0], history.history["loss"][2]);
  EXPECT_EQ(weights_flat(*m), after_epoch0);
}

// ---------------------------------------------------------------------------------------------
// ReduceLROnPlateau

TEST(ReduceLROnPlateau, DefaultsAreKeras) {
  ReduceLROnPlateauOptions o;
  EXPECT_EQ(o.monitor, "val_loss");
  EXPECT_EQ(o.factor, 0.1);
  EXPECT_EQ(o.patience, 10);
  EXPECT_EQ(o.verbose, 0);
  EXPECT_EQ(o.mode, "auto");
  EXPECT_EQ(o.min_delta, 1e-4);
  EXPECT_EQ(o.cooldown, 0);
  EXPECT_EQ(o.min_lr, 0.0);
  EXPECT_FALSE(o.epsilon.has_value());
  try {
    ReduceLROnPlateau bad({.factor = 1.0});
    FAIL() << "factor 1.0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "ReduceLROnPlateau does not support a factor >= 1.0.");
  }
}

// Runs epochs with the given monitored values; returns the lr logged at each epoch and the lr
// after it.
struct LrTrace {
  std::vector<double> logged, after;
};
LrTrace run_plateau(ReduceLROnPlateau& cb, Model& m, const std::string& key,
                    const std::vector<double>& values) {
  LrTrace trace;
  Logs begin;
  cb.on_train_begin(begin);
  for (std::size_t epoch = 0; epoch < values.size(); ++epoch) {
    Logs logs{{key, values[epoch]}};
    cb.on_epoch_end(static_cast<int>(epoch), logs);
    trace.logged.push_back(logs.at("lr"));
    trace.after.push_back(m.optimizer()->learning_rate());
  }
  return trace;
}

TEST(ReduceLROnPlateau, ReducesAfterPatienceEpochs) {
  auto m = model(0.1);
  auto cb = attach(
      std::make_shared<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.factor = 0.5, .patience = 2}),
      *m);
  // best 1.0 at epoch 0; epochs 1, 2 do not improve -> reduce at epoch 2; 3, 4 -> reduce at 4.
  auto trace = run_plateau(*cb, *m, "val_loss", {1.0, 1.0, 0.99995, 1.2, 1.1, 0.5, 0.6});
  EXPECT_EQ(trace.after, (std::vector<double>{0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025}));
  // "lr" in the logs is the rate the epoch trained with, before any reduction.
  EXPECT_EQ(trace.logged, (std::vector<double>{0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025}));
  EXPECT_EQ(cb->best(), 0.5);
  EXPECT_EQ(cb->wait(), 1);
}

TEST(ReduceLROnPlateau, MinDeltaAndKeras1Epsilon) {
  auto m = model(0.1);
  auto cb = attach(std::make_shared<ReduceLROnPlateau>(
                       ReduceLROnPlateauOptions{.factor = 0.5, .patience = 1, .min_delta = 0.1}),
                   *m);
  // 0.95 is within min_delta of 1.0: no improvement, so a reduction; 0.8 improves.
  auto trace = run_plateau(*cb, *m, "val_loss", {1.0, 0.95, 0.8});
  EXPECT_EQ(trace.after, (std::vector<double>{0.1, 0.05, 0.05}));
  CaptureStderr();
  ReduceLROnPlateau old({.min_delta = 0.5, .epsilon = 0.25});
  EXPECT_EQ(GetCapturedStderr(),
            "UserWarning: `epsilon` argument is deprecated and will be removed, use `min_delta` "
            "instead.\n");
  EXPECT_EQ(old.min_delta(), 0.25);
}

TEST(ReduceLROnPlateau, CooldownPausesCounting) {
  auto m = model(1.0);
  auto cb = attach(std::make_shared<ReduceLROnPlateau>(
                       ReduceLROnPlateauOptions{.factor = 0.5, .patience = 1, .cooldown = 2}),
                   *m);
  auto trace = run_plateau(*cb, *m, "val_loss", {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0});
  // Reduce at 1 (counter 2). Epoch 2 counts the cooldown down to 1 and is skipped; epoch 3 counts
  // it to 0, so it counts as a plateau epoch again and reduces (patience 1); likewise 5.
  EXPECT_EQ(trace.after, (std::vector<double>{1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125}));
  EXPECT_TRUE(cb->in_cooldown());
  EXPECT_EQ(cb->cooldown_counter(), 1);
}

TEST(ReduceLROnPlateau, MinLrIsAFloor) {
  auto m = model(0.1);
  auto cb = attach(std::make_shared<ReduceLROnPlateau>(
                       ReduceLROnPlateauOptions{.factor = 0.1, .patience = 1, .min_lr = 0.005}),
                   *m);
  auto trace = run_plateau(*cb, *m, "val_loss", {1.0, 1.0, 1.0, 1.0, 1.0});
  EXPECT_NEAR(trace.after[1], 0.01, 1e-15);
  EXPECT_EQ(trace.after[2], 0.005);
  EXPECT_EQ(trace.after[4], 0.005);
  // At the floor Keras does not reset `wait`: it keeps counting.
  EXPECT_EQ(cb->wait(), 2);
}

TEST(ReduceLROnPlateau, ModesAndVerbose) {
  auto m = model(0.1);
  auto cb = attach(std::make_shared<ReduceLROnPlateau>(ReduceLROnPlateauOptions{
                       .monitor = "val_acc", .factor = 0.5, .patience = 1, .verbose = 1}),
                   *m);
  CaptureStdout();
  auto trace = run_plateau(*cb, *m, "val_acc", {0.5, 0.7, 0.6});  // auto: acc is maximised
  EXPECT_EQ(GetCapturedStdout(),
            "\nEpoch 00003: ReduceLROnPlateau reducing learning rate to 0.05.\n");
  EXPECT_EQ(trace.after, (std::vector<double>{0.1, 0.1, 0.05}));
  auto min = attach(std::make_shared<ReduceLROnPlateau>(ReduceLROnPlateauOptions{
                        .monitor = "val_acc", .patience = 1, .mode = "min"}),
                    *m);
  m->optimizer()->set_learning_rate(0.1);
  trace = run_plateau(*min, *m, "val_acc", {0.5, 0.4, 0.6});
  EXPECT_EQ(trace.after[1], 0.1);
  EXPECT_NEAR(trace.after[2], 0.01, 1e-15);
  CaptureStderr();
  ReduceLROnPlateau odd({.mode = "lowest"});
  EXPECT_EQ(GetCapturedStderr(),
            "RuntimeWarning: Learning Rate Plateau Reducing mode lowest is unknown, fallback to "
            "auto mode.\n");
}

TEST(ReduceLROnPlateau, MissingMonitorWarnsAndStillLogsLr) {
  auto m = model(0.1);
  auto cb =
      attach(std::make_shared<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 0}), *m);
  Logs begin;
  cb->on_train_begin(begin);
  CaptureStderr();
  Logs logs{{"loss", 1.0}};
  cb->on_epoch_end(0, logs);
  EXPECT_EQ(GetCapturedStderr(),
            "RuntimeWarning: Reduce LR on plateau conditioned on metric `val_loss` which is not "
            "available. "
            "Available metrics are: loss,lr\n");
  EXPECT_EQ(logs.at("lr"), 0.1);
  EXPECT_EQ(m->optimizer()->learning_rate(), 0.1);
}

// Without a model (driven by hand for another model, as Keras's tests drive it), the caller
// gives the learning rate as logs["lr"] and finds the lowered one there.
TEST(ReduceLROnPlateau, WithoutAModelTheRateTravelsInTheLogs) {
  ReduceLROnPlateau cb({.factor = 0.5, .patience = 1});
  Logs begin;
  cb.on_train_begin(begin);
  std::vector<double> lrs;
  double lr = 0.4;
  for (double value : {1.0, 1.2, 0.9, 1.0}) {
    Logs logs{{"val_loss", value}, {"lr", lr}};
    cb.on_epoch_end(static_cast<int>(lrs.size()), logs);
    lr = logs.at("lr");
    lrs.push_back(lr);
  }
  EXPECT_EQ(lrs, (std::vector<double>{0.4, 0.2, 0.2, 0.1}));
  Logs no_rate{{"val_loss", 1.0}};
  try {
    cb.on_epoch_end(4, no_rate);
    FAIL() << "no model and no lr accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("has no model, and its logs give no 'lr'"),
              std::string::npos);
  }
}

TEST(ReduceLROnPlateau, ThroughFitLrInHistory) {
  auto m = model(1e-9);  // so small the loss moves by far less than min_delta
  auto [x, y] = data(32, 3);
  auto cb = std::make_shared<ReduceLROnPlateau>(
      ReduceLROnPlateauOptions{.monitor = "loss", .factor = 0.5, .patience = 1});
  auto history = m->fit(x, y, {.batch_size = 16, .epochs = 4, .verbose = 0, .callbacks = {cb}});
  EXPECT_EQ(history.history.at("lr"), (std::vector<double>{1e-9, 1e-9, 5e-10, 2.5e-10}));
  EXPECT_EQ(m->optimizer()->learning_rate(), 1.25e-10);
}

// ---------------------------------------------------------------------------------------------
// LearningRateScheduler

TEST(LearningRateScheduler, EpochScheduleThroughFit) {
  auto m = model(0.1);
  auto [x, y] = data(32, 4);
  std::vector<double> seen;
  auto sched = std::make_shared<LearningRateScheduler>(
      LearningRateSchedulerOptions{.schedule = [](int epoch) { return 0.5 / (epoch + 1); }});
  auto probe = std::make_shared<LambdaCallback>(
      LambdaCallbackOptions{.on_batch_begin = [&](int batch, Logs&) {
        if (batch == 0) seen.push_back(m->optimizer()->learning_rate());
      }});
  m->fit(x, y, {.batch_size = 16, .epochs = 4, .verbose = 0, .callbacks = {sched, probe}});
  EXPECT_EQ(seen, (std::vector<double>{0.5, 0.25, 0.5 / 3, 0.125}));
  EXPECT_EQ(m->optimizer()->learning_rate(), 0.125);
}

TEST(LearningRateScheduler, EpochAndLrSchedule) {
  auto m = model(0.8);
  auto [x, y] = data(32, 5);
  std::vector<std::pair<int, double>> calls;
  auto sched = std::make_shared<LearningRateScheduler>(
      LearningRateSchedulerOptions{.schedule =
                                       [&](int epoch, double lr) {
                                         calls.emplace_back(epoch, lr);
                                         return lr / 2;
                                       },
                                   .verbose = 1});
  CaptureStdout();
  m->fit(x, y, {.batch_size = 32, .epochs = 3, .verbose = 0, .callbacks = {sched}});
  EXPECT_EQ(GetCapturedStdout(),
            "\nEpoch 00001: LearningRateScheduler setting learning rate to 0.4.\n"
            "\nEpoch 00002: LearningRateScheduler setting learning rate to 0.2.\n"
            "\nEpoch 00003: LearningRateScheduler setting learning rate to 0.1.\n");
  EXPECT_EQ(calls, (std::vector<std::pair<int, double>>{{0, 0.8}, {1, 0.4}, {2, 0.2}}));
  EXPECT_EQ(m->optimizer()->learning_rate(), 0.1);
}

TEST(LearningRateScheduler, NeedsAScheduleAndAnOptimizer) {
  EXPECT_THROW(LearningRateScheduler({}), std::invalid_argument);
  Sequential uncompiled;
  uncompiled.add(Dense(1, {.input_dim = 2}));
  LearningRateScheduler sched({.schedule = [](int) { return 0.1; }});
  sched.set_model(&uncompiled);
  Logs logs;
  try {
    sched.on_epoch_begin(0, logs);
    FAIL() << "no optimizer accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Optimizer must have a \"lr\" attribute.");
  }
}

// ---------------------------------------------------------------------------------------------
// CSVLogger

std::string csv_line(int epoch, const History& h, std::size_t i) {
  std::string line = std::to_string(epoch);
  for (const char* key : {"acc", "loss", "val_acc", "val_loss"})
    line.append(",").append(keras::callbacks::detail::float_repr(h.history.at(key)[i]));
  return line + "\r\n";
}

TEST(CSVLogger, WritesKerasLayoutAndAppends) {
  const std::string path = temp_path(".csv");
  auto m = model(0.1);
  auto [x, y] = data(48, 6);
  auto [xv, yv] = data(16, 7);
  auto logger = std::make_shared<CSVLogger>(CSVLoggerOptions{.filename = path});
  auto h1 = m->fit(x, y,
                   {.batch_size = 16,
                    .epochs = 2,
                    .verbose = 0,
                    .callbacks = {logger},
                    .validation_data = {{xv, yv}}});
  const std::string first =
      "epoch,acc,loss,val_acc,val_loss\r\n" + csv_line(0, h1, 0) + csv_line(1, h1, 1);
  EXPECT_EQ(read_file(path), first);

  // Appending: a new logger finds the header and adds rows only.
  auto appender = std::make_shared<CSVLogger>(CSVLoggerOptions{.filename = path, .append = true});
  auto h2 = m->fit(x, y,
                   {.batch_size = 16,
                    .epochs = 2,
                    .verbose = 0,
                    .callbacks = {appender},
                    .validation_data = {{xv, yv}}});
  EXPECT_EQ(read_file(path), first + csv_line(0, h2, 0) + csv_line(1, h2, 1));

  // Without append the file starts over, header included.
  auto h3 = m->fit(x, y,
                   {.batch_size = 16,
                    .epochs = 1,
                    .verbose = 0,
                    .callbacks = {logger},
                    .validation_data = {{xv, yv}}});
  EXPECT_EQ(read_file(path), "epoch,acc,loss,val_acc,val_loss\r\n" + csv_line(0, h3, 0));
  std::filesystem::remove(path);
}

TEST(CSVLogger, AppendToAMissingOrEmptyFileWritesTheHeader) {
  const std::string path = temp_path(".csv");
  std::filesystem::remove(path);
  auto m = model();
  CSVLogger logger({.filename = path, .separator = ";", .append = true});
  logger.set_model(m.get());
  Logs none;
  logger.on_train_begin(none);
  Logs logs{{"loss", 0.25}, {"acc", 0.5}};
  logger.on_epoch_end(0, logs);
  // The file is flushed every epoch, before the end of training.
  EXPECT_EQ(read_file(path), "epoch;acc;loss\r\n0;0.5;0.25\r\n");
  logger.on_train_end(none);
  std::ofstream(path, std::ios::trunc).close();
  CSVLogger again({.filename = path, .append = true});
  again.set_model(m.get());
  again.on_train_begin(none);
  again.on_epoch_end(3, logs);
  again.on_train_end(none);
  EXPECT_EQ(read_file(path), "epoch,acc,loss\r\n3,0.5,0.25\r\n");
  std::filesystem::remove(path);
}

TEST(CSVLogger, KeysAreFixedByTheFirstEpochAndMissingOnesAreNA) {
  const std::string path = temp_path(".csv");
  auto m = model();
  CSVLogger logger({.filename = path});
  logger.set_model(m.get());
  Logs none;
  logger.on_train_begin(none);
  Logs first{{"val_loss", 1e-05}, {"loss", 2.0}, {"lr", 0.001}};
  logger.on_epoch_end(0, first);
  // An interrupted epoch lacks the validation results; extra keys are not written.
  m->stop_training = true;
  Logs stopped{{"loss", kNaN}, {"lr", 0.001}, {"acc", 0.5}};
  logger.on_epoch_end(1, stopped);
  logger.on_train_end(none);
  EXPECT_EQ(read_file(path), "epoch,loss,lr,val_loss\r\n0,2.0,0.001,1e-05\r\n1,nan,0.001,NA\r\n");
  std::filesystem::remove(path);
}

TEST(CSVLogger, QuotesLikePythonsCsvModule) {
  const std::string path = temp_path(".csv");
  auto m = model();
  CSVLogger logger({.filename = path, .separator = "_"});
  logger.set_model(m.get());
  Logs none;
  logger.on_train_begin(none);
  Logs logs{{"val_loss", 0.5}, {"a\"b", 1.0}};
  logger.on_epoch_end(0, logs);
  logger.on_train_end(none);
  EXPECT_EQ(read_file(path), "epoch_\"a\"\"b\"_\"val_loss\"\r\n0_1.0_0.5\r\n");
  std::filesystem::remove(path);
  EXPECT_THROW(CSVLogger({.filename = path, .separator = ",,"}), std::invalid_argument);
  CSVLogger unwritable({.filename = "/nonexistent_dir/keras/log.csv"});
  EXPECT_THROW(unwritable.on_train_begin(none), std::runtime_error);
}

// ---------------------------------------------------------------------------------------------
// LambdaCallback

TEST(LambdaCallback, CallsEveryHookWithKerasLogs) {
  auto m = model();
  auto [x, y] = data(40, 8);
  std::vector<std::string> events;
  auto cb = std::make_shared<LambdaCallback>(LambdaCallbackOptions{
      .on_epoch_begin = [&](int epoch,
                            Logs&) { events.push_back("epoch_begin " + std::to_string(epoch)); },
      .on_epoch_end =
          [&](int epoch, Logs& logs) {
            events.push_back("epoch_end " + std::to_string(epoch) + " " +
                             std::to_string(logs.count("loss")) +
                             std::to_string(logs.count("acc")));
          },
      .on_batch_begin =
          [&](int batch, Logs& logs) {
            events.push_back("batch_begin " + std::to_string(batch) + " size " +
                             std::to_string(static_cast<int>(logs.at("size"))) + " batch " +
                             std::to_string(static_cast<int>(logs.at("batch"))));
          },
      .on_batch_end =
          [&](int batch, Logs& logs) {
            events.push_back("batch_end " + std::to_string(batch) + " " +
                             std::to_string(logs.count("loss")));
          },
      .on_train_begin = [&](Logs&) { events.push_back("train_begin"); },
      .on_train_end = [&](Logs&) { events.push_back("train_end"); }});
  m->fit(x, y, {.batch_size = 32, .epochs = 2, .verbose = 0, .callbacks = {cb}});
  const std::vector<std::string> expected{"train_begin",
                                          "epoch_begin 0",
                                          "batch_begin 0 size 32 batch 0",
                                          "batch_end 0 1",
                                          "batch_begin 1 size 8 batch 1",
                                          "batch_end 1 1",
                                          "epoch_end 0 11",
                                          "epoch_begin 1",
                                          "batch_begin 0 size 32 batch 0",
                                          "batch_end 0 1",
                                          "batch_begin 1 size 8 batch 1",
                                          "batch_end 1 1",
                                          "epoch_end 1 11",
                                          "train_end"};
  EXPECT_EQ(events, expected);
  // Unset hooks do nothing.
  auto empty = std::make_shared<LambdaCallback>();
  EXPECT_NO_THROW(
      m->fit(x, y, {.batch_size = 32, .epochs = 1, .verbose = 0, .callbacks = {empty}}));
}

// ---------------------------------------------------------------------------------------------
// TerminateOnNaN

TEST(TerminateOnNaN, StopsOnNaNOrInfLoss) {
  auto m = model();
  auto cb = attach(std::make_shared<TerminateOnNaN>(), *m);
  CaptureStdout();
  Logs fine{{"loss", 1e300}, {"batch", 0}, {"size", 32}};
  cb->on_batch_end(0, fine);
  EXPECT_FALSE(m->stop_training);
  Logs no_loss{{"acc", kNaN}};
  cb->on_batch_end(1, no_loss);
  EXPECT_FALSE(m->stop_training);
  Logs nan{{"loss", kNaN}};
  cb->on_batch_end(7, nan);
  EXPECT_TRUE(m->stop_training);
  m->stop_training = false;
  Logs inf{{"loss", -kInf}};
  cb->on_batch_end(12, inf);
  EXPECT_TRUE(m->stop_training);
  EXPECT_EQ(GetCapturedStdout(),
            "Batch 7: Invalid loss, terminating training\nBatch 12: Invalid loss, terminating "
            "training\n");
}

TEST(TerminateOnNaN, StopsAFitWithNaNInTheData) {
  auto m = model();
  auto [x, y] = data(64, 9);
  x.data<float>()[40 * 4] = std::numeric_limits<float>::quiet_NaN();  // row 40: batch 2 of 16
  std::vector<int> batches;
  auto count = std::make_shared<LambdaCallback>(
      LambdaCallbackOptions{.on_batch_end = [&](int batch, Logs&) { batches.push_back(batch); }});
  CaptureStdout();
  auto history = m->fit(x, y,
                        {.batch_size = 16,
                         .epochs = 5,
                         .verbose = 0,
                         .callbacks = {std::make_shared<TerminateOnNaN>(), count},
                         .shuffle = false});
  EXPECT_EQ(GetCapturedStdout(), "Batch 2: Invalid loss, terminating training\n");
  EXPECT_EQ(batches, (std::vector<int>{0, 1, 2}));  // no batch after the NaN one
  EXPECT_EQ(history.epoch, (std::vector<int>{0}));
  EXPECT_TRUE(std::isnan(history.history.at("loss")[0]));
}
