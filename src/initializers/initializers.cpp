// Keras 2.2.4's initializers (keras/initializers.py) on concrete tensors.
#include "keras/initializers.h"
#include "keras/initializers_custom.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backend/random_state.h"
#include "saving/config_text.h"

namespace keras::initializers {

namespace {

using nlohmann::json;

// The stddev of a standard normal truncated to [-2, 2] (scipy.stats.truncnorm.std(a=-2, b=2)).
constexpr double kTruncatedStddev = 0.87962566103423978;

void check_shape(const Shape& shape, const char* who) {
  for (auto d : shape)
    if (d < 0)
      throw std::invalid_argument(std::string(who) + ": the shape must be fully known, got " +
                                  shape_to_string(shape));
}

void check_float(DType dtype, const char* who) {
  if (!is_floating(dtype))
    throw std::invalid_argument(std::string(who) + " draws random floats; dtype " +
                                dtype_name(dtype) + " is not float32 or float64");
}

// Writes double values into a tensor of any dtype.
Tensor to_tensor(const Shape& shape, DType dtype, const std::vector<double>& values) {
  Tensor t(shape, dtype);
  auto n = static_cast<std::size_t>(t.numel());
  switch (dtype) {
    case DType::float32: {
      float* p = t.data<float>();
      for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<float>(values[i]);
      break;
    }
    case DType::float64:
      if (n > 0) std::memcpy(t.data<double>(), values.data(), n * sizeof(double));
      break;
    case DType::int32: {
      auto* p = t.data<std::int32_t>();
      for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::int32_t>(values[i]);
      break;
    }
    case DType::int64: {
      auto* p = t.data<std::int64_t>();
      for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::int64_t>(values[i]);
      break;
    }
  }
  return t;
}

// Random numbers from the global generator or from a private seeded one. Uniforms use the top 53
// bits of a draw; normals use Box-Muller on pairs, so results are the same with any C++ library.
class Random {
 public:
  explicit Random(Seed seed)
      : own_(seed.value_or(0)), gen_(seed ? &own_ : &keras::detail::global_generator()) {}

