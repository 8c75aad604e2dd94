// cpu kernels of K::recurrent and its gradients: the shared implementation in
// kernels/recurrent.h with oneDNN's sgemm for every matrix product (float32; float64 runs the
// reference loops).
#include <dnnl.h>
#include <omp.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/recurrent.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::cpu {

namespace {

// tanh as a rational function (the [13/6] minimax form Eigen uses), |error| < 3e-7 on floats,
// vectorisable, unlike the C library's tanhf.
inline float fast_tanh(float x) {
  constexpr float kClamp = 7.90531110763549805f;
  x = x < -kClamp ? -kClamp : (x > kClamp ? kClamp : x);
  constexpr float a1 = 4.89352455891786e-03f, a3 = 6.37261928875436e-04f,
                  a5 = 1.48572235717979e-05f, a7 = 5.12229709037114e-08f,
                  a9 = -8.60467152213735e-11f, a11 = 2.00018790482477e-13f,
                  a13 = -2.76076847742355e-16f;
  constexpr float b0 = 4.89352518554385e-03f, b2 = 2.26843463243900e-03f,
                  b4 = 1.18534705686654e-04f, b6 = 1.19825839466702e-06f;
  const float x2 = x * x;
  const float p = ((((((a13 * x2 + a11) * x2 + a9) * x2 + a7) * x2 + a5) * x2 + a3) * x2 + a1) * x;
  const float q = ((b6 * x2 + b4) * x2 + b2) * x2 + b0;
  return p / q;
}

// C = op(A) op(B) + beta C (row-major) by oneDNN's sgemm: threaded as oneDNN chooses, or on the
// calling thread alone inside a parallel region.
void sgemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
           std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  dnnl_status_t status =
      dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
  if (status != dnnl_success)
    throw std::runtime_error("oneDNN sgemm failed with status " + std::to_string(status));
}

// One product's arguments, as gemm takes them.
struct Product {
  bool ta = false, tb = false;
  std::int64_t m = 0, n = 0, k = 0;
  const float* a = nullptr;
  std::int64_t lda = 0;
  const float* b = nullptr;
  std::int64_t ldb = 0;
  float beta = 0;
  float* c = nullptr;
  std::int64_t ldc = 0;

  // Columns [n0, n1) of C, on the calling thread: whole 64-byte lines per thread.
  void run_share(int part, int parts) const {
    const std::int64_t per = ((n + parts - 1) / parts + 15) / 16 * 16;
    const std::int64_t n0 = std::min(n, part * per), n1 = std::min(n, n0 + per);
    if (n1 > n0)
      sgemm(ta, tb, m, n1 - n0, k, a, lda, tb ? b + n0 * ldb : b + n0, ldb, beta, c + n0, ldc);
  }
};

// Spins until done() (a few microseconds at most while the team runs one sequence), yielding
// now and then so that an oversubscribed machine still makes progress.
template <typename Done>
void spin_until(Done&& done) {
  for (unsigned spins = 1; !done(); ++spins) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();  // lets the other hyperthread of the core run meanwhile
#endif
    if (spins % 4096 == 0) std::this_thread::yield();
  }
}

// The threads of one sequence run: the driver posts each large product and takes its own share;
// the others take theirs and report. A fork per product (oneDNN's threading) costs more than a
// small product (one sample: 1 x 128 x 512 per LSTM step) saves; this team forks once per run.
class ProductTeam {
 public:
  void set_parts(int parts) { parts_ = parts; }

