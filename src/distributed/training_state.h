// What Model::fit does differently under keras::distributed (several processes): rank 0's state
// everywhere at the start, and files written by rank 0 only.
#pragma once

#include <vector>

#include "keras/callbacks.h"

namespace keras {
class Model;
}

namespace keras::distributed::detail {

// Rank 0's weights (trainable and not) and optimizer state (as far as it exists: the optimizer
// makes it with the train function) copied to every process: load_model calls it. Throws
// std::runtime_error on every process when the processes' models differ in their variables.
// Nothing in one process.
void broadcast_model_state(Model& model);

// broadcast_model_state and rank 0's global random generator (the shuffling order): fit calls it
// once the train function exists.
void broadcast_training_state(Model& model);

// The callbacks this process runs: all of them on rank 0; on the others, those that do not
// write files (ModelCheckpoint, CSVLogger and TensorBoard are left out).
std::vector<callbacks::CallbackPtr> callbacks_for_this_rank(
    const std::vector<callbacks::CallbackPtr>& callbacks);

}  // namespace keras::distributed::detail
