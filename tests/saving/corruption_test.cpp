// Damaged files and interrupted saves: a save that fails at any step leaves the previous file
// intact, and truncated, corrupted or foreign files raise exceptions, never crash. Built a
// second time over a copy of the library instrumented with AddressSanitizer and UBSan
// (saving_corruption_sanitized_test, CTest label "asan"), so that memory errors in the readers
// fail the run even where they would not crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <stdexcept>

#include "keras/keras.h"
#include "keras/saving/saving.h"
#include "saving/archive_testing.h"
#include "saving/saving_testing.h"

using namespace keras;
namespace fs = std::filesystem;
using namespace keras::saving::testing;

namespace {

int count_files(const fs::path& dir) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++files;
  }
  return files;
}

// A model trained a little with Adam (optimizer state included).
std::shared_ptr<Sequential> trained_mlp() {
  auto model = mlp();
  auto [x, y] = blobs(32, 4);
  model->fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});
  return model;
}

// Loads `path`: a model or an exception, never a crash (or, under the sanitizers, a memory error).
void load_survives(const fs::path& path) {
  try {
    auto model = models::load_model(path.string());
    (void)model->predict(Tensor({1, 8}));
  } catch (const std::exception&) {
  }
}

}  // namespace

TEST(SavingCorruption, InterruptedSavesLeaveThePreviousFileIntact) {
  auto model = mlp();
  auto [x, y] = blobs(32, 4);
  model->fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});
  fs::path dir = scratch("interrupted");
  std::string path = (dir / "m.h5").string();
  model->save(path);
  const std::string good = read_file(path);
  const int steps = saving::detail::last_save_steps();
  ASSERT_GT(steps, 5);
  model->fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});  // different weights now
  model->save_weights((dir / "w.h5").string());
  const int weight_steps = saving::detail::last_save_steps();
  fs::remove(dir / "w.h5");
  for (int step = 1; step <= steps; ++step) {
    saving::detail::fail_save_at_step(step);
    EXPECT_THROW(model->save(path), std::runtime_error) << "step " << step;
    if (step <= weight_steps) {
      EXPECT_THROW(model->save_weights(path), std::runtime_error) << "step " << step;
    }
    saving::detail::fail_save_at_step(0);
    EXPECT_TRUE(read_file(path) == good) << "the file changed at step " << step;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
      (void)entry;
      ++files;
    }
    EXPECT_EQ(files, 1) << "a temporary file was left behind at step " << step;
  }
  EXPECT_NO_THROW(models::load_model(path));
}

TEST(SavingCorruption, TruncatedCorruptedAndForeignFilesRaiseClearErrors) {
  auto model = mlp();
  fs::path dir = scratch("corrupt");
  std::string path = (dir / "m.h5").string();
  model->save(path);
  const std::string good = read_file(path);
  auto write = [&](const std::string& bytes) {
    std::ofstream out(dir / "bad.h5", std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };
  auto load_bad = [&]() { return models::load_model((dir / "bad.h5").string()); };
  // 20 truncation lengths spread over the file.
  for (int i = 0; i < 20; ++i) {
    std::size_t length = good.size() * static_cast<std::size_t>(i) / 20;
    write(good.substr(0, length));
    EXPECT_ANY_THROW(load_bad()) << "length " << length;
  }
  // Foreign files.
  write("not an hdf5 file at all");
  try {
    load_bad();
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(models::load_model((dir / "missing.h5").string()), std::runtime_error);
  // A weights-only file is not a model.
  model->save_weights((dir / "bad.h5").string());
  try {
    load_bad();
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("No model found in config file"), std::string::npos);
  }
  // Random byte flips: an exception or a model, never a crash.
  std::mt19937 rng(5);
  for (int trial = 0; trial < 40; ++trial) {
    std::string bytes = good;
    for (int k = 0; k < 4; ++k) bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    write(bytes);
    try {
      load_bad();
    } catch (const std::exception&) {
    }
  }
}

TEST(SavingCorruption, InterruptedArchiveSavesLeaveThePreviousFileIntact) {
  auto model = trained_mlp();
  fs::path dir = scratch("interrupted_archive");
  std::string path = (dir / "m.keras").string();
  model->save(path);
  const std::string good = read_file(path);
  const int steps = saving::detail::last_save_steps();
  ASSERT_GT(steps, 5);
  auto [x, y] = blobs(32, 5);
  model->fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});
  for (int step = 1; step <= steps; ++step) {
    saving::detail::fail_save_at_step(step);
    EXPECT_THROW(model->save(path), std::runtime_error) << "step " << step;
    saving::detail::fail_save_at_step(0);
    EXPECT_TRUE(read_file(path) == good) << "the file changed at step " << step;
    EXPECT_EQ(count_files(dir), 1) << "a temporary file was left behind at step " << step;
  }
  EXPECT_NO_THROW(models::load_model(path));
}

TEST(SavingCorruption, TruncatedAndFlippedArchivesRaiseErrors) {
  auto model = trained_mlp();
  fs::path dir = scratch("corrupt_archive");
  model->save((dir / "m.keras").string());
  const std::string good = read_file(dir / "m.keras");
  const fs::path bad = dir / "bad.keras";
  for (int i = 0; i < 20; ++i) {
    std::size_t length = good.size() * static_cast<std::size_t>(i) / 20;
    write_bytes(bad, good.substr(0, length));
    EXPECT_THROW(models::load_model(bad.string()), std::runtime_error) << "length " << length;
  }
  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    std::string bytes = good;
    for (int k = 0; k < 4; ++k) bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    write_bytes(bad, bytes);
    load_survives(bad);
  }
  // Damage inside each entry of a well-formed zip: truncated and flipped weights (layers and
  // optimizer state) and configs reach their readers.
  const auto entries = read_zip(dir / "m.keras");
  ASSERT_EQ(entries.size(), 3u);
  for (std::size_t e = 0; e < entries.size(); ++e) {
    SCOPED_TRACE(entries[e].first);
    const std::string& data = entries[e].second;
    for (int i = 0; i < 20; ++i) {
      auto damaged = entries;
      damaged[e].second = data.substr(0, data.size() * static_cast<std::size_t>(i) / 20);
      write_zip(bad, damaged);
      load_survives(bad);
    }
    for (int trial = 0; trial < 30; ++trial) {
      auto damaged = entries;
      for (int k = 0; k < 3; ++k)
        damaged[e].second[rng() % data.size()] ^= static_cast<char>(1 + rng() % 255);
      write_zip(bad, damaged);
      load_survives(bad);
    }
  }
  EXPECT_NO_THROW(models::load_model((dir / "m.keras").string()));
}
