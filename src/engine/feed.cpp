#include "keras/engine/feed.h"

#include "keras/backend/graph.h"

namespace keras {

namespace {
bool fed(const KerasTensor& input) {
  return input.node() && input.node()->op == backend::OpKind::kPlaceholder;
}
}  // namespace

std::vector<SymbolicTensor> fed_inputs(const Model& model) {
  std::vector<SymbolicTensor> out;
  for (const auto& input : model.inputs())
    if (fed(input)) out.push_back(input);
  return out;
}

std::vector<std::string> fed_input_names(const Model& model) {
  std::vector<std::string> out;
  const std::vector<std::string> names = model.input_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (fed(model.inputs()[i])) out.push_back(names[i]);
  return out;
}

}  // namespace keras
