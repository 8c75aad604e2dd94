// The table of backend test cases: one small graph per op (and per interesting variant:
// broadcasting, axes, keepdims, transposes...), built from public K:: functions. gradients_test
// runs finite differences on them, cpu_vs_reference_test compares the cpu backend with the
// reference kernels.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "backend/traced.h"
#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "keras/backend/graph.h"
#include "testing/tensor_utils.h"

namespace keras::testing {

using backend::OpKind;
using backend::SymbolicTensor;
using Inputs = std::vector<SymbolicTensor>;
using Builder = std::function<SymbolicTensor(const Inputs&)>;

enum class InputKind {
  kFloat,          // the case's float dtype; differentiated
  kInt,            // indices and integer operands, in [low, high)
  kLearningPhase,  // K::learning_phase() itself, fed with `low`
};

struct InputSpec {
  Shape shape;
  double low = -1.0;
  double high = 1.0;
  InputKind kind = InputKind::kFloat;
  DType int_dtype = DType::int32;
  bool nonzero = false;  // draw from ±[low, high]: keeps values off the kink at 0 of abs, relu...
  bool batch = false;    // dim 0 is a batch: any size works, and it may be unknown (-1) when built
};

enum class GradMode {
  kCheck,  // finite differences must match K::gradients
  kZero,   // non-differentiable by nature (comparisons, sign, argmax, casts to int): zero gradient
  kSkip,   // not finite-differenceable: the dropout mask changes at every run
};

struct OpCase {
  std::string name;  // a gtest parameter name: letters, digits, underscores
  OpKind op;         // the op this case is about; its graph must contain it
  std::vector<InputSpec> inputs;
  Builder build;
  GradMode grad = GradMode::kCheck;
  bool train_phase_given = false;  // compile with givens {learning_phase(): 1}
  double fd_step = 1e-6;           // finite-difference step (float64)
  double grad_tol = 1e-5;          // relative and absolute gradcheck tolerance
};

inline void PrintTo(const OpCase& c, std::ostream* os) {
  *os << c.name;
}

// ---- input spec shorthands --------------------------------------------------------------------

inline InputSpec uniform(Shape shape, double low = -1.0, double high = 1.0) {
  return InputSpec{std::move(shape), low, high};
}
inline InputSpec positive(Shape shape, double low = 0.5, double high = 2.0) {
  return uniform(std::move(shape), low, high);
}
inline InputSpec nonzero(Shape shape, double low = 0.1, double high = 1.0) {
  InputSpec s = uniform(std::move(shape), low, high);
  s.nonzero = true;
  return s;
}
inline InputSpec indices(Shape shape, std::int64_t count, DType dtype = DType::int32) {
  InputSpec s = uniform(std::move(shape), 0, static_cast<double>(count));
  s.kind = InputKind::kInt;
  s.int_dtype = dtype;
  return s;
}
inline InputSpec phase(int value) {
  InputSpec s = uniform({}, value, value);
  s.kind = InputKind::kLearningPhase;
  return s;
}
inline InputSpec batched(InputSpec s) {
  s.batch = true;
  return s;
}

// Pseudo-random fixed weights of `like`'s (known) shape, as a graph constant.
inline SymbolicTensor fixed_weights(const SymbolicTensor& like, std::uint64_t seed) {
  return backend::constant(random_tensor(like.shape(), like.dtype(), seed, -1.0, 1.0));
}

// d sum(y * w) / d x for fixed weights w, as a forward graph: gradcheck on it checks second
// derivatives, i.e. the derivative rules of the ops the first gradient is made of.
inline SymbolicTensor first_gradient(const SymbolicTensor& y, const SymbolicTensor& x,
                                     std::uint64_t seed = 7) {
  return backend::gradients(backend::sum(backend::multiply(y, fixed_weights(y, seed))), {x})[0];
}

// ---- the cases --------------------------------------------------------------------------------
}  // namespace keras::testing

#include "testing/op_cases_keras_backend.h"  // add_keras_backend_cases (needs the types above)

