#include <unistd.h>

#include <cmath>
#include <cstdarg>
#include <cstring>

#include "keras/utils/generic_utils.h"

namespace keras::utils {

Progbar::Progbar(std::int64_t target, int width, int verbose, double interval, std::FILE* out)
    : target_(target),
      width_(width),
      verbose_(verbose),
      interval_(interval),
      out_(out),
      dynamic_display_(isatty(fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()),
      line_(8192) {}

void Progbar::append(const char* format, ...) {
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(line_.data() + length_, line_.size() - length_, format, args);
  va_end(args);
  if (n > 0) length_ = std::min(line_.size() - 1, length_ + static_cast<std::size_t>(n));
}

void Progbar::accumulate(std::int64_t current,
                         const std::vector<std::pair<std::string, double>>& values) {
  double weight = static_cast<double>(current - seen_so_far_);
  for (const auto& [name, value] : values) {
    std::size_t k = 0;
    while (k < names_.size() && names_[k] != name) ++k;
    if (k == names_.size()) {
      names_.push_back(name);
      sums_.push_back(0);
      counts_.push_back(0);
    }
    sums_[k] += value * weight;
    counts_[k] += weight;
  }
  seen_so_far_ = current;
}

void Progbar::add(std::int64_t n, const std::vector<std::pair<std::string, double>>& values) {
  update(seen_so_far_ + n, values);
}

void Progbar::update(std::int64_t current,
                     const std::vector<std::pair<std::string, double>>& values) {
  accumulate(current, values);
  double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  length_ = 0;
  line_[0] = '\0';
  if (verbose_ == 1) {
    if (now - last_update_ < interval_ && current < target_) return;
    std::size_t previous_width = total_width_;
    if (dynamic_display_) {
      for (std::size_t i = 0; i < previous_width; ++i) std::fputc('\b', out_);
      std::fputc('\r', out_);
    } else {
      std::fputc('\n', out_);
    }
    int digits = static_cast<int>(std::floor(
                     std::log10(static_cast<double>(std::max<std::int64_t>(target_, 1))))) +
                 1;
    append("%*lld/%lld [", digits, static_cast<long long>(current),
           static_cast<long long>(target_));
    int progress =
        static_cast<int>(width_ * (static_cast<double>(current) / static_cast<double>(target_)));
    progress = std::min(progress, width_);
    for (int i = 0; i < progress - 1; ++i) append("=");
    if (progress > 0) append(current < target_ ? ">" : "=");
    for (int i = progress; i < width_; ++i) append(".");
    append("]");
    double per_unit = current ? now / static_cast<double>(current) : 0;
    if (current < target_) {
      double eta = per_unit * static_cast<double>(target_ - current);
      long long e = static_cast<long long>(eta);
      if (eta > 3600)
        append(" - ETA: %lld:%02lld:%02lld", e / 3600, (e % 3600) / 60, e % 60);
      else if (eta > 60)
        append(" - ETA: %lld:%02lld", e / 60, e % 60);
      else
        append(" - ETA: %llds", e);
    } else {
      append(" - %.0fs", now);
      if (per_unit >= 1)
        append(" %.0fs/step", per_unit);
      else if (per_unit >= 1e-3)
        append(" %.0fms/step", per_unit * 1e3);
      else
        append(" %.0fus/step", per_unit * 1e6);
    }
    for (std::size_t k = 0; k < names_.size(); ++k) {
      double avg = sums_[k] / std::max(1.0, counts_[k]);
      append(std::abs(avg) > 1e-3 ? " - %s: %.4f" : " - %s: %.4e", names_[k].c_str(), avg);
    }
    total_width_ = length_;
    for (std::size_t i = length_; i < previous_width; ++i) append(" ");
    if (current >= target_) append("\n");
    std::fwrite(line_.data(), 1, length_, out_);
    std::fflush(out_);
  } else if (verbose_ == 2 && current >= target_) {
    append(" - %.0fs", now);
    for (std::size_t k = 0; k < names_.size(); ++k) {
      double avg = sums_[k] / std::max(1.0, counts_[k]);
      append(avg > 1e-3 ? " - %s: %.4f" : " - %s: %.4e", names_[k].c_str(), avg);
    }
    append("\n");
    std::fwrite(line_.data(), 1, length_, out_);
    std::fflush(out_);
  }
  last_update_ = now;
}

}  // namespace keras::utils
