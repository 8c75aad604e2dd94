// Files written by real Keras (tf_keras 2.x and Keras 3, see tools/keras_fixtures and
// tests/fixtures/real_keras/manifest.json for the versions) load here: every model in every file
// kind predicts what real Keras predicted, and a model loaded with its optimizer state takes the
// next training step to the weights real Keras reached. Where keras.cpp (Keras 2.2.4) is known to
// compute differently from the Keras that wrote the file, kKnownDifferences says why, and the
// test checks that the difference is still there (so that a change shows up either way).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "saving/real_keras_fixtures_util.h"

using namespace keras;
using namespace keras::testing::real_keras;

namespace {

// "<writer>_<model>" -> why the next training step differs from real Keras's.
const std::map<std::string, std::string>& known_step_differences() {
  static const std::string bn =
      "BatchNormalization: Keras 2.2.4 moves the moving variance towards the batch's unbiased "
      "variance (times n / (n - 1 - epsilon)); tf.keras 2.x and Keras 3 use the biased one";
  static const std::string nadam =
      "Nadam: Keras 3's momentum schedule is 0.96^t, Keras 2.2.4's 0.96^(schedule_decay t) "
      "with schedule_decay 0.004 (the same formula with schedule_decay 1)";
  static const std::map<std::string, std::string> known = {
      {"tfk_dense_bn", bn},
      {"k3_dense_bn", bn},
      {"k3_gru", nadam},
      {"k3_optimizer_nadam", nadam},
      {"k3_embedding_rnn",
       "Embedding(mask_zero) -> SimpleRNN -> LSTM: the predictions agree, the embedding "
       "gradients of Keras 3 differ (not explained yet; tf.keras agrees with keras.cpp)"},
  };
  return known;
}

class RealKerasFixture : public ::testing::TestWithParam<Case> {};

TEST_P(RealKerasFixture, PredictsWhatRealKerasPredicted) {
  const Case& c = GetParam();
  backend::clear_session();
  saving::ModelPtr model = load(c);
  saving::h5::File data(file_of(c, ".data.h5").string(), "r");
  std::vector<Tensor> inputs = read_list(data.root(), "inputs");
  std::vector<Tensor> expected = read_list(data.root(), "predictions");
  const std::int64_t batch = inputs[0].shape()[0] / 2;
  model->reset_states();
  std::vector<Tensor> got = model->predict(inputs, {.batch_size = batch});
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(all_close(got[i], expected[i], 1e-5, 1e-5)) << "output " << i;
  if (data.root().has_group("predictions_again")) {  // stateful: the states carry on
    std::vector<Tensor> again = read_list(data.root(), "predictions_again");
    got = model->predict(inputs, {.batch_size = batch});
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_TRUE(all_close(got[i], again[i], 1e-5, 1e-5)) << "second call, output " << i;
  }
}

class RealKerasNextStep : public ::testing::TestWithParam<Case> {};

TEST_P(RealKerasNextStep, NextTrainingStepMatchesRealKeras) {
  const Case& c = GetParam();
  saving::h5::File data(file_of(c, ".data.h5").string(), "r");
  ASSERT_TRUE(data.root().has_group("next_weights"));
  backend::clear_session();
  saving::ModelPtr model = load(c);
  ASSERT_TRUE(model->compiled());
  std::vector<Tensor> inputs = read_list(data.root(), "inputs");
  std::vector<Tensor> targets = read_list(data.root(), "targets");
  const std::int64_t batch = inputs[0].shape()[0] / 2;
  model->reset_states();
  model->train_on_batch(first_rows(inputs, batch), first_rows(targets, batch));
  saving::h5::Group next = data.root().open_group("next_weights");
  bool all_equal = true;
  std::string first_difference;
  for (const LayerPtr& layer : model->layers()) {
    if (!next.has_group(layer->name())) continue;  // the InputLayer of a functional model
    std::vector<Tensor> expected = read_list(next, layer->name());
    std::vector<Tensor> got = layer->get_weights();
    ASSERT_EQ(got.size(), expected.size()) << layer->name();
    for (std::size_t i = 0; i < got.size(); ++i) {
      ::testing::AssertionResult close = all_close(got[i], expected[i], 1e-5, 1e-4);
      if (!close && all_equal) {
        all_equal = false;
        first_difference = layer->name() + " weight " + std::to_string(i) + ": " + close.message();
      }
    }
  }
  auto known = known_step_differences().find(c.writer + "_" + c.model);
  if (known == known_step_differences().end())
    EXPECT_TRUE(all_equal) << first_difference;
  else
    EXPECT_FALSE(all_equal) << "now equal to real Keras: remove the known difference ("
                            << known->second << ")";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RealKerasFixture, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return case_name(info.param);
                         });
