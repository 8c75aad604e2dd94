// The recurrent layers' general path: the Keras cell written out step by step from matrix
// products and elementwise ops, for activations the fused sequence op (K::recurrent) cannot
// compute (softmax, selu, custom functions). Automatic differentiation gives its gradients.
#pragma once

#include "keras/activations.h"
#include "keras/backend/backend.h"

namespace keras::layers::detail {

// K::recurrent's result for the same arguments (options.activation and recurrent_activation are
// ignored: `activation` and `recurrent_activation` are applied instead), restricted to its
// differentiable columns: (time, batch, units) h, or (time, batch, 2 * units) [h, c] for an LSTM,
// in processing order. Needs a known number of time steps.
backend::SymbolicTensor recurrent_cell_graph(
    const backend::SymbolicTensor& xproj, const backend::SymbolicTensor& recurrent_kernel,
    const backend::RecurrentOptions& options, const activations::ActivationFunction& activation,
    const activations::ActivationFunction& recurrent_activation);

}  // namespace keras::layers::detail
