#include "keras/datasets/fashion_mnist.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/datasets/mnist.h"

namespace fs = std::filesystem;
using keras::DType;
using keras::Shape;
using keras::Tensor;

namespace {

constexpr const char* kRealDir = "/usr/share/datasets/fashion-mnist";

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

std::uint32_t crc32(const std::vector<std::uint8_t>& bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::uint8_t b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void put_u32_le(std::string& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>(v >> shift));
}

// Writes `bytes` as a gzip file of stored (uncompressed) deflate blocks. The test target does
// not link zlib (the library links it privately), and a second, independent gzip writer also
// checks the reader against more than its own library.
void write_gz(const fs::path& file, const std::vector<std::uint8_t>& bytes) {
  std::string out = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, 3};  // deflate, no flags, Unix
  std::size_t pos = 0;
  do {
    std::size_t len = std::min<std::size_t>(bytes.size() - pos, 65535);
    bool last = pos + len == bytes.size();
    out.push_back(last ? 1 : 0);  // BFINAL, BTYPE=00 (stored)
    auto len16 = static_cast<std::uint16_t>(len);
    auto nlen16 = static_cast<std::uint16_t>(~len16);
    out.push_back(static_cast<char>(len16 & 0xFF));
    out.push_back(static_cast<char>(len16 >> 8));
    out.push_back(static_cast<char>(nlen16 & 0xFF));
    out.push_back(static_cast<char>(nlen16 >> 8));
    out.append(reinterpret_cast<const char*>(bytes.data()) + pos, len);
    pos += len;
  } while (pos < bytes.size());
  put_u32_le(out, crc32(bytes));
  put_u32_le(out, static_cast<std::uint32_t>(bytes.size()));
  std::ofstream stream(file, std::ios::binary);
  stream.write(out.data(), static_cast<std::streamsize>(out.size()));
  ASSERT_TRUE(stream.good()) << "cannot write " << file;
}

std::uint8_t pixel(std::uint32_t image, std::uint32_t i) {
  return static_cast<std::uint8_t>((image * 31 + i * 7) % 256);
}

// IDX image bytes; `magic`, `rows`, `cols` and the number of images actually stored can be
// made wrong on purpose.
std::vector<std::uint8_t> images_idx(std::uint32_t count, std::uint32_t magic = 2051,
                                     std::uint32_t rows = 28, std::uint32_t cols = 28,
                                     std::optional<std::uint32_t> stored = std::nullopt) {
  std::vector<std::uint8_t> out;
  put_u32(out, magic);
  put_u32(out, count);
  put_u32(out, rows);
  put_u32(out, cols);
  for (std::uint32_t n = 0; n < stored.value_or(count); ++n)
    for (std::uint32_t i = 0; i < rows * cols; ++i) out.push_back(pixel(n, i));
  return out;
}

