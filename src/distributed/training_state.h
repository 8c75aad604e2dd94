// What Model::fit does differently under keras::distributed (several processes): rank 0's state
// everywhere at the start, and files written by rank 0 only.
#pragma once

#include <vector>

#include "keras/callbacks.h"

namespace keras {
class Model;
}

namespace keras::distributed::detail {

// Rank 0's weights (trainable and not), optimizer state and global random generator (the
// shuffling order) copied to every process. Call after the train function exists (the optimizer
// makes its state there). Nothing in one process.
void broadcast_training_state(Model& model);

// The callbacks this process runs: all of them on rank 0; on the others, those that do not
// write files (ModelCheckpoint, CSVLogger and TensorBoard are left out).
std::vector<callbacks::CallbackPtr> callbacks_for_this_rank(
    const std::vector<callbacks::CallbackPtr>& callbacks);

}  // namespace keras::distributed::detail