  double uniform01() { return static_cast<double>((*gen_)() >> 11) * (1.0 / 9007199254740992.0); }

  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 1.0 - uniform01();  // (0, 1]: log(u1) is finite
    double u2 = uniform01();
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::mt19937_64 own_;
  std::mt19937_64* gen_;
  double spare_ = 0;
  bool has_spare_ = false;
};

std::vector<double> uniform_values(std::int64_t n, double low, double high, Seed seed) {
  Random random(seed);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = low + (high - low) * random.uniform01();
  return v;
}

std::vector<double> normal_values(std::int64_t n, double mean, double stddev, bool truncated,
                                  Seed seed) {
  Random random(seed);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (auto& x : v) {
    double z = random.normal();
    while (truncated && std::abs(z) > 2.0) z = random.normal();
    x = mean + stddev * z;
  }
  return v;
}

// Orthonormalises the columns of the m x n (m >= n) column-major matrix `a` by Householder QR and
// returns Q (m x n, column-major) with the signs that make R's diagonal positive.
std::vector<double> householder_q(std::vector<double> a, std::size_t m, std::size_t n) {
  std::vector<std::vector<double>> reflectors(n);
  std::vector<double> r_diag(n, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    double norm = 0;
    for (std::size_t i = k; i < m; ++i) norm += a[i + k * m] * a[i + k * m];
    norm = std::sqrt(norm);
    double x0 = a[k + k * m];
    double alpha = x0 >= 0 ? -norm : norm;  // the sign that avoids cancellation
    std::vector<double> v(m - k);
    for (std::size_t i = k; i < m; ++i) v[i - k] = a[i + k * m];
    v[0] -= alpha;
    double vnorm = 0;
    for (double x : v) vnorm += x * x;
    vnorm = std::sqrt(vnorm);
    r_diag[k] = alpha;
    if (vnorm == 0) {  // the column is already zero below the diagonal: no reflection
      r_diag[k] = x0;
      continue;
    }
    for (double& x : v) x /= vnorm;
    for (std::size_t j = k; j < n; ++j) {
      double dot = 0;
      for (std::size_t i = k; i < m; ++i) dot += v[i - k] * a[i + j * m];
      for (std::size_t i = k; i < m; ++i) a[i + j * m] -= 2.0 * v[i - k] * dot;
    }
    reflectors[k] = std::move(v);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  std::vector<double> q(m * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) q[j + j * m] = 1.0;
  for (std::size_t k = n; k-- > 0;) {
    const auto& v = reflectors[k];
    if (v.empty()) continue;
    for (std::size_t j = 0; j < n; ++j) {
      double dot = 0;
      for (std::size_t i = k; i < m; ++i) dot += v[i - k] * q[i + j * m];
      for (std::size_t i = k; i < m; ++i) q[i + j * m] -= 2.0 * v[i - k] * dot;
    }
  }
  for (std::size_t j = 0; j < n; ++j)
    if (r_diag[j] < 0)
      for (std::size_t i = 0; i < m; ++i) q[i + j * m] = -q[i + j * m];
  return q;
}

std::string snake_case(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (std::isupper(c)) {
      if (i > 0) out += '_';
      out += static_cast<char>(std::tolower(c));
    } else {
      out += name[i];
    }
  }
  return out;
}

const std::vector<std::string>& valid_names() {
  static const std::vector<std::string> names = {"zeros",
                                                 "zero",
                                                 "ones",
                                                 "one",
                                                 "constant",
                                                 "uniform",
                                                 "random_uniform",
                                                 "normal",
                                                 "random_normal",
                                                 "truncated_normal",
                                                 "variance_scaling",
                                                 "identity",
                                                 "orthogonal",
                                                 "glorot_uniform",
                                                 "glorot_normal",
                                                 "he_uniform",
                                                 "he_normal",
                                                 "lecun_uniform",
                                                 "lecun_normal"};
  return names;
}

// The snake_case name of a Keras 1/2 name or a CamelCase class name, or "" when unknown.
std::string canonical(const std::string& name) {
  std::string snake = snake_case(name);
  for (const auto& n : valid_names())
    if (n == name || n == snake) return n;
  return "";
}

[[noreturn]] void unknown(const std::string& name) {
  std::string valid;
  for (const auto& n : valid_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("Unknown initializer: '" + name +
                              "'. Valid initializers are: " + valid + ".");
}

double number_or(const json& config, const char* key, double fallback) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (!it->is_number())
    throw std::invalid_argument(std::string("Initializer config: '") + key +
                                "' must be a number, got " + saving::detail::config_excerpt(*it));
  return it->get<double>();
}

// Keras's Constant(value) with an array value (numpy in Python, a nested list in its config):
// the weight takes those values, flattened in C order; the weight must have as many.
Initializer constant_values(const json& value) {
  std::vector<double> values;
  std::function<void(const json&)> flatten = [&](const json& v) {
    if (v.is_array()) {
      for (const auto& item : v) flatten(item);
    } else if (v.is_number()) {
      values.push_back(v.get<double>());
    } else {
      throw std::invalid_argument(
          "Initializer config: Constant's 'value' must be a number or a nested list of "
          "numbers, got " +
          saving::detail::config_excerpt(value));
    }
  };
  flatten(value);
  return [values](const Shape& shape, DType dtype) {
    check_shape(shape, "constant");
    if (shape_numel(shape) != static_cast<std::int64_t>(values.size()))
      throw std::invalid_argument("Constant initializer: its value has " +
                                  std::to_string(values.size()) +
                                  " elements, but the weight of shape " + shape_to_string(shape) +
                                  " needs " + std::to_string(shape_numel(shape)));
    return to_tensor(shape, dtype, values);
  };
}

std::string string_or(const json& config, const char* key, const std::string& fallback) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (!it->is_string())
    throw std::invalid_argument(std::string("Initializer config: '") + key +
                                "' must be a string, got " + saving::detail::config_excerpt(*it));
  return it->get<std::string>();
}

Seed seed_of(const json& config) {
  auto it = config.find("seed");
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer())
    throw std::invalid_argument("Initializer config: 'seed' must be an integer or null, got " +
                                saving::detail::config_excerpt(*it));
  return static_cast<std::uint64_t>(it->get<std::int64_t>());
}

}  // namespace