  // Driver: runs p over the team's threads, returns when every share is written; rethrows the
  // first failure of another thread's share.
  void run(const Product& p) {
    product_ = p;
    finished_shares_.store(0, std::memory_order_relaxed);
    posted_.fetch_add(1, std::memory_order_release);
    p.run_share(0, parts_);
    spin_until([&] { return finished_shares_.load(std::memory_order_acquire) == parts_ - 1; });
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }
  // Driver: the sequence ended (or threw); the other threads return from serve().
  void finish() { finished_.store(true, std::memory_order_release); }
  // The other threads: run their share of each posted product until finish().
  void serve(int part) {
    std::uint64_t seen = 0;
    for (;;) {
      spin_until([&] {
        return posted_.load(std::memory_order_acquire) != seen ||
               finished_.load(std::memory_order_acquire);
      });
      const std::uint64_t now = posted_.load(std::memory_order_acquire);
      if (now == seen) return;  // finished, nothing left to run
      seen = now;
      try {
        product_.run_share(part, parts_);
      } catch (...) {
        const std::lock_guard lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
      finished_shares_.fetch_add(1, std::memory_order_acq_rel);
    }
  }
  int parts() const { return parts_; }

 private:
  int parts_ = 1;
  Product product_;
  std::mutex error_mutex_;
  std::exception_ptr error_;
  std::atomic<std::uint64_t> posted_{0};
  std::atomic<int> finished_shares_{0};
  std::atomic<bool> finished_{false};
};

struct CpuOps {
  static constexpr bool kChunked = true;  // a chunk of the batch per thread
  // Products with fewer elements of B (128 KB) stay on one thread: a hand-off costs more.
  static constexpr std::int64_t kSharedProduct = 32768;
  void apply(OpKind op, float* x, std::int64_t n) const {
    switch (op) {
      case OpKind::kTanh:
        for (std::int64_t k = 0; k < n; ++k) x[k] = fast_tanh(x[k]);
        return;
      case OpKind::kSigmoid:  // sigmoid(x) = (1 + tanh(x / 2)) / 2
        for (std::int64_t k = 0; k < n; ++k) x[k] = 0.5f + 0.5f * fast_tanh(0.5f * x[k]);
        return;
      case OpKind::kHardSigmoid:
        for (std::int64_t k = 0; k < n; ++k) {
          float v = 0.2f * x[k] + 0.5f;
          x[k] = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
        }
        return;
      case OpKind::kRelu:
        for (std::int64_t k = 0; k < n; ++k) x[k] = x[k] < 0.0f ? 0.0f : x[k];  // NaN propagates
        return;
      case OpKind::kCount:  // linear
        return;
      default:  // elu, softplus, softsign, exp: the shared definitions
        for (std::int64_t k = 0; k < n; ++k) x[k] = rnn::activate(op, x[k]);
        return;
    }
  }

  void gemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
            std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
            std::int64_t ldc) const {
    sgemm(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);
  }

  template <typename Body>
  void share_products(int threads, Body&& body) const;
};

// CpuOps whose large products the team shares; small ones (under kSharedProduct elements of B, or
// too few columns for whole cache lines per thread) stay on the driver.
struct SharedProductOps : CpuOps {
  ProductTeam* team;
  void gemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
            std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
            std::int64_t ldc) const {
    if (n < 32 * team->parts() || n * k < kSharedProduct)
      return sgemm(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);
    team->run({ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc});
  }
};

template <typename Body>
void CpuOps::share_products(int threads, Body&& body) const {
  ProductTeam team;
  std::exception_ptr error;
#pragma omp parallel num_threads(threads)
  {
    // The team is the threads the runtime gave (its barrier publishes the count to all).
#pragma omp single
    team.set_parts(omp_get_num_threads());
    const int part = omp_get_thread_num();
    if (part == 0) {
      SharedProductOps shared{{}, &team};
      try {
        body(shared);
      } catch (...) {
        error = std::current_exception();
      }
      team.finish();
    } else {
      team.serve(part);
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace

void recurrent(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::recurrent(call);
  rnn::forward<float>(call, CpuOps{});
}

void recurrent_grad(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::recurrent_grad(call);
  rnn::backward<float>(call, CpuOps{});
}

void recurrent_grad_weights(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::recurrent_grad_weights(call);
  rnn::weights_grad<float>(call, CpuOps{});
}

}  // namespace keras::kernels::cpu
