// The cpu backend's convolution and pooling: oneDNN primitives on channels_last (nwc / nhwc /
// ndhwc) activations. Each compiled step builds its primitive once, when the plan is made
// (prepare_conv; shapes are fixed per plan), so runs only rebind data pointers and execute. Kernels
// stay in Keras's (spatial..., in, out) layout in the graph; where the primitive prefers a blocked
// layout (for kernels always, for activations with the Winograd algorithm), a cached reorder
// converts them each run. float64 runs the reference kernels.
#include <omp.h>
#include <dnnl.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "backend/conv_geometry.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/dnnl_util.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/conv.h"
#include "ops/pool.h"

namespace keras::kernels::cpu {

namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using namespace dnnl_util;

tag activation_tag(int rank) {
  return rank == 1 ? tag::nwc : rank == 2 ? tag::nhwc : tag::ndhwc;
}
tag kernel_tag(int rank, bool grouped) {
  if (grouped) return rank == 1 ? tag::wigo : rank == 2 ? tag::hwigo : tag::dhwigo;
  return rank == 1 ? tag::wio : rank == 2 ? tag::hwio : tag::dhwio;
}

// oneDNN's logical dims (N, C, spatial...) of a channels_last buffer.
memory::dims logical(const Shape& s) {
  memory::dims d{s[0], s.back()};
  for (std::size_t i = 1; i + 1 < s.size(); ++i) d.push_back(s[i]);
  return d;
}

// `any`: let the primitive choose the layout (it is then reordered to and from channels_last).
memory::desc activation_md(const Shape& s, bool any = false) {
  return memory::desc(logical(s), dt::f32,
                      any ? tag::any : activation_tag(static_cast<int>(s.size()) - 2));
}

// Keras's kernel (spatial..., in / groups, out) as a oneDNN weights descriptor.
memory::desc kernel_md(const Shape& w, std::int64_t groups, bool any) {
  const int rank = static_cast<int>(w.size()) - 2;
  const std::int64_t in_g = w[w.size() - 2], out = w.back();
  memory::dims d;
  if (groups > 1)
    d = {groups, out / groups, in_g};
  else
    d = {out, in_g};
  for (int i = 0; i < rank; ++i) d.push_back(w[static_cast<std::size_t>(i)]);
  return memory::desc(d, dt::f32, any ? tag::any : kernel_tag(rank, groups > 1));
}

struct ConvParams {
  memory::dims strides, dilation, pad_l, pad_r;
};

ConvParams conv_params(const ops::ConvAttrs& a) {
  ConvParams p;
  for (std::size_t i = 0; i < a.strides.size(); ++i) {
    p.strides.push_back(a.strides[i]);
    p.dilation.push_back(a.dilation.empty() ? 0 : a.dilation[i] - 1);
    p.pad_l.push_back(a.pad_begin[i]);
    p.pad_r.push_back(a.pad_end[i]);
  }
  return p;
}

dnnl::post_ops activation_post_ops(const ops::FusedActivation& a) {
  dnnl::post_ops ops;
  switch (a.op) {
    case OpKind::kRelu:
      ops.append_eltwise(1.0f, algorithm::eltwise_relu, static_cast<float>(a.alpha), 0.0f);
      break;
    case OpKind::kTanh:
      ops.append_eltwise(1.0f, algorithm::eltwise_tanh, 0.0f, 0.0f);
      break;
    case OpKind::kSigmoid:
      ops.append_eltwise(1.0f, algorithm::eltwise_logistic, 0.0f, 0.0f);
      break;
    case OpKind::kElu:
      ops.append_eltwise(1.0f, algorithm::eltwise_elu, static_cast<float>(a.alpha), 0.0f);
      break;
    case OpKind::kCount:
      break;
    default:
      throw std::logic_error(std::string("no oneDNN post-op for ") + backend::op_name(a.op));
  }
  return ops;
}

// What a step needs only while it runs (arguments reordered to the primitive's layouts, oneDNN's
// scratchpad) lives in the step's planned scratch (KernelCall::scratch), which every step of a plan
// shares: a model holds it once, not once per step.
//
// An argument as the graph holds it (`user`, data pointer bound per run) and as the primitive wants
// it (`used`): the same memory, or a copy in the primitive's layout at `offset` in the scratch,
// that a cached reorder fills before the primitive runs (inputs) or copies back after it (outputs).
struct Staged {
  memory user, used;
  std::unique_ptr<Bound> reorder;
  std::size_t offset = 0;