Initializer zeros() {
  return [](const Shape& shape, DType dtype) {
    check_shape(shape, "zeros");
    return Tensor(shape, dtype);
  };
}

Initializer ones() {
  return constant(1.0);
}

Initializer constant(double value) {
  return [value](const Shape& shape, DType dtype) {
    check_shape(shape, "constant");
    return Tensor::full(shape, value, dtype);
  };
}

Initializer random_uniform(double minval, double maxval, Seed seed) {
  return [=](const Shape& shape, DType dtype) {
    check_shape(shape, "random_uniform");
    check_float(dtype, "random_uniform");
    return to_tensor(shape, dtype, uniform_values(shape_numel(shape), minval, maxval, seed));
  };
}

Initializer random_normal(double mean, double stddev, Seed seed) {
  return [=](const Shape& shape, DType dtype) {
    check_shape(shape, "random_normal");
    check_float(dtype, "random_normal");
    return to_tensor(shape, dtype, normal_values(shape_numel(shape), mean, stddev, false, seed));
  };
}

Initializer truncated_normal(double mean, double stddev, Seed seed) {
  return [=](const Shape& shape, DType dtype) {
    check_shape(shape, "truncated_normal");
    check_float(dtype, "truncated_normal");
    return to_tensor(shape, dtype, normal_values(shape_numel(shape), mean, stddev, true, seed));
  };
}

std::pair<double, double> compute_fans(const Shape& shape, const std::string& data_format) {
  if (shape.size() == 2) return {static_cast<double>(shape[0]), static_cast<double>(shape[1])};
  if (shape.size() >= 3 && shape.size() <= 5) {
    // Convolution kernels (1D, 2D or 3D).
    double receptive_field = 1;
    if (data_format == "channels_first") {
      for (std::size_t i = 2; i < shape.size(); ++i)
        receptive_field *= static_cast<double>(shape[i]);
      return {static_cast<double>(shape[1]) * receptive_field,
              static_cast<double>(shape[0]) * receptive_field};
    }
    if (data_format == "channels_last") {
      for (std::size_t i = 0; i + 2 < shape.size(); ++i)
        receptive_field *= static_cast<double>(shape[i]);
      return {static_cast<double>(shape[shape.size() - 2]) * receptive_field,
              static_cast<double>(shape.back()) * receptive_field};
    }
    throw std::invalid_argument("Invalid data_format: " + data_format);
  }
  // No specific assumptions.
  double n = 1;
  for (auto d : shape) n *= static_cast<double>(d);
  return {std::sqrt(n), std::sqrt(n)};
}

Initializer variance_scaling(double scale, const std::string& mode, const std::string& distribution,
                             Seed seed) {
  if (!(scale > 0))
    throw std::invalid_argument("`scale` must be a positive float. Got: " + std::to_string(scale));
  if (mode != "fan_in" && mode != "fan_out" && mode != "fan_avg")
    throw std::invalid_argument(
        "Invalid `mode` argument: expected one of {\"fan_in\", \"fan_out\", \"fan_avg\"} but got " +
        mode);
  if (distribution != "normal" && distribution != "uniform" && distribution != "truncated_normal" &&
      distribution != "untruncated_normal")
    throw std::invalid_argument(
        "Invalid `distribution` argument: expected one of {\"normal\", \"uniform\", "
        "\"truncated_normal\", "
        "\"untruncated_normal\"} but got " +
        distribution);
  return [=](const Shape& shape, DType dtype) {
    check_shape(shape, "variance_scaling");
    check_float(dtype, "variance_scaling");
    auto [fan_in, fan_out] = compute_fans(shape);
    double s = scale;
    if (mode == "fan_in")
      s /= std::max(1.0, fan_in);
    else if (mode == "fan_out")
      s /= std::max(1.0, fan_out);
    else
      s /= std::max(1.0, (fan_in + fan_out) / 2.0);
    std::int64_t n = shape_numel(shape);
    if (distribution == "uniform") {
      double limit = std::sqrt(3.0 * s);
      return to_tensor(shape, dtype, uniform_values(n, -limit, limit, seed));
    }
    if (distribution == "untruncated_normal")
      return to_tensor(shape, dtype, normal_values(n, 0.0, std::sqrt(s), false, seed));
    return to_tensor(shape, dtype,
                     normal_values(n, 0.0, std::sqrt(s) / kTruncatedStddev, true, seed));
  };
}

