#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

ActivityRegularization::ActivityRegularization(ActivityRegularizationOptions options)
    : Layer("ActivityRegularization", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
  if (options_.l1 < 0 || options_.l2 < 0)
    throw std::invalid_argument("ActivityRegularization: `l1` and `l2` must be >= 0, got l1=" +
                                std::to_string(options_.l1) +
                                ", l2=" + std::to_string(options_.l2));
}

SymbolicTensor ActivityRegularization::call(const SymbolicTensor& inputs) {
  if (options_.l1 != 0 || options_.l2 != 0)
    add_loss(regularizers::L1L2{options_.l1, options_.l2}(inputs));
  return inputs;
}

nlohmann::json ActivityRegularization::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr ActivityRegularization::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<ActivityRegularization, ActivityRegularizationOptions>(
      config, "ActivityRegularization");
}

}  // namespace keras::layers
