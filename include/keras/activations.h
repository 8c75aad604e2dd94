// keras::activations — Keras 2.2.4's activation functions (keras/activations.py), by name for
// the `activation` argument of layers. Keras 1 accepted the same names.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "keras/backend/backend.h"

namespace keras::activations {

using ActivationFunction = std::function<backend::SymbolicTensor(const backend::SymbolicTensor&)>;
using backend::SymbolicTensor;

// Over the last axis. Throws std::invalid_argument for a 1D tensor, as Keras 2.2.4.
SymbolicTensor softmax(const SymbolicTensor& x);
SymbolicTensor elu(const SymbolicTensor& x, double alpha = 1.0);
// scale * elu(x, alpha) with alpha = 1.6732632423543772848170429916717 and
// scale = 1.0507009873554804934193349852946 (Klambauer et al. 2017).
SymbolicTensor selu(const SymbolicTensor& x);
SymbolicTensor softplus(const SymbolicTensor& x);  // log(exp(x) + 1)
SymbolicTensor softsign(const SymbolicTensor& x);  // x / (|x| + 1)
// max(x, 0), with slope alpha below 0 and capped at max_value when max_value >= 0.
SymbolicTensor relu(const SymbolicTensor& x, double alpha = 0.0, double max_value = -1.0);
SymbolicTensor tanh(const SymbolicTensor& x);
SymbolicTensor sigmoid(const SymbolicTensor& x);
SymbolicTensor hard_sigmoid(const SymbolicTensor& x);  // clip(0.2 x + 0.5, 0, 1) (Keras 1/2)
SymbolicTensor exponential(const SymbolicTensor& x);   // exp(x) (Keras 2.2.4)
SymbolicTensor linear(const SymbolicTensor& x);        // identity

// By name: softmax, elu, selu, softplus, softsign, relu, tanh, sigmoid, hard_sigmoid,
// exponential, linear; "" is linear too (Keras's activation=None). Throws std::invalid_argument
// "Unknown activation function: 'x'. Valid activations are: ...".
ActivationFunction get(const std::string& name);
// Every name get() accepts (except "").
std::vector<std::string> names();

}  // namespace keras::activations