Initializer glorot_uniform(Seed seed) {
  return variance_scaling(1.0, "fan_avg", "uniform", seed);
}
Initializer glorot_normal(Seed seed) {
  return variance_scaling(1.0, "fan_avg", "normal", seed);
}
Initializer he_uniform(Seed seed) {
  return variance_scaling(2.0, "fan_in", "uniform", seed);
}
Initializer he_normal(Seed seed) {
  return variance_scaling(2.0, "fan_in", "normal", seed);
}
Initializer lecun_uniform(Seed seed) {
  return variance_scaling(1.0, "fan_in", "uniform", seed);
}
Initializer lecun_normal(Seed seed) {
  return variance_scaling(1.0, "fan_in", "normal", seed);
}

// Keras 2.2.4: a 2D matrix whose long side is a multiple of the short one holds identity
// matrices side by side along the long side (a recurrent kernel of shape (units, 4 * units)).
Initializer identity(double gain) {
  return [gain](const Shape& shape, DType dtype) {
    if (shape.size() != 2 || shape[0] <= 0 || shape[1] <= 0)
      throw std::invalid_argument(
          "Identity matrix initializer can only be used for 2D matrices, got shape " +
          shape_to_string(shape));
    const std::int64_t rows = shape[0], cols = shape[1];
    const std::int64_t side = std::min(rows, cols);
    if (std::max(rows, cols) % side != 0)
      throw std::invalid_argument(
          "Identity matrix initializer: Long side should be multiple of short side; "
          "got shape " +
          shape_to_string(shape));
    std::vector<double> v(static_cast<std::size_t>(rows * cols), 0.0);
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = i % side; j < cols; j += side)
        v[static_cast<std::size_t>(i * cols + j)] = gain;
    return to_tensor(shape, dtype, v);
  };
}

Initializer orthogonal(double gain, Seed seed) {
  return [=](const Shape& shape, DType dtype) {
    check_shape(shape, "orthogonal");
    check_float(dtype, "orthogonal");
    if (shape.empty())
      throw std::invalid_argument("orthogonal: needs a shape of rank >= 1, got ()");
    std::int64_t rows = 1;
    for (std::size_t i = 0; i + 1 < shape.size(); ++i) rows *= shape[i];
    std::int64_t cols = shape.back();
    auto m = static_cast<std::size_t>(rows), n = static_cast<std::size_t>(cols);
    // Row-major N(0, 1) draws, like numpy's rng.normal(size=(rows, cols)).
    std::vector<double> a = normal_values(rows * cols, 0.0, 1.0, false, seed);
    std::vector<double> out(m * n);
    if (m >= n) {
      std::vector<double> col_major(m * n);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) col_major[i + j * m] = a[i * n + j];
      std::vector<double> q = householder_q(std::move(col_major), m, n);  // orthonormal columns
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) out[i * n + j] = gain * q[i + j * m];
    } else {
      // Orthonormal rows: QR of the transpose (n x m, column-major = a row-major as is).
      std::vector<double> q = householder_q(std::move(a), n, m);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) out[i * n + j] = gain * q[j + i * n];
    }
    return to_tensor(shape, dtype, out);
  };
}

