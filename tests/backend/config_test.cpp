// keras.json: created with Keras's defaults on first use, each value validated with a message
// naming the file, Keras 1's image_dim_ordering, KERAS_BACKEND overriding, Python backend names.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "keras/backend/backend.h"
#include "kernels/kernel.h"

namespace K = keras::backend;
namespace fs = std::filesystem;

namespace {

class KerasJson : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("keras_config_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    const char* home = std::getenv("KERAS_HOME");
    saved_home_ = home ? home : "";
    const char* backend = std::getenv("KERAS_BACKEND");
    saved_backend_ = backend ? backend : "";
    setenv("KERAS_HOME", dir_.c_str(), 1);
    unsetenv("KERAS_BACKEND");
  }
  void TearDown() override {
    if (saved_home_.empty())
      unsetenv("KERAS_HOME");
    else
      setenv("KERAS_HOME", saved_home_.c_str(), 1);
    if (!saved_backend_.empty())
      setenv("KERAS_BACKEND", saved_backend_.c_str(), 1);
    else
      unsetenv("KERAS_BACKEND");
    K::detail::load_config();
    fs::remove_all(dir_);
  }
  void write(const std::string& text) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "keras.json") << text;
  }
  std::string error_of_load() {
    try {
      K::detail::load_config();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
  std::string saved_home_, saved_backend_;
};

// This build has the cuda backend and this machine a GPU for it.
bool cuda_usable() {
  try {
    keras::kernels::backend_named("cuda");
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

bool mentions(const std::string& text, std::initializer_list<std::string> parts) {
  for (const auto& p : parts)
    if (text.find(p) == std::string::npos) return false;
  return true;
}

}  // namespace

TEST_F(KerasJson, MissingFileIsCreatedWithKerasDefaults) {
  K::detail::load_config();
  std::ifstream in(dir_ / "keras.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  // json.dumps(config, indent=4) of Keras's defaults, with keras.cpp's backend.
  EXPECT_EQ(text,
            "{\n    \"floatx\": \"float32\",\n    \"epsilon\": 1e-07,\n    \"backend\": \"cpu\",\n"
            "    \"image_data_format\": \"channels_last\"\n}");
  EXPECT_EQ(K::floatx(), keras::DType::float32);
  EXPECT_DOUBLE_EQ(K::epsilon(), 1e-7);
  EXPECT_EQ(K::backend(), "cpu");
  EXPECT_EQ(K::image_data_format(), "channels_last");
  EXPECT_EQ(K::image_dim_ordering(), "tf");
}

TEST_F(KerasJson, ValuesAreRead) {
  write(
      R"({"floatx": "float64", "epsilon": 1e-5, "backend": "reference", "image_data_format": "channels_first"})");
  K::detail::load_config();
  EXPECT_EQ(K::floatx(), keras::DType::float64);
  EXPECT_DOUBLE_EQ(K::epsilon(), 1e-5);
  EXPECT_EQ(K::backend(), "reference");
  EXPECT_EQ(K::image_data_format(), "channels_first");
  EXPECT_EQ(K::image_dim_ordering(), "th");
}

TEST_F(KerasJson, Keras1FileIsRead) {
  // Keras 1.0.5's default file: Theano, 'th' ordering.
  write(
      R"({"floatx": "float32", "epsilon": 1e-07, "backend": "theano", "image_dim_ordering": "th"})");
  testing::internal::CaptureStderr();
  K::detail::load_config();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(K::image_data_format(), "channels_first");
  EXPECT_EQ(K::backend(), "cpu");  // Python backend name: default, with one warning
  EXPECT_TRUE(err.empty() || mentions(err, {"theano", "cpu"})) << err;
}

TEST_F(KerasJson, PythonBackendNamesFallBackWithOneWarning) {
  write(R"({"backend": "tensorflow"})");
  testing::internal::CaptureStderr();
  K::detail::load_config();
  K::detail::load_config();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(K::backend(), "cpu");
  // One warning per process (the previous test may have used it up).
  EXPECT_LE(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST_F(KerasJson, BadValuesNameTheFileAndTheValidValues) {
  const std::string file = (dir_ / "keras.json").string();
  write(R"({"backend": "gpu"})");
  EXPECT_TRUE(mentions(error_of_load(), {file, "'gpu'", "cpu, cuda, reference"}));
  write(R"({"backend": "cuda"})");
  if (!cuda_usable()) {  // asked for on a machine or build without it: why, and what to do
    EXPECT_TRUE(mentions(error_of_load(), {file, "cuda", "backend 'cpu'"}));
  }
  write(R"({"floatx": "float8"})");
  EXPECT_TRUE(mentions(error_of_load(), {file, "float8", "float32, float64"}));
  write(R"({"floatx": "float16"})");
  EXPECT_TRUE(mentions(error_of_load(), {file, "float16"}));
  write(R"({"epsilon": "small"})");
  EXPECT_TRUE(mentions(error_of_load(), {file, "epsilon", "positive number"}));
  write(R"({"image_data_format": "channels_middle"})");
  EXPECT_TRUE(
      mentions(error_of_load(), {file, "channels_middle", "channels_last, channels_first"}));
  write(R"({"image_dim_ordering": "tx"})");
  EXPECT_TRUE(mentions(error_of_load(), {file, "tx", "tf, th"}));
  write(R"([1, 2])");
  EXPECT_TRUE(mentions(error_of_load(), {file, "JSON object"}));
  // Unparseable JSON is ignored as Keras does, with a warning.
  write("{not json");
  testing::internal::CaptureStderr();
  EXPECT_EQ(error_of_load(), "");
  EXPECT_TRUE(mentions(testing::internal::GetCapturedStderr(), {file, "not valid JSON"}));
  EXPECT_EQ(K::backend(), "cpu");
}

TEST_F(KerasJson, KerasBackendOverridesTheFile) {
  write(R"({"backend": "cpu"})");
  setenv("KERAS_BACKEND", "reference", 1);
  K::detail::load_config();
  EXPECT_EQ(K::backend(), "reference");
  setenv("KERAS_BACKEND", "nonsense", 1);
  EXPECT_TRUE(mentions(error_of_load(), {"KERAS_BACKEND", "nonsense", "cpu, cuda, reference"}));
  setenv("KERAS_BACKEND", "cuda", 1);
  if (cuda_usable()) {
    K::detail::load_config();
    EXPECT_EQ(K::backend(), "cuda");
  } else {  // where it was asked for, why it cannot run, what to do
    EXPECT_TRUE(mentions(error_of_load(), {"KERAS_BACKEND", "cuda", "backend 'cpu'"}));
  }
  unsetenv("KERAS_BACKEND");
}

TEST_F(KerasJson, Setters) {
  K::detail::load_config();
  K::set_floatx("float64");
  EXPECT_EQ(K::floatx(), keras::DType::float64);
  K::set_floatx(keras::DType::float32);
  EXPECT_THROW(K::set_floatx("float8"), std::invalid_argument);
  K::set_image_data_format("channels_first");
  EXPECT_EQ(K::image_dim_ordering(), "th");
  K::set_image_dim_ordering("tf");
  EXPECT_EQ(K::image_data_format(), "channels_last");
  EXPECT_THROW(K::set_image_data_format("nchw"), std::invalid_argument);
  EXPECT_THROW(K::set_image_dim_ordering("nchw"), std::invalid_argument);
  K::set_epsilon(1e-3);
  EXPECT_DOUBLE_EQ(K::epsilon(), 1e-3);
  EXPECT_THROW(K::set_backend("tensorflow"), std::invalid_argument);
}
