// Files made to harm the reader, and saves that must survive crashes: entries and datasets
// claiming more than their file can hold, HDF5 links and storage pointing at other files, a
// flipped bit in a .keras archive, .keras archives in read-only folders, fsync around the rename,
// and temporaries left by a killed save. Built a second time over the library instrumented with
// AddressSanitizer and UBSan (saving_file_hardening_sanitized_test, CTest label "asan").
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/keras.h"
#include "saving/archive_testing.h"
#include "saving/saving_testing.h"

using namespace keras;
namespace fs = std::filesystem;
using namespace keras::saving::testing;

// fsync and rename, recorded here on their way to the C library (this executable's definitions
// come first for the library's calls), to check the order of a save's steps.
namespace {
bool g_recording = false;
std::vector<std::string> g_events;

std::string fd_path(int fd) {
  char link[64], target[PATH_MAX + 1] = {};
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = ::readlink(link, target, PATH_MAX);
  return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : "?";
}
}  // namespace

extern "C" int fsync(int fd) {
  static const auto real = reinterpret_cast<int (*)(int)>(dlsym(RTLD_NEXT, "fsync"));
  if (g_recording) g_events.push_back("fsync " + fd_path(fd));
  return real(fd);
}

extern "C" int rename(const char* from, const char* to) noexcept {
  static const auto real =
      reinterpret_cast<int (*)(const char*, const char*)>(dlsym(RTLD_NEXT, "rename"));
  if (g_recording) g_events.push_back(std::string("rename ") + from + " " + to);
  return real(from, to);
}

namespace {

// Runs `load` and returns its exception's message, failing the test when it throws none.
template <typename F>
std::string error_of(F&& load) {
  try {
    load();
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception";
  return "";
}

#define EXPECT_HAS(text, part)                               \
  EXPECT_NE(std::string(text).find(part), std::string::npos) \
      << "'" << (part) << "' not in: " << (text)

std::uint32_t get32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
  return value;
}
std::uint16_t get16(const std::string& bytes, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) |
                                    static_cast<unsigned char>(bytes[at + 1]) << 8);
}
void put32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i) & 0xff);
}

// Sets the uncompressed size that both the central directory and the local header of `entry`
// declare (the fields libzip checks against each other).
void declare_size(std::string& zip, const std::string& entry, std::uint32_t size) {
  int patched = 0;
  for (std::size_t at = 0; at + 46 <= zip.size(); ++at) {
    if (zip.compare(at, 4, "PK\x01\x02") != 0) continue;
    if (get16(zip, at + 28) != entry.size() || zip.compare(at + 46, entry.size(), entry) != 0)
      continue;
    put32(zip, at + 24, size);
    put32(zip, get32(zip, at + 42) + 22, size);
    ++patched;
  }
  ASSERT_EQ(patched, 1) << entry;
}

// The process id of a process that has exited.
pid_t finished_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