  Staged(const memory::desc& user_md, const memory::desc& wanted, bool output,
         std::size_t& scratch_bytes) {
    user = user_memory(user_md);
    if (wanted == user_md) {
      used = user;
      return;
    }
    used = user_memory(wanted);
    reorder = std::make_unique<Bound>();
    const memory& from = output ? used : user;
    const memory& to = output ? user : used;
    reorder->primitive = dnnl::reorder(from, to);
    reorder->bind(DNNL_ARG_FROM, from);
    reorder->bind(DNNL_ARG_TO, to);
    offset = reserve(scratch_bytes, wanted.get_size());
  }
  // Where `bytes` more of scratch start, after the `used` bytes already reserved.
  static std::size_t reserve(std::size_t& used, std::size_t bytes) {
    const std::size_t at = used;
    used += (bytes + 63) / 64 * 64;
    return at;
  }
  void bind(const void* data, char* scratch) const {
    set(user, data);
    if (reorder) set(used, scratch + offset);
  }
  void convert() const {
    if (reorder) reorder->run();
  }
};

// One convolution step: its inputs converted in, the primitive, its output converted out.
struct ConvState {
  int threads = omp_get_max_threads();    // oneDNN fixes a convolution's team when it is made
  std::shared_ptr<ConvState> other_team;  // made when a run is granted another team: see below
  Bound step;
  std::vector<std::unique_ptr<Staged>> inputs;  // in the KernelCall's input order
  std::unique_ptr<Staged> output;
  memory bias, scratchpad;
  std::size_t scratchpad_offset = 0;
  std::size_t scratch_bytes = 0;  // the staged copies and the scratchpad

  void stage_input(int arg, const memory::desc& user_md, const memory::desc& wanted) {
    inputs.push_back(std::make_unique<Staged>(user_md, wanted, false, scratch_bytes));
    step.bind(arg, inputs.back()->used);
  }
  void stage_output(int arg, const memory::desc& user_md, const memory::desc& wanted) {
    output = std::make_unique<Staged>(user_md, wanted, true, scratch_bytes);
    step.bind(arg, output->used);
  }
  void run(const KernelCall& call) const {
    if (call.scratch_bytes < scratch_bytes)
      throw std::logic_error("cpu::conv: the step was planned with " +
                             std::to_string(call.scratch_bytes) + " bytes of scratch, it needs " +
                             std::to_string(scratch_bytes));
    char* scratch = static_cast<char*>(call.scratch);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      inputs[k]->bind(call.inputs[k].data, scratch);
      inputs[k]->convert();
    }
    if (bias) set(bias, call.inputs[inputs.size()].data);
    output->bind(call.output.data, scratch);
    if (scratchpad.get_desc().get_size() > 0) set(scratchpad, scratch + scratchpad_offset);
    step.run();
    output->convert();
  }
};

void bind_scratch(ConvState& s, const dnnl::primitive_desc& pd) {
  s.scratchpad = user_memory(pd.scratchpad_desc());
  s.scratchpad_offset = Staged::reserve(s.scratch_bytes, pd.scratchpad_desc().get_size());
  s.step.bind(DNNL_ARG_SCRATCHPAD, s.scratchpad);
}

