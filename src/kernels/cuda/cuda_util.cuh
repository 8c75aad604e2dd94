// Shared by the cuda kernels (.cu files only): status checks that throw with the failing call,
// the backend's stream and library handles, launch sizes, and index walks over strided operands.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "kernels/kernel.h"

namespace keras::kernels::cuda {

// Each throws std::runtime_error naming the call, its status and where it was made.
void check(cudaError_t status, const char* call, const char* file, int line);
void check(cublasStatus_t status, const char* call, const char* file, int line);
void check(cudnnStatus_t status, const char* call, const char* file, int line);
#define KERAS_CUDA_CHECK(call) ::keras::kernels::cuda::check((call), #call, __FILE__, __LINE__)
// After a kernel launch: a bad configuration shows here, not at the next unrelated call.
#define KERAS_CUDA_CHECK_LAUNCH() KERAS_CUDA_CHECK(cudaGetLastError())

// The backend's one stream and its library handles (runtime.cu), made with the device.
cudaStream_t stream();
cublasLtHandle_t cublas_lt();
cudnnHandle_t cudnn();
// Device scratch that a kernel needs for the duration of its launch (cuBLASLt, cuDNN workspaces):
// grows, never shrinks, reused by every kernel on the stream.
void* workspace(std::size_t bytes);
// Whether KERAS_CUDA_FAST_NONDETERMINISTIC=1 allows algorithms whose sums vary run to run.
bool nondeterministic_allowed();

constexpr int kThreads = 256;
inline unsigned blocks_for(std::int64_t n) {
  std::int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 * 32 ? 65535 * 32 : b));
}
// A grid-stride loop: i over [0, n) shared among every thread of the launch.
#define KERAS_CUDA_GRID_LOOP(i, n)                                                                 \
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < (n); \
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)

// An index space of up to kMaxRank dimensions and the strides of up to two operands over it,
// passed to kernels by value.
constexpr int kMaxRank = 8;
struct Walk {
  int rank = 0;
  std::int64_t dims[kMaxRank] = {};
  std::int64_t strides[2][kMaxRank] = {};

  // Offset of the flat row-major index i in operand k.
  __host__ __device__ std::int64_t offset(std::int64_t i, int k) const {
    std::int64_t at = 0;
    for (int d = rank - 1; d >= 0; --d) {
      at += (i % dims[d]) * strides[k][d];
      i /= dims[d];
    }
    return at;
  }
};

// A row-major product on cuBLASLt (linalg.cu): C (m x n) = op(A) op(B), each operand with its
// leading dimension (0: packed), `batch` strided products, operands aligned to `alignment` bytes
// (0: cuBLASLt's default, 256). plan_row_major_gemm makes the descriptors and chooses the
// algorithm (at plan time; throws naming `op` when cuBLASLt has none); row_major_gemm queues the
// product on the stream.
struct GemmShape {
  std::int64_t m, n, k;
  bool ta, tb;
  std::int64_t batch = 1;
  std::int64_t lda = 0, ldb = 0, ldc = 0;
  std::uint32_t alignment = 0;
};
struct LtGemm;
std::shared_ptr<LtGemm> plan_row_major_gemm(OpKind op, DType dtype, const GemmShape& s);
void row_major_gemm(const LtGemm& g, DType dtype, const void* a, const void* b, void* c);

void check_rank(OpKind op, const Shape& shape);
// The run counter random kernels draw from, in device memory (written per run, so that a replayed
// CUDA graph draws fresh numbers): KernelCall::device_counter, checked.
const std::uint64_t* device_counter(const KernelCall& call);
// Row-major strides of `src` as seen from `dst` after numpy broadcasting (broadcast dims: 0).
void broadcast_strides(const Shape& src, const Shape& dst, std::int64_t* strides);
void contiguous_strides(const Shape& shape, std::int64_t* strides);

}  // namespace keras::kernels::cuda
