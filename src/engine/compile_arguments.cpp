// Model::compile's arguments per output, from the forms CompileOptions takes (compile_arguments.h).
#include "engine/compile_arguments.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "engine/compiled.h"

namespace keras {

namespace {
// compile()'s metrics (or weighted_metrics, `what`): the same list for every output, or a map
// from output name to its list.
std::vector<std::vector<MetricArg>> metrics_per_output(const MetricsSpec& spec,
                                                       const std::vector<std::string>& names,
                                                       const std::string& what) {
  std::vector<std::vector<MetricArg>> out(names.size(),
                                          spec.is_map ? std::vector<MetricArg>{} : spec.list);
  if (!spec.is_map) return out;
  for (const auto& [key, list] : spec.by_name) {
    auto found = std::find(names.begin(), names.end(), key);
    if (found == names.end())
      throw std::invalid_argument("Unknown entry in " + what + " dictionary: \"" + key +
                                  "\". Only expected the following keys: " + names_text(names));
    out[static_cast<std::size_t>(found - names.begin())] = list;
  }
  return out;
}

// Keras's repr of target_tensors in its errors: the tensors' names, None for an undefined one.
std::string tensors_text(const std::vector<SymbolicTensor>& tensors) {
  std::string text = "[";
  for (const auto& t : tensors)
    text += (text.size() > 1 ? ", " : "") + (t.defined() ? "<tensor '" + t.name() + "'>" : "None");
  return text + "]";
}

// compile()'s target_tensors, one per output, from the single, list or map forms (Keras 2.2.4's
// checks and messages).
std::vector<SymbolicTensor> target_tensors_per_output(const TargetTensorsSpec& spec,
                                                      const std::vector<std::string>& names) {
  const std::size_t n_out = names.size();
  std::vector<SymbolicTensor> out(n_out);  // undefined: a placeholder made by compile
  if (!spec.given()) return out;
  if (spec.is_map) {
    for (const auto& [key, tensor] : spec.by_name) {
      auto found = std::find(names.begin(), names.end(), key);
      if (found == names.end())
        throw std::invalid_argument("Unknown entry in `target_tensors` dictionary: \"" + key +
                                    "\". Only expected the following keys: " + names_text(names));
      out[static_cast<std::size_t>(found - names.begin())] = tensor;
    }
  } else if (spec.is_list) {
    if (spec.list.size() != n_out)
      throw std::invalid_argument(
          "When passing a list as `target_tensors`, it should have one entry per model output. "
          "The model has " +
          std::to_string(n_out) +
          " outputs, but you passed target_tensors=" + tensors_text(spec.list));
    out = spec.list;
  } else {  // one tensor
    if (n_out != 1)
      throw std::invalid_argument("The model has " + std::to_string(n_out) +
                                  " outputs, but you passed a single tensor as `target_tensors`. "
                                  "Expected a list or a dict of tensors.");
    out = spec.list;
  }
  return out;
}
}  // namespace

CompileArgumentsPerOutput compile_arguments_per_output(const CompileOptions& options,
                                                       const std::vector<std::string>& names) {
  const std::size_t n_out = names.size();
  // One loss per output: the same for all, a list in output order, or a map by output name.
  CompileArgumentsPerOutput out;
  std::vector<LossArg>& losses_per_output = out.losses;
  if (options.loss.is_map) {
    for (const auto& [key, loss] : options.loss.by_name)
      if (std::find(names.begin(), names.end(), key) == names.end())
        throw std::invalid_argument("Unknown entry in loss dictionary: \"" + key +
                                    "\". Only expected the following keys: " + names_text(names));
    for (const auto& output_name : names) {
      auto found = options.loss.by_name.find(output_name);
      if (found == options.loss.by_name.end()) {
        std::fprintf(stderr,
                     "UserWarning: Output \"%s\" missing from loss dictionary. We assume this "
                     "was done on purpose, and we will not be expecting any data to be passed to "
                     "\"%s\" during training.\n",
                     output_name.c_str(), output_name.c_str());
        losses_per_output.emplace_back();
        continue;
      }
      losses_per_output.push_back(found->second);
    }
  } else if (options.loss.is_list) {
    if (options.loss.list.size() != n_out)
      throw std::invalid_argument(
          "When passing a list as loss, it should have one entry per model outputs. The model "
          "has " +
          std::to_string(n_out) + " outputs (" + names_text(names) + "), but you passed " +
          std::to_string(options.loss.list.size()) + " losses");
    losses_per_output = options.loss.list;
  } else {
    losses_per_output.assign(n_out, options.loss.single);
  }
  // Loss weights: a list in output order or a map by name (missing outputs weigh 1).
  std::vector<double>& loss_weights = out.loss_weights;
  loss_weights.assign(n_out, 1.0);
  if (options.loss_weights.is_map) {
    for (const auto& [key, weight] : options.loss_weights.by_name) {
      auto found = std::find(names.begin(), names.end(), key);
      if (found == names.end())
        throw std::invalid_argument("Unknown entry in loss_weights dictionary: \"" + key +
                                    "\". Only expected the following keys: " + names_text(names));
      loss_weights[static_cast<std::size_t>(found - names.begin())] = weight;
    }
  } else if (options.loss_weights.given) {
    if (options.loss_weights.list.size() != n_out)
      throw std::invalid_argument(
          "When passing a list as loss_weights, it should have one entry per model output. The "
          "model has " +
          std::to_string(n_out) + " outputs, but you passed loss_weights with " +
          std::to_string(options.loss_weights.list.size()) + " entries");
    loss_weights = options.loss_weights.list;
  }
  out.metrics = metrics_per_output(options.metrics, names, "metrics");
  out.weighted_metrics = metrics_per_output(options.weighted_metrics, names, "weighted_metrics");
  out.target_tensors = target_tensors_per_output(options.target_tensors, names);
  return out;
}

std::vector<std::string> sample_weight_modes(const CompileOptions& options,
                                             const std::vector<std::string>& names) {
  if (options.sample_weight_modes.empty()) {
    if (!options.sample_weight_mode.empty() && options.sample_weight_mode != "temporal")
      throw std::invalid_argument("\"sample_weight_mode should be None or \"temporal\". Found: " +
                                  options.sample_weight_mode);
    return std::vector<std::string>(names.size(), options.sample_weight_mode);
  }
  const auto& modes = options.sample_weight_modes;
  if (modes.size() != names.size())
    throw std::invalid_argument(
        "When passing a list as sample_weight_mode, it should have one entry per model output. "
        "The model has " +
        std::to_string(names.size()) + " outputs, but you passed " + std::to_string(modes.size()) +
        " modes " + names_text(modes));
  for (std::size_t k = 0; k < modes.size(); ++k)
    if (!modes[k].empty() && modes[k] != "temporal")
      throw std::invalid_argument("sample_weight_mode of output " + names[k] +
                                  " should be None or \"temporal\". Found: " + modes[k]);
  return modes;
}

}  // namespace keras
