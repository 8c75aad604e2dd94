// Recurrent(xproj, U, [h0, [c0]], [mask], [recurrent dropout mask], [recurrent bias (GRU
// reset_after)]): a whole SimpleRNN, GRU or LSTM sequence over precomputed input projections
// (RecurrentAttrs: the cell, its activations, the direction, the optional inputs; K::recurrent);
// RecurrentGrad adds (its output, its output's gradient); RecurrentGradWeights adds (its output,
// RecurrentGrad's output) and gives dU. Kernels: kernels/reference/recurrent.cpp,
// kernels/cpu/recurrent.cpp, kernels/cuda/recurrent.cu, over the layouts of kernels/recurrent.h.
#include "kernels/recurrent.h"
#include "keras/backend/backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"
#include "ops/recurrent.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

// The steps a Recurrent keeping its last step alone outputs: 1, none of none, -1 if unknown.
std::int64_t last_step_count(std::int64_t steps) {
  return steps < 0 ? -1 : std::min<std::int64_t>(steps, 1);
}

// Recurrent(xproj (T, B, G*u), U (u, G*u), ...) -> (T, B, W*u); RecurrentGrad -> (T+1, B, G*u)
// (G+1 with reset_after); RecurrentGradWeights -> U.
Shape recurrent_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& attrs) {
  const auto& a = attrs.get<RecurrentAttrs>(op);
  if (a.cell < 0 || a.cell > 2) fail(op, "unknown cell " + std::to_string(a.cell));
  const std::int64_t gates = a.cell == 2 ? 4 : (a.cell == 1 ? 3 : 1);
  if (a.reset_after && a.cell != 1) fail(op, "reset_after applies to a GRU cell only");
  const std::int64_t width = a.cell == 2 ? 6 : (a.cell == 1 ? (a.reset_after ? 5 : 4) : 1);
  if (op != OpKind::kRecurrent && (a.last_step_only || a.projects_input))
    fail(op, "only Recurrent keeps its last step alone or projects its own inputs");
  const auto n = static_cast<std::size_t>(kernels::rnn::InputIndex(a).count);
  expect_inputs(op, in, op == OpKind::kRecurrent ? n : n + 2);
  const Shape& x = *in[0];
  const Shape& u = *in[1];
  if (x.size() != 3 || u.size() != 2 || u[0] < 0 || u[1] != gates * u[0])
    fail(op, "expects time-major inputs of shape (time, batch, " + std::to_string(gates) +
                 " * units) and a recurrent kernel of shape (units, " + std::to_string(gates) +
                 " * units), got " + shape_to_string(x) + " and " + shape_to_string(u));
  for (OpKind act : {a.activation, a.recurrent_activation})
    if (!kernels::rnn::fused_activation(act))
      fail(op, std::string("unsupported activation ") + op_name(act) +
                   " (supported: " + kernels::rnn::fused_activation_names() + ")");
  if (!a.projects_input && dims_conflict(x[2], u[1]))
    fail(op, "inputs " + shape_to_string(x) + " do not match the recurrent kernel " +
                 shape_to_string(u));
  const std::int64_t units = u[0];
  std::size_t k = 2;
  auto expect = [&](const Shape& expected, const char* what) {
    const Shape& s = *in[k++];
    bool ok = s.size() == expected.size();
    for (std::size_t d = 0; ok && d < s.size(); ++d) ok = !dims_conflict(s[d], expected[d]);
    if (!ok)
      fail(op, std::string("the ") + what + " must have shape " + shape_to_string(expected) +
                   ", got " + shape_to_string(s));
  };
  if (a.initial_state) {
    expect({x[1], units}, "initial state");
    if (a.cell == 2) expect({x[1], units}, "initial cell state");
  }
  if (a.mask) expect({x[1], x[0]}, "mask");
  if (a.recurrent_mask) expect({x[1], units}, "recurrent dropout mask");
  if (a.reset_after) expect({units}, "recurrent bias");
  if (a.projects_input) {
    expect({x[2], u[1]}, "input kernel");
    expect({u[1]}, "input bias");
  }
  if (op == OpKind::kRecurrent)
    return {a.last_step_only ? last_step_count(x[0]) : x[0], x[1], width * units};
  // reset_after: d(h_{t-1} U_h + recurrent bias) follows d xproj.
  if (op == OpKind::kRecurrentGrad)
    return {x[0] < 0 ? -1 : x[0] + 1, x[1], (gates + a.reset_after) * units};
  return u;
}

