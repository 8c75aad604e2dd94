// Keras's callbacks: hooks into fit() at the start and end of training, epochs and batches.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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
  std::vector<std::string> metrics;  // the log keys an epoch produces, e.g. loss, acc, val_loss, val_acc
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

}  // namespace keras::callbacks