// oneDNN's Winograd F(4x4, 3x3) kernels run 3x3, stride-1 convolutions with channel counts in
// multiples of 16 about twice as fast as the direct ones here (forward and both gradients), even
// with the reorders to and from the blocked layouts they need. Results differ from the direct
// kernels' by rounding only (about 1e-6 relative). Where oneDNN has no Winograd implementation for
// a shape or machine, creating the descriptor fails and the direct algorithm is used.
// Its blocked copies of the input and output cost as much memory again as the activations
// themselves, so large batches (inference at batch 1024) keep the direct kernels, which need none.
constexpr std::int64_t kWinogradStagingLimit = std::int64_t{64} << 20;  // bytes

bool winograd_candidate(const Shape& x, const Shape& w, const Shape& y, const ops::ConvAttrs& a) {
  if (w.size() != 4 || a.groups > 1 || w[0] != 3 || w[1] != 3) return false;
  if ((shape_numel(x) + shape_numel(y)) * std::int64_t{4} > kWinogradStagingLimit) return false;
  for (auto s : a.strides)
    if (s != 1) return false;
  for (auto d : a.dilation)
    if (d != 1) return false;
  return w[2] % 16 == 0 && w[3] % 16 == 0;
}

// The first primitive descriptor `make(winograd)` builds: Winograd where it is a candidate and
// oneDNN has it, the direct algorithm otherwise.
template <typename Make>
auto with_best_algorithm(const Shape& x, const Shape& w, const Shape& y, const ops::ConvAttrs& a,
                         Make make) {
  if (winograd_candidate(x, w, y, a)) {
    try {
      return make(true);
    } catch (const dnnl::error&) {
    }
  }
  return make(false);
}

// x: the convolution's input, w: its kernel, y: its output (shapes of the forward direction).
// Winograd primitives choose their activation layouts; direct ones take channels_last as it is.
dnnl::convolution_forward::primitive_desc forward_pd(const Shape& x, const Shape& w, const Shape& y,
                                                     const ops::ConvAttrs& a, bool bias,
                                                     bool scratch, bool winograd) {
  const ConvParams p = conv_params(a);
  memory::desc bias_md = bias ? memory::desc({y.back()}, dt::f32, tag::x) : memory::desc();
  dnnl::convolution_forward::desc d(
      prop_kind::forward_training,
      winograd ? algorithm::convolution_winograd : algorithm::convolution_direct,
      activation_md(x, winograd), kernel_md(w, a.groups, true), bias_md, activation_md(y, winograd),
      p.strides, p.dilation, p.pad_l, p.pad_r);
  dnnl::primitive_attr attr = scratch ? user_scratchpad() : dnnl::primitive_attr();
  if (scratch) attr.set_post_ops(activation_post_ops(a.activation));
  return dnnl::convolution_forward::primitive_desc(d, attr, engine());
}

std::shared_ptr<ConvState> make_conv_forward(const KernelCall& call) {
  const Shape &x = call.inputs[0].shape, &w = call.inputs[1].shape, &y = call.output.shape;
  const auto& a = call.attrs_as<ops::ConvAttrs>();
  const bool bias = call.inputs.size() > 2;
  auto pd = with_best_algorithm(
      x, w, y, a, [&](bool winograd) { return forward_pd(x, w, y, a, bias, true, winograd); });
  report("conv forward", pd);
  auto s = std::make_shared<ConvState>();
  s->step.primitive = dnnl::convolution_forward(pd);
  s->stage_input(DNNL_ARG_SRC, activation_md(x), pd.src_desc());
  s->stage_input(DNNL_ARG_WEIGHTS, kernel_md(w, a.groups, false), pd.weights_desc());
  s->stage_output(DNNL_ARG_DST, activation_md(y), pd.dst_desc());
  if (bias) {
    s->bias = user_memory(pd.bias_desc());
    s->step.bind(DNNL_ARG_BIAS, s->bias);
  }
  bind_scratch(*s, pd);
  return s;
}

