#include "backend/reshape_like.h"

#include "ops/shape.h"

namespace keras::backend {

SymbolicTensor reshape_like(const SymbolicTensor& x, Shape target, const SymbolicTensor& like,
                            std::vector<int> like_axes) {
  ops::ReshapeAttrs attrs;
  attrs.shape = std::move(target);
  attrs.like_axes = std::move(like_axes);
  return make_node(OpKind::kReshape, {x, like}, attrs);
}

}  // namespace keras::backend
