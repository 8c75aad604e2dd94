#include <cstdio>
#include <stdexcept>

#include "callbacks/python_format.h"
#include "keras/callbacks.h"
#include "keras/engine/training.h"

namespace keras::callbacks {

LearningRateScheduler::LearningRateScheduler(LearningRateSchedulerOptions options)
    : options_(std::move(options)) {
  if (!options_.schedule)
    throw std::invalid_argument("LearningRateScheduler: `schedule` is required");
}

void LearningRateScheduler::on_epoch_begin(int epoch, Logs&) {
  if (!model_ || !model_->optimizer())
    throw std::invalid_argument("Optimizer must have a \"lr\" attribute.");
  auto& optimizer = model_->optimizer();
  const double lr = options_.schedule(epoch, optimizer->learning_rate());
  optimizer->set_learning_rate(lr);
  if (options_.verbose > 0) {
    std::printf("\nEpoch %05d: LearningRateScheduler setting learning rate to %s.\n", epoch + 1,
                detail::float_repr(lr).c_str());
    std::fflush(stdout);
  }
}

}  // namespace keras::callbacks
