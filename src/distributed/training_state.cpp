#include "distributed/training_state.h"

#include <sstream>
#include <string>

#include "backend/random_state.h"
#include "distributed/collectives.h"
#include "keras/callbacks/tensorboard.h"
#include "keras/distributed.h"
#include "keras/engine/training.h"

namespace keras::distributed::detail {

void broadcast_training_state(Model& model) {
  if (size() == 1) return;
  std::vector<backend::SymbolicTensor> variables = model.weights();
  if (model.optimizer())
    for (const auto& v : model.optimizer()->weights()) variables.push_back(v);
  for (const auto& v : variables) broadcast_from_root(backend::get_value(v));  // shared storage
  std::ostringstream generator;
  generator << keras::detail::global_generator();
  std::string bytes = generator.str();
  broadcast_string_from_root(bytes);
  std::istringstream(bytes) >> keras::detail::global_generator();
}

std::vector<callbacks::CallbackPtr> callbacks_for_this_rank(
    const std::vector<callbacks::CallbackPtr>& list) {
  if (rank() == 0) return list;
  std::vector<callbacks::CallbackPtr> kept;
  for (const auto& cb : list)
    if (!dynamic_cast<callbacks::CSVLogger*>(cb.get()) &&
        !dynamic_cast<callbacks::ModelCheckpoint*>(cb.get()) &&
        !dynamic_cast<callbacks::TensorBoard*>(cb.get()))
      kept.push_back(cb);
  return kept;
}

}  // namespace keras::distributed::detail
