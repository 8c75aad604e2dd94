#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

namespace keras::layers {

RepeatVector::RepeatVector(std::int64_t n, RepeatVectorOptions options)
    : Layer("RepeatVector", layer_arguments(options)), n_(n) {
  if (n <= 0)
    throw std::invalid_argument("RepeatVector: `n` must be a positive number of repetitions, got " +
                                std::to_string(n));
}

void RepeatVector::build(const Shape& input_shape) {
  if (input_shape.size() != 2) incompatible_input(input_shape, "expected ndim=2");
}

Shape RepeatVector::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 2) incompatible_input(input_shape, "expected ndim=2");
  return {input_shape[0], n_, input_shape[1]};
}

SymbolicTensor RepeatVector::call(const SymbolicTensor& inputs) {
  SymbolicTensor x = K::expand_dims(inputs, 1);
  if (n_ == 1) return x;
  return K::concatenate(std::vector<SymbolicTensor>(static_cast<std::size_t>(n_), x), 1);
}

nlohmann::json RepeatVector::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["n"] = n_;
  return config;
}

LayerPtr RepeatVector::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "RepeatVector");
  RepeatVectorOptions o;
  r.common(o);
  std::int64_t n = r.integer("n", 0);
  return r.done(std::make_shared<RepeatVector>(n, o));
}

}  // namespace keras::layers
