#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

namespace keras::layers {

ActivityRegularization::ActivityRegularization(ActivityRegularizationOptions options)
    : Layer("ActivityRegularization", layer_arguments(options)), penalty_{options.l1, options.l2} {
  supports_masking_ = true;
  if (options.l1 < 0 || options.l2 < 0)
    throw std::invalid_argument("ActivityRegularization: `l1` and `l2` must be >= 0, got l1=" +
                                std::to_string(options.l1) + ", l2=" + std::to_string(options.l2));
}

SymbolicTensor ActivityRegularization::call(const SymbolicTensor& inputs) {
  if (penalty_.l1 != 0 || penalty_.l2 != 0) add_loss(penalty_(inputs));
  return inputs;
}

nlohmann::json ActivityRegularization::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["l1"] = penalty_.l1;
  config["l2"] = penalty_.l2;
  return config;
}

LayerPtr ActivityRegularization::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "ActivityRegularization");
  ActivityRegularizationOptions o;
  r.common(o);
  o.l1 = r.number("l1", 0.0);
  o.l2 = r.number("l2", 0.0);
  return r.done(std::make_shared<ActivityRegularization>(o));
}

}  // namespace keras::layers
