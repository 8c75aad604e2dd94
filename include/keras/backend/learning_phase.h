// keras::backend::LearningPhaseScope — the learning phase fixed for a scope: a layer call's
// `training=True` / `False` traces the call as K.set_learning_phase would, then the phase before
// it (fixed or fed at run time) comes back, even when the call throws.
#pragma once

#include <optional>

namespace keras::backend {

class LearningPhaseScope {
 public:
  // phase: 0 or 1 fixes it for the scope; nullopt leaves the phase as it is.
  explicit LearningPhaseScope(std::optional<int> phase);
  ~LearningPhaseScope();
  LearningPhaseScope(const LearningPhaseScope&) = delete;
  LearningPhaseScope& operator=(const LearningPhaseScope&) = delete;

 private:
  bool active_ = false;
  std::optional<int> previous_;
};

}  // namespace keras::backend
