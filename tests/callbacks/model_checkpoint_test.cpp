// ModelCheckpoint: filename templates (Python's str.format), best-only logic, modes, period,
// weights-only files, and checkpoints written during fit that load and resume.
#include <gtest/gtest.h>

#include <filesystem>

#include "callbacks/python_format.h"
#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;
namespace fs = std::filesystem;
using callbacks::detail::python_format;

namespace {

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("keras_checkpoint_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::shared_ptr<Sequential> tiny() {
  auto model = std::make_shared<Sequential>();
  model->add(Dense(3, {.activation = "softmax", .input_dim = 4}));
  model->compile("sgd", "categorical_crossentropy", {"accuracy"});
  return model;
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST(PythonFormat, MatchesPythonsStrFormat) {
  std::map<std::string, callbacks::detail::FormatValue> kw = {{"epoch", std::int64_t{3}},
                                                              {"val_loss", 0.123456},
                                                              {"acc", 0.5},
                                                              {"big", std::int64_t{1234567}},
                                                              {"neg", -2.5}};
  // Expected values from Python 3: '...'.format(epoch=3, val_loss=0.123456, ...).
  EXPECT_EQ(python_format("weights.{epoch:02d}-{val_loss:.2f}.h5", kw), "weights.03-0.12.h5");
  EXPECT_EQ(python_format("{epoch}", kw), "3");
  EXPECT_EQ(python_format("{val_loss}", kw), "0.123456");
  EXPECT_EQ(python_format("{acc}", kw), "0.5");
  EXPECT_EQ(python_format("{val_loss:.3e}", kw), "1.235e-01");
  EXPECT_EQ(python_format("{val_loss:g}", kw), "0.123456");
  EXPECT_EQ(python_format("{acc:.1%}", kw), "50.0%");
  EXPECT_EQ(python_format("{big:,}", kw), "1,234,567");
  EXPECT_EQ(python_format("{epoch:>4}|{epoch:<4}|{epoch:^5}|{epoch:*^5}", kw),
            "   3|3   |  3  |**3**");
  EXPECT_EQ(python_format("{neg:08.2f}", kw), "-0002.50");
  EXPECT_EQ(python_format("{epoch:+d} {epoch:x} {epoch:#b}", kw), "+3 3 0b11");
  EXPECT_EQ(python_format("{epoch:.2f}", kw), "3.00");
  EXPECT_EQ(python_format("{{epoch}} {{{epoch}}}", kw), "{epoch} {3}");
  EXPECT_EQ(python_format("{acc:.3}", kw), "0.5");
  try {
    python_format("{val_acc:.2f}", kw);
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("KeyError: 'val_acc'"), std::string::npos) << e.what();
  }
  try {
    python_format("{val_loss:d}", kw);
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Unknown format code 'd' for object of type 'float'");
  }
  EXPECT_THROW(python_format("{epoch", kw), std::invalid_argument);
  EXPECT_THROW(python_format("epoch}", kw), std::invalid_argument);
  EXPECT_THROW(python_format("{0}", kw), std::invalid_argument);
}

TEST(ModelCheckpoint, BestOnlySavesOnImprovementInEachMode) {
  auto model = tiny();
  fs::path dir = scratch("best");
  struct Case {
    std::string monitor, mode;
    std::vector<double> values;
    std::vector<std::string> expected;  // files saved, in order
  };
  std::vector<Case> cases = {
      {"val_loss", "auto", {0.5, 0.6, 0.4, 0.4, 0.3}, {"e1", "e3", "e5"}},
      {"val_acc", "auto", {0.5, 0.6, 0.4, 0.7, 0.7}, {"e1", "e2", "e4"}},
      {"val_loss", "max", {0.5, 0.6, 0.4, 0.7, 0.1}, {"e1", "e2", "e4"}},
      {"val_acc", "min", {0.5, 0.6, 0.4, 0.7, 0.1}, {"e1", "e3", "e5"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.monitor + " " + c.mode);
    fs::remove_all(dir);
    fs::create_directories(dir);
    callbacks::ModelCheckpoint checkpoint(
        (dir / "e{epoch}").string(),
        {.monitor = c.monitor, .save_best_only = true, .mode = c.mode});
    checkpoint.set_model(model.get());
    std::vector<std::string> saved;
    for (std::size_t epoch = 0; epoch < c.values.size(); ++epoch) {
      callbacks::Logs logs{{c.monitor, c.values[epoch]}, {"loss", 1.0}};
      std::string before = checkpoint.last_saved();
      checkpoint.on_epoch_end(static_cast<int>(epoch), logs);
      if (checkpoint.last_saved() != before)
        saved.push_back(fs::path(checkpoint.last_saved()).filename());
    }
    EXPECT_EQ(saved, c.expected);
    EXPECT_EQ(files_in(dir), c.expected);
  }
}

TEST(ModelCheckpoint, MissingMonitorWarnsAndSkips) {
  auto model = tiny();
  fs::path dir = scratch("missing");
  callbacks::ModelCheckpoint checkpoint((dir / "m.h5").string(), {.save_best_only = true});
  checkpoint.set_model(model.get());
  callbacks::Logs logs{{"loss", 0.3}};
  testing::internal::CaptureStderr();
  checkpoint.on_epoch_end(0, logs);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("Can save best model only with val_loss available, skipping."),
            std::string::npos);
  EXPECT_TRUE(files_in(dir).empty());
}

TEST(ModelCheckpoint, PeriodAndTemplateAndVerboseMessages) {
  auto model = tiny();
  fs::path dir = scratch("period");
  callbacks::ModelCheckpoint checkpoint((dir / "weights.{epoch:02d}-{val_loss:.2f}.h5").string(),
                                        {.verbose = 1, .save_weights_only = true, .period = 2});
  checkpoint.set_model(model.get());
  testing::internal::CaptureStdout();
  for (int epoch = 0; epoch < 5; ++epoch) {
    callbacks::Logs logs{{"val_loss", 1.0 / (epoch + 1)}, {"loss", 1.0}};
    checkpoint.on_epoch_end(epoch, logs);
  }
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"weights.02-0.50.h5", "weights.04-0.25.h5"}));
  EXPECT_NE(out.find("\nEpoch 00002: saving model to " + (dir / "weights.02-0.50.h5").string()),
            std::string::npos)
      << out;
  // Weights only: not a whole model, but load_weights reads it.
  EXPECT_THROW(models::load_model((dir / "weights.02-0.50.h5").string()), std::runtime_error);
  auto other = tiny();
  other->load_weights((dir / "weights.04-0.25.h5").string());
  EXPECT_EQ(other->get_weights()[0].to_vector<float>(), model->get_weights()[0].to_vector<float>());

  callbacks::ModelCheckpoint best((dir / "b.h5").string(), {.verbose = 1, .save_best_only = true});
  best.set_model(model.get());
  testing::internal::CaptureStdout();
  callbacks::Logs a{{"val_loss", 0.5}}, b{{"val_loss", 0.7}};
  best.on_epoch_end(0, a);
  best.on_epoch_end(1, b);
  out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("\nEpoch 00001: val_loss improved from inf to 0.50000, saving model to "),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\nEpoch 00002: val_loss did not improve from 0.50000\n"), std::string::npos)
      << out;
}

