#include <cstdio>
#include <string>

#include <unistd.h>

#include "keras/callbacks.h"

namespace keras::callbacks {

void History::on_train_begin(Logs&) {
  epoch.clear();
  history.clear();
}

void History::on_epoch_end(int e, Logs& logs) {
  epoch.push_back(e);
  for (const auto& [key, value] : logs) history[key].push_back(value);
}

void ProgbarLogger::on_train_begin(Logs&) {
  epochs_ = params_.epochs;
  verbose_ = params_.verbose;
  values_.clear();
  for (const auto& name : params_.metrics)
    if (name.rfind("val_", 0) != 0) values_.emplace_back(name, 0.0);
}

void ProgbarLogger::on_epoch_begin(int epoch, Logs&) {
  if (!verbose_) return;
  std::printf("Epoch %d/%d\n", epoch + 1, epochs_);
  std::fflush(stdout);
  target_ = params_.samples;
  seen_ = 0;
  progbar_ = std::make_unique<utils::Progbar>(
      target_, 30, verbose_, 0.05, params_.stateful_metrics,
      [](const std::string& text) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
      },
      isatty(fileno(stdout)) != 0);
}

void ProgbarLogger::collect(const Logs& logs) {
  for (auto& [name, value] : values_) {
    auto found = logs.find(name);
    if (found != logs.end()) value = found->second;
  }
}

void ProgbarLogger::on_batch_end(int, Logs& logs) {
  auto size = logs.find("size");
  seen_ += size != logs.end() ? static_cast<std::int64_t>(size->second) : 0;
  collect(logs);  // the last batch is shown with the epoch's validation results
  if (verbose_ && seen_ < target_) progbar_->update(seen_, values_);
}

void ProgbarLogger::on_epoch_end(int, Logs& logs) {
  if (!verbose_) return;
  std::vector<std::pair<std::string, double>> all = values_;
  for (const auto& name : params_.metrics) {
    auto found = logs.find(name);
    if (name.rfind("val_", 0) == 0 && found != logs.end()) all.emplace_back(name, found->second);
  }
  progbar_->update(seen_, all);
}

}  // namespace keras::callbacks
