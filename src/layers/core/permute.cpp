#include <algorithm>
#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {
std::string dims_to_string(const std::vector<int>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}
}  // namespace

Permute::Permute(std::vector<int> dims, PermuteOptions options)
    : Permute([&] {
        options.dims = std::move(dims);
        return std::move(options);
      }()) {}

Permute::Permute(PermuteOptions options)
    : Layer("Permute", layer_arguments(options)), options_(std::move(options)) {
  const std::vector<int>& dims = options_.dims;
  std::vector<int> sorted = dims;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int>(i) + 1)
      throw std::invalid_argument("Permute: invalid permutation `dims` " + dims_to_string(dims) +
                                  ": `dims` must hold each of 1.." + std::to_string(dims.size()) +
                                  " once (1-based, the batch axis is not permuted)");
  if (dims.empty()) throw std::invalid_argument("Permute: `dims` must not be empty");
}

void Permute::build(const Shape& input_shape) {
  if (input_shape.size() != options_.dims.size() + 1)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(options_.dims.size() + 1) +
                                        " for dims " + dims_to_string(options_.dims));
}

Shape Permute::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != options_.dims.size() + 1)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(options_.dims.size() + 1));
  Shape out{input_shape[0]};
  for (int d : options_.dims) out.push_back(input_shape[static_cast<std::size_t>(d)]);
  return out;
}

SymbolicTensor Permute::call(const SymbolicTensor& inputs) {
  std::vector<int> pattern{0};
  pattern.insert(pattern.end(), options_.dims.begin(), options_.dims.end());
  return K::permute_dimensions(inputs, pattern);
}

nlohmann::json Permute::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Permute::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Permute, PermuteOptions>(config, "Permute");
}

}  // namespace keras::layers