namespace keras::testing {

// A recurrent op's (batch, time) mask and (batch, units) recurrent dropout mask made from random
// inputs: comparisons, so no gradient flows through them, as in the layers.
inline SymbolicTensor recurrent_mask_of(const SymbolicTensor& x) {
  return backend::greater(x, backend::constant(-0.4, x.dtype()));
}
inline SymbolicTensor recurrent_dropout_of(const SymbolicTensor& x) {
  return backend::greater(x, backend::constant(-0.5, x.dtype())) * 1.5;
}

inline std::vector<OpCase> make_op_cases() {
  namespace K = keras::backend;
  using O = OpKind;
  using G = GradMode;
  auto other_float = [](DType d) { return d == DType::float64 ? DType::float32 : DType::float64; };
  std::vector<OpCase> c;

  // Leaves.
  c.push_back({"identity", O::kPlaceholder, {batched(uniform({4, 3}))}, [](const Inputs& in) {
                 return K::linear(in[0]);
               }});
  c.push_back({"mul_variable", O::kVariable, {batched(uniform({4, 3}))}, [](const Inputs& in) {
                 Tensor w = random_tensor({3}, in[0].dtype(), 11);
                 return in[0] * K::variable(w, "w");
               }});
  c.push_back(
      {"add_constant_tensor", O::kConstant, {batched(uniform({4, 3}))}, [](const Inputs& in) {
         return in[0] + K::constant(random_tensor({3}, in[0].dtype(), 12));
       }});

  // Unary elementwise.
  c.push_back(
      {"neg", O::kNeg, {batched(uniform({4, 5}))}, [](const Inputs& in) { return -in[0]; }});
  c.push_back(
      {"exp", O::kExp, {batched(uniform({4, 5}))}, [](const Inputs& in) { return K::exp(in[0]); }});
  c.push_back({"log", O::kLog, {batched(positive({4, 5}, 0.2, 3.0))}, [](const Inputs& in) {
                 return K::log(in[0]);
               }});
  c.push_back({"sqrt", O::kSqrt, {batched(positive({4, 5}, 0.2, 3.0))}, [](const Inputs& in) {
                 return K::sqrt(in[0]);
               }});
  c.push_back({"square", O::kSquare, {batched(uniform({4, 5}))}, [](const Inputs& in) {
                 return K::square(in[0]);
               }});
  c.push_back(
      {"abs", O::kAbs, {batched(nonzero({4, 5}))}, [](const Inputs& in) { return K::abs(in[0]); }});
  c.push_back({"sign",
               O::kSign,
               {batched(nonzero({4, 5}))},
               [](const Inputs& in) { return K::sign(in[0]); },
               G::kZero});
  c.push_back({"relu", O::kRelu, {batched(nonzero({4, 5}))}, [](const Inputs& in) {
                 return K::relu(in[0]);
               }});
  c.push_back({"relu_alpha", O::kRelu, {batched(nonzero({4, 5}))}, [](const Inputs& in) {
                 return K::relu(in[0], 0.1);
               }});
  c.push_back({"relu_max_value", O::kRelu, {batched(nonzero({4, 5}))}, [](const Inputs& in) {
                 return K::relu(in[0], 0.0, 0.5);
               }});
  c.push_back({"relu_alpha_max_value", O::kRelu, {batched(nonzero({4, 5}))}, [](const Inputs& in) {
                 return K::relu(in[0], 0.2, 0.6);
               }});
  c.push_back({"sigmoid", O::kSigmoid, {batched(uniform({4, 5}, -4, 4))}, [](const Inputs& in) {
                 return K::sigmoid(in[0]);
               }});
  c.push_back(
      {"hard_sigmoid", O::kHardSigmoid, {batched(uniform({4, 5}, -4, 4))}, [](const Inputs& in) {
         return K::hard_sigmoid(in[0]);
       }});
  c.push_back({"tanh", O::kTanh, {batched(uniform({4, 5}, -3, 3))}, [](const Inputs& in) {
                 return K::tanh(in[0]);
               }});
  c.push_back({"softplus", O::kSoftplus, {batched(uniform({4, 5}, -4, 4))}, [](const Inputs& in) {
                 return K::softplus(in[0]);
               }});
  c.push_back(
      {"softsign", O::kSoftsign, {batched(nonzero({4, 5}, 0.1, 3.0))}, [](const Inputs& in) {
         return K::softsign(in[0]);
       }});
  c.push_back({"elu", O::kElu, {batched(nonzero({4, 5}, 0.05, 2.0))}, [](const Inputs& in) {
                 return K::elu(in[0]);
               }});
  c.push_back({"elu_alpha", O::kElu, {batched(nonzero({4, 5}, 0.05, 2.0))}, [](const Inputs& in) {
                 return K::elu(in[0], 0.5);
               }});
  c.push_back({"clip", O::kClip, {batched(uniform({4, 5}))}, [](const Inputs& in) {
                 return K::clip(in[0], -0.5, 0.5);
               }});
  // Keras: a max_value below min_value means min_value.
  c.push_back({"clip_inverted_bounds", O::kClip, {batched(uniform({4, 5}))}, [](const Inputs& in) {
                 return K::clip(in[0], 0.3, -0.3);
               }});

  // Casts: int -> float feeds a product; float -> int is piecewise constant; a float round trip
  // through the other precision is differentiable but only to that precision.
  c.push_back({"cast_int_to_float",
               O::kCast,
               {batched(uniform({4, 3})), batched(indices({4, 3}, 5))},
               [](const Inputs& in) { return in[0] * K::cast(in[1], in[0].dtype()); }});
  c.push_back({"cast_float_to_int",
               O::kCast,
               {batched(uniform({4, 3}))},
               [](const Inputs& in) { return K::cast(in[0] * 5.0, DType::int32); },
               G::kZero});
  c.push_back({"cast_float_roundtrip",
               O::kCast,
               {batched(uniform({4, 3}))},
               [other_float](const Inputs& in) {
                 return K::cast(K::cast(in[0], other_float(in[0].dtype())) * 2.0, in[0].dtype());
               },
               G::kCheck,
               false,
               1e-3,
               1e-3});

  // Binary elementwise, with broadcasting.
  c.push_back(
      {"add", O::kAdd, {batched(uniform({4, 5})), batched(uniform({4, 5}))}, [](const Inputs& in) {
         return in[0] + in[1];
       }});
  c.push_back({"add_broadcast_3d",
               O::kAdd,
               {batched(uniform({3, 1, 4})), uniform({2, 4})},
               [](const Inputs& in) { return in[0] + in[1]; }});
  c.push_back({"add_scalar_placeholder",
               O::kAdd,
               {batched(uniform({4, 5})), uniform({})},
               [](const Inputs& in) { return in[0] + in[1]; }});
  c.push_back({"sub_broadcast_row",
               O::kSub,
               {batched(uniform({5, 3})), uniform({3})},
               [](const Inputs& in) { return in[0] - in[1]; }});
  c.push_back(
      {"sub_broadcast_column", O::kSub, {uniform({5, 1}), uniform({1, 3})}, [](const Inputs& in) {
         return in[0] - in[1];
       }});
  c.push_back(
      {"mul_broadcast", O::kMul, {batched(uniform({5, 3})), uniform({3})}, [](const Inputs& in) {
         return in[0] * in[1];
       }});
  c.push_back({"mul_scalar_placeholder",
               O::kMul,
               {uniform({}), batched(uniform({5, 3}))},
               [](const Inputs& in) { return in[0] * in[1]; }});
  c.push_back({"mul_python_scalars", O::kMul, {batched(uniform({5, 3}))}, [](const Inputs& in) {
                 return 3.0 - (in[0] * 2.5 + 1.0) / 4.0;
               }});
  c.push_back(
      {"div", O::kDiv, {batched(uniform({4, 5})), batched(positive({4, 5}))}, [](const Inputs& in) {
         return in[0] / in[1];
       }});
  c.push_back({"div_broadcast_3d",
               O::kDiv,
               {batched(uniform({3, 1, 4})), positive({2, 4})},
               [](const Inputs& in) { return in[0] / in[1]; }});
  c.push_back({"div_scalar_numerator", O::kDiv, {batched(positive({4, 5}))}, [](const Inputs& in) {
                 return 1.0 / in[0];
               }});
  c.push_back({"pow_tensor_exponent",
               O::kPow,
               {batched(positive({4, 3})), batched(uniform({4, 3}, -2, 2))},
               [](const Inputs& in) { return K::pow(in[0], in[1]); }});
  c.push_back({"pow_broadcast_exponent",
               O::kPow,
               {batched(positive({4, 3})), uniform({3}, -2, 2)},
               [](const Inputs& in) { return K::pow(in[0], in[1]); }});
  c.push_back({"pow_scalar", O::kPow, {batched(uniform({4, 3}))}, [](const Inputs& in) {
                 return K::pow(in[0], 3.0);
               }});
  c.push_back({"pow_fractional_scalar", O::kPow, {batched(positive({4, 3}))}, [](const Inputs& in) {
                 return K::pow(in[0], 0.5);
               }});
  c.push_back({"maximum",
               O::kMaximum,
               {batched(uniform({4, 5})), batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::maximum(in[0], in[1]); }});
  c.push_back({"maximum_broadcast",
               O::kMaximum,
               {batched(uniform({4, 5})), uniform({5})},
               [](const Inputs& in) { return K::maximum(in[0], in[1]); }});
  c.push_back({"minimum",
               O::kMinimum,
               {batched(uniform({4, 5})), batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::minimum(in[0], in[1]); }});
  c.push_back({"minimum_constant", O::kMinimum, {batched(uniform({4, 5}))}, [](const Inputs& in) {
                 return K::minimum(in[0], K::constant(0.3, in[0].dtype()));
               }});

  // Comparisons: 1 or 0 in the operands' dtype. equal(x, maximum(x, y)) is x >= y, so equality
  // really happens on floats.
  c.push_back({"equal",
               O::kEqual,
               {batched(uniform({4, 5})), batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::equal(in[0], K::maximum(in[0], in[1])); },
               G::kZero});
  c.push_back({"equal_int",
               O::kEqual,
               {batched(indices({4, 5}, 3)), batched(indices({4, 5}, 3))},
               [](const Inputs& in) { return K::equal(in[0], in[1]); },
               G::kZero});
  c.push_back({"not_equal",
               O::kNotEqual,
               {batched(uniform({4, 5})), batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::not_equal(in[0], K::maximum(in[0], in[1])); },
               G::kZero});
  c.push_back({"greater",
               O::kGreater,
               {batched(uniform({4, 5})), batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::greater(in[0], in[1]); },
               G::kZero});
  c.push_back({"greater_int",
               O::kGreater,
               {batched(indices({4, 5}, 4)), indices({5}, 4, DType::int32)},
               [](const Inputs& in) { return K::greater(in[0], in[1]); },
               G::kZero});
  c.push_back({"greater_equal",
               O::kGreaterEqual,
               {batched(uniform({4, 5})), uniform({5})},
               [](const Inputs& in) { return K::greater_equal(in[0], in[1]); },
               G::kZero});
  c.push_back({"less",
               O::kLess,
               {batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::less(in[0], K::constant(0.0, in[0].dtype())); },
               G::kZero});
  c.push_back({"less_equal",
               O::kLessEqual,
               {batched(uniform({4, 5})), batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::less_equal(in[0], in[1]); },
               G::kZero});

  // Switch: the learning phase fed as an int32 scalar input, so the switch survives compilation.
  c.push_back({"in_train_phase_training",
               O::kSwitch,
               {phase(1), batched(uniform({4, 3})), batched(uniform({4, 3}))},
               [](const Inputs& in) { return K::in_train_phase(in[1] * 2.0, K::exp(in[2])); }});
  c.push_back({"in_train_phase_inference",
               O::kSwitch,
               {phase(0), batched(uniform({4, 3})), batched(uniform({4, 3}))},
               [](const Inputs& in) { return K::in_train_phase(in[1] * 2.0, K::exp(in[2])); }});
  c.push_back({"in_test_phase",
               O::kSwitch,
               {phase(1), batched(uniform({4, 3})), batched(uniform({4, 3}))},
               [](const Inputs& in) { return K::in_test_phase(K::square(in[1]), in[2]); }});
  c.push_back({"switch_broadcast_then",
               O::kSwitch,
               {phase(1), batched(uniform({4, 3})), uniform({3})},
               [](const Inputs& in) { return K::switch_(in[0], in[1], in[2]); }});
  c.push_back({"switch_broadcast_else",
               O::kSwitch,
               {phase(0), batched(uniform({4, 3})), uniform({3})},
               [](const Inputs& in) { return K::switch_(in[0], in[1], in[2]); }});
  c.push_back({"switch_float_condition",
               O::kSwitch,
               {positive({}, 0.5, 1.0), batched(uniform({4, 3})), batched(uniform({4, 3}))},
               [](const Inputs& in) { return K::switch_(in[0], in[1], in[2]); }});

  // Reductions: all axes, one axis, several axes; keepdims; negative axes.
  struct Reduction {
    const char* name;
    OpKind op;
    SymbolicTensor (*fn)(const SymbolicTensor&, backend::Axes, bool);
  };
  const Reduction reductions[] = {
      {"sum", O::kSum, &K::sum},    {"mean", O::kMean, &K::mean}, {"max", O::kMax, &K::max},
      {"min", O::kMin, &K::min},    {"var", O::kMean, &K::var},   {"std", O::kSqrt, &K::std},
      {"prod", O::kProd, &K::prod},
  };
  for (const Reduction& r : reductions) {
    auto fn = r.fn;
    // Products of many factors leave float32's range: prod keeps a fixed, small batch.
    bool batch = r.op != O::kProd;
    InputSpec x = r.op == O::kProd ? nonzero({3, 4, 5}, 0.5, 1.5) : uniform({3, 4, 5});
    x.batch = batch;
    std::string n = r.name;
    c.push_back({n + "_all", r.op, {x}, [fn](const Inputs& in) { return fn(in[0], {}, false); }});
    c.push_back(
        {n + "_all_keepdims", r.op, {x}, [fn](const Inputs& in) { return fn(in[0], {}, true); }});
    c.push_back(
        {n + "_axis1", r.op, {x}, [fn](const Inputs& in) { return fn(in[0], {1}, false); }});
    c.push_back({n + "_last_axis_keepdims", r.op, {x}, [fn](const Inputs& in) {
                   return fn(in[0], {-1}, true);
                 }});
    c.push_back({n + "_axes02", r.op, {x}, [fn](const Inputs& in) {
                   return fn(in[0], {0, 2}, false);
                 }});
    c.push_back({n + "_axes12_keepdims", r.op, {x}, [fn](const Inputs& in) {
                   return fn(in[0], {1, 2}, true);
                 }});
  }
  c.push_back(
      {"sum_1d", O::kSum, {batched(uniform({7}))}, [](const Inputs& in) { return K::sum(in[0]); }});
  c.push_back({"argmax_last",
               O::kArgMax,
               {batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::argmax(in[0]); },
               G::kZero});
  c.push_back({"argmax_axis0",
               O::kArgMax,
               {batched(uniform({4, 5, 3}))},
               [](const Inputs& in) { return K::argmax(in[0], 0); },
               G::kZero});
  c.push_back({"argmin_last",
               O::kArgMin,
               {batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::argmin(in[0], -1); },
               G::kZero});
  c.push_back({"argmin_axis1_int",
               O::kArgMin,
               {batched(indices({4, 6, 3}, 100))},
               [](const Inputs& in) { return K::argmin(in[0], 1); },
               G::kZero});

  // Linear algebra.
  c.push_back(
      {"dot_2d", O::kMatMul, {batched(uniform({4, 3})), uniform({3, 5})}, [](const Inputs& in) {
         return K::dot(in[0], in[1]);
       }});
  c.push_back({"dot_3d_2d",
               O::kMatMul,
               {batched(uniform({2, 3, 4})), uniform({4, 5})},
               [](const Inputs& in) { return K::dot(in[0], in[1]); }});
  c.push_back({"dot_1d_2d", O::kMatMul, {uniform({4}), uniform({4, 5})}, [](const Inputs& in) {
                 return K::dot(in[0], in[1]);
               }});
  c.push_back(
      {"matmul_transpose_x", O::kMatMul, {uniform({4, 3}), uniform({4, 5})}, [](const Inputs& in) {
         return K::matmul(in[0], in[1], true, false);
       }});
  c.push_back({"matmul_transpose_y",
               O::kMatMul,
               {batched(uniform({4, 3})), uniform({5, 3})},
               [](const Inputs& in) { return K::matmul(in[0], in[1], false, true); }});
  c.push_back({"matmul_transpose_both",
               O::kMatMul,
               {uniform({3, 4}), uniform({5, 3})},
               [](const Inputs& in) { return K::matmul(in[0], in[1], true, true); }});
  c.push_back({"matmul_3d_transpose_y",
               O::kMatMul,
               {batched(uniform({2, 3, 4})), uniform({5, 4})},
               [](const Inputs& in) { return K::matmul(in[0], in[1], false, true); }});
  c.push_back({"batch_dot_2d",
               O::kSum,
               {batched(uniform({4, 5})), batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::batch_dot(in[0], in[1]); }});
  c.push_back({"batch_dot_3d",
               O::kBatchMatMul,
               {batched(uniform({3, 2, 4})), batched(uniform({3, 4, 5}))},
               [](const Inputs& in) { return K::batch_dot(in[0], in[1]); }});
  c.push_back({"batch_dot_3d_axes_1_1",
               O::kBatchMatMul,
               {batched(uniform({3, 4, 2})), batched(uniform({3, 4, 5}))},
               [](const Inputs& in) {
                 return K::batch_dot(in[0], in[1], std::pair{1, 1});
               }});
  c.push_back({"batch_dot_3d_axes_2_2",
               O::kBatchMatMul,
               {batched(uniform({3, 2, 4})), batched(uniform({3, 5, 4}))},
               [](const Inputs& in) {
                 return K::batch_dot(in[0], in[1], std::pair{2, 2});
               }});
  c.push_back({"batch_dot_3d_axes_1_2",
               O::kBatchMatMul,
               {batched(uniform({3, 4, 2})), batched(uniform({3, 5, 4}))},
               [](const Inputs& in) {
                 return K::batch_dot(in[0], in[1], std::pair{-2, -1});
               }});

  // Shapes.
  c.push_back({"reshape", O::kReshape, {uniform({4, 6})}, [](const Inputs& in) {
                 return K::reshape(in[0], {3, 8}) * 2.0;
               }});
  c.push_back({"reshape_infer_dim", O::kReshape, {batched(uniform({4, 6}))}, [](const Inputs& in) {
                 return K::square(K::reshape(in[0], {-1, 2, 3}));
               }});
  c.push_back({"flatten", O::kReshape, {batched(uniform({3, 4, 2}))}, [](const Inputs& in) {
                 return K::flatten(in[0]) * 3.0;
               }});
  c.push_back({"batch_flatten", O::kReshape, {batched(uniform({3, 4, 2}))}, [](const Inputs& in) {
                 return K::exp(K::batch_flatten(in[0]));
               }});
  c.push_back({"expand_dims_first", O::kReshape, {batched(uniform({4, 3}))}, [](const Inputs& in) {
                 return K::expand_dims(in[0], 0) * 2.0;
               }});
  c.push_back({"expand_dims_last", O::kReshape, {batched(uniform({4, 3}))}, [](const Inputs& in) {
                 return K::expand_dims(in[0]) + K::ones({1, 1, 2}, in[0].dtype());
               }});
  c.push_back({"squeeze", O::kReshape, {batched(uniform({4, 1, 3}))}, [](const Inputs& in) {
                 return K::squeeze(in[0], 1) * 2.0;
               }});
  c.push_back({"reshape_output", O::kReshape, {batched(uniform({4, 3}))}, [](const Inputs& in) {
                 return K::flatten(in[0]);
               }});
  c.push_back(
      {"permute_dimensions", O::kTranspose, {batched(uniform({2, 3, 4}))}, [](const Inputs& in) {
         return K::permute_dimensions(in[0], {2, 0, 1});
       }});
  c.push_back({"permute_dimensions_negative",
               O::kTranspose,
               {batched(uniform({2, 3, 4}))},
               [](const Inputs& in) {
                 return K::permute_dimensions(in[0], {0, -1, 1});
               }});
  c.push_back({"transpose_2d", O::kTranspose, {batched(uniform({3, 5}))}, [](const Inputs& in) {
                 return K::transpose(in[0]);
               }});
  c.push_back({"transpose_3d", O::kTranspose, {batched(uniform({2, 3, 4}))}, [](const Inputs& in) {
                 return K::transpose(in[0]);
               }});
  c.push_back({"concatenate_last",
               O::kConcatenate,
               {batched(uniform({4, 3})), batched(uniform({4, 2})), batched(uniform({4, 4}))},
               [](const Inputs& in) {
                 return K::concatenate({in[0], in[1], in[2]});
               }});
  c.push_back({"concatenate_axis0",
               O::kConcatenate,
               {uniform({2, 3}), uniform({4, 3})},
               [](const Inputs& in) {
                 return K::concatenate({in[0], in[1]}, 0);
               }});
  c.push_back({"concatenate_axis1_3d",
               O::kConcatenate,
               {batched(uniform({2, 3, 4})), batched(uniform({2, 1, 4}))},
               [](const Inputs& in) {
                 return K::concatenate({in[0], in[1]}, 1);
               }});
  c.push_back(
      {"concatenate_same_input", O::kConcatenate, {batched(uniform({3, 2}))}, [](const Inputs& in) {
         return K::concatenate({in[0], K::square(in[0]), in[0]}, -1);
       }});
  c.push_back({"slice_axis0", O::kSlice, {uniform({6, 4})}, [](const Inputs& in) {
                 return K::slice(in[0], 0, 1, 4);
               }});
  c.push_back({"slice_axis1", O::kSlice, {batched(uniform({3, 7, 2}))}, [](const Inputs& in) {
                 return K::slice(in[0], 1, 2, 5);
               }});
  c.push_back({"slice_last_axis", O::kSlice, {batched(uniform({3, 4, 6}))}, [](const Inputs& in) {
                 return K::slice(in[0], -1, 0, 3);
               }});
  // x[1:, 2:] (SliceAttrs::to_end) on the batch axis of unknown size and on a known one.
  c.push_back({"slice_to_end", O::kSlice, {batched(uniform({3, 5, 2}))}, [](const Inputs& in) {
                 const std::int64_t end = std::numeric_limits<std::int64_t>::max();
                 return K::strided_slice(in[0], {1, 2, 0}, {end, end, end}, {1, 1, 1});
               }});
  c.push_back(
      {"gather", O::kGather, {uniform({6, 3}), batched(indices({8}, 6))}, [](const Inputs& in) {
         return K::gather(in[0], in[1]);
       }});
  c.push_back({"gather_2d_indices",
               O::kGather,
               {uniform({5, 2, 3}), batched(indices({2, 4}, 5))},
               [](const Inputs& in) { return K::gather(in[0], in[1]); }});
  c.push_back({"gather_int64_indices",
               O::kGather,
               {uniform({6, 3}), batched(indices({9}, 6, DType::int64))},
               [](const Inputs& in) { return K::gather(in[0], in[1]); }});
  c.push_back({"one_hot",
               O::kOneHot,
               {batched(indices({6}, 4))},
               [](const Inputs& in) { return K::one_hot(in[0], 4); },
               G::kZero});
  c.push_back({"one_hot_times_x",
               O::kOneHot,
               {batched(indices({5, 2}, 4)), batched(uniform({5, 2, 4}))},
               [](const Inputs& in) { return K::one_hot(in[0], 4) * in[1]; }});
  c.push_back({"one_hot_of_argmax",
               O::kOneHot,
               {batched(uniform({5, 4}))},
               [](const Inputs& in) { return K::one_hot(K::argmax(in[0]), 4) * 2.0; },
               G::kZero});

  // Activations over a last axis, losses, dropout.
  c.push_back({"softmax_2d", O::kSoftmax, {batched(uniform({4, 6}, -3, 3))}, [](const Inputs& in) {
                 return K::softmax(in[0]);
               }});
  c.push_back(
      {"softmax_3d", O::kSoftmax, {batched(uniform({2, 3, 5}, -3, 3))}, [](const Inputs& in) {
         return K::softmax(in[0]);
       }});
  c.push_back({"softmax_1d", O::kSoftmax, {uniform({7}, -3, 3)}, [](const Inputs& in) {
                 return K::softmax(in[0]);
               }});
  c.push_back({"softmax_large_logits",
               O::kSoftmax,
               {batched(uniform({3, 5}, -40, 40))},
               [](const Inputs& in) { return K::softmax(in[0]); }});
  c.push_back({"categorical_crossentropy",
               O::kCategoricalCrossentropy,
               {batched(uniform({4, 5}, 0, 1)), batched(positive({4, 5}, 0.1, 1.0))},
               [](const Inputs& in) { return K::categorical_crossentropy(in[0], in[1]); }});
  c.push_back({"categorical_crossentropy_3d",
               O::kCategoricalCrossentropy,
               {batched(uniform({2, 3, 4}, 0, 1)), batched(positive({2, 3, 4}, 0.1, 1.0))},
               [](const Inputs& in) { return K::categorical_crossentropy(in[0], in[1]); }});
  c.push_back(
      {"categorical_crossentropy_of_softmax",
       O::kCategoricalCrossentropy,
       {batched(uniform({4, 5}, 0, 1)), batched(uniform({4, 5}, -2, 2))},
       [](const Inputs& in) { return K::categorical_crossentropy(in[0], K::softmax(in[1])); }});
  c.push_back({"binary_crossentropy",
               O::kLog,
               {batched(uniform({4, 5}, 0, 1)), batched(positive({4, 5}, 0.05, 0.95))},
               [](const Inputs& in) { return K::binary_crossentropy(in[0], in[1]); }});
  c.push_back({"binary_crossentropy_of_sigmoid",
               O::kLog,
               {batched(uniform({4, 5}, 0, 1)), batched(uniform({4, 5}, -3, 3))},
               [](const Inputs& in) { return K::binary_crossentropy(in[0], K::sigmoid(in[1])); }});
  c.push_back(
      {"dropout",
       O::kDropoutMask,
       {batched(uniform({6, 7}))},
       [](const Inputs& in) { return K::in_train_phase(K::dropout(in[0], 0.4, 1234), in[0]); },
       G::kSkip,
       true});
  // One process in the tests: the identity (the mean over two processes: tests/distributed).
  c.push_back({"all_reduce_mean",
               O::kAllReduceMean,
               {batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::all_reduce_mean(K::square(in[0])); }});
  c.push_back({"random_normal",
               O::kRandomNormal,
               {batched(uniform({6, 7}))},
               [](const Inputs& in) { return in[0] + K::random_normal_like(in[0], 0.5, 2, 43); },
               G::kSkip,
               true});
  c.push_back({"dropout_of_square",
               O::kDropoutMask,
               {batched(uniform({5, 9}))},
               [](const Inputs& in) { return K::dropout(K::square(in[0]), 0.5, 99); },
               G::kSkip,
               true});

  // Dense-like graphs: on the cpu backend the compiler fuses them into FusedDense (and
  // SoftmaxCrossEntropyGrad), so gradcheck and the backend comparison cover the fused kernels too.
  struct Activation {
    const char* name;
    SymbolicTensor (*fn)(const SymbolicTensor&);
  };
  const Activation activations[] = {
      {"linear", &K::linear},
      {"relu", [](const SymbolicTensor& x) { return K::relu(x); }},
      {"sigmoid", &K::sigmoid},
      {"tanh", &K::tanh},
      {"softmax", &K::softmax},
      {"elu", [](const SymbolicTensor& x) { return K::elu(x); }},
      {"softplus", &K::softplus},
      {"softsign", &K::softsign},
      {"hard_sigmoid", &K::hard_sigmoid},
  };
  for (const Activation& a : activations) {
    auto fn = a.fn;
    c.push_back({std::string("dense_") + a.name,
                 O::kMatMul,
                 {batched(uniform({5, 4})), uniform({4, 3}), uniform({3})},
                 [fn](const Inputs& in) { return fn(K::dot(in[0], in[1]) + in[2]); }});
  }
  c.push_back({"dense_bias_first",
               O::kMatMul,
               {batched(uniform({5, 4})), uniform({4, 3}), uniform({3})},
               [](const Inputs& in) { return K::tanh(in[2] + K::dot(in[0], in[1])); }});
  c.push_back(
      {"dense_softmax_cce",
       O::kCategoricalCrossentropy,
       {batched(uniform({5, 4})), uniform({4, 3}), uniform({3}), batched(uniform({5, 3}, 0, 1))},
       [](const Inputs& in) {
         return K::mean(
             K::categorical_crossentropy(in[3], K::softmax(K::dot(in[0], in[1]) + in[2])));
       }});

  // convolution and pooling (the cpu backend runs them on oneDNN in float32)
  c.push_back({"conv1d_same_strided",
               O::kConv,
               {batched(uniform({2, 7, 3})), uniform({3, 3, 4})},
               [](const Inputs& in) { return K::conv1d(in[0], in[1], 2, "same"); }});
  c.push_back({"conv1d_causal_dilated",
               O::kConv,
               {batched(uniform({2, 8, 2})), uniform({2, 2, 3})},
               [](const Inputs& in) { return K::conv1d(in[0], in[1], 1, "causal", "", 2); }});
  c.push_back({"conv2d_valid",
               O::kConv,
               {batched(uniform({2, 5, 6, 3})), uniform({3, 2, 3, 4})},
               [](const Inputs& in) { return K::conv2d(in[0], in[1]); }});
  c.push_back({"conv2d_same_strided",
               O::kConv,
               {batched(uniform({2, 7, 6, 2})), uniform({3, 3, 2, 3})},
               [](const Inputs& in) { return K::conv2d(in[0], in[1], {2, 2}, "same"); }});
  c.push_back({"conv2d_dilated",
               O::kConv,
               {batched(uniform({1, 7, 7, 2})), uniform({2, 3, 2, 2})},
               [](const Inputs& in) {
                 return K::conv2d(in[0], in[1], {1, 1}, "same", "channels_last", {2, 1});
               }});
  c.push_back({"conv2d_channels_first",
               O::kConv,
               {batched(uniform({2, 3, 5, 4})), uniform({3, 3, 3, 2})},
               [](const Inputs& in) {
                 return K::conv2d(in[0], in[1], {1, 2}, "valid", "channels_first");
               }});
  c.push_back({"conv2d_bias_relu",
               O::kConv,
               {batched(uniform({3, 6, 5, 3})), uniform({3, 3, 3, 4}), uniform({4})},
               [](const Inputs& in) {
                 return K::relu(K::bias_add(K::conv2d(in[0], in[1], {1, 1}, "same"), in[2]));
               }});
  c.push_back({"conv3d_same",
               O::kConv,
               {batched(uniform({1, 4, 5, 3, 2})), uniform({2, 3, 2, 2, 3})},
               [](const Inputs& in) { return K::conv3d(in[0], in[1], {1, 2, 1}, "same"); }});
  c.push_back({"depthwise_conv2d",
               O::kConv,
               {batched(uniform({2, 5, 5, 3})), uniform({3, 3, 3, 2})},
               [](const Inputs& in) { return K::depthwise_conv2d(in[0], in[1], {1, 1}, "same"); }});
  c.push_back({"separable_conv2d",
               O::kConv,
               {batched(uniform({2, 5, 6, 2})), uniform({3, 3, 2, 2}), uniform({1, 1, 4, 3})},
               [](const Inputs& in) {
                 return K::separable_conv2d(in[0], in[1], in[2], {2, 1}, "valid");
               }});
  c.push_back({"conv2d_transpose_same",
               O::kConvGradInput,
               {batched(uniform({2, 3, 4, 3})), uniform({3, 3, 2, 3})},
               [](const Inputs& in) {
                 return K::conv2d_transpose(in[0], in[1], {in[0].shape()[0], 6, 8, 2}, {2, 2},
                                            "same");
               }});
  c.push_back({"conv2d_transpose_valid",
               O::kConvGradInput,
               {batched(uniform({2, 3, 3, 2})), uniform({2, 3, 3, 2})},
               [](const Inputs& in) {
                 return K::conv2d_transpose(in[0], in[1], {in[0].shape()[0], 6, 7, 3}, {2, 2},
                                            "valid");
               }});
  c.push_back({"max_pool2d_valid",
               O::kMaxPool,
               {batched(uniform({2, 6, 6, 3}))},
               [](const Inputs& in) { return K::pool2d(in[0], {2, 2}, {2, 2}); }});
  c.push_back({"max_pool2d_same_overlapping",
               O::kMaxPool,
               {batched(uniform({2, 5, 7, 2}))},
               [](const Inputs& in) { return K::pool2d(in[0], {3, 3}, {2, 2}, "same"); }});
  c.push_back({"max_pool1d",
               O::kMaxPool,
               {batched(uniform({2, 7, 3}))},
               [](const Inputs& in) { return K::pool(in[0], {2}, {1}); }});
  c.push_back({"max_pool3d_channels_first",
               O::kMaxPool,
               {batched(uniform({1, 2, 4, 4, 5}))},
               [](const Inputs& in) {
                 return K::pool3d(in[0], {2, 2, 2}, {2, 2, 2}, "same", "channels_first");
               }});
  // All inputs equal: every window ties, and its first tap (in the reference's order) takes
  // the gradient; finite differences cannot check that (kSkip), the backend comparisons do.
  c.push_back({"max_pool2d_ties_overlapping",
               O::kMaxPool,
               {batched(uniform({2, 5, 6, 2}, 0.5, 0.5))},
               [](const Inputs& in) { return K::pool2d(in[0], {3, 3}, {2, 1}, "same"); },
               G::kSkip});
  // Strides longer than the window: inputs no window reads get a zero gradient.
  c.push_back({"max_pool2d_stride_over_window",
               O::kMaxPool,
               {batched(uniform({2, 7, 8, 2}))},
               [](const Inputs& in) { return K::pool2d(in[0], {2, 2}, {3, 3}); }});
  c.push_back({"avg_pool2d_same",
               O::kAvgPool,
               {batched(uniform({2, 5, 5, 3}))},
               [](const Inputs& in) { return K::pool2d(in[0], {3, 3}, {2, 2}, "same", "", "avg"); }});
  c.push_back({"avg_pool3d_valid",
               O::kAvgPool,
               {batched(uniform({2, 4, 3, 4, 2}))},
               [](const Inputs& in) { return K::pool3d(in[0], {2, 2, 2}, {1, 1, 2}, "valid", "", "avg"); }});
  // An even window, "same": padding at the end only.
  c.push_back({"avg_pool1d_same_even_window",
               O::kAvgPool,
               {batched(uniform({2, 7, 3}))},
               [](const Inputs& in) { return K::pool(in[0], {2}, {1}, "same", "avg"); }});
  c.push_back({"pad_2d",
               O::kPad,
               {batched(uniform({2, 3, 3, 2}))},
               [](const Inputs& in) { return K::pad(in[0], {0, 1, 2, 0}, {0, 2, 1, 0}); }});
  // embedding, normalization and recurrent
  // K::recurrent: time-major xproj (time, batch, gates * units), U, optional h0 / c0, mask and recurrent
  // dropout mask. Masks come from comparisons of inputs (no gradient, as in the layers); only the
  // h and c columns of the packed output are differentiable.
  using Cell = K::RnnCell;
  const auto mask_of = &recurrent_mask_of;
  const auto drop_of = &recurrent_dropout_of;
  c.push_back({"recurrent_lstm",
               O::kRecurrent,
               {uniform({4, 3, 8}), uniform({2, 8}), uniform({3, 2}), uniform({3, 2})},
               [](const Inputs& in) {
                 SymbolicTensor y = K::recurrent(
                     in[0], in[1], {.cell = Cell::kLSTM, .initial_h = in[2], .initial_c = in[3]});
                 return K::slice(y, 2, 0, 4);
               }});
  c.push_back({"recurrent_lstm_backwards_masked_dropout",
               O::kRecurrent,
               {uniform({5, 3, 8}), uniform({2, 8}), uniform({3, 5}), uniform({3, 2})},
               [mask_of, drop_of](const Inputs& in) {
                 SymbolicTensor y = K::recurrent(in[0], in[1],
                                                 {.cell = Cell::kLSTM,
                                                  .recurrent_activation = O::kSigmoid,
                                                  .go_backwards = true,
                                                  .mask = mask_of(in[2]),
                                                  .recurrent_dropout_mask = drop_of(in[3])});
                 return K::slice(y, 2, 0, 4);
               }});
  c.push_back({"recurrent_gru_masked_dropout",
               O::kRecurrent,
               {uniform({4, 3, 6}), uniform({2, 6}), uniform({3, 2}), uniform({3, 4}), uniform({3, 2})},
               [mask_of, drop_of](const Inputs& in) {
                 SymbolicTensor y = K::recurrent(in[0], in[1],
                                                 {.cell = Cell::kGRU,
                                                  .initial_h = in[2],
                                                  .mask = mask_of(in[3]),
                                                  .recurrent_dropout_mask = drop_of(in[4])});
                 return K::slice(y, 2, 0, 2);
               }});
  c.push_back({"recurrent_gru_backwards_sigmoid",
               O::kRecurrent,
               {uniform({5, 2, 9}), uniform({3, 9})},
               [](const Inputs& in) {
                 SymbolicTensor y = K::recurrent(in[0], in[1],
                                                 {.cell = Cell::kGRU,
                                                  .recurrent_activation = O::kSigmoid,
                                                  .go_backwards = true});
                 return K::slice(y, 2, 0, 3);
               }});
  c.push_back({"recurrent_gru_reset_after_masked_dropout",
               O::kRecurrent,
               {uniform({4, 3, 6}), uniform({2, 6}), uniform({3, 2}), uniform({3, 4}), uniform({3, 2}),
                uniform({2})},
               [mask_of, drop_of](const Inputs& in) {
                 SymbolicTensor y = K::recurrent(in[0], in[1],
                                                 {.cell = Cell::kGRU,
                                                  .initial_h = in[2],
                                                  .mask = mask_of(in[3]),
                                                  .recurrent_dropout_mask = drop_of(in[4]),
                                                  .reset_after = true,
                                                  .recurrent_bias = in[5]});
                 return K::slice(y, 2, 0, 2);
               }});
  c.push_back({"recurrent_gru_reset_after_backwards_sigmoid",
               O::kRecurrent,
               {uniform({5, 2, 9}), uniform({3, 9})},
               [](const Inputs& in) {
                 SymbolicTensor y = K::recurrent(in[0], in[1],
                                                 {.cell = Cell::kGRU,
                                                  .recurrent_activation = O::kSigmoid,
                                                  .go_backwards = true,
                                                  .reset_after = true});
                 return K::slice(y, 2, 0, 3);
               }});
  c.push_back({"recurrent_simple_rnn",
               O::kRecurrent,
               {uniform({4, 3, 3}), uniform({3, 3}), uniform({3, 3}), uniform({3, 4}), uniform({3, 3})},
               [mask_of, drop_of](const Inputs& in) {
                 return K::recurrent(in[0], in[1],
                                     {.cell = Cell::kSimpleRNN,
                                      .go_backwards = true,
                                      .initial_h = in[2],
                                      .mask = mask_of(in[3]),
                                      .recurrent_dropout_mask = drop_of(in[4])});
               }});
  c.push_back({"recurrent_simple_rnn_linear",
               O::kRecurrent,
               {uniform({3, 2, 2}), uniform({2, 2})},
               [](const Inputs& in) {
                 return K::recurrent(in[0], in[1],
                                     {.cell = Cell::kSimpleRNN, .activation = O::kCount});
               }});
  // Wider: more (batch, unit) elements than one block of the cuda kernels' passes (256 threads).
  c.push_back({"recurrent_gru_reset_after_relu_wide_masked",
               O::kRecurrent,
               {uniform({3, 10, 84}), uniform({28, 84}, -0.2, 0.2), uniform({10, 3}), uniform({28})},
               [mask_of](const Inputs& in) {
                 SymbolicTensor y = K::recurrent(in[0], in[1],
                                                 {.cell = Cell::kGRU,
                                                  .activation = O::kRelu,
                                                  .mask = mask_of(in[2]),
                                                  .reset_after = true,
                                                  .recurrent_bias = in[3]});
                 return K::slice(y, 2, 0, 28);
               }});
  // Traced: a graph built when the plan is made, for the concrete batch (unknown when built):
  // its gradient packs d x (unknown size) and d w (known) in one node.
  c.push_back({"traced_dense_per_batch",
               O::kTraced,
               {batched(uniform({4, 3})), uniform({3, 2})},
               [](const Inputs& in) {
                 auto graph = std::make_shared<K::TracedGraph>();
                 graph->name = "traced_dense";
                 graph->build = [](const Inputs& x) {
                   return K::tanh(K::dot(x[0], x[1])) * static_cast<double>(x[0].shape()[0]);
                 };
                 graph->output_shape = [](const std::vector<Shape>& s) {
                   return Shape{s[0][0], s[1][1]};
                 };
                 return K::traced(graph, in);
               }});
  // Batch normalization: K::normalize_batch_in_training (BatchNorm over BatchNormStats, the
  // gradient through the batch statistics) and K::batch_normalization (given statistics, whose
  // gradients flow to them), channels_last, channels_first and 2D.
  c.push_back({"batch_norm_train_channels_last",
               O::kBatchNorm,
               {batched(uniform({3, 4, 3, 5}, -2, 3)), positive({5}), uniform({5})},
               [](const Inputs& in) {
                 return K::normalize_batch_in_training(in[0], in[1], in[2], {0, 1, 2}).normed;
               }});
  // 32 channels: oneDNN's jit kernels (fewer run its plain nspc / ncsp loops).
  c.push_back({"batch_norm_train_32_channels",
               O::kBatchNorm,
               {batched(uniform({3, 2, 3, 32}, -2, 3)), positive({32}), uniform({32})},
               [](const Inputs& in) {
                 return K::normalize_batch_in_training(in[0], in[1], in[2], {0, 1, 2}).normed;
               }});
  c.push_back({"batch_norm_train_channels_first",
               O::kBatchNorm,
               {batched(uniform({2, 3, 4, 5}, -2, 3)), positive({3}), uniform({3})},
               [](const Inputs& in) {
                 return K::normalize_batch_in_training(in[0], in[1], in[2], {0, 2, 3}, 1e-2).normed;
               }});
  c.push_back(
      {"batch_norm_train_2d_no_gamma_beta",
       O::kBatchNorm,
       {batched(uniform({7, 3}, -2, 3))},
       [](const Inputs& in) { return K::normalize_batch_in_training(in[0], {}, {}, {0}).normed; }});
  c.push_back({"batch_norm_stats_axis1",
               O::kBatchNormStats,
               {batched(uniform({3, 4, 5}, -2, 3))},
               [](const Inputs& in) {
                 auto r = K::normalize_batch_in_training(in[0], {}, {}, {0, 2});
                 return r.mean * r.variance + K::square(r.mean);
               }});
  c.push_back(
      {"batch_norm_given_stats",
       O::kBatchNorm,
       {batched(uniform({4, 2, 3, 5})), uniform({5}), positive({5}), uniform({5}), positive({5})},
       [](const Inputs& in) {
         return K::batch_normalization(in[0], in[1], in[2], in[3], in[4], -1, 1e-3);
       }});
  c.push_back({"batch_norm_given_stats_channels_first",
               O::kBatchNorm,
               {batched(uniform({2, 3, 4})), uniform({1, 3, 1}), positive({1, 3, 1}),
                uniform({1, 3, 1}), positive({1, 3, 1})},
               [](const Inputs& in) {
                 return K::batch_normalization(in[0], in[1], in[2], in[3], in[4], 1, 1e-2);
               }});
  // K::l2_normalize: the last axis, a middle one (strided), all axes.
  c.push_back({"l2_normalize_last_axis",
               O::kL2Normalize,
               {batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::l2_normalize(in[0], -1); }});
  c.push_back({"l2_normalize_middle_axis",
               O::kL2Normalize,
               {batched(uniform({3, 4, 2}))},
               [](const Inputs& in) { return K::l2_normalize(in[0], 1); }});
  c.push_back({"l2_normalize_all_axes",
               O::kL2Normalize,
               {uniform({3, 4})},
               [](const Inputs& in) { return K::l2_normalize(in[0]); }});
  // K::print_tensor: the identity (it writes to stderr as it runs); squared, so that a gradient
  // that did not pass through unchanged shows.
  c.push_back({"print_tensor",
               O::kPrint,
               {batched(uniform({3, 4}))},
               [](const Inputs& in) { return K::square(K::print_tensor(in[0], "op case: ")); }});
  add_keras_backend_cases(c);
  return c;
}

// First gradients as forward graphs: gradcheck on them checks the derivative rules of the ops
// that gradients are made of (SoftmaxGrad, SliceGrad, GatherGrad, BroadcastLike, MeanGrad, SumLike)
// and second derivatives of common ops.
inline std::vector<OpCase> make_second_order_cases() {
  namespace K = keras::backend;
  using O = OpKind;
  std::vector<OpCase> c;
  c.push_back({"grad_of_softmax", O::kSoftmaxGrad, {uniform({3, 5}, -2, 2)}, [](const Inputs& in) {
                 return first_gradient(K::softmax(in[0]), in[0]);
               }});
  c.push_back({"grad_of_slice", O::kSliceGrad, {uniform({3, 6})}, [](const Inputs& in) {
                 return first_gradient(K::square(K::slice(in[0], 1, 1, 4)), in[0]);
               }});
  c.push_back({"grad_of_slice_to_end", O::kSliceGrad, {uniform({3, 6})}, [](const Inputs& in) {
                 return first_gradient(K::square(K::slice(in[0], {0, 2}, {-1, -1})), in[0]);
               }});
  c.push_back(
      {"grad_of_concatenate", O::kSlice, {uniform({3, 2}), uniform({3, 4})}, [](const Inputs& in) {
         return first_gradient(K::square(K::concatenate({in[0], in[1]})), in[0]) *
                K::slice(in[1], 1, 0, 2);
       }});
  c.push_back(
      {"grad_of_gather", O::kGatherGrad, {uniform({5, 3}), indices({7}, 5)}, [](const Inputs& in) {
         return first_gradient(K::square(K::gather(in[0], in[1])), in[0]);
       }});
  // Many repeats of few rows, 2-d int64 indices, rows of 2 x 2: each row sums its gradients.
  c.push_back({"grad_of_gather_repeated",
               O::kGatherGrad,
               {uniform({3, 2, 2}), indices({4, 6}, 3, DType::int64)},
               [](const Inputs& in) {
                 return first_gradient(K::square(K::gather(in[0], in[1])), in[0]);
               }});
  c.push_back({"grad_of_sum", O::kBroadcastLike, {uniform({3, 4, 2})}, [](const Inputs& in) {
                 return first_gradient(K::square(K::sum(in[0], {1})), in[0]);
               }});
  c.push_back({"grad_of_mean_keepdims", O::kMeanGrad, {uniform({3, 4, 2})}, [](const Inputs& in) {
                 return first_gradient(K::square(K::mean(in[0], {0, 2}, true)), in[0]);
               }});
  c.push_back(
      {"grad_of_broadcast_add", O::kSumLike, {uniform({3, 4}), uniform({4})}, [](const Inputs& in) {
         return first_gradient(K::square(in[0] + in[1]), in[1]);
       }});
  c.push_back({"grad_of_dot", O::kMatMul, {uniform({3, 4}), uniform({4, 2})}, [](const Inputs& in) {
                 return first_gradient(K::square(K::dot(in[0], in[1])), in[1]);
               }});
  c.push_back({"grad_of_batch_dot",
               O::kBatchMatMul,
               {uniform({2, 3, 4}), uniform({2, 4, 2})},
               [](const Inputs& in) {
                 return first_gradient(K::square(K::batch_dot(in[0], in[1])), in[0]);
               }});
  c.push_back({"grad_of_sigmoid", O::kSigmoid, {uniform({3, 4}, -3, 3)}, [](const Inputs& in) {
                 return first_gradient(K::sigmoid(in[0]), in[0]);
               }});
  c.push_back({"grad_of_div", O::kDiv, {uniform({3, 4}), positive({3, 4})}, [](const Inputs& in) {
                 return first_gradient(in[0] / in[1], in[1]);
               }});
  c.push_back(
      {"grad_of_log_softmax_cce",
       O::kSoftmaxGrad,
       {uniform({3, 4}, 0, 1), uniform({3, 4}, -2, 2)},
       [](const Inputs& in) { return first_gradient(-in[0] * K::log(K::softmax(in[1])), in[1]); }});
  // Relu's derivative is a comparison: its own derivative is zero almost everywhere.
  c.push_back({"grad_of_relu", O::kRelu, {nonzero({3, 4})}, [](const Inputs& in) {
                 return first_gradient(K::relu(in[0]), in[0]) * in[0];
               }});
  // convolution and pooling
  c.push_back({"grad_of_conv_input",
               O::kConvGradInput,
               {uniform({2, 5, 4, 2}), uniform({3, 2, 2, 3})},
               [](const Inputs& in) {
                 return first_gradient(K::square(K::conv2d(in[0], in[1], {2, 1}, "same")), in[0]);
               }});
  c.push_back({"grad_of_conv_kernel",
               O::kConvGradKernel,
               {uniform({2, 5, 4, 2}), uniform({3, 2, 2, 3})},
               [](const Inputs& in) {
                 return first_gradient(K::square(K::conv2d(in[0], in[1], {1, 2}, "same")), in[1]);
               }});
  c.push_back({"grad_of_avg_pool",
               O::kAvgPoolGrad,
               {uniform({2, 5, 5, 2})},
               [](const Inputs& in) {
                 return first_gradient(K::square(K::pool2d(in[0], {3, 2}, {2, 2}, "same", "", "avg")),
                                       in[0]);
               }});
  c.push_back({"grad_of_pad", O::kPad, {uniform({2, 3, 2})}, [](const Inputs& in) {
                 return first_gradient(K::square(K::pad(in[0], {0, 1, 0}, {0, 2, 1})), in[0]);
               }});
  return c;
}

inline const std::vector<OpCase>& op_cases() {
  static const std::vector<OpCase> cases = make_op_cases();
  return cases;
}

inline const std::vector<OpCase>& second_order_cases() {
  static const std::vector<OpCase> cases = make_second_order_cases();
  return cases;
}

inline const OpCase& find_case(const std::string& name) {
  for (const auto* table : {&op_cases(), &second_order_cases()})
    for (const OpCase& c : *table)
      if (c.name == name) return c;
  throw std::invalid_argument("no op case named " + name);
}

// ---- building and feeding a case --------------------------------------------------------------

struct BuiltCase {
  std::vector<SymbolicTensor> inputs;  // one per spec; the learning phase is K::learning_phase()
  std::vector<SymbolicTensor> float_inputs;
  std::vector<std::size_t> float_index;  // positions of float_inputs among inputs
  SymbolicTensor output;                 // as built
  SymbolicTensor float_output;           // output in a float dtype, for losses
  backend::Givens givens;
};

// Builds the case's graph with `dtype` floats. With unknown_batch, batch inputs get a -1 first
// dimension, as Keras's placeholders for a model's inputs have.
inline BuiltCase build_case(const OpCase& c, DType dtype, bool unknown_batch = false) {
  namespace K = keras::backend;
  ScopedFloatx floatx(dtype);
  BuiltCase b;
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    const InputSpec& s = c.inputs[i];
    Shape shape = s.shape;
    if (unknown_batch && s.batch) shape[0] = -1;
    std::string name = c.name + "_in" + std::to_string(i);
    switch (s.kind) {
      case InputKind::kFloat:
        b.inputs.push_back(K::placeholder(shape, dtype, name));
        b.float_inputs.push_back(b.inputs.back());
        b.float_index.push_back(i);
        break;
      case InputKind::kInt:
        b.inputs.push_back(K::placeholder(shape, s.int_dtype, name));
        break;
      case InputKind::kLearningPhase:
        b.inputs.push_back(K::learning_phase());
        break;
    }
  }
  b.output = c.build(b.inputs);
  b.float_output = is_floating(b.output.dtype()) ? b.output : K::cast(b.output, dtype);
  if (c.train_phase_given)
    b.givens.push_back({K::learning_phase(), K::constant(1.0, DType::int32)});
  return b;
}