// An HDF5 file open for writing, closed at the end of the scope.
struct H5Writable {
  explicit H5Writable(const fs::path& path)
      : id(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {}
  ~H5Writable() { H5Fclose(id); }
  hid_t id;
};

// The path in a weights file (save_weights) of `model`'s first kernel: /<layer>/<layer>/kernel:0.
std::string first_kernel(const Model& model) {
  const std::string layer = model.layers()[0]->name();
  return "/" + layer + "/" + model.layers()[0]->weights()[0].name() + ":0";
}

// Writes a float32 dataset `name` of `dims` in `file` holding `values` (or nothing).
void write_floats(hid_t file, const std::string& name, const std::vector<hsize_t>& dims,
                  const std::vector<float>& values, hid_t dcpl = H5P_DEFAULT) {
  hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  hid_t dataset =
      H5Dcreate2(file, name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  ASSERT_GE(dataset, 0) << name;
  if (!values.empty())
    H5Dwrite(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(dataset);
  H5Sclose(space);
}

}  // namespace

TEST(FileHardening, ArchiveEntriesMayNotClaimMoreThanTheirBytesHold) {
  auto model = mlp();
  fs::path dir = scratch("zip_sizes");
  model->save((dir / "m.keras").string());
  const fs::path bad = dir / "bad.keras";
  // Stored (as Python's zipfile and keras.cpp write): no more than the stored bytes.
  std::string stored = read_file(dir / "m.keras");
  declare_size(stored, "model.weights.h5", 2'500'000'000u);
  write_bytes(bad, stored);
  std::string message = error_of([&] { models::load_model(bad.string()); });
  EXPECT_HAS(message, "model.weights.h5");
  EXPECT_HAS(message, "2500000000 bytes");
  EXPECT_HAS(message, "a stored entry holds exactly its bytes");
  // Deflated: no more than 1032 times the compressed bytes.
  write_zip(dir / "deflated.keras", read_zip(dir / "m.keras"), ZIP_CM_DEFLATE);
  EXPECT_NO_THROW(models::load_model((dir / "deflated.keras").string()));
  std::string deflated = read_file(dir / "deflated.keras");
  declare_size(deflated, "config.json", 2'500'000'000u);
  write_bytes(bad, deflated);
  message = error_of([&] { models::load_model(bad.string()); });
  EXPECT_HAS(message, "config.json");
  EXPECT_HAS(message, "2500000000 bytes");
  EXPECT_HAS(message, "deflate expands at most 1032:1");
  // Within the bound but fewer bytes than the data inflate to: stopped as they arrive.
  deflated = read_file(dir / "deflated.keras");
  declare_size(deflated, "model.weights.h5", 100);
  write_bytes(bad, deflated);
  message = error_of([&] { models::load_model(bad.string()); });
  EXPECT_HAS(message, "model.weights.h5' expands to more than the 100 bytes");
}

TEST(FileHardening, AFlippedBitInAnArchiveIsCaughtByItsChecksum) {
  auto model = mlp();
  fs::path dir = scratch("zip_crc");
  model->save((dir / "m.keras").string());
  const std::string good = read_file(dir / "m.keras");
  // The first kernel value, found in the (stored) weights and changed by one bit.
  const float value = model->layers()[0]->get_weights()[0].data<float>()[0];
  const std::string value_bytes(reinterpret_cast<const char*>(&value), sizeof value);
  const std::size_t at = good.find(value_bytes);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(good.find(value_bytes, at + 1), std::string::npos);
  std::string flipped = good;
  flipped[at] ^= 1;
  write_bytes(dir / "bad.keras", flipped);
  std::string message = error_of([&] { models::load_model((dir / "bad.keras").string()); });
  EXPECT_HAS(message, "'model.weights.h5' is corrupted");
  EXPECT_HAS(message, "CRC");
  // Every entry is checked, the configuration too.
  flipped = good;
  const std::size_t relu = good.find("relu");
  ASSERT_NE(relu, std::string::npos);
  flipped[relu] ^= 1;
  write_bytes(dir / "bad.keras", flipped);
  message = error_of([&] { models::load_model((dir / "bad.keras").string()); });
  EXPECT_HAS(message, "'config.json' is corrupted");
}

TEST(FileHardening, DatasetsMayNotClaimMoreThanTheFileHolds) {
  auto model = mlp();
  fs::path dir = scratch("h5_sizes");
  const fs::path path = dir / "w.h5";
  // A kernel of 30000 x 31000 floats (3.7 GB), chunked and deflated, one chunk written.
  auto huge_kernel = [&](bool deflate) {
    model->save_weights(path.string());
    H5Writable file(path);
    ASSERT_GE(H5Ldelete(file.id, first_kernel(*model).c_str(), H5P_DEFAULT), 0);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk[2] = {100, 100};
    H5Pset_chunk(dcpl, 2, chunk);
    if (deflate) H5Pset_deflate(dcpl, 9);
    write_floats(file.id, first_kernel(*model), {30000, 31000}, {}, dcpl);
    hid_t dataset = H5Dopen2(file.id, first_kernel(*model).c_str(), H5P_DEFAULT);
    hid_t space = H5Dget_space(dataset);
    const hsize_t start[2] = {0, 0};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, chunk, nullptr);
    hid_t memory = H5Screate_simple(2, chunk, nullptr);
    const std::vector<float> zeros(100 * 100, 0.0f);
    H5Dwrite(dataset, H5T_NATIVE_FLOAT, memory, space, H5P_DEFAULT, zeros.data());
    H5Sclose(memory);
    H5Sclose(space);
    H5Dclose(dataset);
    H5Pclose(dcpl);
  };
  huge_kernel(true);
  ASSERT_LT(fs::file_size(path), 64'000u);
  std::string message = error_of([&] { model->load_weights(path.string()); });
  EXPECT_HAS(message, path.string());
  EXPECT_HAS(message, "kernel:0");
  EXPECT_HAS(message, "3720000000 bytes, more than its");
  EXPECT_HAS(message, "deflate expands at most 1032:1");
  huge_kernel(false);
  message = error_of([&] { model->load_weights(path.string()); });
  EXPECT_HAS(message, "3720000000 bytes, more than its 40000 bytes of storage");
  EXPECT_HAS(message, "stored uncompressed");
  // Deflating twice would multiply the bound (1032^2): refused.
  model->save_weights(path.string());
  {
    H5Writable file(path);
    H5Ldelete(file.id, first_kernel(*model).c_str(), H5P_DEFAULT);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk[2] = {8, 16};
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_deflate(dcpl, 1);
    H5Pset_deflate(dcpl, 1);
    write_floats(file.id, first_kernel(*model), {8, 16}, std::vector<float>(128, 0.5f), dcpl);
    H5Pclose(dcpl);
  }
  EXPECT_HAS(error_of([&] { model->load_weights(path.string()); }), "deflated more than once");
}

TEST(FileHardening, ArchiveWeightsAreCheckedAgainstTheLayerBeforeReading) {
  auto model = mlp();
  fs::path dir = scratch("zip_shapes");
  model->save((dir / "m.keras").string());
  ZipEntries entries = read_zip(dir / "m.keras");
  // The first kernel as 30000 x 31000 chunked floats, one chunk written.
  const fs::path weights = dir / "model.weights.h5";
  write_bytes(weights, entries[2].second);
  ASSERT_EQ(entries[2].first, "model.weights.h5");
  {
    H5Writable file(weights);
    const std::string name = "/layers/dense/vars/0";
    ASSERT_GE(H5Ldelete(file.id, name.c_str(), H5P_DEFAULT), 0);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk[2] = {1000, 1000};
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_deflate(dcpl, 9);
    write_floats(file.id, name, {30000, 31000}, {}, dcpl);
    H5Pclose(dcpl);
  }
  entries[2].second = read_file(weights);
  write_zip(dir / "bad.keras", entries);
  const std::string message = error_of([&] { models::load_model((dir / "bad.keras").string()); });
  EXPECT_HAS(message, "variable 0 has shape (30000, 31000) but layer");
  EXPECT_HAS(message, "expects (8, 16)");
}

TEST(FileHardening, ModelFilesMayNotReadOtherFiles) {
  auto model = mlp();
  fs::path dir = scratch("h5_links");
  const fs::path path = dir / "w.h5";
  const std::string kernel = first_kernel(*model);
  // Another file holding a kernel of the right shape: without the refusal these files would load.
  const fs::path other = dir / "other.h5";
  {
    hid_t file = H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_floats(file, "/kernel", {8, 16}, std::vector<float>(128, 0.25f));
    H5Fclose(file);
  }
  auto replace_kernel = [&](const std::function<void(hid_t)>& make) {
    model->save_weights(path.string());
    H5Writable file(path);
    ASSERT_GE(H5Ldelete(file.id, kernel.c_str(), H5P_DEFAULT), 0);
    make(file.id);
  };
  // An external link.
  replace_kernel([&](hid_t file) {
    H5Lcreate_external(other.c_str(), "/kernel", file, kernel.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  });
  std::string message = error_of([&] { model->load_weights(path.string()); });
  EXPECT_HAS(message, "is an external link to '" + other.string() + "':/kernel");
  EXPECT_HAS(message, "may not make keras.cpp read other files");
  // A soft link to an external link elsewhere in the file.
  replace_kernel([&](hid_t file) {
    H5Lcreate_external(other.c_str(), "/kernel", file, "/elsewhere", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_soft("/elsewhere", file, kernel.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  });
  message = error_of([&] { model->load_weights(path.string()); });
  EXPECT_HAS(message, "external link to another file");
  EXPECT_HAS(message, other.string());
  // External storage: the dataset's bytes in a raw file beside.
  const fs::path raw = dir / "kernel.raw";
  write_bytes(raw, std::string(128 * sizeof(float), '\0'));
  replace_kernel([&](hid_t file) {
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(dcpl, raw.c_str(), 0, 128 * sizeof(float));
    write_floats(file, kernel, {8, 16}, {}, dcpl);
    H5Pclose(dcpl);
  });
  message = error_of([&] { model->load_weights(path.string()); });
  EXPECT_HAS(message, "keeps its data in the external file '" + raw.string() + "'");
  // The same refusals from whole-model files.
  model->save((dir / "m.h5").string());
  {
    H5Writable file(dir / "m.h5");
    const std::string in_model = "/model_weights" + kernel;
    ASSERT_GE(H5Ldelete(file.id, in_model.c_str(), H5P_DEFAULT), 0);
    H5Lcreate_external(other.c_str(), "/kernel", file.id, in_model.c_str(), H5P_DEFAULT,
                       H5P_DEFAULT);
  }
  EXPECT_HAS(error_of([&] { models::load_model((dir / "m.h5").string()); }), "external link");
}

TEST(FileHardening, ArchivesLoadWithoutWritingBesideThem) {
  auto model = mlp();
  auto [x, y] = blobs(8, 3);
  fs::path dir = scratch("read_only");
  const std::string path = (dir / "m.keras").string();
  model->save(path);
  const std::set<std::string> before = listing(dir);
  // Read-only for everyone but root. The tests may run as root, so what counts is that nothing
  // is created in the folder, even for a moment (inotify).
  const int watch = ::inotify_init1(IN_NONBLOCK);
  ASSERT_GE(watch, 0);
  ASSERT_GE(::inotify_add_watch(watch, dir.c_str(), IN_CREATE | IN_MOVED_TO), 0);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                           fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  saving::ModelPtr loaded;
  try {
    loaded = models::load_model(path);
  } catch (...) {
    fs::permissions(dir, fs::perms::owner_all);
    throw;
  }
  fs::permissions(dir, fs::perms::owner_all);
  alignas(inotify_event) char events[4096];
  const ssize_t got = ::read(watch, events, sizeof events);
  ::close(watch);
  std::string created;
  for (ssize_t at = 0; at < got;) {
    const auto* event = reinterpret_cast<const inotify_event*>(events + at);
    created += std::string(event->len ? event->name : "?") + " ";
    at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
  }
  EXPECT_EQ(created, "") << "created in the archive's folder while loading";
  EXPECT_EQ(listing(dir), before);
  expect_same(loaded->predict(x), model->predict(x));
}

TEST(FileHardening, SavesFlushTheFileBeforeTheRenameAndTheFolderAfter) {
  auto model = mlp();
  const fs::path dir = scratch("fsync");
  const fs::path real_dir = fs::canonical(dir);
  for (const std::string name : {"m.h5", "w.h5", "m.keras"}) {
    SCOPED_TRACE(name);
    const fs::path target = dir / name;
    g_events.clear();
    g_recording = true;
    if (name == "w.h5")
      model->save_weights(target.string());
    else
      model->save(target.string());
    g_recording = false;
    // fsync <temp>, rename <temp> <target>, fsync <folder>, in that order.
    const std::string prefix = (dir / ("." + name + ".keras-tmp-")).string();
    const std::string real_prefix = (real_dir / ("." + name + ".keras-tmp-")).string();
    std::ptrdiff_t file_sync = -1, renamed = -1, folder_sync = -1;
    for (std::size_t i = 0; i < g_events.size(); ++i) {
      const std::string& event = g_events[i];
      if (event.rfind("fsync " + real_prefix, 0) == 0 && renamed < 0) file_sync = i;
      if (event.rfind("rename " + prefix, 0) == 0 && event.size() > target.string().size() &&
          event.compare(event.size() - target.string().size(), std::string::npos,
                        target.string()) == 0)
        renamed = i;
      if (event == "fsync " + real_dir.string() && renamed >= 0) folder_sync = i;
    }
    std::string all;
    for (const auto& event : g_events) all += event + "\n";
    EXPECT_GE(file_sync, 0) << all;
    EXPECT_GT(renamed, file_sync) << all;
    EXPECT_GT(folder_sync, renamed) << all;
  }
}

TEST(FileHardening, TheNextSaveRemovesTemporariesOfKilledSaves) {
  auto model = mlp();
  fs::path dir = scratch("orphans");
  const std::string dead = std::to_string(finished_pid());
  const std::string alive = std::to_string(::getpid());
  const std::vector<std::string> orphans = {
      ".m.h5.keras-tmp-" + dead + "-1a2b3c",         // ours, its writer gone
      ".m.h5.keras-tmp-" + dead + "-1a2b3c.Xy12Ab",  // libzip's temporary of one
  };
  const std::vector<std::string> kept = {
      ".m.h5.keras-tmp-" + alive + "-1a2b3c",  // a save still running
      ".n.h5.keras-tmp-" + dead + "-1a2b3c",   // another file's
      ".m.h5.keras-tmp-" + dead + "-notahex",  // another name pattern
      ".m.h5.tmp12345",                        // not ours to judge
  };
  for (const auto& name : orphans) write_bytes(dir / name, "partial");
  for (const auto& name : kept) write_bytes(dir / name, "partial");
  model->save((dir / "m.h5").string());
  std::set<std::string> expected(kept.begin(), kept.end());
  expected.insert("m.h5");
  EXPECT_EQ(listing(dir), expected);
  EXPECT_NO_THROW(models::load_model((dir / "m.h5").string()));
}

TEST(FileHardening, TheNextSaveRemovesTheTemporaryOfASaveKilledMidway) {
  // A child process saving in a loop, killed (SIGKILL) while a temporary of its exists.
  auto model = mlp();
  fs::path dir = scratch("killed");
  const fs::path target = dir / "m.keras";
  model->save(target.string());
  bool orphaned = false;
  for (int attempt = 0; attempt < 20 && !orphaned; ++attempt) {
    const pid_t child = ::fork();
    if (child == 0) {
      try {
        for (;;) saving::save_model(*model, target.string());
      } catch (...) {
      }
      ::_exit(1);  // never back into the tests
    }
    const std::string prefix = ".m.keras.keras-tmp-" + std::to_string(child) + "-";
    bool seen = false;
    // A bound against a child that never gets to save, not a timing: a save takes milliseconds.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!seen && std::chrono::steady_clock::now() < give_up) {
      for (const auto& name : listing(dir)) seen = seen || name.rfind(prefix, 0) == 0;
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(seen) << "the child process never started a save";
    for (const auto& name : listing(dir)) orphaned = orphaned || name.rfind(prefix, 0) == 0;
  }
  ASSERT_TRUE(orphaned) << "no save was caught midway in 20 attempts";
  model->save(target.string());
  EXPECT_EQ(listing(dir), std::set<std::string>{"m.keras"});
  EXPECT_NO_THROW(models::load_model(target.string()));
}