namespace {

struct CustomInitializer {
  Initializer initializer;
  std::string name;  // what serialize() writes
};

std::mutex& custom_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::string, CustomInitializer>& custom_initializers() {
  static std::map<std::string, CustomInitializer> registry;
  return registry;
}

const CustomInitializer* find_custom(const std::string& key) {
  if (key.find("#custom") == std::string::npos) return nullptr;
  std::lock_guard<std::mutex> lock(custom_mutex());
  auto it = custom_initializers().find(key);
  // Entries are never erased, so the pointer stays valid.
  return it == custom_initializers().end() ? nullptr : &it->second;
}

}  // namespace

std::string register_custom(Initializer initializer, const std::string& name) {
  if (!initializer) throw std::invalid_argument("register_custom: an empty initializer");
  std::lock_guard<std::mutex> lock(custom_mutex());
  auto& registry = custom_initializers();
  std::string key = name + "#custom" + std::to_string(registry.size());
  registry.emplace(key, CustomInitializer{std::move(initializer), name});
  return key;
}

Initializer get(const std::string& name) {
  if (const CustomInitializer* custom = find_custom(name)) return custom->initializer;
  if (!name.empty() && name.front() == '{')
    return from_config(saving::detail::parse_config_json(name, "The initializer config"));
  std::string n = canonical(name);
  if (n == "zeros" || n == "zero") return zeros();
  if (n == "ones" || n == "one") return ones();
  if (n == "constant") return constant();
  if (n == "uniform" || n == "random_uniform") return random_uniform();
  if (n == "normal" || n == "random_normal") return random_normal();
  if (n == "truncated_normal") return truncated_normal();
  if (n == "variance_scaling") return variance_scaling();
  if (n == "identity") return identity();
  if (n == "orthogonal") return orthogonal();
  if (n == "glorot_uniform") return glorot_uniform();
  if (n == "glorot_normal") return glorot_normal();
  if (n == "he_uniform") return he_uniform();
  if (n == "he_normal") return he_normal();
  if (n == "lecun_uniform") return lecun_uniform();
  if (n == "lecun_normal") return lecun_normal();
  unknown(name);
}

Initializer from_config(const json& config) {
  if (config.is_string()) return get(config.get<std::string>());
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw std::invalid_argument(
        "initializers::from_config expects a name or {\"class_name\": ..., \"config\": {...}}, "
        "got " +
        saving::detail::config_excerpt(config));
  std::string class_name = config["class_name"].get<std::string>();
  static const json empty = json::object();
  auto it = config.find("config");
  const json& c = (it == config.end() || it->is_null()) ? empty : *it;
  if (!c.is_object())
    throw std::invalid_argument("Initializer config must be an object, got " +
                                saving::detail::config_excerpt(c));
  std::string n = canonical(class_name);
  if (n.empty()) unknown(class_name);
  Seed seed = seed_of(c);
  if (n == "zeros" || n == "zero") return zeros();
  if (n == "ones" || n == "one") return ones();
  if (n == "constant") {
    auto value = c.find("value");
    if (value != c.end() && value->is_array()) return constant_values(*value);
    return constant(number_or(c, "value", 0.0));
  }
  if (n == "uniform" || n == "random_uniform")
    return random_uniform(number_or(c, "minval", -0.05), number_or(c, "maxval", 0.05), seed);
  if (n == "normal" || n == "random_normal")
    return random_normal(number_or(c, "mean", 0.0), number_or(c, "stddev", 0.05), seed);
  if (n == "truncated_normal")
    return truncated_normal(number_or(c, "mean", 0.0), number_or(c, "stddev", 0.05), seed);
  if (n == "variance_scaling")
    return variance_scaling(number_or(c, "scale", 1.0), string_or(c, "mode", "fan_in"),
                            string_or(c, "distribution", "normal"), seed);
  if (n == "identity") return identity(number_or(c, "gain", 1.0));
  if (n == "orthogonal") return orthogonal(number_or(c, "gain", 1.0), seed);
  if (n == "glorot_uniform") return glorot_uniform(seed);
  if (n == "glorot_normal") return glorot_normal(seed);
  if (n == "he_uniform") return he_uniform(seed);
  if (n == "he_normal") return he_normal(seed);
  if (n == "lecun_uniform") return lecun_uniform(seed);
  return lecun_normal(seed);
}

