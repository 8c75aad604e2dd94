// The process-wide random generator behind initializers, shuffling and dropout seeds.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace keras::detail {

std::mt19937_64& global_generator();
// A fresh seed for a random op or an initializer, drawn from the global generator.
std::uint64_t next_seed();
void seed_global_generator(std::uint64_t seed);
// The run count K::eval's one-run function starts at: each evaluation of a random op draws fresh
// numbers, as each run of one function does (TensorFlow's ops keep their state between runs).
// Seeding the global generator restarts it.
std::uint64_t next_evaluation();

// Counter-based hashing (splitmix64): random numbers that depend only on (seed, counter, index),
// so results do not depend on the number of threads (constexpr: the cuda kernels call them on the
// device, drawing the same numbers).
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
// One stream per (seed, counter), then SplitMix64 over the element index: one mix per element.
constexpr std::uint64_t random_stream(std::uint64_t seed, std::uint64_t counter) {
  return mix64(seed ^ mix64(counter * 0xD1B54A32D192ED03ull));
}
constexpr std::uint64_t random_bits53(std::uint64_t stream, std::uint64_t index) {
  return mix64(stream + index * 0xBF58476D1CE4E5B9ull) >> 11;
}
constexpr double uniform01(std::uint64_t seed, std::uint64_t counter, std::uint64_t index) {
  return static_cast<double>(random_bits53(random_stream(seed, counter), index)) *
         (1.0 / 9007199254740992.0);
}
// Dropout's keep test, uniform01 >= rate, in integers: the same answer, cheaper to vectorise.
inline std::uint64_t keep_threshold(double rate) {
  return static_cast<std::uint64_t>(std::ceil(rate * 9007199254740992.0));
}

}  // namespace keras::detail
