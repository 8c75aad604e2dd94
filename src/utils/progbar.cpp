#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <stdexcept>

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
      line_(8192) {
  if (target < 0 && target != kUnknownTarget)
    throw std::invalid_argument("Progbar: target must be a number of steps (>= 0), got " +
                                std::to_string(target));
}

Progbar::Progbar(std::int64_t target, int width, int verbose, double interval,
                 std::vector<std::string> stateful_metrics, Writer write, bool dynamic_display)
    : Progbar(target, width, verbose, interval, stdout) {
  write_ = std::move(write);
  dynamic_display_ = dynamic_display;
  stateful_metrics_ = std::move(stateful_metrics);
}

void Progbar::emit(const char* text, std::size_t length) {
  if (write_)
    write_(std::string(text, length));
  else
    std::fwrite(text, 1, length, out_);
}

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
    if (std::find(stateful_metrics_.begin(), stateful_metrics_.end(), name) !=
        stateful_metrics_.end()) {
      sums_[k] = value;  // shown as it is
      counts_[k] = 1;
    } else {
      sums_[k] += value * weight;
      counts_[k] += weight;
    }
  }
  seen_so_far_ = current;
}

void Progbar::add(std::int64_t n, const std::vector<std::pair<std::string, double>>& values) {
  update(seen_so_far_ + n, values);
}

void Progbar::append_bar(std::int64_t current) {
  int digits = static_cast<int>(std::floor(
                   std::log10(static_cast<double>(std::max<std::int64_t>(target_, 1))))) +
               1;
  append("%*lld/%lld [", digits, static_cast<long long>(current), static_cast<long long>(target_));
  int progress =
      target_ > 0
          ? static_cast<int>(width_ * (static_cast<double>(current) / static_cast<double>(target_)))
          : width_;
  progress = std::min(progress, width_);
  for (int i = 0; i < progress - 1; ++i) append("=");
  if (progress > 0) append(current < target_ ? ">" : "=");
  for (int i = progress; i < width_; ++i) append(".");
  append("]");
}

void Progbar::update(std::int64_t current,
                     const std::vector<std::pair<std::string, double>>& values, bool force) {
  accumulate(current, values);
  double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  length_ = 0;
  line_[0] = '\0';
  const bool finished = known_target() && current >= target_;
  if (verbose_ == 1) {
    if (!force && now - last_update_ < interval_ && known_target() && current < target_) return;
    std::size_t previous_width = total_width_;
    if (dynamic_display_) {
      std::string erase(previous_width, '\b');
      erase += '\r';
      emit(erase.data(), erase.size());
    } else {
      emit("\n", 1);
    }
    if (known_target())
      append_bar(current);
    else
      append("%7lld/Unknown", static_cast<long long>(current));
    double per_unit = current ? now / static_cast<double>(current) : 0;
    if (known_target() && current < target_) {
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
    if (finished) append("\n");
    emit(line_.data(), length_);
    if (!write_) std::fflush(out_);
  } else if (verbose_ == 2 && (finished || !known_target())) {
    append(" - %.0fs", now);
    for (std::size_t k = 0; k < names_.size(); ++k) {
      double avg = sums_[k] / std::max(1.0, counts_[k]);
      append(avg > 1e-3 ? " - %s: %.4f" : " - %s: %.4e", names_[k].c_str(), avg);
    }
    append("\n");
    emit(line_.data(), length_);
    if (!write_) std::fflush(out_);
  }
  last_update_ = now;
}

}  // namespace keras::utils
