// The cpu backend's batch normalization (float32; float64 runs the reference kernels).
// BatchNorm (normalizing with given statistics: the batch's while training, the moving ones at
// inference) and BatchNormGrad run oneDNN's batch_normalization primitives: forward with
// use_global_stats, backward with the statistics treated as x's own (their derivative
// included) or as given (use_global_stats). Each compiled step builds its primitive once, on its
// first run, with a user scratchpad; later runs rebind data pointers. oneDNN's definition is
// Keras's: the biased variance, y = gamma (x - mean) / sqrt(var + epsilon) + beta.
// BatchNormStats and BatchNormGradParams are our own threaded per-channel sums: oneDNN computes
// statistics only inside a forward training primitive that also writes y, and the parameter
// gradients only together with dx.
#include <omp.h>
#include <dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "kernels/batch_norm.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/dnnl_util.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/normalization.h"

namespace keras::kernels::cpu {

namespace {

using namespace dnnl_util;
using dnnl::memory;
using dnnl::normalization_flags;
using dnnl::prop_kind;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

constexpr std::int64_t kParallelElements = 1 << 16;  // below: one thread

// x as a 4D oneDNN tensor, the layouts oneDNN 2.6 has fast implementations for (its 2D and 3D
// tensors run its reference loops): channels last as nhwc (N, C, 1, the other axes flattened),
// any other axis as nchw (outer, C, 1, inner).
memory::desc data_md(const Shape& x, int axis) {
  const ChannelView v = channel_view(x, axis);
  if (v.inner == 1) {
    const std::int64_t n = x.size() >= 3 ? x[0] : v.outer;
    return memory::desc({n, v.channels, 1, v.outer / n}, dt::f32, tag::nhwc);
  }
  return memory::desc({v.outer, v.channels, 1, v.inner}, dt::f32, tag::nchw);
}

memory::desc channel_md(std::int64_t channels) {
  return memory::desc({channels}, dt::f32, tag::x);
}

struct BnState {
  Bound step;
  memory x, out, dy, mean, var, scale, shift;
  memory scratch, diff_scale;  // owned
};

std::shared_ptr<BnState> make_forward(const KernelCall& call) {
  const Shape& x = call.inputs[0].shape;
  const int axis = call.attrs_as<ops::BatchNormAttrs>().axis;
  const memory::desc md = data_md(x, axis);
  const memory::desc cmd = channel_md(x[static_cast<std::size_t>(axis)]);
  dnnl::batch_normalization_forward::desc d(
      prop_kind::forward_inference, md,
      static_cast<float>(call.attrs_as<ops::BatchNormAttrs>().epsilon),
      normalization_flags::use_global_stats | normalization_flags::use_scale |
          normalization_flags::use_shift);
  dnnl::batch_normalization_forward::primitive_desc pd(d, user_scratchpad(), engine());
  report("batch normalization forward", pd);
  auto s = std::make_shared<BnState>();
  s->step.primitive = dnnl::batch_normalization_forward(pd);
  s->x = user_memory(md);
  s->out = user_memory(md);
  s->mean = user_memory(cmd);
  s->var = user_memory(cmd);
  s->scale = user_memory(cmd);
  s->shift = user_memory(cmd);
  s->scratch = owned_memory(pd.scratchpad_desc());
  s->step.bind(DNNL_ARG_SRC, s->x);
  s->step.bind(DNNL_ARG_MEAN, s->mean);
  s->step.bind(DNNL_ARG_VARIANCE, s->var);
  s->step.bind(DNNL_ARG_SCALE, s->scale);
  s->step.bind(DNNL_ARG_SHIFT, s->shift);
  s->step.bind(DNNL_ARG_DST, s->out);
  s->step.bind(DNNL_ARG_SCRATCHPAD, s->scratch);
  return s;
}

std::shared_ptr<BnState> make_backward(const KernelCall& call) {
  const Shape& x = call.inputs[0].shape;
  const int axis = call.attrs_as<ops::BatchNormAttrs>().axis;
  const std::int64_t channels = x[static_cast<std::size_t>(axis)];
  const memory::desc md = data_md(x, axis);
  const memory::desc cmd = channel_md(channels);
  const float epsilon = static_cast<float>(call.attrs_as<ops::BatchNormAttrs>().epsilon);
  normalization_flags flags = normalization_flags::use_scale;
  if (!call.attrs_as<ops::BatchNormAttrs>().batch_stats)
    flags = flags | normalization_flags::use_global_stats;
  dnnl::batch_normalization_forward::desc hint_d(prop_kind::forward_training, md, epsilon, flags);
  dnnl::batch_normalization_forward::primitive_desc hint(hint_d, engine());
  // oneDNN 2.6 has no backward_data with a scale: backward also writes d gamma, into a scratch
  // buffer (BatchNormGradParams gives the graph the parameter gradients).
  dnnl::batch_normalization_backward::desc d(prop_kind::backward, md, md, epsilon, flags);
  dnnl::batch_normalization_backward::primitive_desc pd(d, user_scratchpad(), engine(), hint);
  report("batch normalization backward", pd);
  auto s = std::make_shared<BnState>();
  s->step.primitive = dnnl::batch_normalization_backward(pd);
  s->x = user_memory(md);
  s->dy = user_memory(md);
  s->out = user_memory(md);
  s->mean = user_memory(cmd);
  s->var = user_memory(cmd);
  s->scale = user_memory(cmd);
  s->scratch = owned_memory(pd.scratchpad_desc());
  s->step.bind(DNNL_ARG_SRC, s->x);
  s->step.bind(DNNL_ARG_MEAN, s->mean);
  s->step.bind(DNNL_ARG_VARIANCE, s->var);
  s->step.bind(DNNL_ARG_SCALE, s->scale);
  s->step.bind(DNNL_ARG_DIFF_DST, s->dy);
  s->step.bind(DNNL_ARG_DIFF_SRC, s->out);
  s->step.bind(DNNL_ARG_SCRATCHPAD, s->scratch);
  s->diff_scale = owned_memory(cmd);
  s->step.bind(DNNL_ARG_DIFF_SCALE, s->diff_scale);
  return s;
}

// Small tensors run on the calling thread alone: a fork and join of the OpenMP team costs more
// than the work there, and far more on a loaded machine. oneDNN's implementations fix their
// thread count when the primitive is made (some read it again when it runs), so both happen in
// this scope.
class ThreadScope {
 public:
  explicit ThreadScope(std::int64_t numel) : threads_(omp_get_max_threads()) {
    if (numel < kParallelElements) omp_set_num_threads(1);
  }
  ~ThreadScope() { omp_set_num_threads(threads_); }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int threads_;
};

template <typename Make>
BnState& state_of(const KernelCall& call, Make make) {
  if (!call.state) call.state = make(call);
  return *static_cast<BnState*>(call.state.get());
}

// Per-channel sums s0[c], s1[c] of term(i, c) -> (a, b) over every element i of channel c, in
// double, threaded over rows (channels_last) or channels (channels_first); `partial` is the
// per-thread scratch, kept in the step's state.
template <typename Term>
void channel_sums(const ChannelView& v, std::vector<double>& partial, double* s0, double* s1,
                  Term term) {
  const std::int64_t channels = v.channels;
  const bool parallel = v.count() * channels >= kParallelElements;
  std::fill(s0, s0 + channels, 0.0);
  std::fill(s1, s1 + channels, 0.0);
  if (v.inner == 1) {
    const int threads = parallel ? omp_get_max_threads() : 1;
    partial.assign(static_cast<std::size_t>(threads * 2 * channels), 0.0);
#pragma omp parallel num_threads(threads)
    {
      double* p0 = partial.data() + omp_get_thread_num() * 2 * channels;
      double* p1 = p0 + channels;
#pragma omp for schedule(static)
      for (std::int64_t r = 0; r < v.outer; ++r) {
        const std::int64_t base = r * channels;
#pragma omp simd
        for (std::int64_t c = 0; c < channels; ++c) {
          double a, b;
          term(base + c, c, a, b);
          p0[c] += a;
          p1[c] += b;
        }
      }
    }
    for (int t = 0; t < threads; ++t)
      for (std::int64_t c = 0; c < channels; ++c) {
        s0[c] += partial[static_cast<std::size_t>(t * 2 * channels + c)];
        s1[c] += partial[static_cast<std::size_t>(t * 2 * channels + channels + c)];
      }
    return;
  }
#pragma omp parallel for schedule(static) if (parallel)
  for (std::int64_t c = 0; c < channels; ++c) {
    double a0 = 0, a1 = 0;
    for (std::int64_t o = 0; o < v.outer; ++o) {
      const std::int64_t base = (o * channels + c) * v.inner;
#pragma omp simd reduction(+ : a0, a1)
      for (std::int64_t i = 0; i < v.inner; ++i) {
        double a, b;
        term(base + i, c, a, b);
        a0 += a;
        a1 += b;
      }
    }
    s0[c] = a0;
    s1[c] = a1;
  }
}

struct SumsState {
  std::vector<double> partial, s0, s1;
  std::vector<float> center;
};

SumsState& sums_state(const KernelCall& call, std::int64_t channels) {
  if (!call.state) {
    auto s = std::make_shared<SumsState>();
    s->s0.resize(static_cast<std::size_t>(channels));
    s->s1.resize(static_cast<std::size_t>(channels));
    s->center.resize(static_cast<std::size_t>(channels));
    call.state = s;
  }
  return *static_cast<SumsState*>(call.state.get());
}

}  // namespace

void batch_norm_stats(const KernelCall& call) {
  if (call.output.dtype != DType::float32 || call.inputs[0].numel == 0)
    return reference::batch_norm_stats(call);
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  SumsState& s = sums_state(call, v.channels);
  const float* x = call.inputs[0].as<float>();
  // Sums of x - x0 (x0 the channel's first element) keep E[d^2] - E[d]^2 free of cancellation.
  float* center = s.center.data();
  for (std::int64_t c = 0; c < v.channels; ++c) center[c] = x[c * v.inner];
  channel_sums(v, s.partial, s.s0.data(), s.s1.data(),
               [&](std::int64_t i, std::int64_t c, double& a, double& b) {
                 const double d = static_cast<double>(x[i]) - center[c];
                 a = d;
                 b = d * d;
               });
  const double n = static_cast<double>(v.count());
  float* out = call.output.as<float>();
  for (std::int64_t c = 0; c < v.channels; ++c) {
    const double mean = s.s0[static_cast<std::size_t>(c)] / n;
    out[c] = static_cast<float>(center[c] + mean);
    out[v.channels + c] =
        static_cast<float>(std::max(s.s1[static_cast<std::size_t>(c)] / n - mean * mean, 0.0));
  }
}

void batch_norm(const KernelCall& call) {
  if (call.output.dtype != DType::float32 || call.output.numel == 0)
    return reference::batch_norm(call);
  ThreadScope threads(call.output.numel);
  BnState& s = state_of(call, make_forward);
  const std::int64_t channels = call.inputs[2].numel;
  set(s.x, call.inputs[0].data);
  set(s.mean, call.inputs[1].as<float>());
  set(s.var, call.inputs[1].as<float>() + channels);
  set(s.scale, call.inputs[2].data);
  set(s.shift, call.inputs[3].data);
  set(s.out, call.output.data);
  s.step.run();
}

void batch_norm_grad(const KernelCall& call) {
  if (call.output.dtype != DType::float32 || call.output.numel == 0)
    return reference::batch_norm_grad(call);
  ThreadScope threads(call.output.numel);
  BnState& s = state_of(call, make_backward);
  const std::int64_t channels = call.inputs[2].numel;
  set(s.x, call.inputs[0].data);
  set(s.mean, call.inputs[1].as<float>());
  set(s.var, call.inputs[1].as<float>() + channels);
  set(s.scale, call.inputs[2].data);
  set(s.dy, call.inputs[3].data);
  set(s.out, call.output.data);
  s.step.run();
}

void batch_norm_grad_params(const KernelCall& call) {
  if (call.output.dtype != DType::float32 || call.inputs[0].numel == 0)
    return reference::batch_norm_grad_params(call);
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  SumsState& s = sums_state(call, v.channels);
  const float* x = call.inputs[0].as<float>();
  const float* stats = call.inputs[1].as<float>();
  const float* dy = call.inputs[2].as<float>();
  channel_sums(v, s.partial, s.s0.data(), s.s1.data(),
               [&](std::int64_t i, std::int64_t c, double& a, double& b) {
                 a = static_cast<double>(dy[i]) * (static_cast<double>(x[i]) - stats[c]);
                 b = dy[i];
               });
  float* out = call.output.as<float>();
  const double epsilon = call.attrs_as<ops::BatchNormAttrs>().epsilon;
  for (std::int64_t c = 0; c < v.channels; ++c) {
    const double inv_std = 1.0 / std::sqrt(static_cast<double>(stats[v.channels + c]) + epsilon);
    out[c] = static_cast<float>(s.s0[static_cast<std::size_t>(c)] * inv_std);
    out[v.channels + c] = static_cast<float>(s.s1[static_cast<std::size_t>(c)]);
  }
}

}  // namespace keras::kernels::cpu
