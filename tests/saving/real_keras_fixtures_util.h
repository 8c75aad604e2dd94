// The fixtures of tests/fixtures/real_keras, written by real Keras (tools/keras_fixtures): the
// manifest, each model's files and its <model>.data.h5 (inputs, targets, predictions, the
// weights after one more training step), and loading a model from one file kind.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "keras/keras.h"
#include "saving/hdf5.h"

namespace keras::testing::real_keras {

namespace fs = std::filesystem;

inline fs::path fixture_dir() {
  return fs::path(KERAS_TEST_SOURCE_DIR) / "fixtures" / "real_keras";
}

inline nlohmann::json manifest() {
  std::ifstream in(fixture_dir() / "manifest.json");
  if (!in) throw std::runtime_error("missing " + (fixture_dir() / "manifest.json").string());
  return nlohmann::json::parse(in);
}

// save_weights's file: tf_keras's in Keras 2's layout (a name not ending in .weights.h5, which
// tf_keras 2.13+ would write in Keras 3's layout), Keras 3's in its own.
inline std::string weights_suffix(const std::string& writer) {
  return writer == "tfk" ? "_weights.h5" : ".weights.h5";
}

// One way of loading a model: whole-model files ("h5", "keras") or an architecture from to_json
// with weights from save_weights ("json+weights").
struct Case {
  std::string writer;  // "tfk" (tf_keras) or "k3" (Keras 3)
  std::string model;
  std::string kind;  // "h5", "keras" or "json+weights"
};

inline void PrintTo(const Case& c, std::ostream* os) {
  *os << c.writer << "/" << c.model << " (" << c.kind << ")";
}

// Every model x file kind; with `next_step`, the whole-model files (which hold the optimizer's
// state) of the models whose next training step is deterministic (no Dropout).
inline std::vector<Case> all_cases(bool next_step = false) {
  std::vector<Case> cases;
  nlohmann::json m = manifest();
  for (const auto& [model, writers] : m["models"].items())
    for (const auto& [writer, entry] : writers.items()) {
      std::vector<std::string> files = entry["files"].get<std::vector<std::string>>();
      auto has = [&](const std::string& suffix) {
        return std::find(files.begin(), files.end(), model + suffix) != files.end();
      };
      if (next_step) {
        if (!entry.value("deterministic_step", false)) continue;
        for (const char* kind : {"h5", "keras"})
          if (has(std::string(".") + kind)) cases.push_back({writer, model, kind});
        continue;
      }
      if (has(".h5")) cases.push_back({writer, model, "h5"});
      if (has(".keras")) cases.push_back({writer, model, "keras"});
      if (has(".json") && has(weights_suffix(writer)))
        cases.push_back({writer, model, "json+weights"});
    }
  return cases;
}

inline std::string case_name(const Case& c) {
  std::string kind = c.kind == "json+weights" ? "json_weights" : c.kind;
  return c.writer + "_" + c.model + "_" + kind;
}

inline fs::path file_of(const Case& c, const std::string& suffix) {
  return fixture_dir() / c.writer / (c.model + suffix);
}

inline saving::ModelPtr load(const Case& c) {
  if (c.kind == "json+weights") {
    std::ifstream in(file_of(c, ".json"));
    std::string json((std::istreambuf_iterator<char>(in)), {});
    saving::ModelPtr model = models::model_from_json(json);
    model->load_weights(file_of(c, weights_suffix(c.writer)).string());
    return model;
  }
  return models::load_model(file_of(c, "." + c.kind).string());
}

// The datasets "0", "1", ... of a group of the data file (none when h5py wrote no group).
inline std::vector<Tensor> read_list(const saving::h5::Group& group, const std::string& name) {
  std::vector<Tensor> out;
  if (!group.has_group(name)) return out;
  saving::h5::Group g = group.open_group(name);
  for (int i = 0; g.has(std::to_string(i)); ++i) out.push_back(g.read_dataset(std::to_string(i)));
  return out;
}

inline std::vector<Tensor> first_rows(const std::vector<Tensor>& arrays, std::int64_t n) {
  std::vector<Tensor> out;
  for (const Tensor& a : arrays) out.push_back(a.slice(0, n));
  return out;
}

// |a - b| <= atol + rtol |b| everywhere; the message names the first element that is not.
inline ::testing::AssertionResult all_close(const Tensor& a, const Tensor& b, double atol,
                                            double rtol) {
  if (a.shape() != b.shape())
    return ::testing::AssertionFailure()
           << "shape " << shape_to_string(a.shape()) << " vs " << shape_to_string(b.shape());
  std::vector<double> va = a.to_vector<double>(), vb = b.to_vector<double>();
  double worst = 0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < va.size(); ++i) {
    double excess = std::abs(va[i] - vb[i]) - (atol + rtol * std::abs(vb[i]));
    if (!(excess <= worst)) {
      worst = std::isnan(excess) ? INFINITY : excess;
      at = i;
    }
  }
  if (worst <= 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "element " << at << ": " << va[at] << " vs " << vb[at]
                                       << " (|diff| " << std::abs(va[at] - vb[at]) << ")";
}

}  // namespace keras::testing::real_keras
