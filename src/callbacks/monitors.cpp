// EarlyStopping and ReduceLROnPlateau: Keras 2.2.4's monitors of a quantity across epochs.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "callbacks/python_format.h"
#include "keras/callbacks.h"
#include "keras/engine/training.h"

namespace keras::callbacks {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool valid_mode(const std::string& mode) {
  return mode == "auto" || mode == "min" || mode == "max";
}

// Keras's ','.join(logs.keys()).
std::string joined_keys(const Logs& logs) {
  std::string out;
  for (const auto& [key, value] : logs) out += (out.empty() ? "" : ",") + key;
  return out;
}

}  // namespace

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {
  if (!valid_mode(options_.mode)) {
    detail::warn(warned_,
                 "EarlyStopping mode " + options_.mode + " is unknown, fallback to auto mode.");
    options_.mode = "auto";
  }
  if (options_.mode == "min")
    greater_ = false;
  else if (options_.mode == "max")
    greater_ = true;
  else
    greater_ = options_.monitor.find("acc") != std::string::npos;
  // Keras keeps min_delta signed so that one test, monitor_op(current - min_delta, best), serves
  // both directions.
  min_delta_ = greater_ ? options_.min_delta : -options_.min_delta;
}

void EarlyStopping::on_train_begin(Logs&) {
  // Reset, so that one instance can serve several fit() calls.
  wait_ = 0;
  stopped_epoch_ = 0;
  best_ = options_.baseline ? *options_.baseline : (greater_ ? -kInf : kInf);
}

void EarlyStopping::on_epoch_end(int epoch, Logs& logs) {
  auto found = logs.find(options_.monitor);
  if (found == logs.end()) {
    detail::warn(warned_,
                 "Early stopping conditioned on metric `" + options_.monitor +
                     "` which is not available. Available metrics are: " + joined_keys(logs));
    return;
  }
  const double current = found->second;
  const double shifted = current - min_delta_;
  if (greater_ ? shifted > best_ : shifted < best_) {
    best_ = current;
    wait_ = 0;
    // Without a model (a callback called by hand on a stand-in, as Keras's tests do), the
    // caller acts on the stand-in: wait() and stopped_epoch() say what to do.
    if (options_.restore_best_weights && model_) best_weights_ = model_->get_weights();
    return;
  }
  if (++wait_ < options_.patience) return;
  stopped_epoch_ = epoch;
  if (!model_) return;
  model_->stop_training = true;
  // Keras would fail on set_weights(None) when no epoch beat the baseline; keep the weights then.
  if (options_.restore_best_weights && !best_weights_.empty()) {
    if (options_.verbose > 0) {
      std::printf("Restoring model weights from the end of the best epoch\n");
      std::fflush(stdout);
    }
    model_->set_weights(best_weights_);
  }
}

void EarlyStopping::on_train_end(Logs&) {
  // Keras's test: a stop at the first epoch (stopped_epoch 0) is not reported.
  if (stopped_epoch_ > 0 && options_.verbose > 0) {
    std::printf("Epoch %05d: early stopping\n", stopped_epoch_ + 1);
    std::fflush(stdout);
  }
}

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options)
    : options_(std::move(options)) {
  if (options_.factor >= 1.0)
    throw std::invalid_argument("ReduceLROnPlateau does not support a factor >= 1.0.");
  if (options_.epsilon) {
    options_.min_delta = *options_.epsilon;
    detail::warn(warned_,
                 "`epsilon` argument is deprecated and will be removed, use `min_delta` instead.",
                 "UserWarning");
  }
  reset();
}

void ReduceLROnPlateau::reset() {
  if (!valid_mode(options_.mode)) {
    detail::warn(warned_, "Learning Rate Plateau Reducing mode " + options_.mode +
                              " is unknown, fallback to auto mode.");
    options_.mode = "auto";
  }
  minimize_ = options_.mode == "min" ||
              (options_.mode == "auto" && options_.monitor.find("acc") == std::string::npos);
  best_ = minimize_ ? kInf : -kInf;
  cooldown_counter_ = 0;
  wait_ = 0;
}

bool ReduceLROnPlateau::improved(double current) const {
  return minimize_ ? current < best_ - options_.min_delta : current > best_ + options_.min_delta;
}

void ReduceLROnPlateau::on_train_begin(Logs&) {
  reset();
}

void ReduceLROnPlateau::on_epoch_end(int epoch, Logs& logs) {
  // Without a model (a callback called by hand on a stand-in, as Keras's tests do), the caller
  // gives the learning rate as logs["lr"] and finds the lowered one there.
  if (!model_ && !logs.count("lr"))
    throw std::invalid_argument(
        "ReduceLROnPlateau.on_epoch_end: the callback has no model, and its logs give no 'lr' "
        "(the learning rate to lower); set_model(model) first");
  if (model_ && !model_->optimizer())
    throw std::invalid_argument("ReduceLROnPlateau: the model has no optimizer; compile it first");
  const double old_lr = model_ ? model_->optimizer()->learning_rate() : logs["lr"];
  logs["lr"] = old_lr;
  auto found = logs.find(options_.monitor);
  if (found == logs.end()) {
    detail::warn(warned_,
                 "Reduce LR on plateau conditioned on metric `" + options_.monitor +
                     "` which is not available. Available metrics are: " + joined_keys(logs));
    return;
  }
  const double current = found->second;
  if (in_cooldown()) {
    --cooldown_counter_;
    wait_ = 0;
  }
  if (improved(current)) {
    best_ = current;
    wait_ = 0;
    return;
  }
  if (in_cooldown() || ++wait_ < options_.patience) return;
  if (old_lr <= options_.min_lr) return;  // Keras leaves `wait` counting then
  const double new_lr = std::max(old_lr * options_.factor, options_.min_lr);
  if (model_)
    model_->optimizer()->set_learning_rate(new_lr);
  else
    logs["lr"] = new_lr;
  if (options_.verbose > 0) {
    std::printf("\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s.\n", epoch + 1,
                detail::float_repr(new_lr).c_str());
    std::fflush(stdout);
  }
  cooldown_counter_ = options_.cooldown;
  wait_ = 0;
}

}  // namespace keras::callbacks
