// The attributes of the recurrent family (recurrent.cpp).
#pragma once

#include "keras/backend/graph.h"

namespace keras::ops {

// Recurrent, RecurrentGrad and RecurrentGradWeights (see K::recurrent): the cell, its activations,
// the direction, and which optional inputs follow xproj and U.
struct RecurrentAttrs {
  static constexpr const char* kName = "RecurrentAttrs";
  int cell = 0;                                                    // 0 SimpleRNN, 1 GRU, 2 LSTM
  backend::OpKind activation = backend::OpKind::kCount;            // kCount: linear
  backend::OpKind recurrent_activation = backend::OpKind::kCount;  // the gates
  bool go_backwards = false;
  bool initial_state = false;   // h0 (and c0 for LSTM) given
  bool mask = false;            // a (batch, time) 0/1 mask
  bool recurrent_mask = false;  // a (batch, units) recurrent dropout mask
  bool reset_after = false;     // GRU: reset gate after the recurrent product; input: its bias
  // Recurrent only, set by the compiler where nothing reads the other steps (inference without
  // return_sequences): the output is the last processing step's states alone, (1, B, W*u).
  bool last_step_only = false;
  // Recurrent only, set by the compiler where the input projection is read by nothing else
  // (inference): the first input is x (T, B, D) and the last two the input kernel (D, G*u) and
  // its bias (G*u); the kernel projects each step's inputs itself (kernels/recurrent.h).
  bool projects_input = false;
};

}  // namespace keras::ops