inline bool has_batch_input(const OpCase& c) {
  for (const InputSpec& s : c.inputs)
    if (s.batch) return true;
  return false;
}

// Seeded values for every input; batch inputs get `batch` rows when batch > 0.
inline std::vector<Tensor> make_inputs(const OpCase& c, DType dtype, std::uint64_t seed,
                                       std::int64_t batch = 0) {
  std::mt19937_64 rng(seed);
  std::vector<Tensor> values;
  for (const InputSpec& s : c.inputs) {
    Shape shape = s.shape;
    if (batch > 0 && s.batch) shape[0] = batch;
    switch (s.kind) {
      case InputKind::kFloat: {
        Tensor t = random_tensor(shape, dtype, rng, s.low, s.high);
        if (s.nonzero) {
          std::bernoulli_distribution flip(0.5);
          for (std::int64_t i = 0; i < t.numel(); ++i) {
            if (!flip(rng)) continue;
            if (dtype == DType::float32)
              t.data<float>()[i] = -t.data<float>()[i];
            else
              t.data<double>()[i] = -t.data<double>()[i];
          }
        }
        values.push_back(t);
        break;
      }
      case InputKind::kInt:
        values.push_back(random_tensor(shape, s.int_dtype, rng, s.low, s.high));
        break;
      case InputKind::kLearningPhase:
        values.push_back(Tensor::full({}, s.low, DType::int32));
        break;
    }
  }
  return values;
}

// Every op kind reachable from `roots` in the symbolic graph.
inline std::unordered_set<int> ops_in_graph(const std::vector<SymbolicTensor>& roots) {
  std::unordered_set<int> ops;
  std::unordered_set<const backend::Node*> seen;
  std::vector<backend::NodePtr> stack;
  for (const auto& r : roots) stack.push_back(r.node());
  while (!stack.empty()) {
    backend::NodePtr n = stack.back();
    stack.pop_back();
    if (!n || !seen.insert(n.get()).second) continue;
    ops.insert(static_cast<int>(n->op));
    for (const auto& input : n->inputs) stack.push_back(input);
  }
  return ops;
}

}  // namespace keras::testing
