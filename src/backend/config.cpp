#include <cstdlib>
#include <stdexcept>
#include <string>

#include "backend/random_state.h"
#include "keras/backend/backend.h"

namespace keras::backend {

namespace {
DType g_floatx = DType::float32;
double g_epsilon = 1e-7;

std::string initial_backend() {
  const char* env = std::getenv("KERAS_BACKEND");
  if (!env || !*env) return "cpu";
  std::string name = env;
  if (name != "cpu" && name != "reference")
    throw std::invalid_argument(
        "KERAS_BACKEND='" + name +
        "' is not a keras.cpp backend. Valid backends are: cpu, reference.");
  return name;
}
std::string& backend_name() {
  static std::string name = initial_backend();
  return name;
}
}  // namespace

DType floatx() {
  return g_floatx;
}
void set_floatx(DType dtype) {
  if (!is_floating(dtype))
    throw std::invalid_argument(std::string("floatx must be float32 or float64, got ") +
                                dtype_name(dtype));
  g_floatx = dtype;
}
double epsilon() {
  return g_epsilon;
}
void set_epsilon(double value) {
  g_epsilon = value;
}
std::string backend() {
  return backend_name();
}
void set_backend(const std::string& name) {
  if (name != "cpu" && name != "reference")
    throw std::invalid_argument("Unknown backend '" + name +
                                "'. Valid backends are: cpu, reference.");
  backend_name() = name;
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
void seed_global_generator(std::uint64_t seed) {
  global_generator().seed(seed);
}

}  // namespace keras::detail