std::vector<std::uint8_t> labels_idx(const std::vector<std::uint8_t>& labels,
                                     std::uint32_t magic = 2049) {
  std::vector<std::uint8_t> out;
  put_u32(out, magic);
  put_u32(out, static_cast<std::uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

const std::vector<std::uint8_t> kTrainLabels = {3, 0, 9};
const std::vector<std::uint8_t> kTestLabels = {7, 1};

// Sets or unsets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class IdxDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("keras_idx_test_" + std::to_string(getpid()) + "_" +
                                        info->test_suite_name() + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write_valid_dataset() {
    write_gz(dir_ / "train-images-idx3-ubyte.gz", images_idx(3));
    write_gz(dir_ / "train-labels-idx1-ubyte.gz", labels_idx(kTrainLabels));
    write_gz(dir_ / "t10k-images-idx3-ubyte.gz", images_idx(2));
    write_gz(dir_ / "t10k-labels-idx1-ubyte.gz", labels_idx(kTestLabels));
  }

  std::string load_error() {
    try {
      keras::datasets::fashion_mnist::load_data(dir_.string());
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "load_data did not throw";
    return "";
  }

  fs::path dir_;
};

void expect_small_dataset(const Tensor& x_train, const Tensor& y_train, const Tensor& x_test,
                          const Tensor& y_test) {
  EXPECT_EQ(x_train.shape(), (Shape{3, 28, 28}));
  EXPECT_EQ(y_train.shape(), (Shape{3}));
  EXPECT_EQ(x_test.shape(), (Shape{2, 28, 28}));
  EXPECT_EQ(y_test.shape(), (Shape{2}));
  EXPECT_EQ(x_train.dtype(), DType::float32);
  EXPECT_EQ(y_train.dtype(), DType::int64);
  EXPECT_EQ(y_train.to_vector<std::int64_t>(), (std::vector<std::int64_t>{3, 0, 9}));
  EXPECT_EQ(y_test.to_vector<std::int64_t>(), (std::vector<std::int64_t>{7, 1}));
  for (std::uint32_t n = 0; n < 3; ++n)
    for (std::uint32_t i = 0; i < 784; i += 97)
      EXPECT_EQ(x_train(n, i / 28, i % 28), pixel(n, i)) << "image " << n << " pixel " << i;
  EXPECT_EQ(x_test(1, 27, 27), pixel(1, 783));
}

}  // namespace

TEST_F(IdxDatasetTest, LoadsSmallIdxFilesFromPath) {
  write_valid_dataset();
  auto [train, test] = keras::datasets::fashion_mnist::load_data(dir_.string());
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  expect_small_dataset(x_train, y_train, x_test, y_test);
}

TEST_F(IdxDatasetTest, EnvironmentVariableOverridesDefault) {
  write_valid_dataset();
  ScopedEnv env("KERAS_FASHION_MNIST_DIR", dir_.c_str());
  auto [train, test] = keras::datasets::fashion_mnist::load_data();
  expect_small_dataset(train.first, train.second, test.first, test.second);
}

TEST_F(IdxDatasetTest, PathArgumentBeatsEnvironmentVariable) {
  write_valid_dataset();
  ScopedEnv env("KERAS_FASHION_MNIST_DIR", "/nonexistent/keras_env_dir");
  auto [train, test] = keras::datasets::fashion_mnist::load_data(dir_.string());
  EXPECT_EQ(train.first.shape(), (Shape{3, 28, 28}));
}

TEST_F(IdxDatasetTest, EnvironmentVariablePointingNowhereNamesIt) {
  ScopedEnv env("KERAS_FASHION_MNIST_DIR", "/nonexistent/keras_env_dir");
  try {
    keras::datasets::fashion_mnist::load_data();
    FAIL() << "load_data did not throw";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("/nonexistent/keras_env_dir"), std::string::npos) << msg;
    EXPECT_NE(msg.find("KERAS_FASHION_MNIST_DIR"), std::string::npos) << msg;
  }
}

TEST_F(IdxDatasetTest, MissingDirectoryMentionsDebianPackage) {
  std::string missing = (dir_ / "no_such_dir").string();
  try {
    keras::datasets::fashion_mnist::load_data(missing);
    FAIL() << "load_data did not throw";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(missing), std::string::npos) << msg;
    EXPECT_NE(msg.find("dataset-fashion-mnist"), std::string::npos) << msg;
    EXPECT_NE(msg.find("apt-get install"), std::string::npos) << msg;
    EXPECT_NE(msg.find("KERAS_FASHION_MNIST_DIR"), std::string::npos) << msg;
  }
}

TEST_F(IdxDatasetTest, MissingFileNamesFullPath) {
  write_valid_dataset();
  fs::remove(dir_ / "t10k-labels-idx1-ubyte.gz");
  std::string msg = load_error();
  EXPECT_NE(msg.find((dir_ / "t10k-labels-idx1-ubyte.gz").string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("dataset-fashion-mnist"), std::string::npos) << msg;
}

TEST_F(IdxDatasetTest, WrongMagicNumberNamesFileExpectedAndFound) {
  write_valid_dataset();
  // A labels file where an images file belongs.
  write_gz(dir_ / "train-images-idx3-ubyte.gz", labels_idx(kTrainLabels));
  std::string msg = load_error();
  EXPECT_NE(msg.find("train-images-idx3-ubyte.gz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("magic"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 2051"), std::string::npos) << msg;
  EXPECT_NE(msg.find("found 2049"), std::string::npos) << msg;
}

TEST_F(IdxDatasetTest, WrongLabelsMagicNumber) {
  write_valid_dataset();
  write_gz(dir_ / "t10k-labels-idx1-ubyte.gz", labels_idx(kTestLabels, 0x12345678));
  std::string msg = load_error();
  EXPECT_NE(msg.find("t10k-labels-idx1-ubyte.gz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 2049"), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::to_string(0x12345678)), std::string::npos) << msg;
}

