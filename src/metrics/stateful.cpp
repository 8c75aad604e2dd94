// The collector of stateful-metric marks: one per thread, as compile builds a model's metrics on
// the caller's thread.
#include "keras/metrics/stateful.h"

#include <utility>

namespace keras::metrics {

namespace {
thread_local detail::StatefulMarks* current_marks = nullptr;
}  // namespace

void mark_stateful(std::function<void()> reset_states, std::vector<backend::Update> updates) {
  if (!current_marks) return;
  current_marks->reset_ = std::move(reset_states);
  current_marks->updates_ = std::move(updates);
}

namespace detail {

StatefulMarks::StatefulMarks() : previous_(current_marks) {
  current_marks = this;
}

StatefulMarks::~StatefulMarks() {
  current_marks = previous_;
}

}  // namespace detail
}  // namespace keras::metrics