json serialize(const std::string& name) {
  if (const CustomInitializer* custom = find_custom(name)) return custom->name;
  if (!name.empty() && name.front() == '{')
    return saving::detail::parse_config_json(name, "The initializer config");
  std::string n = canonical(name);
  auto vs = [](double scale, const char* mode, const char* distribution) {
    return json{
        {"class_name", "VarianceScaling"},
        {"config",
         {{"scale", scale}, {"mode", mode}, {"distribution", distribution}, {"seed", nullptr}}}};
  };
  if (n == "zeros" || n == "zero") return {{"class_name", "Zeros"}, {"config", json::object()}};
  if (n == "ones" || n == "one") return {{"class_name", "Ones"}, {"config", json::object()}};
  if (n == "constant") return {{"class_name", "Constant"}, {"config", {{"value", 0.0}}}};
  if (n == "uniform" || n == "random_uniform")
    return {{"class_name", "RandomUniform"},
            {"config", {{"minval", -0.05}, {"maxval", 0.05}, {"seed", nullptr}}}};
  if (n == "normal" || n == "random_normal")
    return {{"class_name", "RandomNormal"},
            {"config", {{"mean", 0.0}, {"stddev", 0.05}, {"seed", nullptr}}}};
  if (n == "truncated_normal")
    return {{"class_name", "TruncatedNormal"},
            {"config", {{"mean", 0.0}, {"stddev", 0.05}, {"seed", nullptr}}}};
  if (n == "variance_scaling") return vs(1.0, "fan_in", "normal");
  if (n == "identity") return {{"class_name", "Identity"}, {"config", {{"gain", 1.0}}}};
  if (n == "orthogonal")
    return {{"class_name", "Orthogonal"}, {"config", {{"gain", 1.0}, {"seed", nullptr}}}};
  if (n == "glorot_uniform") return vs(1.0, "fan_avg", "uniform");
  if (n == "glorot_normal") return vs(1.0, "fan_avg", "normal");
  if (n == "he_uniform") return vs(2.0, "fan_in", "uniform");
  if (n == "he_normal") return vs(2.0, "fan_in", "normal");
  if (n == "lecun_uniform") return vs(1.0, "fan_in", "uniform");
  if (n == "lecun_normal") return vs(1.0, "fan_in", "normal");
  unknown(name);
}

std::string deserialize_name(const json& config) {
  if (config.is_string()) {
    get(config.get<std::string>());  // unknown names fail here
    return config.get<std::string>();
  }
  from_config(config);  // malformed configs and unknown classes fail here
  for (const auto& n : valid_names()) {
    json candidate = serialize(n);
    if (candidate == config) return n;
    // Keras 3 adds module/registered_name; Keras 2.2.4 omits nothing else.
    if (config.contains("class_name") && config.contains("config") &&
        candidate["class_name"] == config["class_name"] && candidate["config"] == config["config"])
      return n;
  }
  // Keras 3's classes for the named variance-scaling initializers (GlorotUniform, HeNormal, ...).
  if (config.contains("class_name") && config["class_name"].is_string()) {
    std::string n = canonical(config["class_name"].get<std::string>());
    const json& c = config.contains("config") && config["config"].is_object() ? config["config"]
                                                                              : json::object();
    bool plain_seed = c.empty() || (c.size() == 1 && c.contains("seed") && c["seed"].is_null());
    if (plain_seed && (n.rfind("glorot_", 0) == 0 || n.rfind("he_", 0) == 0 ||
                       n.rfind("lecun_", 0) == 0 || n == "zeros" || n == "ones"))
      return n;
  }
  json plain = {{"class_name", config["class_name"]},
                {"config", config.contains("config") ? config["config"] : json::object()}};
  return plain.dump();
}

}  // namespace keras::initializers
