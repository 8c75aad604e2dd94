// CtcGreedyDecode(y_pred, input_length): one thread per sample, the reference kernel's loop (the
// first maximum of each step, repeats merged, blanks (the last class) removed, -1 to the end of
// the row). CtcLoss and its gradient run on the host (their input checks throw).
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"

namespace keras::kernels::cuda {

namespace {

template <typename T, typename L>
__global__ void ctc_greedy_decode_kernel(const T* y, const L* input_length, std::int64_t* out,
                                         std::int64_t batch, std::int64_t max_time,
                                         std::int64_t classes) {
  KERAS_CUDA_GRID_LOOP(b, batch) {
    const auto given = static_cast<std::int64_t>(input_length[b]);
    const std::int64_t steps = given < 0 ? 0 : (given > max_time ? max_time : given);
    std::int64_t* row_out = out + b * max_time;
    std::int64_t previous = -1, written = 0;
    for (std::int64_t t = 0; t < steps; ++t) {
      const T* row = y + (b * max_time + t) * classes;
      std::int64_t best = 0;  // std::max_element's: the first of equal maxima
      for (std::int64_t k = 1; k < classes; ++k)
        if (row[best] < row[k]) best = k;
      if (best != previous && best != classes - 1) row_out[written++] = best;
      previous = best;
    }
    for (std::int64_t t = written; t < max_time; ++t) row_out[t] = -1;
  }
}

}  // namespace

void ctc_greedy_decode(const KernelCall& call) {
  const Buffer &y = call.inputs[0], &lengths = call.inputs[1];
  const std::int64_t batch = y.shape[0], max_time = y.shape[1], classes = y.shape[2];
  if (call.output.numel == 0) return;
  dispatch_float(call.op, y.dtype, [&]<typename T>() {
    dispatch_all(call.op, lengths.dtype, [&]<typename L>() {
      ctc_greedy_decode_kernel<T, L><<<blocks_for(batch), kThreads, 0, stream()>>>(
          y.as<T>(), lengths.as<L>(), call.output.as<std::int64_t>(), batch, max_time, classes);
    });
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace keras::kernels::cuda
