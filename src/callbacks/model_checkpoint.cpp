// ModelCheckpoint: Keras 2.2.4's keras/callbacks.py::ModelCheckpoint.
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "callbacks/python_format.h"
#include "keras/callbacks.h"
#include "keras/engine/training.h"

namespace keras::callbacks {

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions options)
    : ModelCheckpoint([&] {
        options.filepath = std::move(filepath);
        return options;
      }()) {}

ModelCheckpoint::ModelCheckpoint(ModelCheckpointOptions options) : options_(std::move(options)) {
  if (options_.filepath.empty())
    throw std::invalid_argument("ModelCheckpoint: `filepath` is required");
  if (options_.period < 1)
    throw std::invalid_argument("ModelCheckpoint: `period` must be at least 1, got " +
                                std::to_string(options_.period));
  if (options_.mode != "auto" && options_.mode != "min" && options_.mode != "max") {
    detail::warn(warned_,
                 "ModelCheckpoint mode " + options_.mode + " is unknown, fallback to auto mode.");
    options_.mode = "auto";
  }
  if (options_.mode == "max")
    greater_ = true;
  else if (options_.mode == "min")
    greater_ = false;
  else
    greater_ = options_.monitor.find("acc") != std::string::npos ||
               options_.monitor.rfind("fmeasure", 0) == 0;
  best_ =
      greater_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

std::string ModelCheckpoint::format_filepath(int epoch, const Logs& logs) const {
  std::map<std::string, detail::FormatValue> kwargs;
  for (const auto& [key, value] : logs) kwargs[key] = value;
  kwargs["epoch"] = static_cast<std::int64_t>(epoch + 1);
  return detail::python_format(options_.filepath, kwargs);
}

void ModelCheckpoint::on_epoch_end(int epoch, Logs& logs) {
  if (++epochs_since_last_save_ < options_.period) return;
  epochs_since_last_save_ = 0;
  const std::string filepath = format_filepath(epoch, logs);
  auto save = [&] {
    if (!model_) throw std::logic_error("ModelCheckpoint: no model set");
    if (options_.save_weights_only)
      model_->save_weights(filepath, true);
    else
      model_->save(filepath, true);
    last_saved_ = filepath;
  };
  if (!options_.save_best_only) {
    if (options_.verbose > 0)
      std::printf("\nEpoch %05d: saving model to %s\n", epoch + 1, filepath.c_str());
    save();
    return;
  }
  auto found = logs.find(options_.monitor);
  if (found == logs.end()) {
    detail::warn(warned_,
                 "Can save best model only with " + options_.monitor + " available, skipping.");
    return;
  }
  const double current = found->second;
  const bool improved = greater_ ? current > best_ : current < best_;
  if (improved) {
    if (options_.verbose > 0)
      std::printf("\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s\n", epoch + 1,
                  options_.monitor.c_str(), best_, current, filepath.c_str());
    best_ = current;
    save();
  } else if (options_.verbose > 0) {
    std::printf("\nEpoch %05d: %s did not improve from %0.5f\n", epoch + 1,
                options_.monitor.c_str(), best_);
  }
}

}  // namespace keras::callbacks
