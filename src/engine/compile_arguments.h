// compile()'s arguments per output (internal to the engine): the loss, loss weight, metrics,
// sample weight mode and target tensor of each output, from the single, list or map forms
// Model::compile takes, with Keras 2.2.4's checks and messages.
#pragma once

#include <string>
#include <vector>

#include "keras/engine/training.h"

namespace keras {

// compile()'s loss, loss weight, metrics and target tensor of each output.
struct CompileArgumentsPerOutput {
  std::vector<LossArg> losses;
  std::vector<double> loss_weights;
  std::vector<std::vector<MetricArg>> metrics;
  std::vector<std::vector<MetricArg>> weighted_metrics;
  std::vector<SymbolicTensor> target_tensors;  // undefined: a placeholder made by compile
};

CompileArgumentsPerOutput compile_arguments_per_output(const CompileOptions& options,
                                                       const std::vector<std::string>& names);

// compile's sample weight mode of each output: "" (one weight per sample) or "temporal".
std::vector<std::string> sample_weight_modes(const CompileOptions& options,
                                             const std::vector<std::string>& names);

}  // namespace keras
