#include <unistd.h>
#include <atomic>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "backend/random_state.h"
#include "keras/backend/backend.h"
#include "keras/backend/legacy.h"
#include "kernels/kernel.h"
#include "saving/atomic_file.h"

#include <nlohmann/json.hpp>

namespace keras::backend {

namespace {

struct Config {
  DType floatx = DType::float32;
  double epsilon = 1e-7;
  std::string backend = "cpu";
  std::string image_data_format = "channels_last";
};

Config& raw_config() {
  static Config config;
  return config;
}

// Loads keras.json once, on first use (as Keras reads it on import); a failed load is retried.
Config& config() {
  static const bool loaded = [] {
    detail::load_config();
    return true;
  }();
  (void)loaded;
  return raw_config();
}

const char* const kPythonBackends[] = {"tensorflow", "theano", "jax", "torch", "cntk", "numpy"};

bool is_python_backend(const std::string& name) {
  for (const char* b : kPythonBackends)
    if (name == b) return true;
  return false;
}

void check_backend_name(const std::string& name, const std::string& where) {
  if (name == "cpu" || name == "reference") return;
  if (name == "cuda") {
    // Asked for by name: whether this build and this machine can run it is checked now, with
    // the reason and the remedy (no driver, no device, a build without CUDA).
    try {
      kernels::backend_named(name);
    } catch (const std::runtime_error& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
    return;
  }
  throw std::invalid_argument(where + ": unknown backend '" + name +
                              "'. Valid backends are: cpu, cuda, reference (Python Keras names "
                              "tensorflow, theano, jax, torch fall back to cpu).");
}

// A Python Keras backend name means "the default" here, with one warning per process.
std::string resolve_backend(const std::string& name, const std::string& where) {
  if (is_python_backend(name)) {
    static bool warned = false;
    if (!warned) {
      warned = true;
      std::fprintf(stderr,
                   "UserWarning: %s: backend '%s' is a Python Keras backend; keras.cpp uses its "
                   "default backend 'cpu' instead (valid backends: cpu, cuda, reference).\n",
                   where.c_str(), name.c_str());
    }
    return "cpu";
  }
  check_backend_name(name, where);
  return name;
}

std::string data_format_from_dim_ordering(const std::string& ordering, const std::string& where) {
  if (ordering == "tf") return "channels_last";
  if (ordering == "th") return "channels_first";
  throw std::invalid_argument(where + ": unknown image_dim_ordering '" + ordering +
                              "'. Valid values are: tf, th.");
}

void check_data_format(const std::string& format, const std::string& where) {
  if (format != "channels_last" && format != "channels_first")
    throw std::invalid_argument(where + ": unknown image_data_format '" + format +
                                "'. Valid values are: channels_last, channels_first.");
}

DType floatx_from_name(const std::string& name, const std::string& where) {
  if (name == "float32") return DType::float32;
  if (name == "float64") return DType::float64;
  if (name == "float16")
    throw std::invalid_argument(where +
                                ": floatx 'float16' is a Keras value keras.cpp does not "
                                "support yet. Valid values are: float32, float64.");
  throw std::invalid_argument(where + ": unknown floatx '" + name +
                              "'. Valid values are: float32, float64.");
}

std::string string_value(const nlohmann::json& config, const char* key, const std::string& where) {
  const auto& v = config[key];
  if (!v.is_string())
    throw std::invalid_argument(where + ": '" + key + "' must be a string, got " + v.dump());
  return v.get<std::string>();
}

}  // namespace

namespace detail {

std::string keras_dir() {
  if (const char* home = std::getenv("KERAS_HOME"); home && *home) return home;
  std::string base = "/tmp";
  if (const char* home = std::getenv("HOME"); home && *home && access(home, W_OK) == 0) base = home;
  return base + "/.keras";
}

void load_config() {
  Config loaded;
  const std::string dir = keras_dir();
  const std::string path = dir + "/keras.json";
  const std::string where = path;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path);
    nlohmann::json file;
    try {
      file = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      // Keras ignores a keras.json it cannot parse; say so.
      std::fprintf(stderr, "UserWarning: %s is not valid JSON (%s); using the defaults.\n",
                   path.c_str(), e.what());
      file = nlohmann::json::object();
    }
    if (!file.is_object())
      throw std::invalid_argument(where + ": expected a JSON object of settings, got " +
                                  file.dump());
    if (file.contains("floatx"))
      loaded.floatx = floatx_from_name(string_value(file, "floatx", where), where);
    if (file.contains("epsilon")) {
      if (!file["epsilon"].is_number() || file["epsilon"].get<double>() <= 0)
        throw std::invalid_argument(where + ": 'epsilon' must be a positive number, got " +
                                    file["epsilon"].dump());
      loaded.epsilon = file["epsilon"].get<double>();
    }
    if (file.contains("backend"))
      loaded.backend = resolve_backend(string_value(file, "backend", where), where);
    if (file.contains("image_dim_ordering"))
      loaded.image_data_format =
          data_format_from_dim_ordering(string_value(file, "image_dim_ordering", where), where);
    if (file.contains("image_data_format")) {
      loaded.image_data_format = string_value(file, "image_data_format", where);
      check_data_format(loaded.image_data_format, where);
    }
  } else {
    // First use: write the defaults, as Keras does (failures to write are ignored, as Keras).
    std::filesystem::create_directories(dir, ec);
    nlohmann::ordered_json defaults = {{"floatx", "float32"},
                                       {"epsilon", 1e-7},
                                       {"backend", "cpu"},
                                       {"image_data_format", "channels_last"}};
    // Written beside and renamed into place, so a concurrent reader never sees half a file.
    try {
      saving::detail::write_file_atomically(path, true, [&](const std::string& temp) {
        std::ofstream out(temp);
        out << defaults.dump(4);
        out.close();
        if (!out) throw std::runtime_error("cannot write " + temp);
      });
    } catch (const std::exception&) {
    }
  }
  if (const char* env = std::getenv("KERAS_BACKEND"); env && *env)
    loaded.backend = resolve_backend(env, "KERAS_BACKEND");
  raw_config() = loaded;
}

}  // namespace detail