TEST_F(IdxDatasetTest, TruncatedImageDataNamesFileAndSizes) {
  write_valid_dataset();
  write_gz(dir_ / "train-images-idx3-ubyte.gz", images_idx(3, 2051, 28, 28, 2));
  std::string msg = load_error();
  EXPECT_NE(msg.find("train-images-idx3-ubyte.gz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::to_string(3 * 784)), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::to_string(2 * 784)), std::string::npos) << msg;
}

TEST_F(IdxDatasetTest, TruncatedHeader) {
  write_valid_dataset();
  write_gz(dir_ / "train-labels-idx1-ubyte.gz", {0, 0, 8});
  std::string msg = load_error();
  EXPECT_NE(msg.find("train-labels-idx1-ubyte.gz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
}

TEST_F(IdxDatasetTest, TruncatedGzipStream) {
  write_valid_dataset();
  // Cut the compressed file itself in half: zlib sees the stream end early.
  fs::path file = dir_ / "t10k-images-idx3-ubyte.gz";
  fs::resize_file(file, fs::file_size(file) / 2);
  std::string msg = load_error();
  EXPECT_NE(msg.find("t10k-images-idx3-ubyte.gz"), std::string::npos) << msg;
}

TEST_F(IdxDatasetTest, WrongImageSize) {
  write_valid_dataset();
  write_gz(dir_ / "t10k-images-idx3-ubyte.gz", images_idx(2, 2051, 32, 28));
  std::string msg = load_error();
  EXPECT_NE(msg.find("t10k-images-idx3-ubyte.gz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("28x28"), std::string::npos) << msg;
  EXPECT_NE(msg.find("32x28"), std::string::npos) << msg;
}

TEST_F(IdxDatasetTest, ImageAndLabelCountsMustMatch) {
  write_valid_dataset();
  write_gz(dir_ / "train-labels-idx1-ubyte.gz", labels_idx({1, 2, 3, 4}));
  std::string msg = load_error();
  EXPECT_NE(msg.find("3 images"), std::string::npos) << msg;
  EXPECT_NE(msg.find("4 labels"), std::string::npos) << msg;
}

TEST_F(IdxDatasetTest, MnistLoadsFromPathAndEnvironment) {
  write_valid_dataset();
  {
    auto [train, test] = keras::datasets::mnist::load_data(dir_.string());
    expect_small_dataset(train.first, train.second, test.first, test.second);
  }
  {
    ScopedEnv env("KERAS_MNIST_DIR", dir_.c_str());
    auto [train, test] = keras::datasets::mnist::load_data();
    expect_small_dataset(train.first, train.second, test.first, test.second);
  }
}

TEST_F(IdxDatasetTest, MnistRequiresPathOrEnvironment) {
  ScopedEnv env("KERAS_MNIST_DIR", nullptr);
  try {
    keras::datasets::mnist::load_data();
    FAIL() << "load_data did not throw";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("KERAS_MNIST_DIR"), std::string::npos) << msg;
    EXPECT_NE(msg.find("train-images-idx3-ubyte.gz"), std::string::npos) << msg;
  }
}

TEST_F(IdxDatasetTest, MnistMissingDirectoryNamesPath) {
  std::string missing = (dir_ / "no_mnist_here").string();
  try {
    keras::datasets::mnist::load_data(missing);
    FAIL() << "load_data did not throw";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(missing), std::string::npos) << msg;
    EXPECT_NE(msg.find("KERAS_MNIST_DIR"), std::string::npos) << msg;
  }
}

TEST(FashionMnistRealData, LoadsFromDebianPackage) {
  if (!fs::is_directory(kRealDir))
    GTEST_SKIP() << kRealDir << " is absent (apt-get install dataset-fashion-mnist)";
  ScopedEnv env("KERAS_FASHION_MNIST_DIR", nullptr);  // exercise the default location
  auto [train, test] = keras::datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  EXPECT_EQ(x_train.shape(), (Shape{60000, 28, 28}));
  EXPECT_EQ(y_train.shape(), (Shape{60000}));
  EXPECT_EQ(x_test.shape(), (Shape{10000, 28, 28}));
  EXPECT_EQ(y_test.shape(), (Shape{10000}));

  for (const Tensor* y : {&y_train, &y_test}) {
    const std::int64_t* p = y->data<std::int64_t>();
    auto [lo, hi] = std::minmax_element(p, p + y->numel());
    EXPECT_EQ(*lo, 0);
    EXPECT_EQ(*hi, 9);
  }
  for (const Tensor* x : {&x_train, &x_test}) {
    const float* p = x->data<float>();
    auto [lo, hi] = std::minmax_element(p, p + x->numel());
    EXPECT_EQ(*lo, 0.0f);
    EXPECT_EQ(*hi, 255.0f);
  }
  // The first labels of the published files: ankle boot, T-shirt, T-shirt, dress.
  EXPECT_EQ(y_train(0), 9);
  EXPECT_EQ(y_train(1), 0);
  EXPECT_EQ(y_train(3), 3);
  EXPECT_EQ(y_test(0), 9);
  EXPECT_EQ(y_test(1), 2);
}
