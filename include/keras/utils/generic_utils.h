// Keras's Progbar: the progress bar fit() prints (Keras 2.2.4's format).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace keras::utils {

class Progbar {
 public:
  // A target of kUnknownTarget counts steps without a total ("123/Unknown"), as Keras's None.
  static constexpr std::int64_t kUnknownTarget = -1;
  // Receives the text to print (Python's sys.stdout.write, say).
  using Writer = std::function<void(const std::string&)>;

  // verbose 1: a bar redrawn in place on a terminal (a new line per update otherwise, as Keras);
  // verbose 2: one line when `target` is reached.
  explicit Progbar(std::int64_t target, int width = 30, int verbose = 1, double interval = 0.05,
                   std::FILE* out = stdout);
  // Prints through `write`; `dynamic_display` says whether it reaches a terminal (the bar is
  // then redrawn in place). The values of `stateful_metrics` are shown as given, not averaged.
  Progbar(std::int64_t target, int width, int verbose, double interval,
          std::vector<std::string> stateful_metrics, Writer write, bool dynamic_display);

  // `values` are averaged over the samples seen since the last update (Keras's running
  // averages). Prints at most every `interval` seconds (unless `force`, Keras 1's), and always
  // when current >= target.
  void update(std::int64_t current, const std::vector<std::pair<std::string, double>>& values = {},
              bool force = false);
  // Like update, with `current` advanced by `n`.
  void add(std::int64_t n, const std::vector<std::pair<std::string, double>>& values = {});

 private:
  void accumulate(std::int64_t current, const std::vector<std::pair<std::string, double>>& values);
  void append(const char* format, ...);
  void emit(const char* text, std::size_t length);
  void append_bar(std::int64_t current);
  bool known_target() const { return target_ != kUnknownTarget; }

  std::int64_t target_;
  int width_, verbose_;
  double interval_;
  std::FILE* out_;
  Writer write_;
  bool dynamic_display_;
  std::vector<std::string> stateful_metrics_;
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
