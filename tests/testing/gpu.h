// The GPU tests' guard: they run where the cuda backend starts (scripts/gpu_check.sh on a machine
// with a GPU) and skip elsewhere, saying why.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "kernels/kernel.h"

namespace keras::testing {

// Empty when the cuda backend can run here, else why not (the error users get).
inline std::string cuda_unavailable() {
  try {
    keras::kernels::backend_named("cuda");
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

}  // namespace keras::testing

#define KERAS_SKIP_WITHOUT_GPU()                                                   \
  do {                                                                             \
    const std::string why = ::keras::testing::cuda_unavailable();                  \
    if (!why.empty()) GTEST_SKIP() << "no GPU for the cuda backend here: " << why; \
  } while (0)