std::shared_ptr<ConvState> make_conv_grad_input(const KernelCall& call) {
  const Shape &dy = call.inputs[0].shape, &w = call.inputs[1].shape, &dx = call.output.shape;
  const auto& a = call.attrs_as<ops::ConvAttrs>();
  const ConvParams p = conv_params(a);
  auto pd = with_best_algorithm(dx, w, dy, a, [&](bool winograd) {
    auto hint = forward_pd(dx, w, dy, a, false, false, winograd);
    dnnl::convolution_backward_data::desc d(
        winograd ? algorithm::convolution_winograd : algorithm::convolution_direct,
        activation_md(dx, winograd), kernel_md(w, a.groups, true), activation_md(dy, winograd),
        p.strides, p.dilation, p.pad_l, p.pad_r);
    return dnnl::convolution_backward_data::primitive_desc(d, user_scratchpad(), engine(), hint);
  });
  report("conv backward data", pd);
  auto s = std::make_shared<ConvState>();
  s->step.primitive = dnnl::convolution_backward_data(pd);
  s->stage_input(DNNL_ARG_DIFF_DST, activation_md(dy), pd.diff_dst_desc());
  s->stage_input(DNNL_ARG_WEIGHTS, kernel_md(w, a.groups, false), pd.weights_desc());
  s->stage_output(DNNL_ARG_DIFF_SRC, activation_md(dx), pd.diff_src_desc());
  bind_scratch(*s, pd);
  return s;
}

std::shared_ptr<ConvState> make_conv_grad_kernel(const KernelCall& call) {
  const Shape &x = call.inputs[0].shape, &dy = call.inputs[1].shape, &w = call.output.shape;
  const auto& a = call.attrs_as<ops::ConvAttrs>();
  const ConvParams p = conv_params(a);
  auto pd = with_best_algorithm(x, w, dy, a, [&](bool winograd) {
    auto hint = forward_pd(x, w, dy, a, false, false, winograd);
    dnnl::convolution_backward_weights::desc d(
        winograd ? algorithm::convolution_winograd : algorithm::convolution_direct,
        activation_md(x, winograd), kernel_md(w, a.groups, true), activation_md(dy, winograd),
        p.strides, p.dilation, p.pad_l, p.pad_r);
    return dnnl::convolution_backward_weights::primitive_desc(d, user_scratchpad(), engine(), hint);
  });
  report("conv backward weights", pd);
  auto s = std::make_shared<ConvState>();
  s->step.primitive = dnnl::convolution_backward_weights(pd);
  s->stage_input(DNNL_ARG_SRC, activation_md(x), pd.src_desc());
  s->stage_input(DNNL_ARG_DIFF_DST, activation_md(dy), pd.diff_dst_desc());
  s->stage_output(DNNL_ARG_DIFF_WEIGHTS, kernel_md(w, a.groups, false), pd.diff_weights_desc());
  bind_scratch(*s, pd);
  return s;
}

template <typename Make>
ConvState& state_of(const KernelCall& call, Make make) {
  if (!call.state) call.state = make(call);
  return *static_cast<ConvState*>(call.state.get());
}

// The state to run with the team this run was granted. oneDNN's convolutions run the team they
// were made with, whatever the run's thread count, so when the adaptive budget
// (cpu::ThreadBudget) grants fewer threads while other processes keep the cores busy, a
// primitive made for the whole team would keep spinning against them (a Conv1D model's 2-thread
// training at 0.57x its 1-thread speed beside one busy process). Its primitives are made again
// for the granted team, once per change of the grant (the only allocation on this path), unless
// they would need more scratch than the step was planned with.
template <typename Make>
const ConvState& state_for_team(const KernelCall& call, Make make) {
  ConvState& planned = state_of(call, make);
  const int threads = omp_get_max_threads();
  if (threads == planned.threads) return planned;
  if (!planned.other_team || planned.other_team->threads != threads) {
    std::shared_ptr<ConvState> other = make(call);
    if (other->scratch_bytes > call.scratch_bytes) return planned;
    planned.other_team = std::move(other);
  }
  return *planned.other_team;
}

bool has_operands(const KernelCall& call) {
  return call.output.numel > 0 && call.inputs[0].numel > 0 && call.inputs[1].numel > 0;
}

