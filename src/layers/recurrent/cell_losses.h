// The losses of a layer holding cells (RNN, StackedRNNCells): the cells' as they are now (a loss
// added to a cell after the layer was built counts, as in Keras, whose layers read their cells'
// losses), then the layer's own that are not the copies it adopted when built.
#pragma once

#include <algorithm>
#include <vector>

#include "keras/engine/layer.h"

namespace keras::layers::detail {

inline std::vector<SymbolicTensor> cells_then_own(std::vector<SymbolicTensor> cells,
                                                  const std::vector<SymbolicTensor>& own) {
  for (const SymbolicTensor& loss : own)
    if (std::find(cells.begin(), cells.end(), loss) == cells.end()) cells.push_back(loss);
  return cells;
}

}  // namespace keras::layers::detail
