// Elementwise ops: unary math and activations (StopGradient: the identity without a gradient),
// binary arithmetic and comparisons with numpy broadcasting, casts and the run-time switch.
// Kernels: kernels/reference/elementwise.cpp (the scalar definitions in
// kernels/elementwise_math.h); on the cpu backend the compiler fuses chains of them into one loop
// (kernels/cpu/fused_elementwise.cpp), so they have no cpu kernel of their own.
#include "ops/elementwise.h"
#include "keras/backend/backend.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

SymbolicTensor scalar(double v, const SymbolicTensor& like) {
  return K::constant(v, like.dtype());
}

Shape broadcast_binary(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 2);
  return broadcast_shapes(op, *in[0], *in[1]);
}

// ---- unary derivative rules ----

Grads neg_grad(const Node&, const SymbolicTensor&, const SymbolicTensor& g) {
  return {K::neg(g)};
}
Grads exp_grad(const Node&, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {g * y};
}
Grads log_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {g / input(n, 0)};
}
Grads sqrt_grad(const Node&, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {g / (y * 2.0)};
}
Grads square_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {g * input(n, 0) * 2.0};
}
Grads abs_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {g * K::sign(input(n, 0))};
}
Grads relu_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  const auto& a = n.attrs_as<UnaryAttrs>();
  // Plain relu reads its output, so the pre-activation is not kept alive (Dense fusion).
  SymbolicTensor x = a.alpha == 0 && a.beta < 0 ? y : input(n, 0);
  SymbolicTensor d = K::greater(x, scalar(0, x));
  if (a.beta >= 0) d = d * K::less(x, scalar(a.beta, x));
  if (a.alpha != 0) d = d + K::less(x, scalar(0, x)) * a.alpha;
  return {g * d};
}
Grads sigmoid_grad(const Node&, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {g * y * (1.0 - y)};
}
Grads hard_sigmoid_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {g * K::less(K::abs(input(n, 0)), scalar(2.5, y)) * 0.2};
}
Grads tanh_grad(const Node&, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {g * (1.0 - K::square(y))};
}
Grads softplus_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {g * K::sigmoid(input(n, 0))};
}
Grads softsign_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {g / K::square(1.0 + K::abs(input(n, 0)))};
}
Grads elu_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  SymbolicTensor x = input(n, 0);
  SymbolicTensor positive = K::greater(x, scalar(0, x));
  return {g * (positive + (1.0 - positive) * (y + n.attrs_as<UnaryAttrs>().alpha))};
}
Grads clip_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  SymbolicTensor x = input(n, 0);
  const auto& a = n.attrs_as<UnaryAttrs>();
  return {g * K::greater_equal(x, scalar(a.alpha, x)) * K::less_equal(x, scalar(a.beta, x))};
}
Grads sin_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {g * K::cos(input(n, 0))};
}
Grads cos_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {K::neg(g * K::sin(input(n, 0)))};
}

// ---- binary derivative rules ----

Grads add_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {unbroadcast(g, input(n, 0)), unbroadcast(g, input(n, 1))};
}
Grads sub_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {unbroadcast(g, input(n, 0)), unbroadcast(K::neg(g), input(n, 1))};
}
Grads mul_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {unbroadcast(g * input(n, 1), input(n, 0)), unbroadcast(g * input(n, 0), input(n, 1))};
}
Grads div_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {unbroadcast(g / input(n, 1), input(n, 0)),
          unbroadcast(K::neg(g) * y / input(n, 1), input(n, 1))};
}
Grads pow_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  SymbolicTensor x = input(n, 0), p = input(n, 1);
  return {unbroadcast(g * p * K::pow(x, p - 1.0), x), unbroadcast(g * y * K::log(x), p)};
}
Grads maximum_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {unbroadcast(g * K::greater_equal(input(n, 0), input(n, 1)), input(n, 0)),
          unbroadcast(g * K::less(input(n, 0), input(n, 1)), input(n, 1))};
}
Grads minimum_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {unbroadcast(g * K::less_equal(input(n, 0), input(n, 1)), input(n, 0)),
          unbroadcast(g * K::greater(input(n, 0), input(n, 1)), input(n, 1))};
}

// ---- cast and switch ----

DType cast_dtype(OpKind op, const std::vector<DType>&, const OpAttrs& attrs) {
  return attrs.get<CastAttrs>(op).dtype;
}
Grads cast_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  if (!is_floating(n.inputs[0]->dtype)) return {SymbolicTensor()};
  return {K::cast(g, n.inputs[0]->dtype)};
}

