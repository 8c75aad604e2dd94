// A cell that runs step by step (a cell written in Python, a stack holding one) over a number of
// time steps known only when the function runs: the cell's step is traced once on placeholders,
// and each length seen unrolls copies of that step graph inside a K::traced node (compiled once
// per length with the outer function's plan).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "keras/layers/recurrent.h"

namespace keras::layers::detail {

struct TracedSequence {
  SymbolicTensor sequence;             // (batch, time, ...) the outputs of every step
  SymbolicTensor last;                 // the last step's output
  std::vector<SymbolicTensor> states;  // after the last step
};

// Keras's K.rnn with a mask: where `keep` (batch, 1) is 0 the step repeats the previous output
// (undefined before the first step: zeros) and keeps the states.
void keep_unmasked(const SymbolicTensor& keep, CellStep& next, const SymbolicTensor& previous,
                   const std::vector<SymbolicTensor>& states);

// `step` is the cell's step (called once, here, on placeholders shaped like one time step of
// `inputs` and like `states`); `mask` (batch, time) or undefined: a masked step repeats the
// previous output and keeps the states, as Keras's K.rnn. `layer` names the RNN in errors.
TracedSequence traced_steps(
    const SymbolicTensor& inputs, const SymbolicTensor& mask,
    const std::vector<SymbolicTensor>& states, bool go_backwards,
    const std::function<CellStep(const SymbolicTensor&, const std::vector<SymbolicTensor>&)>& step,
    const std::string& layer);

}  // namespace keras::layers::detail