Grads recurrent_grad(const Node& node, const SymbolicTensor& y, const SymbolicTensor& g) {
  const auto& a = node.attrs_as<RecurrentAttrs>();
  if (a.last_step_only || a.projects_input)
    throw std::logic_error(
        "a Recurrent keeping its last step alone or projecting its own inputs has no gradient "
        "(the compiler makes them for inference only)");
  std::vector<SymbolicTensor> inputs;
  for (const auto& x : node.inputs) inputs.emplace_back(x);
  const std::int64_t units = node.inputs[1]->shape[0];
  std::vector<SymbolicTensor> grad_inputs = inputs;
  grad_inputs.push_back(y);
  grad_inputs.push_back(g);
  SymbolicTensor r = K::make_node(OpKind::kRecurrentGrad, grad_inputs, a);
  std::vector<SymbolicTensor> weight_inputs = inputs;
  weight_inputs.push_back(y);
  weight_inputs.push_back(r);
  Grads grads(node.inputs.size());
  // Bounds from the end: the number of time steps may be known only at run time.
  SymbolicTensor dxproj = K::slice(r, 0, 0, -1);
  if (a.reset_after) {
    // R's last u columns: d(h_{t-1} U_h + recurrent bias), summed over time and batch.
    grads.back() = K::sum(K::slice(dxproj, 2, 3 * units, 4 * units), {0, 1});
    dxproj = K::slice(dxproj, 2, 0, 3 * units);
  }
  grads[0] = dxproj;
  grads[1] = K::make_node(OpKind::kRecurrentGradWeights, weight_inputs, a);
  if (a.initial_state) {
    SymbolicTensor last = K::slice(r, 0, -1, 0);
    grads[2] = K::reshape(K::slice(last, 2, 0, units), {-1, units});
    if (a.cell == 2) grads[3] = K::reshape(K::slice(last, 2, units, 2 * units), {-1, units});
  }
  return grads;  // no gradient for the mask and the dropout mask
}

}  // namespace

void register_recurrent_ops(OpTable& table) {
  table.add(
      {.op = OpKind::kRecurrent,
       .name = "Recurrent",
       .attrs = attrs_of<RecurrentAttrs>(),
       .shape = &recurrent_shape,
       .dtype = &same_float_dtype,
       .gradient = &recurrent_grad,
       .reference = KERAS_PREPARED_KERNEL(kernels::reference::recurrent, kernels::rnn::prepare),
       .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::recurrent, kernels::rnn::prepare),
       .cuda =
           KERAS_PREPARED_CUDA_KERNEL(kernels::cuda::recurrent, kernels::cuda::prepare_recurrent)});
  // Recurrent's gradients: no rules of their own.
  table.add({.op = OpKind::kRecurrentGrad,
             .name = "RecurrentGrad",
             .attrs = attrs_of<RecurrentAttrs>(),
             .shape = &recurrent_shape,
             .dtype = &same_float_dtype,
             .reference =
                 KERAS_PREPARED_KERNEL(kernels::reference::recurrent_grad, kernels::rnn::prepare),
             .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::recurrent_grad, kernels::rnn::prepare),
             .cuda = KERAS_PREPARED_CUDA_KERNEL(kernels::cuda::recurrent,
                                                kernels::cuda::prepare_recurrent)});
  table.add({.op = OpKind::kRecurrentGradWeights,
             .name = "RecurrentGradWeights",
             .attrs = attrs_of<RecurrentAttrs>(),
             .shape = &recurrent_shape,
             .dtype = &same_float_dtype,
             .reference = KERAS_PREPARED_KERNEL(kernels::reference::recurrent_grad_weights,
                                                kernels::rnn::prepare),
             .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::recurrent_grad_weights,
                                               kernels::rnn::prepare),
             .cuda = KERAS_PREPARED_CUDA_KERNEL(kernels::cuda::recurrent,
                                                kernels::cuda::prepare_recurrent)});
}

}  // namespace keras::ops
