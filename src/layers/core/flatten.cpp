#include <numeric>
#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

Flatten::Flatten(FlattenOptions options)
    : Layer("Flatten", layer_arguments(options)), options_(std::move(options)) {
  if (options_.data_format.empty()) options_.data_format = "channels_last";
  const std::string& data_format = options_.data_format;
  if (data_format != "channels_last" && data_format != "channels_first")
    throw std::invalid_argument(
        "Flatten: `data_format` must be \"channels_last\" or "
        "\"channels_first\", got \"" +
        data_format + "\"");
}

Shape Flatten::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() < 2) incompatible_input(input_shape, "expected min_ndim=2");
  std::int64_t features = 1;
  for (std::size_t i = 1; i < input_shape.size(); ++i) {
    if (input_shape[i] < 0)
      throw std::invalid_argument(
          "The shape of the input to \"Flatten\" is not fully defined (got " +
          shape_to_string(Shape(input_shape.begin() + 1, input_shape.end())) +
          "). Make sure to pass a complete \"input_shape\" or \"batch_input_shape\" argument to "
          "the first layer in your model.");
    features *= input_shape[i];
  }
  return {input_shape[0], features};
}

SymbolicTensor Flatten::call(const SymbolicTensor& inputs) {
  Shape out = compute_output_shape(inputs.shape());
  SymbolicTensor x = inputs;
  if (options_.data_format == "channels_first" && x.ndim() > 2) {
    std::vector<int> pattern{0};
    for (int i = 2; i < x.ndim(); ++i) pattern.push_back(i);
    pattern.push_back(1);
    x = K::permute_dimensions(x, pattern);
  }
  return K::reshape(x, {-1, out[1]});
}

nlohmann::json Flatten::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Flatten::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Flatten, FlattenOptions>(config, "Flatten");
}

}  // namespace keras::layers
