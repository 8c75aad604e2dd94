// Keras 2.2.4's stateful metrics: a metric whose value is a running total over the batches (a
// metric Layer with `stateful = True`, as Keras's BinaryTruePositives example). fit and evaluate
// report its last batch's value, not the batches' mean, and reset its state at the start of each
// epoch and before each evaluation (Keras's stateful_metric_functions).
#pragma once

#include <functional>
#include <vector>

#include "keras/backend/function.h"

namespace keras::metrics {

// Called by a metric function while Model::compile builds the metric's tensor: marks that metric
// stateful, with `reset_states` to zero its state and the `updates` that advance it (Keras's
// metrics_updates: run by the training and the test functions). Outside compile it does nothing.
void mark_stateful(std::function<void()> reset_states, std::vector<backend::Update> updates);

namespace detail {

// Model::compile's collector of the marks: the metric functions called while one is alive mark
// the metric it was opened for.
class StatefulMarks {
 public:
  StatefulMarks();
  ~StatefulMarks();
  StatefulMarks(const StatefulMarks&) = delete;
  StatefulMarks& operator=(const StatefulMarks&) = delete;

  // The reset function marked since construction; empty for a metric that is not stateful.
  const std::function<void()>& reset_states() const { return reset_; }
  const std::vector<backend::Update>& updates() const { return updates_; }

 private:
  friend void metrics::mark_stateful(std::function<void()> reset_states,
                                     std::vector<backend::Update> updates);
  std::function<void()> reset_;
  std::vector<backend::Update> updates_;
  StatefulMarks* previous_;
};

}  // namespace detail
}  // namespace keras::metrics
