// Writes the fuzzers' seed corpora: the files of a few small models, in every format the
// fuzzers read. Usage: fuzz_make_seed_corpus DIR, which it empties first, then fills
// DIR/<fuzzer>/ (model_from_json, model_from_yaml, load_model_h5, load_model_keras, load_weights).
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "fuzz_models.h"
#include "keras/keras.h"

namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " DIR\n";
    return 2;
  }
  try {
    const fs::path root = argv[1];
    fs::remove_all(root);
    for (const char* fuzzer : {"model_from_json", "model_from_yaml", "load_model_h5",
                               "load_model_keras", "load_weights"})
      fs::create_directories(root / fuzzer);
    for (const auto& [name, model] : keras::fuzz::trained_seed_models()) {
      write_text(root / "model_from_json" / (name + ".json"), model->to_json());
      write_text(root / "model_from_json" / (name + "_indented.json"), model->to_json(2));
      write_text(root / "model_from_yaml" / (name + ".yaml"), model->to_yaml());
      model->save((root / "load_model_h5" / (name + ".h5")).string());
      model->save((root / "load_model_h5" / (name + "_no_optimizer.h5")).string(), true, false);
      model->save((root / "load_model_keras" / (name + ".keras")).string());
      // The load_weights fuzzer's model is mlp: its own weights load positionally, the others
      // by name (skipping what does not match); whole-model files hold weights too.
      model->save_weights((root / "load_weights" / (name + ".weights.h5")).string());
    }
    fs::copy_file(root / "load_model_h5" / "mlp.h5", root / "load_weights" / "mlp_model.h5");
  } catch (const std::exception& e) {
    std::cerr << "fuzz_make_seed_corpus: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
