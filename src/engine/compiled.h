// What Model::compile makes (internal to the engine): per output its placeholders, loss and
// metrics, and the three compiled functions the Trainer runs.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keras/backend/function.h"
#include "keras/engine/training.h"

namespace keras {

// An output that has a loss (Keras's _feed_outputs: an output compiled without one, as a model
// whose loss is all add_loss, takes no target and is not listed here; nor is one whose target
// is read from compile's target_tensors: see Compiled::outputs_reading_targets).
struct CompiledOutput {
  std::size_t index = 0;  // in the model's outputs
  std::string name;
  SymbolicTensor output, target, sample_weight;
  std::string loss_name;
  double loss_weight = 1.0;
  bool sparse_target = false;
  // A loss function not named as one of Keras's (a lambda, a loss object): its targets may have
  // any shape of the output's rank (Keras checks the target shapes of its own losses only).
  bool custom_loss = false;
  bool temporal = false;  // sample_weight_mode "temporal": 2D sample weights
};

using CompiledOutputs = std::vector<CompiledOutput>;

struct Model::Compiled {
  std::vector<CompiledOutput> outputs;  // fed with y arrays and sample weights, in this order
  // Those whose target is a tensor of compile's target_tensors that is read, not fed.
  std::vector<CompiledOutput> outputs_reading_targets;
  SymbolicTensor total_loss;
  std::vector<std::string> metric_names;  // after "loss"
  std::vector<SymbolicTensor> metric_tensors;
  // Per metric: its reset for a stateful metric (keras/metrics/stateful.h), else empty.
  std::vector<std::function<void()>> metric_resets;
  std::vector<backend::Update> metric_updates;  // the stateful metrics' (Keras's metrics_updates)
  std::optional<backend::Function> train_fn, test_fn, predict_fn;
  int train_fn_processes = 1;  // keras::distributed::size() when train_fn was made
};

// Python's repr of a list of names, as Keras's messages print them.
inline std::string names_text(const std::vector<std::string>& names) {
  std::string text = "[";
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", '" : "'") + names[i] + "'";
  return text + "]";
}

}  // namespace keras
