// The cuda recurrent kernels' steps (kernels/recurrent_steps.h: their products, their per-element
// cell passes and every index and stride in them) run here with host loops in place of the
// device's launches, against the reference kernels: forward, the input/state gradient and the
// recurrent kernel's gradient, for each cell kind and option (activations, masking, go_backwards,
// initial states, recurrent dropout, GRU reset_after), in float32 and float64. The passes run
// their elements in reverse order, as a reminder that the device runs them in any order.
// The same steps on a GPU: tests/kernels/cuda_vs_reference_test.cpp (scripts/gpu_check.sh).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "kernels/recurrent.h"
#include "kernels/recurrent_steps.h"

namespace {

using keras::DType;
using keras::Shape;
using keras::backend::OpKind;
using keras::kernels::Buffer;
using keras::kernels::KernelCall;
using keras::kernels::ScratchLayout;
using keras::ops::RecurrentAttrs;
namespace rnn = keras::kernels::rnn;

// The device policy's contract on the host: the reference's products, each pass's elements in
// reverse order.
template <typename T>
struct HostOps {
  void gemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
            std::int64_t lda, const T* b, std::int64_t ldb, T* c, std::int64_t ldc) const {
    rnn::ReferenceOps{}.gemm(ta, tb, m, n, k, a, lda, b, ldb, T(0), c, ldc);
  }
  template <typename F>
  void each(std::int64_t n, const F& f) const {
    for (std::int64_t i = n; i-- > 0;) f(i);
  }
  void zero(T* p, std::int64_t n) const { std::fill(p, p + n, T(0)); }
};

struct Case {
  std::string name;
  RecurrentAttrs attrs;
  std::int64_t time = 5, batch = 3, units = 4;
};
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

template <typename T>
struct Operands {
  std::vector<std::vector<T>> data;  // the inputs, in the op's order
  std::vector<Shape> shapes;
};