// Switch(condition scalar, then, else): in_train_phase at run time.
Shape switch_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 3);
  if (shape_numel(*in[0]) != 1)
    fail(op, "the condition must be a scalar, got " + shape_to_string(*in[0]));
  return broadcast_shapes(op, *in[1], *in[2]);
}
DType switch_dtype(OpKind, const std::vector<DType>& in, const OpAttrs&) {
  return in[1];
}
Grads switch_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  SymbolicTensor zero = g * 0.0;
  return {SymbolicTensor(), unbroadcast(K::switch_(input(n, 0), g, zero), input(n, 1)),
          unbroadcast(K::switch_(input(n, 0), zero, g), input(n, 2))};
}

OpDef unary(OpKind op, const char* name, GradientRule gradient, AttrsType attrs = {}) {
  return {.op = op,
          .name = name,
          .elementwise = true,
          .attrs = attrs,
          .shape = &same_shape,
          .gradient = gradient,
          .reference = KERAS_KERNEL(kernels::reference::unary),
          .cuda = KERAS_CUDA_KERNEL(kernels::cuda::unary)};
}

OpDef binary(OpKind op, const char* name, GradientRule gradient) {
  return {.op = op,
          .name = name,
          .elementwise = true,
          .shape = &broadcast_binary,
          .gradient = gradient,
          .reference = KERAS_KERNEL(kernels::reference::binary),
          .cuda = KERAS_CUDA_KERNEL(kernels::cuda::binary)};
}

}  // namespace

void register_elementwise_ops(OpTable& table) {
  table.add(unary(OpKind::kNeg, "Neg", &neg_grad));
  table.add(unary(OpKind::kExp, "Exp", &exp_grad));
  table.add(unary(OpKind::kLog, "Log", &log_grad));
  table.add(unary(OpKind::kSqrt, "Sqrt", &sqrt_grad));
  table.add(unary(OpKind::kSquare, "Square", &square_grad));
  table.add(unary(OpKind::kAbs, "Abs", &abs_grad));
  table.add(unary(OpKind::kSign, "Sign", &no_gradient));
  table.add(unary(OpKind::kRelu, "Relu", &relu_grad, attrs_of<UnaryAttrs>()));
  table.add(unary(OpKind::kSigmoid, "Sigmoid", &sigmoid_grad));
  table.add(unary(OpKind::kHardSigmoid, "HardSigmoid", &hard_sigmoid_grad));
  table.add(unary(OpKind::kTanh, "Tanh", &tanh_grad));
  table.add(unary(OpKind::kSoftplus, "Softplus", &softplus_grad));
  table.add(unary(OpKind::kSoftsign, "Softsign", &softsign_grad));
  table.add(unary(OpKind::kElu, "Elu", &elu_grad, attrs_of<UnaryAttrs>()));
  table.add(unary(OpKind::kClip, "Clip", &clip_grad, attrs_of<UnaryAttrs>()));
  table.add(unary(OpKind::kRound, "Round", &no_gradient));  // piecewise constant
  table.add(unary(OpKind::kSin, "Sin", &sin_grad));
  table.add(unary(OpKind::kCos, "Cos", &cos_grad));
  table.add(unary(OpKind::kStopGradient, "StopGradient", &no_gradient));

  table.add(binary(OpKind::kAdd, "Add", &add_grad));
  table.add(binary(OpKind::kSub, "Sub", &sub_grad));
  table.add(binary(OpKind::kMul, "Mul", &mul_grad));
  table.add(binary(OpKind::kDiv, "Div", &div_grad));
  table.add(binary(OpKind::kPow, "Pow", &pow_grad));
  table.add(binary(OpKind::kMaximum, "Maximum", &maximum_grad));
  table.add(binary(OpKind::kMinimum, "Minimum", &minimum_grad));
  for (auto [op, name] :
       {std::pair{OpKind::kEqual, "Equal"}, std::pair{OpKind::kNotEqual, "NotEqual"},
        std::pair{OpKind::kGreater, "Greater"}, std::pair{OpKind::kGreaterEqual, "GreaterEqual"},
        std::pair{OpKind::kLess, "Less"}, std::pair{OpKind::kLessEqual, "LessEqual"}})
    table.add(binary(op, name, &no_gradient));  // piecewise constant

  table.add({.op = OpKind::kCast,
             .name = "Cast",
             .attrs = attrs_of<CastAttrs>(),
             .shape = &same_shape,
             .dtype = &cast_dtype,
             .gradient = &cast_grad,
             .reference = KERAS_KERNEL(kernels::reference::cast),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::cast)});
  table.add({.op = OpKind::kSwitch,
             .name = "Switch",
             .shape = &switch_shape,
             .dtype = &switch_dtype,
             .gradient = &switch_grad,
             .reference = KERAS_KERNEL(kernels::reference::switch_),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::switch_)});
}

}  // namespace keras::ops
