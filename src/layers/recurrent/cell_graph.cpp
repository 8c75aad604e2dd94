// Keras 2.2.4's SimpleRNNCell, GRUCell and LSTMCell equations, one time step after another, over
// K::recurrent's layouts (kernels/recurrent.h): the same gate order, masking and recurrent
// dropout, so that either path gives the same numbers.
#include "layers/recurrent/cell_graph.h"

#include <stdexcept>

namespace keras::layers::detail {

namespace K = backend;
using backend::SymbolicTensor;

SymbolicTensor recurrent_cell_graph(const SymbolicTensor& xproj,
                                    const SymbolicTensor& recurrent_kernel,
                                    const K::RecurrentOptions& options,
                                    const activations::ActivationFunction& activation,
                                    const activations::ActivationFunction& recurrent_activation) {
  const std::int64_t steps = xproj.shape()[0], g = xproj.shape()[2];
  const std::int64_t u = recurrent_kernel.shape()[0];
  if (steps < 1)
    throw std::invalid_argument(
        "the step-by-step recurrent cell needs a known, positive number of "
        "time steps, got inputs of shape " +
        shape_to_string(xproj.shape()));
  const bool lstm = options.cell == K::RnnCell::kLSTM, gru = options.cell == K::RnnCell::kGRU;
  auto block = [u](const SymbolicTensor& x, std::int64_t k) {
    return K::slice(x, -1, k * u, (k + 1) * u);
  };
  SymbolicTensor zeros =
      K::reshape(K::slice(K::slice(xproj, 0, 0, 1), 2, 0, u), {-1, u}) * 0.0;  // (batch, u)
  SymbolicTensor h = options.initial_h.defined() ? options.initial_h : zeros;
  SymbolicTensor c = options.initial_c.defined() ? options.initial_c : zeros;
  std::vector<SymbolicTensor> outputs;
  for (std::int64_t s = 0; s < steps; ++s) {
    const std::int64_t t = options.go_backwards ? steps - 1 - s : s;
    SymbolicTensor x = K::reshape(K::slice(xproj, 0, t, t + 1), {-1, g});
    SymbolicTensor hd =
        options.recurrent_dropout_mask.defined() ? h * options.recurrent_dropout_mask : h;
    SymbolicTensor h_next, c_next;
    if (lstm) {
      SymbolicTensor z = x + K::dot(hd, recurrent_kernel);
      SymbolicTensor i = recurrent_activation(block(z, 0));
      SymbolicTensor f = recurrent_activation(block(z, 1));
      c_next = f * c + i * activation(block(z, 2));
      h_next = recurrent_activation(block(z, 3)) * activation(c_next);
    } else if (gru && options.reset_after) {
      SymbolicTensor m = K::dot(hd, recurrent_kernel);
      SymbolicTensor z = recurrent_activation(block(x, 0) + block(m, 0));
      SymbolicTensor r = recurrent_activation(block(x, 1) + block(m, 1));
      SymbolicTensor hh_in = block(m, 2);
      if (options.recurrent_bias.defined()) hh_in = hh_in + options.recurrent_bias;
      SymbolicTensor hh = activation(block(x, 2) + r * hh_in);
      h_next = z * h + (1.0 - z) * hh;
    } else if (gru) {
      SymbolicTensor zr = K::dot(hd, K::slice(recurrent_kernel, 1, 0, 2 * u));
      SymbolicTensor z = recurrent_activation(block(x, 0) + block(zr, 0));
      SymbolicTensor r = recurrent_activation(block(x, 1) + block(zr, 1));
      SymbolicTensor hh =
          activation(block(x, 2) + K::dot(r * hd, K::slice(recurrent_kernel, 1, 2 * u, 3 * u)));
      h_next = z * h + (1.0 - z) * hh;
    } else {
      h_next = activation(x + K::dot(hd, recurrent_kernel));
    }
    if (options.mask.defined()) {
      // A masked step carries the states over (Keras's K.rnn with a mask).
      SymbolicTensor keep = K::reshape(K::slice(options.mask, 1, t, t + 1), {-1, 1});
      h_next = keep * h_next + (1.0 - keep) * h;
      if (lstm) c_next = keep * c_next + (1.0 - keep) * c;
    }
    h = h_next;
    c = c_next;
    outputs.push_back(K::expand_dims(lstm ? K::concatenate({h, c}, -1) : h, 0));
  }
  return outputs.size() == 1 ? outputs.front() : K::concatenate(outputs, 0);
}

}  // namespace keras::layers::detail