template <typename T>
std::vector<T> random_values(std::int64_t n, std::mt19937& rng, double lo, double hi) {
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(static_cast<std::size_t>(n));
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

template <typename T>
Operands<T> make_operands(const Case& c, std::mt19937& rng) {
  const RecurrentAttrs& a = c.attrs;
  const std::int64_t T_ = c.time, B = c.batch, u = c.units, G = rnn::gates(a.cell) * u;
  Operands<T> in;
  auto add = [&](Shape shape, std::vector<T> values) {
    in.shapes.push_back(std::move(shape));
    in.data.push_back(std::move(values));
  };
  add({T_, B, G}, random_values<T>(T_ * B * G, rng, -1, 1));
  add({u, G}, random_values<T>(u * G, rng, -0.6, 0.6));
  if (a.initial_state) {
    add({B, u}, random_values<T>(B * u, rng, -1, 1));
    if (a.cell == 2) add({B, u}, random_values<T>(B * u, rng, -1, 1));
  }
  auto zero_one = [&](std::int64_t n, T one, double keep) {
    std::vector<T> v = random_values<T>(n, rng, 0, 1);
    for (T& x : v) x = x < keep ? one : T(0);
    return v;
  };
  if (a.mask) add({B, T_}, zero_one(B * T_, T(1), 0.7));
  if (a.recurrent_mask) add({B, u}, zero_one(B * u, T(1.5), 0.6));
  if (a.reset_after) add({u}, random_values<T>(u, rng, -0.5, 0.5));
  return in;
}

template <typename T>
Buffer buffer_of(std::vector<T>& values, const Shape& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return {values.data(), shape, std::is_same_v<T, float> ? DType::float32 : DType::float64, n};
}

// A call of `op` over the operands plus `extra` (y and dy, or y and R), into `out`.
template <typename T>
KernelCall call_of(OpKind op, const keras::backend::OpAttrs& attrs, Operands<T>& in,
                   std::vector<std::pair<std::vector<T>*, Shape>> extra, std::vector<T>& out,
                   const Shape& out_shape) {
  KernelCall call;
  call.op = op;
  call.attrs = &attrs;
  for (std::size_t i = 0; i < in.data.size(); ++i)
    call.inputs.push_back(buffer_of(in.data[i], in.shapes[i]));
  for (auto& [values, shape] : extra) call.inputs.push_back(buffer_of(*values, shape));
  std::int64_t n = 1;
  for (std::int64_t d : out_shape) n *= d;
  out.assign(static_cast<std::size_t>(n), T(-7));  // what neither writes stays equal
  call.output = buffer_of(out, out_shape);
  return call;
}

// The reference kernel of the call's op (returned) and the steps (into the call's output),
// compared.
template <typename T>
std::vector<T> run_both(const KernelCall& call, const std::string& what) {
  std::vector<char> ref_scratch(rnn::prepare(call) + 64);
  KernelCall ref = call;
  ref.scratch = ref_scratch.data();
  ref.scratch_bytes = ref_scratch.size();
  std::vector<T> reference(static_cast<std::size_t>(call.output.numel), T(-7));
  ref.output.data = reference.data();
  if (call.op == OpKind::kRecurrent)
    rnn::forward<T>(ref, rnn::ReferenceOps{});
  else if (call.op == OpKind::kRecurrentGrad)
    rnn::backward<T>(ref, rnn::ReferenceOps{});
  else
    rnn::weights_grad<T>(ref, rnn::ReferenceOps{});

  const rnn::View<T> v(call);
  ScratchLayout counting = ScratchLayout::counting();
  rnn::StepBuffers<T>(counting, v, call.op);
  std::vector<char> memory(counting.bytes());  // zeroed, as the device's
  KernelCall holder;
  holder.scratch = memory.data();
  holder.scratch_bytes = memory.size();
  ScratchLayout layout(holder);
  const rnn::StepBuffers<T> buffers(layout, v, call.op);
  HostOps<T> ops;
  T* steps = call.output.as<T>();
  const std::size_t n_in = call.inputs.size();
  if (call.op == OpKind::kRecurrent)
    rnn::forward_steps<T>(v, buffers, steps, ops);
  else if (call.op == OpKind::kRecurrentGrad)
    rnn::backward_steps<T>(v, buffers, call.inputs[n_in - 2].as<T>(), call.inputs[n_in - 1].as<T>(),
                           steps, ops);
  else
    rnn::weights_steps<T>(v, buffers, call.inputs[n_in - 2].as<T>(), call.inputs[n_in - 1].as<T>(),
                          steps, ops);

  const double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-12;
  int reported = 0;
  for (std::int64_t i = 0; i < call.output.numel; ++i) {
    const double r = reference[static_cast<std::size_t>(i)], s = steps[i];
    if (std::abs(r - s) > tolerance * (1 + std::abs(r)) && reported++ < 5)
      ADD_FAILURE() << what << ": element " << i << " of " << call.output.numel << ": steps " << s
                    << ", reference " << r;
  }
  return reference;
}

template <typename T>
void check(const Case& c) {
  std::mt19937 rng(11);
  Operands<T> in = make_operands<T>(c, rng);
  const keras::backend::OpAttrs attrs(c.attrs);
  const std::int64_t T_ = c.time, B = c.batch, u = c.units;
  const std::int64_t G = rnn::gates(c.attrs.cell) * u;
  const std::int64_t S = rnn::width(c.attrs.cell, c.attrs.reset_after) * u;
  const std::int64_t GR = G + (c.attrs.reset_after ? u : 0);
  std::vector<T> y_out, r_out, du_out;

  KernelCall f = call_of<T>(OpKind::kRecurrent, attrs, in, {}, y_out, {T_, B, S});
  std::vector<T> y = run_both<T>(f, "Recurrent");
  std::vector<T> dy = random_values<T>(T_ * B * S, rng, -1, 1);
  KernelCall g = call_of<T>(OpKind::kRecurrentGrad, attrs, in,
                            {{&y, {T_, B, S}}, {&dy, {T_, B, S}}}, r_out, {T_ + 1, B, GR});
  std::vector<T> r = run_both<T>(g, "RecurrentGrad");
  KernelCall w = call_of<T>(OpKind::kRecurrentGradWeights, attrs, in,
                            {{&y, {T_, B, S}}, {&r, {T_ + 1, B, GR}}}, du_out, {u, G});
  run_both<T>(w, "RecurrentGradWeights");
}

std::vector<Case> cases() {
  using O = OpKind;
  return {
      {"lstm_state_mask_dropout",
       {.cell = 2,
        .activation = O::kTanh,
        .recurrent_activation = O::kHardSigmoid,
        .initial_state = true,
        .mask = true,
        .recurrent_mask = true}},
      {"lstm_backwards_relu_sigmoid",
       {.cell = 2,
        .activation = O::kRelu,
        .recurrent_activation = O::kSigmoid,
        .go_backwards = true},
       4,
       5,
       3},
      {"gru_backwards_state_mask_dropout",
       {.cell = 1,
        .activation = O::kTanh,
        .recurrent_activation = O::kHardSigmoid,
        .go_backwards = true,
        .initial_state = true,
        .mask = true,
        .recurrent_mask = true}},
      {"gru_softsign_sigmoid",
       {.cell = 1, .activation = O::kSoftsign, .recurrent_activation = O::kSigmoid},
       6,
       2,
       5},
      {"gru_reset_after_backwards_state_mask_dropout",
       {.cell = 1,
        .activation = O::kTanh,
        .recurrent_activation = O::kSigmoid,
        .go_backwards = true,
        .initial_state = true,
        .mask = true,
        .recurrent_mask = true,
        .reset_after = true}},
      {"gru_reset_after_elu_hard_sigmoid",
       {.cell = 1,
        .activation = O::kElu,
        .recurrent_activation = O::kHardSigmoid,
        .reset_after = true},
       3,
       4,
       2},
      {"simple_rnn_backwards_state_mask_dropout",
       {.cell = 0,
        .activation = O::kSoftplus,
        .go_backwards = true,
        .initial_state = true,
        .mask = true,
        .recurrent_mask = true}},
      {"simple_rnn_linear", {.cell = 0, .activation = O::kCount}, 4, 2, 3},
      {"simple_rnn_exponential_one_step", {.cell = 0, .activation = O::kExp}, 1, 2, 2},
      {"lstm_no_time_steps", {.cell = 2, .activation = O::kTanh}, 0, 2, 3},
  };
}

class RecurrentSteps : public ::testing::TestWithParam<Case> {};

TEST_P(RecurrentSteps, MatchTheReferenceKernels) {
  {
    SCOPED_TRACE("float32");
    check<float>(GetParam());
  }
  SCOPED_TRACE("float64");
  check<double>(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Cells, RecurrentSteps, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