DType floatx() {
  return config().floatx;
}
void set_floatx(DType dtype) {
  if (!is_floating(dtype))
    throw std::invalid_argument(std::string("floatx must be float32 or float64, got ") +
                                dtype_name(dtype));
  config().floatx = dtype;
}
void set_floatx(const std::string& name) {
  config().floatx = floatx_from_name(name, "set_floatx");
}
double epsilon() {
  return config().epsilon;
}
void set_epsilon(double value) {
  config().epsilon = value;
}
namespace {
bool& legacy_weight_ordering_flag() {
  static bool flag = false;
  return flag;
}
}  // namespace
void set_legacy_weight_ordering(bool value) {
  legacy_weight_ordering_flag() = value;
}
bool legacy_weight_ordering() {
  return legacy_weight_ordering_flag();
}
std::string backend() {
  return config().backend;
}
void set_backend(const std::string& name) {
  kernels::backend_named(name);  // unknown names, and cuda without a GPU, throw here
  config().backend = name;
}
std::string image_data_format() {
  return config().image_data_format;
}
void set_image_data_format(const std::string& data_format) {
  // Keras 1's "tf" / "th" are accepted too.
  if (data_format == "tf" || data_format == "th")
    config().image_data_format =
        data_format_from_dim_ordering(data_format, "set_image_data_format");
  else {
    check_data_format(data_format, "set_image_data_format");
    config().image_data_format = data_format;
  }
}
std::string image_dim_ordering() {
  return config().image_data_format == "channels_first" ? "th" : "tf";
}
void set_image_dim_ordering(const std::string& dim_ordering) {
  config().image_data_format =
      data_format_from_dim_ordering(dim_ordering, "set_image_dim_ordering");
}

}  // namespace keras::backend

namespace keras::detail {

std::mt19937_64& global_generator() {
  static std::mt19937_64 generator{std::random_device{}()};
  return generator;
}
std::uint64_t next_seed() {
  return global_generator()();
}
namespace {
std::atomic<std::uint64_t> evaluations{0};
}  // namespace
void seed_global_generator(std::uint64_t seed) {
  global_generator().seed(seed);
  evaluations = 0;
}
std::uint64_t next_evaluation() {
  return evaluations++;
}

}  // namespace keras::detail
