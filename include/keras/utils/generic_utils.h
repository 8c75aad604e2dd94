// Keras's Progbar: the progress bar fit() prints (Keras 2.2.4's format).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace keras::utils {

class Progbar {
 public:
  // verbose 1: a bar redrawn in place on a terminal (a new line per update otherwise, as Keras);
  // verbose 2: one line when `target` is reached.
  explicit Progbar(std::int64_t target, int width = 30, int verbose = 1, double interval = 0.05,
                   std::FILE* out = stdout);

  // `values` are averaged over the samples seen since the last update (Keras's running
  // averages). Prints at most every `interval` seconds, and always when current >= target.
  void update(std::int64_t current, const std::vector<std::pair<std::string, double>>& values = {});
  // Like update, with `current` advanced by `n`.
  void add(std::int64_t n, const std::vector<std::pair<std::string, double>>& values = {});

 private:
  void accumulate(std::int64_t current, const std::vector<std::pair<std::string, double>>& values);
  void append(const char* format, ...);

  std::int64_t target_;
  int width_, verbose_;
  double interval_;
  std::FILE* out_;
  bool dynamic_display_;
  std::chrono::steady_clock::time_point start_;
  double last_update_ = 0;
  std::int64_t seen_so_far_ = 0;
  std::size_t total_width_ = 0;
  std::vector<std::string> names_;
  std::vector<double> sums_, counts_;
  std::vector<char> line_;
  std::size_t length_ = 0;
};

}  // namespace keras::utils
