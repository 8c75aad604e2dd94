// The cuda kernels of K::recurrent (SimpleRNN, GRU, LSTM sequences with every option of the
// reference: the activations of kernels/recurrent_cell.h, masking, go_backwards, initial states,
// recurrent dropout, GRU reset_after) and its gradients: the steps of kernels/recurrent_steps.h,
// their products on cuBLASLt and their elementwise passes as kernels on the stream. The buffers
// and the products' descriptors are made at plan time (prepare_recurrent), so a step queues
// launches only: no allocation, copy or wait, and the plan can be captured as a CUDA graph.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "kernels/recurrent_steps.h"

namespace keras::kernels::cuda {

namespace {

template <typename F>
__global__ void each_kernel(F f, std::int64_t n) {
  KERAS_CUDA_GRID_LOOP(i, n) {
    f(i);
  }
}

// A step's buffers (device memory, zeroed when made) and the descriptors of its products.
// Operands inside y, R and the gate buffers start at any element, so each product has a plan for
// element-aligned operands and, where the plan-time pointers were better aligned, one for that.
struct RecurrentState {
  std::shared_ptr<void> memory;
  std::size_t bytes = 0;
  struct Product {
    GemmShape shape;
    std::shared_ptr<LtGemm> gemm;
  };
  std::vector<Product> products;

  // The plan of the most strictly aligned algorithm that operands aligned to s.alignment allow.
  const LtGemm* find(const GemmShape& s) const {
    const Product* best = nullptr;
    for (const Product& p : products)
      if (same_product(p.shape, s) && p.shape.alignment <= s.alignment &&
          (!best || p.shape.alignment > best->shape.alignment))
        best = &p;
    return best ? best->gemm.get() : nullptr;
  }
  void add(OpKind op, DType dtype, const GemmShape& s) {
    for (const Product& p : products)
      if (same_product(p.shape, s) && p.shape.alignment == s.alignment) return;
    products.push_back({s, plan_row_major_gemm(op, dtype, s)});
  }
  static bool same_product(const GemmShape& a, const GemmShape& b) {
    return a.m == b.m && a.n == b.n && a.k == b.k && a.ta == b.ta && a.tb == b.tb &&
           a.lda == b.lda && a.ldb == b.ldb && a.ldc == b.ldc;
  }
};

// The largest power of two, up to 256 bytes, that divides the three operands' addresses and row
// strides (every row's start).
std::uint32_t alignment_of(std::size_t element, const void* a, const void* b, const void* c,
                           std::uintptr_t row_strides) {
  const auto bits = reinterpret_cast<std::uintptr_t>(a) | reinterpret_cast<std::uintptr_t>(b) |
                    reinterpret_cast<std::uintptr_t>(c) | row_strides * element;
  std::uint32_t alignment = 256;
  while (alignment > element && bits % alignment != 0) alignment /= 2;
  return alignment;
}

// The steps' policy: at plan time (planning) each distinct product gets its descriptors; when
// running, the products and passes are queued on the stream.
template <typename T>
struct DeviceOps {
  const KernelCall& call;
  RecurrentState& state;
  bool planning;

  void gemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
            std::int64_t lda, const T* b, std::int64_t ldb, T* c, std::int64_t ldc) {
    const auto strides = static_cast<std::uintptr_t>(lda | ldb | ldc);
    GemmShape s{m, n, k, ta, tb, 1, lda, ldb, ldc, alignment_of(sizeof(T), a, b, c, strides)};
    if (planning) {
      state.add(call.op, call.output.dtype, s);
      s.alignment = sizeof(T);
      state.add(call.op, call.output.dtype, s);
      return;
    }
    const LtGemm* g = state.find(s);
    if (!g)
      throw std::logic_error(std::string("cuda kernel ") + backend::op_name(call.op) +
                             ": a product its plan did not prepare");
    row_major_gemm(*g, call.output.dtype, a, b, c);
  }
  template <typename F>
  void each(std::int64_t n, const F& f) {
    if (planning || n == 0) return;
    each_kernel<F><<<blocks_for(n), kThreads, 0, stream()>>>(f, n);
    KERAS_CUDA_CHECK_LAUNCH();
  }
  void zero(T* p, std::int64_t n) {
    if (planning || n == 0) return;
    KERAS_CUDA_CHECK(cudaMemsetAsync(p, 0, static_cast<std::size_t>(n) * sizeof(T), stream()));
  }
};

// The op's steps over the state's buffers.
template <typename T>
void run(const KernelCall& call, RecurrentState& state, bool planning) {
  const rnn::View<T> v(call);
  // The compiler trims recurrent inference on cpu only (Backend::trims_recurrent_inference).
  if (v.last_only || v.w_in)
    throw std::logic_error(
        "cuda::recurrent: a Recurrent keeping its last step alone or projecting its own inputs");
  KernelCall memory;  // the state's buffers, handed out by the one layout of StepBuffers
  memory.scratch = state.memory.get();
  memory.scratch_bytes = state.bytes;
  ScratchLayout layout(memory);
  const rnn::StepBuffers<T> buffers(layout, v, call.op);
  DeviceOps<T> ops{call, state, planning};
  const std::size_t n_in = call.inputs.size();
  if (call.op == OpKind::kRecurrent)
    rnn::forward_steps<T>(v, buffers, call.output.as<T>(), ops);
  else if (call.op == OpKind::kRecurrentGrad)
    rnn::backward_steps<T>(v, buffers, call.inputs[n_in - 2].as<T>(), call.inputs[n_in - 1].as<T>(),
                           call.output.as<T>(), ops);
  else
    rnn::weights_steps<T>(v, buffers, call.inputs[n_in - 2].as<T>(), call.inputs[n_in - 1].as<T>(),
                          call.output.as<T>(), ops);
}

}  // namespace

std::size_t prepare_recurrent(const KernelCall& call) {
  auto state = std::make_shared<RecurrentState>();
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    ScratchLayout counting = ScratchLayout::counting();
    rnn::StepBuffers<T>(counting, rnn::View<T>(call), call.op);
    // At least one piece, so that an empty batch's layout still has memory to point into.
    state->bytes = std::max<std::size_t>(counting.bytes(), 64);
    state->memory = device().allocate(state->bytes);  // zeroed: StepBuffers' zeros
    run<T>(call, *state, true);
  });
  call.state = state;
  return 0;
}

void recurrent(const KernelCall& call) {
  if (call.output.numel == 0) return;
  if (!call.state) prepare_recurrent(call);
  RecurrentState& state = *static_cast<RecurrentState*>(call.state.get());
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() { run<T>(call, state, false); });
}

}  // namespace keras::kernels::cuda
