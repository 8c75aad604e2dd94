#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

RepeatVector::RepeatVector(std::int64_t n, RepeatVectorOptions options)
    : RepeatVector([&] {
        options.n = n;
        return std::move(options);
      }()) {}

RepeatVector::RepeatVector(RepeatVectorOptions options)
    : Layer("RepeatVector", layer_arguments(options)), options_(std::move(options)) {
  std::int64_t n = options_.n;
  if (n <= 0)
    throw std::invalid_argument("RepeatVector: `n` must be a positive number of repetitions, got " +
                                std::to_string(n));
}

void RepeatVector::build(const Shape& input_shape) {
  if (input_shape.size() != 2) incompatible_input(input_shape, "expected ndim=2");
}

Shape RepeatVector::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 2) incompatible_input(input_shape, "expected ndim=2");
  return {input_shape[0], options_.n, input_shape[1]};
}

SymbolicTensor RepeatVector::call(const SymbolicTensor& inputs) {
  SymbolicTensor x = K::expand_dims(inputs, 1);
  if (options_.n == 1) return x;
  return K::concatenate(std::vector<SymbolicTensor>(static_cast<std::size_t>(options_.n), x), 1);
}

nlohmann::json RepeatVector::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr RepeatVector::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<RepeatVector, RepeatVectorOptions>(config, "RepeatVector");
}

}  // namespace keras::layers
