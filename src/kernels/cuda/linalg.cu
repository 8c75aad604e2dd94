// Matrix products on cuBLASLt: MatMul, BatchMatMul (strided batches) and FusedDense (the bias,
// and a plain relu, in the matmul's epilogue; other activations by the elementwise kernel after).
// Row-major products are computed as their column-major transposes: C^T = op(B)^T op(A)^T. The
// descriptors and the heuristic's algorithm are made on a step's first run and kept in its state.
#include <memory>
#include <type_traits>

#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "ops/linalg.h"

namespace keras::kernels::cuda {

// One product's cuBLASLt descriptors and algorithm, for the life of the plan.
struct LtGemm {
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulAlgo_t algo{};
  std::size_t workspace = 0;
  cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  ~LtGemm() {
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (c) cublasLtMatrixLayoutDestroy(c);
    if (op) cublasLtMatmulDescDestroy(op);
  }
};

namespace {

constexpr std::size_t kWorkspaceBytes = 32u << 20;

cublasLtMatrixLayout_t layout(cudaDataType_t type, std::int64_t rows, std::int64_t cols,
                              std::int64_t ld, std::int64_t batch) {
  cublasLtMatrixLayout_t l = nullptr;
  KERAS_CUDA_CHECK(cublasLtMatrixLayoutCreate(&l, type, static_cast<std::uint64_t>(rows),
                                              static_cast<std::uint64_t>(cols), ld));
  if (batch > 1) {
    const int count = static_cast<int>(batch);
    const std::int64_t stride = rows * cols;
    KERAS_CUDA_CHECK(cublasLtMatrixLayoutSetAttribute(l, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count,
                                                      sizeof(count)));
    KERAS_CUDA_CHECK(cublasLtMatrixLayoutSetAttribute(
        l, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof(stride)));
  }
  return l;
}

// Column-major: D (n x m) = X (n x k) Y (k x m), X the row-major B read as stored, Y likewise A.
// nullptr when cuBLASLt has no algorithm for it.
std::unique_ptr<LtGemm> make_gemm(DType dtype, const GemmShape& s, cublasLtEpilogue_t epilogue) {
  auto g = std::make_unique<LtGemm>();
  const bool f64 = dtype == DType::float64;
  const cudaDataType_t type = f64 ? CUDA_R_64F : CUDA_R_32F;
  // float32 computes in float32 (not TF32): results within float rounding of the reference.
  KERAS_CUDA_CHECK(
      cublasLtMatmulDescCreate(&g->op, f64 ? CUBLAS_COMPUTE_64F : CUBLAS_COMPUTE_32F, type));
  const cublasOperation_t op_x = s.tb ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_y = s.ta ? CUBLAS_OP_T : CUBLAS_OP_N;
  KERAS_CUDA_CHECK(
      cublasLtMatmulDescSetAttribute(g->op, CUBLASLT_MATMUL_DESC_TRANSA, &op_x, sizeof(op_x)));
  KERAS_CUDA_CHECK(
      cublasLtMatmulDescSetAttribute(g->op, CUBLASLT_MATMUL_DESC_TRANSB, &op_y, sizeof(op_y)));
  KERAS_CUDA_CHECK(cublasLtMatmulDescSetAttribute(g->op, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue,
                                                  sizeof(epilogue)));
  // Stored layouts (before op): B is (k x n) row-major, or (n x k) when transposed, and so on.
  const std::int64_t lda = s.lda ? s.lda : (s.ta ? s.m : s.k);
  const std::int64_t ldb = s.ldb ? s.ldb : (s.tb ? s.k : s.n);
  g->a = s.tb ? layout(type, s.k, s.n, ldb, s.batch) : layout(type, s.n, s.k, ldb, s.batch);
  g->b = s.ta ? layout(type, s.m, s.k, lda, s.batch) : layout(type, s.k, s.m, lda, s.batch);
  g->c = layout(type, s.n, s.m, s.ldc ? s.ldc : s.n, s.batch);
  cublasLtMatmulPreference_t preference = nullptr;
  KERAS_CUDA_CHECK(cublasLtMatmulPreferenceCreate(&preference));
  std::unique_ptr<std::remove_pointer_t<cublasLtMatmulPreference_t>,
                  decltype(&cublasLtMatmulPreferenceDestroy)>
      owned(preference, &cublasLtMatmulPreferenceDestroy);
  const std::size_t max_workspace = kWorkspaceBytes;
  KERAS_CUDA_CHECK(cublasLtMatmulPreferenceSetAttribute(
      preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &max_workspace, sizeof(max_workspace)));
  if (s.alignment > 0)
    for (auto operand :
         {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
          CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES})
      KERAS_CUDA_CHECK(cublasLtMatmulPreferenceSetAttribute(preference, operand, &s.alignment,
                                                            sizeof(s.alignment)));
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  KERAS_CUDA_CHECK(cublasLtMatmulAlgoGetHeuristic(cublas_lt(), g->op, g->a, g->b, g->c, g->c,
                                                  preference, 1, &result, &found));
  if (found == 0) return nullptr;
  g->algo = result.algo;
  g->workspace = result.workspaceSize;
  g->epilogue = epilogue;
  return g;
}

[[noreturn]] void no_algorithm(OpKind op, DType dtype, const GemmShape& s) {
  throw std::runtime_error(std::string("cuda kernel ") + backend::op_name(op) +
                           ": cuBLASLt has no algorithm for a " + std::to_string(s.m) + "x" +
                           std::to_string(s.k) + " by " + std::to_string(s.k) + "x" +
                           std::to_string(s.n) + " product in " + dtype_name(dtype));
}

// The step's descriptors (in call.state): with the epilogue asked for where cuBLASLt has an
// algorithm for it, else without (the caller then adds the bias and activation itself).
LtGemm& gemm_for(const KernelCall& call, const GemmShape& s, cublasLtEpilogue_t wanted) {
  const DType dtype = call.output.dtype;
  if (!is_floating(dtype)) unsupported_dtype(call.op, dtype);
  if (!call.state) {
    std::unique_ptr<LtGemm> g = make_gemm(dtype, s, wanted);
    if (!g && wanted != CUBLASLT_EPILOGUE_DEFAULT)
      g = make_gemm(dtype, s, CUBLASLT_EPILOGUE_DEFAULT);
    if (!g) no_algorithm(call.op, dtype, s);
    call.state = std::shared_ptr<LtGemm>(std::move(g));
  }
  return *static_cast<LtGemm*>(call.state.get());
}

// D = op(A) op(B), with g's epilogue (bias: its pointer).
void run_gemm(const KernelCall& call, LtGemm& g, const void* bias) {
  if (g.epilogue == CUBLASLT_EPILOGUE_BIAS || g.epilogue == CUBLASLT_EPILOGUE_RELU_BIAS)
    KERAS_CUDA_CHECK(cublasLtMatmulDescSetAttribute(g.op, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias,
                                                    sizeof(bias)));
  row_major_gemm(g, call.output.dtype, call.inputs[0].data, call.inputs[1].data, call.output.data);
}

GemmShape matmul_shape(const KernelCall& call) {
  const Shape& x = call.inputs[0].shape;
  const Shape& w = call.inputs[1].shape;
  const ops::MatMulAttrs t = ops::matmul_transposes(call.op, *call.attrs);
  const bool ta = t.transpose_a, tb = t.transpose_b;
  const std::int64_t k = ta ? x[0] : x.back();
  const std::int64_t m = ta ? x[1] : call.inputs[0].numel / (k ? k : 1);
  return {m, tb ? w[0] : w[1], k, ta, tb};
}

// A product over an empty inner dimension: zeros (then the bias and activation, if fused).
bool zero_inner(const KernelCall& call, const GemmShape& s) {
  if (s.k != 0) return false;
  KERAS_CUDA_CHECK(cudaMemsetAsync(
      call.output.data, 0,
      static_cast<std::size_t>(call.output.numel) * dtype_size(call.output.dtype), stream()));
  return true;
}

}  // namespace

std::shared_ptr<LtGemm> plan_row_major_gemm(OpKind op, DType dtype, const GemmShape& s) {
  if (!is_floating(dtype)) unsupported_dtype(op, dtype);
  std::unique_ptr<LtGemm> g = make_gemm(dtype, s, CUBLASLT_EPILOGUE_DEFAULT);
  if (!g) no_algorithm(op, dtype, s);
  return g;
}

// Row-major as column-major: C^T = op(B)^T op(A)^T, B first.
void row_major_gemm(const LtGemm& g, DType dtype, const void* a, const void* b, void* c) {
  const double one64 = 1, zero64 = 0;
  const float one32 = 1, zero32 = 0;
  const bool f64 = dtype == DType::float64;
  const void* alpha = f64 ? static_cast<const void*>(&one64) : &one32;
  const void* beta = f64 ? static_cast<const void*>(&zero64) : &zero32;
  KERAS_CUDA_CHECK(cublasLtMatmul(cublas_lt(), g.op, alpha, b, g.a, a, g.b, beta, c, g.c, c, g.c,
                                  &g.algo, g.workspace ? workspace(g.workspace) : nullptr,
                                  g.workspace, stream()));
}

void matmul(const KernelCall& call) {
  const GemmShape s = matmul_shape(call);
  if (call.output.numel == 0 || zero_inner(call, s)) return;
  run_gemm(call, gemm_for(call, s, CUBLASLT_EPILOGUE_DEFAULT), nullptr);
}

void batch_matmul(const KernelCall& call) {
  const Shape& x = call.inputs[0].shape;
  const Shape& w = call.inputs[1].shape;
  const auto& t = call.attrs_as<ops::MatMulAttrs>();
  const bool ta = t.transpose_a, tb = t.transpose_b;
  GemmShape s{ta ? x[2] : x[1], tb ? w[1] : w[2], ta ? x[1] : x[2], ta, tb, x[0]};
  if (call.output.numel == 0 || zero_inner(call, s)) return;
  run_gemm(call, gemm_for(call, s, CUBLASLT_EPILOGUE_DEFAULT), nullptr);
}

void fused_dense(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const GemmShape s = matmul_shape(call);
  const ops::FusedActivation& activation = call.attrs_as<ops::FusedDenseAttrs>().activation;
  const bool has_bias = call.inputs.size() > 2;
  const bool plain_relu =
      activation.op == OpKind::kRelu && activation.alpha == 0 && activation.beta < 0;
  // The epilogue for float32 (cuBLASLt's bias epilogues take the output's type).
  cublasLtEpilogue_t wanted = CUBLASLT_EPILOGUE_DEFAULT;
  if (call.output.dtype == DType::float32) {
    if (has_bias)
      wanted = plain_relu ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS;
    else if (plain_relu)
      wanted = CUBLASLT_EPILOGUE_RELU;
  }
  cublasLtEpilogue_t done = CUBLASLT_EPILOGUE_DEFAULT;
  if (!zero_inner(call, s)) {
    LtGemm& g = gemm_for(call, s, wanted);
    run_gemm(call, g, has_bias ? call.inputs[2].data : nullptr);
    done = g.epilogue;
  }
  if (has_bias && done == CUBLASLT_EPILOGUE_DEFAULT) add_bias(call.output, call.inputs[2]);
  if (done != CUBLASLT_EPILOGUE_RELU && done != CUBLASLT_EPILOGUE_RELU_BIAS)
    apply_activation(activation, call.output);
}

}  // namespace keras::kernels::cuda
