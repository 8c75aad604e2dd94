// One seed for everything random: weight initialisation, shuffling and dropout.
#pragma once

#include <cstdint>

namespace keras::utils {

// Keras 3's keras.utils.set_random_seed: after it, building, compiling and fitting the same model
// on the same data with the same thread count gives the same weights.
void set_random_seed(std::uint64_t seed);

}  // namespace keras::utils
