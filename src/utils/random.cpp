#include "keras/utils/random.h"

#include "backend/random_state.h"

namespace keras::utils {

void set_random_seed(std::uint64_t seed) {
  detail::seed_global_generator(seed);
}

}  // namespace keras::utils
