// LambdaCallback and TerminateOnNaN: callbacks without state.
#include <cmath>
#include <cstdio>

#include "keras/callbacks.h"
#include "keras/engine/training.h"

namespace keras::callbacks {

void LambdaCallback::on_epoch_begin(int epoch, Logs& logs) {
  if (options_.on_epoch_begin) options_.on_epoch_begin(epoch, logs);
}
void LambdaCallback::on_epoch_end(int epoch, Logs& logs) {
  if (options_.on_epoch_end) options_.on_epoch_end(epoch, logs);
}
void LambdaCallback::on_batch_begin(int batch, Logs& logs) {
  if (options_.on_batch_begin) options_.on_batch_begin(batch, logs);
}
void LambdaCallback::on_batch_end(int batch, Logs& logs) {
  if (options_.on_batch_end) options_.on_batch_end(batch, logs);
}
void LambdaCallback::on_train_begin(Logs& logs) {
  if (options_.on_train_begin) options_.on_train_begin(logs);
}
void LambdaCallback::on_train_end(Logs& logs) {
  if (options_.on_train_end) options_.on_train_end(logs);
}

void TerminateOnNaN::on_batch_end(int batch, Logs& logs) {
  auto loss = logs.find("loss");
  if (loss == logs.end() || std::isfinite(loss->second)) return;
  std::printf("Batch %d: Invalid loss, terminating training\n", batch);
  std::fflush(stdout);
  model_->stop_training = true;
}

}  // namespace keras::callbacks
