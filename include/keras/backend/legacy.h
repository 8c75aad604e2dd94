// Keras 1's switch for weights saved by Keras before 1.0: a functional model then orders its
// layers of equal depth by name (those files' weight order) instead of by traversal.
#pragma once

namespace keras::backend {

void set_legacy_weight_ordering(bool value);
bool legacy_weight_ordering();

}  // namespace keras::backend
