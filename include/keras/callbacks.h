// Keras's callbacks: hooks into fit() at the start and end of training, epochs and batches.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "keras/tensor/tensor.h"
#include "keras/utils/generic_utils.h"

namespace keras {
class Model;
}

namespace keras::callbacks {

// Keras's `logs` dict: metric name -> value ("loss", "acc", "val_loss", "batch", "size", ...).
using Logs = std::map<std::string, double>;

// Keras's `callback.params`.
struct Params {
  std::int64_t batch_size = 0;
  int epochs = 0;
  std::int64_t samples = 0;
  int verbose = 0;
  bool do_validation = false;
  std::vector<std::string>
      metrics;  // the log keys an epoch produces, e.g. loss, acc, val_loss, val_acc
  // Metrics that keep a running value (Keras 2.2.4's stateful metrics): shown as logged, not
  // averaged over the epoch's batches.
  std::vector<std::string> stateful_metrics;
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void set_model(Model* model) { model_ = model; }
  virtual void set_params(const Params& params) { params_ = params; }
  Model* model() const { return model_; }
  const Params& params() const { return params_; }

  virtual void on_train_begin(Logs& /*logs*/) {}
  virtual void on_train_end(Logs& /*logs*/) {}
  virtual void on_epoch_begin(int /*epoch*/, Logs& /*logs*/) {}
  virtual void on_epoch_end(int /*epoch*/, Logs& /*logs*/) {}
  virtual void on_batch_begin(int /*batch*/, Logs& /*logs*/) {}
  virtual void on_batch_end(int /*batch*/, Logs& /*logs*/) {}

  // Keras's callback.validation_data, set by fit (and fit_generator given arrays): the
  // validation inputs, targets and sample weights, in the model's order; empty without.
  std::vector<Tensor> validation_data;

 protected:
  Model* model_ = nullptr;
  Params params_;
};

using CallbackPtr = std::shared_ptr<Callback>;

// Records every epoch's logs; fit() returns it.
class History : public Callback {
 public:
  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;

  std::vector<int> epoch;
  std::map<std::string, std::vector<double>> history;
};

// Prints Keras's progress bar (verbose 1) or one line per epoch (verbose 2).
class ProgbarLogger : public Callback {
 public:
  void on_train_begin(Logs& logs) override;
  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_batch_end(int batch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;

 private:
  void collect(const Logs& logs);
  std::unique_ptr<utils::Progbar> progbar_;
  std::int64_t seen_ = 0, target_ = 0;
  int epochs_ = 0, verbose_ = 0;
  std::vector<std::pair<std::string, double>> values_;
};

// Keras 2.2.4's callbacks beyond History and ProgbarLogger. Each takes an options struct listing
// Keras's arguments in its order with its defaults, e.g.
//   EarlyStopping({.monitor = "val_acc", .patience = 2, .restore_best_weights = true}).
// Messages go where Keras sends them: print() to stdout, warnings.warn() to stderr (as
// "RuntimeWarning: <text>", each distinct text once per callback object, as Python's default
// warning filter shows a repeated warning once). BaseLogger is fit()'s own epoch averaging.
// TensorBoard is in keras/callbacks/tensorboard.h. Not here: RemoteMonitor.

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0.0;  // a change smaller than this is no improvement
  int patience = 0;        // epochs without improvement before stopping
  int verbose = 0;
  std::string mode = "auto";          // "min", "max", or "auto": max when the name contains "acc"
  std::optional<double> baseline{};   // the value to beat; training stops if it is not beaten
  bool restore_best_weights = false;  // on stopping, set the weights of the best epoch back
};

// Stops training (model->stop_training) when `monitor` has not improved for `patience` epochs.
class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;

  // Keras's attributes.
  const EarlyStoppingOptions& options() const { return options_; }
  int wait() const { return wait_; }
  int stopped_epoch() const { return stopped_epoch_; }
  double best() const { return best_; }
  bool maximizes() const { return greater_; }      // monitor_op is np.greater
  double min_delta() const { return min_delta_; }  // signed as Keras keeps it: negative for min
  const std::vector<Tensor>& best_weights() const { return best_weights_; }

 private:
  EarlyStoppingOptions options_;
  bool greater_ = false;
  double min_delta_ = 0.0;
  int wait_ = 0, stopped_epoch_ = 0;
  double best_ = 0.0;
  std::vector<Tensor> best_weights_;
  std::set<std::string> warned_;
};

struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;  // new_lr = lr * factor; must be < 1
  int patience = 10;
  int verbose = 0;
  std::string mode = "auto";
  double min_delta = 1e-4;  // threshold for a new optimum
  int cooldown = 0;         // epochs to wait after a reduction before counting again
  double min_lr = 0.0;
  std::optional<double> epsilon{};  // Keras 1's (deprecated) name of min_delta; wins when set
};

// Multiplies the optimizer's learning rate by `factor` when `monitor` has not improved for
// `patience` epochs; puts the current rate in the epoch logs as "lr".
class ReduceLROnPlateau : public Callback {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});
  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;

  const ReduceLROnPlateauOptions& options() const { return options_; }
  int wait() const { return wait_; }
  int cooldown_counter() const { return cooldown_counter_; }
  bool in_cooldown() const { return cooldown_counter_ > 0; }
  double best() const { return best_; }
  double min_delta() const { return options_.min_delta; }

 private:
  void reset();
  bool improved(double current) const;
  ReduceLROnPlateauOptions options_;
  bool minimize_ = true;
  int wait_ = 0, cooldown_counter_ = 0;
  double best_ = 0.0;
  std::set<std::string> warned_;
};

