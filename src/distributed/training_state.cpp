#include "distributed/training_state.h"

#include <sstream>
#include <string>

#include "backend/random_state.h"
#include "distributed/collectives.h"
#include "keras/callbacks/tensorboard.h"
#include "keras/distributed.h"
#include "keras/engine/training.h"

namespace keras::distributed::detail {

void broadcast_model_state(Model& model) {
  if (size() == 1) return;
  std::vector<backend::SymbolicTensor> variables = model.weights();
  if (model.optimizer())
    for (const auto& v : model.optimizer()->weights()) variables.push_back(v);
  // The same variables everywhere, or every process fails (a mismatched broadcast would hang).
  double bytes = 0;
  for (const auto& v : variables) bytes += static_cast<double>(backend::get_value(v).nbytes());
  const std::vector<double> local = {static_cast<double>(variables.size()), bytes};
  Tensor root = Tensor::from_vector(local);
  broadcast_from_root(root);
  const std::vector<double> expected = root.to_vector<double>();
  if (any_process(expected != local))
    throw std::runtime_error(
        "keras::distributed: the processes' models differ: rank " + std::to_string(rank()) +
        " has " + std::to_string(variables.size()) +
        " variables (weights and optimizer state) of " +
        std::to_string(static_cast<long long>(bytes)) + " bytes, rank 0 " +
        std::to_string(static_cast<long long>(expected[0])) + " of " +
        std::to_string(static_cast<long long>(expected[1])) +
        " bytes (or another rank differs); every process must build or load the same model");
  for (const auto& v : variables) broadcast_from_root(backend::get_value(v));  // shared storage
}

void broadcast_training_state(Model& model) {
  if (size() == 1) return;
  broadcast_model_state(model);
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
