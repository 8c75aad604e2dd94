// The cpu backend's per-thread setup before a compiled function runs.
#include <omp.h>
#include <xmmintrin.h>

#include "kernels/kernel.h"

namespace keras::kernels::cpu {

void flush_denormals() {
  // Denormal floats make FMAs a hundred times slower; TensorFlow flushes them to zero on CPU, and
  // so do we. MXCSR is per thread, so every OpenMP worker sets it once.
  thread_local int done_for_threads = 0;
  const int threads = omp_get_max_threads();
  if (done_for_threads >= threads) return;
#pragma omp parallel num_threads(threads)
  _mm_setcsr(_mm_getcsr() | 0x8040);  // FTZ | DAZ
  done_for_threads = threads;
}

}  // namespace keras::kernels::cpu