bool empty_output(const KernelCall& call) {
  if (has_operands(call)) return false;
  std::fill(call.output.as<float>(), call.output.as<float>() + call.output.numel, 0.0f);
  return true;
}

// Pooling: the forward primitive for inference, or the backward one after a forward training
// run that records the max positions in a workspace.
struct PoolParams {
  memory::dims strides, window, pad_l, pad_r;
};
PoolParams pool_params(const ops::PoolAttrs& a) {
  PoolParams p;
  for (std::size_t i = 0; i < a.window.size(); ++i) {
    p.strides.push_back(a.strides[i]);
    p.window.push_back(a.window[i]);
    p.pad_l.push_back(a.pad_begin[i]);
    p.pad_r.push_back(a.pad_end[i]);
  }
  return p;
}
algorithm pool_algorithm(OpKind op) {
  return op == OpKind::kMaxPool || op == OpKind::kMaxPoolGrad
             ? algorithm::pooling_max
             : algorithm::pooling_avg_exclude_padding;
}

struct PoolState {
  Bound forward, backward;
  memory x, y, dy, dx, workspace;
  // Memories that live in the step's scratch while it runs, at their offsets.
  std::vector<std::pair<memory, std::size_t>> in_scratch;
  std::size_t scratch_bytes = 0;

  memory scratch_memory(const memory::desc& md) {
    in_scratch.emplace_back(user_memory(md), Staged::reserve(scratch_bytes, md.get_size()));
    return in_scratch.back().first;
  }
  void bind_scratch(const KernelCall& call) const {
    if (call.scratch_bytes < scratch_bytes)
      throw std::logic_error("cpu::pool: the step was planned with " +
                             std::to_string(call.scratch_bytes) + " bytes of scratch, it needs " +
                             std::to_string(scratch_bytes));
    for (const auto& [m, offset] : in_scratch) set(m, static_cast<char*>(call.scratch) + offset);
  }
};

dnnl::pooling_forward::primitive_desc pool_forward_pd(OpKind op, const Shape& x, const Shape& y,
                                                      const ops::PoolAttrs& a, prop_kind kind) {
  const PoolParams p = pool_params(a);
  dnnl::pooling_forward::desc d(kind, pool_algorithm(op), activation_md(x), activation_md(y),
                                p.strides, p.window, p.pad_l, p.pad_r);
  return dnnl::pooling_forward::primitive_desc(d, user_scratchpad(), engine());
}

std::shared_ptr<PoolState> make_pool(const KernelCall& call) {
  const Shape &x = call.inputs[0].shape, &y = call.output.shape;
  auto pd =
      pool_forward_pd(call.op, x, y, call.attrs_as<ops::PoolAttrs>(), prop_kind::forward_inference);
  report("pooling forward", pd);
  auto s = std::make_shared<PoolState>();
  s->forward.primitive = dnnl::pooling_forward(pd);
  s->x = user_memory(activation_md(x));
  s->y = user_memory(activation_md(y));
  s->forward.bind(DNNL_ARG_SRC, s->x);
  s->forward.bind(DNNL_ARG_DST, s->y);
  s->forward.bind(DNNL_ARG_SCRATCHPAD, s->scratch_memory(pd.scratchpad_desc()));
  return s;
}