TEST(ModelCheckpoint, CheckpointsDuringFitLoadAndResume) {
  auto model = tiny();
  Tensor x({20, 4});
  for (std::int64_t i = 0; i < x.numel(); ++i)
    x.data<float>()[i] = static_cast<float>((i * 7) % 11) / 11.0f;
  std::vector<std::int64_t> labels(20);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 3);
  Tensor y = utils::to_categorical(Tensor::from_vector(labels), 3);
  fs::path dir = scratch("fit");
  auto checkpoint = std::make_shared<callbacks::ModelCheckpoint>(
      (dir / "model-{epoch:02d}-{val_acc:.2f}.h5").string(), callbacks::ModelCheckpointOptions{});
  model->fit(x, y,
             {.batch_size = 5,
              .epochs = 3,
              .verbose = 0,
              .callbacks = {checkpoint},
              .validation_data = std::make_pair(x, y)});
  auto files = files_in(dir);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[2].substr(0, 9), "model-03-");
  auto loaded = models::load_model((dir / files[2]).string());
  EXPECT_EQ(loaded->predict(x).to_vector<float>(), model->predict(x).to_vector<float>());
}

TEST(ModelCheckpoint, BadArguments) {
  EXPECT_THROW(callbacks::ModelCheckpoint(callbacks::ModelCheckpointOptions{}),
               std::invalid_argument);
  EXPECT_THROW(callbacks::ModelCheckpoint("x.h5", {.period = 0}), std::invalid_argument);
  testing::internal::CaptureStderr();
  callbacks::ModelCheckpoint checkpoint("x.h5", {.mode = "sideways"});
  EXPECT_NE(testing::internal::GetCapturedStderr().find(
                "RuntimeWarning: ModelCheckpoint mode sideways is unknown, fallback to auto mode."),
            std::string::npos);
  EXPECT_EQ(checkpoint.options().mode, "auto");
}
