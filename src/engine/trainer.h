// The Trainer: the one loop that fit, fit_generator, evaluate*, predict* and *_on_batch run, over
// a DataAdapter (data_adapter.h), with the compiled functions of Model::compile.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/data_adapter.h"
#include "keras/callbacks.h"
#include "keras/engine/training.h"

namespace keras {

// The arguments of a training loop, whatever the data.
struct TrainLoop {
  const char* what = "fit";
  int epochs = 1;
  int initial_epoch = 0;
  int verbose = 1;
  std::vector<callbacks::CallbackPtr> callbacks{};
  std::int64_t batch_size = 0;  // for the callbacks' params (arrays only)
  DataAdapter* validation = nullptr;
  // Validate with the size of the last training batch (Keras 2.2.4's fit_generator on arrays).
  bool validation_batch_from_training = false;
  // Print "Train on N samples, validate on M samples" (fit on arrays).
  bool announce_samples = false;
};

class Trainer {
 public:
  explicit Trainer(Model& model) : model_(model) {}

  callbacks::History fit(DataAdapter& data, const TrainLoop& loop);
  // [loss, metric...] averaged over the samples (of every process when the data is sharded).
  std::vector<double> evaluate(DataAdapter& data, int verbose);
  // One array per output, the batches' predictions concatenated.
  std::vector<Tensor> predict(DataAdapter& data, int verbose);

  // One batch in feed order: the training step's, the test function's and the predict
  // function's results (read under the model's run lock, copied out).
  std::vector<double> train_batch(const std::vector<Tensor>& arrays);
  std::vector<double> test_batch(const std::vector<Tensor>& arrays);
  std::vector<Tensor> predict_batch(const std::vector<Tensor>& inputs);

 private:
  std::vector<double> run_scalars(backend::Function& function, const std::vector<Tensor>& arrays);

  Model& model_;
};

}  // namespace keras
