#include <algorithm>
#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

namespace keras::layers {

namespace {
std::string dims_to_string(const std::vector<int>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}
}  // namespace

Permute::Permute(std::vector<int> dims, PermuteOptions options)
    : Layer("Permute", layer_arguments(options)), dims_(std::move(dims)) {
  std::vector<int> sorted = dims_;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int>(i) + 1)
      throw std::invalid_argument("Permute: invalid permutation `dims` " + dims_to_string(dims_) +
                                  ": `dims` must hold each of 1.." + std::to_string(dims_.size()) +
                                  " once (1-based, the batch axis is not permuted)");
  if (dims_.empty()) throw std::invalid_argument("Permute: `dims` must not be empty");
}

void Permute::build(const Shape& input_shape) {
  if (input_shape.size() != dims_.size() + 1)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(dims_.size() + 1) +
                                        " for dims " + dims_to_string(dims_));
}

Shape Permute::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != dims_.size() + 1)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(dims_.size() + 1));
  Shape out{input_shape[0]};
  for (int d : dims_) out.push_back(input_shape[static_cast<std::size_t>(d)]);
  return out;
}

SymbolicTensor Permute::call(const SymbolicTensor& inputs) {
  std::vector<int> pattern{0};
  pattern.insert(pattern.end(), dims_.begin(), dims_.end());
  return K::permute_dimensions(inputs, pattern);
}

nlohmann::json Permute::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["dims"] = dims_;
  return config;
}

LayerPtr Permute::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "Permute");
  PermuteOptions o;
  r.common(o);
  std::vector<int> dims = r.ints("dims");
  return r.done(std::make_shared<Permute>(dims, o));
}

}  // namespace keras::layers