// MaxPoolGrad(x, dy) or AvgPoolGrad(dy).
std::shared_ptr<PoolState> make_pool_grad(const KernelCall& call) {
  const bool max = call.op == OpKind::kMaxPoolGrad;
  const Buffer& dy_buffer = call.inputs[max ? 1 : 0];
  const Shape &dx = call.output.shape, &dy = dy_buffer.shape;
  const auto& a = call.attrs_as<ops::PoolAttrs>();
  auto fwd = pool_forward_pd(call.op, dx, dy, a, prop_kind::forward_training);
  const PoolParams p = pool_params(a);
  dnnl::pooling_backward::desc d(pool_algorithm(call.op), activation_md(dx), activation_md(dy),
                                 p.strides, p.window, p.pad_l, p.pad_r);
  dnnl::pooling_backward::primitive_desc pd(d, user_scratchpad(), engine(), fwd);
  report("pooling backward", pd);
  auto s = std::make_shared<PoolState>();
  if (max) {
    s->forward.primitive = dnnl::pooling_forward(fwd);
    s->x = user_memory(activation_md(dx));
    s->workspace = s->scratch_memory(fwd.workspace_desc());
    s->forward.bind(DNNL_ARG_SRC, s->x);
    s->forward.bind(DNNL_ARG_DST, s->scratch_memory(fwd.dst_desc()));
    s->forward.bind(DNNL_ARG_WORKSPACE, s->workspace);
    s->forward.bind(DNNL_ARG_SCRATCHPAD, s->scratch_memory(fwd.scratchpad_desc()));
  }
  s->backward.primitive = dnnl::pooling_backward(pd);
  s->dy = user_memory(activation_md(dy));
  s->dx = user_memory(activation_md(dx));
  s->backward.bind(DNNL_ARG_DIFF_DST, s->dy);
  s->backward.bind(DNNL_ARG_DIFF_SRC, s->dx);
  if (max) s->backward.bind(DNNL_ARG_WORKSPACE, s->workspace);
  s->backward.bind(DNNL_ARG_SCRATCHPAD, s->scratch_memory(pd.scratchpad_desc()));
  return s;
}

template <typename Make>
PoolState& pool_state_of(const KernelCall& call, Make make) {
  if (!call.state) call.state = make(call);
  return *static_cast<PoolState*>(call.state.get());
}

}  // namespace

// The scratch of the step's primitive, made now rather than on the first run. Float32 steps with
// something to compute run one; the others the reference kernel (other dtypes, with its scratch)
// or a fill.
std::size_t prepare_conv(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::prepare_window(call);
  if (!has_operands(call)) return 0;
  switch (call.op) {
    case OpKind::kConv:
      return state_of(call, make_conv_forward).scratch_bytes;
    case OpKind::kConvGradInput:
      return state_of(call, make_conv_grad_input).scratch_bytes;
    default:
      return state_of(call, make_conv_grad_kernel).scratch_bytes;
  }
}

void conv(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::conv(call);
  if (empty_output(call)) return;
  state_for_team(call, make_conv_forward).run(call);
}

void conv_grad_input(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::conv_grad_input(call);
  if (empty_output(call)) return;
  state_for_team(call, make_conv_grad_input).run(call);
}

void conv_grad_kernel(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::conv_grad_kernel(call);
  if (empty_output(call)) return;
  state_for_team(call, make_conv_grad_kernel).run(call);
}

std::size_t prepare_pool(const KernelCall& call) {
  if (call.output.dtype != DType::float32 || call.output.numel == 0)
    return reference::prepare_window(call);
  const bool grad = call.op == OpKind::kMaxPoolGrad || call.op == OpKind::kAvgPoolGrad;
  return pool_state_of(call, grad ? make_pool_grad : make_pool).scratch_bytes;
}

void pool(const KernelCall& call) {
  if (call.output.dtype != DType::float32 || call.output.numel == 0)
    return call.op == OpKind::kMaxPool ? reference::max_pool(call) : reference::avg_pool(call);
  PoolState& s = pool_state_of(call, make_pool);
  s.bind_scratch(call);
  set(s.x, call.inputs[0].data);
  set(s.y, call.output.data);
  s.forward.run();
}

void pool_grad(const KernelCall& call) {
  const bool max = call.op == OpKind::kMaxPoolGrad;
  if (call.output.dtype != DType::float32 || call.output.numel == 0)
    return max ? reference::max_pool_grad(call) : reference::avg_pool_grad(call);
  PoolState& s = pool_state_of(call, make_pool_grad);
  s.bind_scratch(call);
  if (max) {
    set(s.x, call.inputs[0].data);
    s.forward.run();
  }
  set(s.dy, call.inputs[max ? 1 : 0].data);
  set(s.dx, call.output.data);
  s.backward.run();
}

}  // namespace keras::kernels::cpu