// A learning rate schedule: a function of (epoch) or of (epoch, current lr), as Keras 2.2.4 calls
// schedule(epoch, lr) and falls back to schedule(epoch).
class Schedule {
 public:
  Schedule() = default;
  template <typename F>
  requires std::is_invocable_r_v<double, F&, int, double> Schedule(F f)
      : fn_(std::move(f)) {}  // NOLINT: implicit, as Keras takes any callable
  template <typename F>
  requires(!std::is_invocable_r_v<double, F&, int, double> &&
           std::is_invocable_r_v<double, F&, int>) Schedule(F f)  // NOLINT
      : fn_([f = std::move(f)](int epoch, double) mutable {
          return static_cast<double>(f(epoch));
        }) {}

  double operator()(int epoch, double lr) const { return fn_(epoch, lr); }
  explicit operator bool() const { return static_cast<bool>(fn_); }

 private:
  std::function<double(int, double)> fn_;
};

struct LearningRateSchedulerOptions {
  Schedule schedule{};
  int verbose = 0;
};

// Sets the optimizer's learning rate to schedule(epoch, lr) at the start of every epoch.
class LearningRateScheduler : public Callback {
 public:
  explicit LearningRateScheduler(LearningRateSchedulerOptions options);
  void on_epoch_begin(int epoch, Logs& logs) override;

 private:
  LearningRateSchedulerOptions options_;
};

struct CSVLoggerOptions {
  std::string filename{};
  std::string separator = ",";  // one character, as Python's csv module requires
  bool append = false;          // keep the file (and its header) and add rows to it
};

// Streams the epoch logs to a CSV file as Keras does (Python's csv.excel dialect): a header
// "epoch" + the log keys sorted, then one row per epoch with floats in Python's repr, lines ending
// in "\r\n", "NA" for a key missing from an epoch, the file flushed every epoch.
class CSVLogger : public Callback {
 public:
  explicit CSVLogger(CSVLoggerOptions options);
  ~CSVLogger() override;
  CSVLogger(const CSVLogger&) = delete;
  CSVLogger& operator=(const CSVLogger&) = delete;

  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;
  const CSVLoggerOptions& options() const { return options_; }

 private:
  void write_row(const std::vector<std::string>& fields);
  CSVLoggerOptions options_;
  std::FILE* file_ = nullptr;
  bool writing_ = false;  // Keras's `self.writer`: the header decision is made once per fit
  bool append_header_ = true;
  std::optional<std::vector<std::string>> keys_;  // fixed by the first epoch ever logged
};

struct LambdaCallbackOptions {
  std::function<void(int epoch, Logs& logs)> on_epoch_begin{};
  std::function<void(int epoch, Logs& logs)> on_epoch_end{};
  std::function<void(int batch, Logs& logs)> on_batch_begin{};
  std::function<void(int batch, Logs& logs)> on_batch_end{};
  std::function<void(Logs& logs)> on_train_begin{};
  std::function<void(Logs& logs)> on_train_end{};
};

// A callback made of functions; hooks left empty do nothing.
class LambdaCallback : public Callback {
 public:
  explicit LambdaCallback(LambdaCallbackOptions options = {}) : options_(std::move(options)) {}
  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_batch_begin(int batch, Logs& logs) override;
  void on_batch_end(int batch, Logs& logs) override;
  void on_train_begin(Logs& logs) override;
  void on_train_end(Logs& logs) override;

 private:
  LambdaCallbackOptions options_;
};

struct ModelCheckpointOptions {
  std::string filepath{};  // a Python format string: "weights.{epoch:02d}-{val_loss:.2f}.h5"
  std::string monitor = "val_loss";
  int verbose = 0;
  bool save_best_only = false;  // keep only the best model so far (by monitor)
  bool save_weights_only = false;
  std::string mode = "auto";  // "min", "max", or "auto": max when monitor contains "acc"
  int period = 1;             // epochs between checkpoints
};

// Saves the model (model.save, or model.save_weights) after every `period` epochs to filepath
// formatted with epoch (1-based) and the epoch's logs, as Python's str.format does.
class ModelCheckpoint : public Callback {
 public:
  explicit ModelCheckpoint(ModelCheckpointOptions options);
  ModelCheckpoint(std::string filepath, ModelCheckpointOptions options = {});
  void on_epoch_end(int epoch, Logs& logs) override;

  const ModelCheckpointOptions& options() const { return options_; }
  double best() const { return best_; }
  // The file written at the last save ("" before the first).
  const std::string& last_saved() const { return last_saved_; }
  // The filepath formatted for an epoch (0-based, as on_epoch_end receives it) and its logs.
  std::string format_filepath(int epoch, const Logs& logs) const;

 private:
  ModelCheckpointOptions options_;
  bool greater_ = false;
  double best_ = 0.0;
  int epochs_since_last_save_ = 0;
  std::string last_saved_;
  std::set<std::string> warned_;
};

// Stops training when a batch's loss is NaN or infinite.
class TerminateOnNaN : public Callback {
 public:
  void on_batch_end(int batch, Logs& logs) override;
};

}  // namespace keras::callbacks
