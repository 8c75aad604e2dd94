// Keras 2.2.4's activations (keras/activations.py) over the K:: ops.
#include "keras/activations.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace keras::activations {

namespace K = backend;

namespace {

struct Entry {
  std::string name;
  ActivationFunction function;
};

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = {
      {"softmax", [](const SymbolicTensor& x) { return activations::softmax(x); }},
      {"elu", [](const SymbolicTensor& x) { return activations::elu(x); }},
      {"selu", [](const SymbolicTensor& x) { return activations::selu(x); }},
      {"softplus", [](const SymbolicTensor& x) { return activations::softplus(x); }},
      {"softsign", [](const SymbolicTensor& x) { return activations::softsign(x); }},
      {"relu", [](const SymbolicTensor& x) { return activations::relu(x); }},
      {"tanh", [](const SymbolicTensor& x) { return activations::tanh(x); }},
      {"sigmoid", [](const SymbolicTensor& x) { return activations::sigmoid(x); }},
      {"hard_sigmoid", [](const SymbolicTensor& x) { return activations::hard_sigmoid(x); }},
      {"exponential", [](const SymbolicTensor& x) { return activations::exponential(x); }},
      {"linear", [](const SymbolicTensor& x) { return activations::linear(x); }},
  };
  return entries;
}

}  // namespace

SymbolicTensor softmax(const SymbolicTensor& x) {
  if (x.ndim() < 2)
    throw std::invalid_argument(
        "Cannot apply softmax to a tensor that is 1D (or 0D). Received input of shape " +
        shape_to_string(x.shape()));
  return K::softmax(x);
}

SymbolicTensor elu(const SymbolicTensor& x, double alpha) {
  return K::elu(x, alpha);
}

SymbolicTensor selu(const SymbolicTensor& x) {
  constexpr double kAlpha = 1.6732632423543772848170429916717;
  constexpr double kScale = 1.0507009873554804934193349852946;
  return kScale * K::elu(x, kAlpha);
}

SymbolicTensor softplus(const SymbolicTensor& x) {
  return K::softplus(x);
}
SymbolicTensor softsign(const SymbolicTensor& x) {
  return K::softsign(x);
}
SymbolicTensor relu(const SymbolicTensor& x, double alpha, double max_value) {
  return K::relu(x, alpha, max_value);
}
SymbolicTensor tanh(const SymbolicTensor& x) {
  return K::tanh(x);
}
SymbolicTensor sigmoid(const SymbolicTensor& x) {
  return K::sigmoid(x);
}
SymbolicTensor hard_sigmoid(const SymbolicTensor& x) {
  return K::hard_sigmoid(x);
}
SymbolicTensor exponential(const SymbolicTensor& x) {
  return K::exp(x);
}
SymbolicTensor linear(const SymbolicTensor& x) {
  return x;
}

ActivationFunction get(const std::string& name) {
  if (name.empty()) return linear;
  for (const auto& e : table())
    if (e.name == name) return e.function;
  std::string valid;
  for (const auto& e : table()) valid += (valid.empty() ? "" : ", ") + e.name;
  throw std::invalid_argument("Unknown activation function: '" + name +
                              "'. Valid activations are: " + valid + ".");
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& e : table()) out.push_back(e.name);
  return out;
}

}  // namespace keras::activations
