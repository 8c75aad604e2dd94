#include "backend/reshape_like.h"

namespace keras::backend {

SymbolicTensor reshape_like(const SymbolicTensor& x, Shape target, const SymbolicTensor& like,
                            std::vector<int> like_axes) {
  Attrs attrs;
  attrs.shape = std::move(target);
  attrs.axes = std::move(like_axes);
  return make_node(OpKind::kReshape, {x, like}, attrs);
}

}  // namespace keras::backend
