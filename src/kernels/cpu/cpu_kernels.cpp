// The cpu backend's per-thread setup before a compiled function runs: denormals flushed, and the
// OpenMP team size fitted to the cores that other processes leave free.
#include <fcntl.h>
#include <omp.h>
#include <sched.h>
#include <unistd.h>
#include <xmmintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>

#include "kernels/cpu/cpu_kernels.h"
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

namespace {

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
}

// The machine's running tasks now (the numerator of /proc/loadavg's fourth field, the reader
// included), or -1 where it cannot be read.
int running_tasks() {
  const int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char text[128];
  const ssize_t n = read(fd, text, sizeof(text) - 1);
  close(fd);
  if (n <= 0) return -1;
  text[n] = '\0';
  const char* p = text;
  for (int field = 0; field < 3 && p; ++field) {
    p = std::strchr(p, ' ');
    if (p) ++p;
  }
  return p ? std::atoi(p) : -1;
}

}  // namespace

int ThreadBudget::threads_for_run(int requested) {
  if (requested <= 1 || disabled_) return requested;
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return std::min(requested, granted_ ? granted_ : requested);
  const auto now = std::chrono::steady_clock::now();
  if (granted_ == 0 || requested != requested_) {
    requested_ = granted_ = requested;
    agreeing_ = 0;
  }
  if (now < next_sample_) return granted_;
  next_sample_ = now + sample_every_;
  const int running = read_running_();
  if (running < 0) return granted_;
  // Our own threads among the running: at most the team of the last run (its workers may still
  // be spinning); the rest are other processes'.
  const int others = std::max(0, running - granted_);
  const int fits = others > 0 ? std::clamp(cores_ - others, 1, requested) : requested;
  if (fits == granted_) {
    agreeing_ = 0;
  } else if (++agreeing_ >= kAgreeingSamples) {
    granted_ = fits;
    agreeing_ = 0;
  }
  return granted_;
}

ThreadBudget::ThreadBudget(int cores, int (*read_running)(), std::chrono::milliseconds sample_every)
    : cores_(cores), read_running_(read_running), sample_every_(sample_every) {
  const char* v = std::getenv("KERAS_ADAPTIVE_THREADS");
  disabled_ = v && std::string_view(v) == "0";
}

ThreadBudget& ThreadBudget::process() {
  static ThreadBudget budget(usable_cores(), &running_tasks);
  return budget;
}

}  // namespace keras::kernels::cpu