INSTANTIATE_TEST_SUITE_P(Fixtures, RealKerasNextStep, ::testing::ValuesIn(all_cases(true)),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return case_name(info.param);
                         });

TEST(RealKerasFixtures, EveryModelHasFilesOfBothKerases) {
  nlohmann::json m = manifest();
  ASSERT_FALSE(m["versions"]["tf_keras"].get<std::string>().empty());
  ASSERT_FALSE(m["versions"]["keras"].get<std::string>().empty());
  for (const auto& [model, writers] : m["models"].items()) {
    EXPECT_TRUE(writers.contains("tfk")) << model;
    EXPECT_TRUE(writers.contains("k3")) << model;
    for (const auto& [writer, entry] : writers.items())
      for (const auto& file : entry["files"])
        EXPECT_TRUE(fs::exists(fixture_dir() / writer / file.get<std::string>()))
            << writer << "/" << file.get<std::string>();
  }
}

}  // namespace

// Our own files of the fixture models, for tools/keras_fixtures/check_ours.py to load in real
// Keras: each model as loaded from tf_keras's .h5 (Keras 3's .keras where tf_keras's file does not
// load) is saved as .h5, .keras, to_json + save_weights, with its predictions on the fixture's
// inputs in <model>.ours.h5. The folder is $KERAS_REAL_KERAS_OUT, or a scratch folder. Here the
// files must load back and predict the same.
TEST(RealKerasFixtures, WritesOurFilesOfTheSameModels) {
  const char* env = std::getenv("KERAS_REAL_KERAS_OUT");
  const fs::path out = env ? fs::path(env) : fs::temp_directory_path() / "keras_real_keras_ours";
  fs::create_directories(out);
  nlohmann::json written = nlohmann::json::object();
  const nlohmann::json m = manifest();
  ASSERT_FALSE(m["models"].empty());
  for (const auto& [name, writers] : m["models"].items()) {
    SCOPED_TRACE(name);
    backend::clear_session();
    Case source{"tfk", name, "h5"};
    saving::ModelPtr model;
    try {
      model = load(source);
    } catch (const std::exception&) {
      source = {"k3", name, "keras"};
      model = load(source);
    }
    saving::h5::File data(file_of(source, ".data.h5").string(), "r");
    std::vector<Tensor> inputs = read_list(data.root(), "inputs");
    const std::int64_t batch = inputs[0].shape()[0] / 2;
    model->reset_states();
    std::vector<Tensor> predictions = model->predict(inputs, {.batch_size = batch});
    const std::string stem = (out / name).string();
    model->save(stem + ".h5");
    model->save(stem + ".keras");
    model->save_weights(stem + ".weights.h5");
    std::ofstream(stem + ".json") << model->to_json();
    {
      saving::h5::File ours(stem + ".ours.h5", "w");
      saving::h5::Group in = ours.root().create_group("inputs");
      for (std::size_t i = 0; i < inputs.size(); ++i)
        in.write_dataset(std::to_string(i), inputs[i]);
      saving::h5::Group pred = ours.root().create_group("predictions");
      for (std::size_t i = 0; i < predictions.size(); ++i)
        pred.write_dataset(std::to_string(i), predictions[i]);
      ours.close();
    }
    written[name] = source.writer + "/" + name + "." + source.kind;
    for (const std::string& kind : {std::string(".h5"), std::string(".keras")}) {
      backend::clear_session();
      saving::ModelPtr back = models::load_model(stem + kind);
      back->reset_states();
      std::vector<Tensor> again = back->predict(inputs, {.batch_size = batch});
      for (std::size_t i = 0; i < again.size(); ++i)
        EXPECT_TRUE(all_close(again[i], predictions[i], 0, 0)) << kind << " output " << i;
    }
  }
  std::ofstream(out / "sources.json") << written.dump(1) << "\n";
}
