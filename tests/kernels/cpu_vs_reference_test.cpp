// The cpu backend (oneDNN sgemm, fused elementwise groups, Dense and softmax-cross-entropy fusion)
// against the reference kernels: every op case, forward and gradients, float32 and float64, on
// unknown-batch graphs run with batches of 1, 7, 33 and 129 rows; Dense-like graphs the compiler
// fuses; and a fused Adam-like update with and without in-place variable writes.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "ops/linalg.h"
#include "ops/op_def.h"
#include "testing/backend_compare.h"
#include "testing/gradcheck.h"
#include "testing/op_cases.h"
#include "testing/tensor_utils.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::Shape;
using keras::Tensor;
using keras::backend::OpKind;
using keras::backend::SymbolicTensor;
using keras::testing::all_close;
using keras::testing::OpCase;
using keras::testing::ScopedBackend;

using keras::testing::case_name;
using keras::testing::compare_forward;
using keras::testing::compare_gradients;
using keras::testing::contains;
using keras::testing::contains_prefix;
using keras::testing::joined;
using keras::testing::kDtypes;
using keras::testing::Tolerance;
using keras::testing::tolerance_for;
using keras::testing::with_gradients;

// ---- every op case ---------------------------------------------------------------------------

// One test per case, both dtypes inside: ctest runs every test in its own process.
class CpuVsReferenceForward : public ::testing::TestWithParam<OpCase> {};

TEST_P(CpuVsReferenceForward, Matches) {
  for (DType dtype : kDtypes) {
    SCOPED_TRACE(keras::dtype_name(dtype));
    compare_forward("cpu", GetParam(), dtype);
  }
}

class CpuVsReferenceGradients : public ::testing::TestWithParam<OpCase> {};

TEST_P(CpuVsReferenceGradients, Match) {
  for (DType dtype : kDtypes) {
    SCOPED_TRACE(keras::dtype_name(dtype));
    compare_gradients("cpu", GetParam(), dtype);
  }
}

INSTANTIATE_TEST_SUITE_P(OpCases, CpuVsReferenceForward,
                         ::testing::ValuesIn(keras::testing::op_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(OpCases, CpuVsReferenceGradients,
                         ::testing::ValuesIn(with_gradients(keras::testing::op_cases())),
                         case_name);
INSTANTIATE_TEST_SUITE_P(SecondOrder, CpuVsReferenceForward,
                         ::testing::ValuesIn(keras::testing::second_order_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(SecondOrder, CpuVsReferenceGradients,
                         ::testing::ValuesIn(keras::testing::second_order_cases()), case_name);

// Every op of the table (src/ops/) runs in some compared graph: forward ops in the cases,
// gradient-only ops in their gradients, compiler-made ops in the cpu plans of the Dense-like cases.
TEST(CpuVsReferenceCoverage, EveryOpKindIsCompared) {
  std::set<int> seen;
  for (const auto* table : {&keras::testing::op_cases(), &keras::testing::second_order_cases()})
    for (const OpCase& c : *table) {
      auto g = keras::testing::make_loss_graph(c, DType::float32);
      std::vector<SymbolicTensor> roots = {g.loss};
      try {
        auto grads = K::gradients(g.loss, g.built.float_inputs);
        roots.insert(roots.end(), grads.begin(), grads.end());
      } catch (const std::exception&) {
        // A gradient that throws fails its own tests; coverage counts the forward graph.
      }
      for (int op : keras::testing::ops_in_graph(roots)) seen.insert(op);
    }
  for (const char* name : {"dense_relu", "dense_softmax_cce"}) {
    const OpCase& c = keras::testing::find_case(name);
    auto g = keras::testing::make_loss_graph(c, DType::float32);
    auto outputs = K::gradients(g.loss, g.built.float_inputs);
    outputs.push_back(g.built.float_output);
    ScopedBackend scoped("cpu");
    K::Function f(g.inputs, outputs);
    auto feed = keras::testing::make_inputs(c, DType::float32, 3);
    feed.push_back(Tensor::full(K::int_shape(g.built.float_output), 1.0));
    f(feed);
    for (const auto& step : f.step_names())
      for (OpKind op : {OpKind::kFusedDense, OpKind::kSoftmaxCrossEntropyGrad})
        if (step == K::op_name(op)) seen.insert(static_cast<int>(op));
  }
  for (const keras::ops::OpDef& def : keras::ops::op_table())
    EXPECT_TRUE(seen.count(static_cast<int>(def.op))) << def.name << " is compared by no test";
}

// ---- Dense-like graphs the cpu compiler fuses -------------------------------------------------

struct DenseShape {
  std::int64_t rows, in, out;
};

// Batch 1, odd sizes, one big enough for the row-parallel bias + activation loop, and one whose
// output (1.4 MB) is beyond a core's L2: multiplied and finished in blocks of rows, the last short.
const DenseShape kDenseShapes[] = {
    {1, 7, 3}, {7, 33, 17}, {33, 1, 65}, {129, 65, 300}, {700, 20, 513}};

struct DenseGraph {
  SymbolicTensor x, w, b, y;
};

DenseGraph dense_graph(const std::string& activation, DType dtype, std::int64_t in,
                       std::int64_t out, std::uint64_t seed, double w_range = 0.5) {
  DenseGraph d;
  d.x = K::placeholder({-1, in}, dtype, "x");
  d.w = K::variable(keras::testing::random_tensor({in, out}, dtype, seed, -w_range, w_range), "W");
  d.b = K::variable(keras::testing::random_tensor({out}, dtype, seed + 1, -0.5, 0.5), "b");
  SymbolicTensor z = K::dot(d.x, d.w) + d.b;
  if (activation == "relu")
    d.y = K::relu(z);
  else if (activation == "sigmoid")
    d.y = K::sigmoid(z);
  else if (activation == "tanh")
    d.y = K::tanh(z);
  else if (activation == "softmax")
    d.y = K::softmax(z);
  else if (activation == "elu")
    d.y = K::elu(z);
  else if (activation == "softplus")
    d.y = K::softplus(z);
  else if (activation == "softsign")
    d.y = K::softsign(z);
  else if (activation == "hard_sigmoid")
    d.y = K::hard_sigmoid(z);
  else
    d.y = K::linear(z);
  return d;
}

void check_dense_forward(const std::string& activation, DType dtype) {
  Tolerance tol = tolerance_for(dtype);
  for (const DenseShape& s : kDenseShapes) {
    DenseGraph d = dense_graph(activation, dtype, s.in, s.out, 17);
    ScopedBackend cpu_backend("cpu");
    K::Function cpu({d.x}, {d.y});
    K::set_backend("reference");
    K::Function ref({d.x}, {d.y});
    Tensor x = keras::testing::random_tensor({s.rows, s.in}, dtype, 5, -2.0, 2.0);
    std::string what = activation + " rows " + std::to_string(s.rows) + " in " +
                       std::to_string(s.in) + " out " + std::to_string(s.out);
    EXPECT_TRUE(all_close(cpu({x})[0], ref({x})[0], tol.rtol, tol.atol, what));
    auto cpu_steps = cpu.step_names(), ref_steps = ref.step_names();
    // Softmax is not a fusible activation: it stays a step after the fused product and bias.
    std::vector<std::string> expected = {"FusedDense"};
    if (activation == "softmax") expected.push_back("Softmax");
    EXPECT_EQ(cpu_steps, expected) << what;
    EXPECT_FALSE(contains(ref_steps, "FusedDense")) << what << ": " << joined(ref_steps);
  }
}

void check_dense_gradients(const std::string& activation, DType dtype) {
  Tolerance tol = tolerance_for(dtype);
  for (const DenseShape& s : kDenseShapes) {
    DenseGraph d = dense_graph(activation, dtype, s.in, s.out, 23);
    SymbolicTensor weights = K::placeholder({-1, s.out}, dtype, "loss_weights");
    auto grads = K::gradients(K::sum(d.y * weights), {d.x, d.w, d.b});
    std::vector<SymbolicTensor> outputs = {d.y, grads[0], grads[1], grads[2]};
    ScopedBackend cpu_backend("cpu");
    K::Function cpu({d.x, weights}, outputs);
    K::set_backend("reference");
    K::Function ref({d.x, weights}, outputs);
    std::vector<Tensor> feed = {keras::testing::random_tensor({s.rows, s.in}, dtype, 6, -2.0, 2.0),
                                keras::testing::random_tensor({s.rows, s.out}, dtype, 7)};
    auto got = cpu(feed), expected = ref(feed);
    const char* names[] = {"y", "dx", "dW", "db"};
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_TRUE(all_close(got[i], expected[i], tol.rtol, tol.atol,
                            activation + " rows " + std::to_string(s.rows) + " " + names[i]));
    EXPECT_TRUE(contains(cpu.step_names(), "FusedDense")) << joined(cpu.step_names());
    EXPECT_FALSE(contains(ref.step_names(), "FusedDense")) << joined(ref.step_names());
  }
}

class FusedDense : public ::testing::TestWithParam<std::string> {};

TEST_P(FusedDense, ForwardMatchesReferenceAndIsOneStep) {
  for (DType dtype : kDtypes) {
    SCOPED_TRACE(keras::dtype_name(dtype));
    check_dense_forward(GetParam(), dtype);
  }
}

TEST_P(FusedDense, GradientsMatchReference) {
  for (DType dtype : kDtypes) {
    SCOPED_TRACE(keras::dtype_name(dtype));
    check_dense_gradients(GetParam(), dtype);
  }
}

INSTANTIATE_TEST_SUITE_P(Activations, FusedDense,
                         ::testing::Values("linear", "relu", "sigmoid", "tanh", "softmax", "elu",
                                           "softplus", "softsign", "hard_sigmoid"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

class SoftmaxCrossEntropy : public ::testing::TestWithParam<std::string> {};

TEST_P(SoftmaxCrossEntropy, FusedGradientsMatchReference) {
  const DType dtype = keras::dtype_from_name(GetParam());
  Tolerance tol = tolerance_for(dtype);
  for (const DenseShape& s : kDenseShapes) {
    // Glorot-sized weights keep every class probability far above epsilon(): where the clip of
    // categorical_crossentropy is inactive, the fused gradient and the reference must agree.
    DenseGraph d = dense_graph("softmax", dtype, s.in, s.out, 31,
                               1.0 / std::sqrt(static_cast<double>(s.in + s.out)));
    SymbolicTensor target = K::placeholder({-1, s.out}, dtype, "target");
    SymbolicTensor loss = K::mean(K::categorical_crossentropy(target, d.y));
    auto grads = K::gradients(loss, {d.w, d.b, d.x});
    std::vector<SymbolicTensor> outputs = {loss, grads[0], grads[1], grads[2]};
    ScopedBackend cpu_backend("cpu");
    K::Function cpu({d.x, target}, outputs);
    K::set_backend("reference");
    K::Function ref({d.x, target}, outputs);
    // One-hot targets, as from to_categorical, and soft ones.
    Tensor onehot({s.rows, s.out}, dtype);
    for (std::int64_t r = 0; r < s.rows; ++r) {
      std::int64_t k = (r * 7 + 3) % s.out;
      if (dtype == DType::float32)
        onehot.at<float>(r, k) = 1.0f;
      else
        onehot.at<double>(r, k) = 1.0;
    }
    Tensor soft = keras::testing::random_tensor({s.rows, s.out}, dtype, 8, 0.0, 1.0);
    for (const Tensor& t : {onehot, soft}) {
      std::vector<Tensor> feed = {
          keras::testing::random_tensor({s.rows, s.in}, dtype, 9, -2.0, 2.0), t};
      auto got = cpu(feed), expected = ref(feed);
      const char* names[] = {"loss", "dW", "db", "dx"};
      for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_TRUE(all_close(
            got[i], expected[i], tol.rtol, tol.atol,
            "rows " + std::to_string(s.rows) + " out " + std::to_string(s.out) + " " + names[i]));
    }
    auto cpu_steps = cpu.step_names(), ref_steps = ref.step_names();
    EXPECT_TRUE(contains(cpu_steps, "FusedDense")) << joined(cpu_steps);
    EXPECT_TRUE(contains(cpu_steps, "SoftmaxCrossEntropyGrad")) << joined(cpu_steps);
    EXPECT_FALSE(contains(ref_steps, "FusedDense")) << joined(ref_steps);
    EXPECT_FALSE(contains(ref_steps, "SoftmaxCrossEntropyGrad")) << joined(ref_steps);
    EXPECT_TRUE(contains(ref_steps, "CategoricalCrossentropyGrad")) << joined(ref_steps);
  }
}

// Confident, wrong predictions: the target class's probability (about 2e-9) is below epsilon().
// The reference follows Keras's clip(p, eps, 1 - eps) and its zero derivative where the clip is
// active; the fused cpu gradient must give the same values.
TEST_P(SoftmaxCrossEntropy, SaturatedRowsMatchReference) {
  const DType dtype = keras::dtype_from_name(GetParam());
  SymbolicTensor z = K::placeholder({-1, 2}, dtype, "logits");
  SymbolicTensor t = K::placeholder({-1, 2}, dtype, "target");
  SymbolicTensor loss = K::sum(K::categorical_crossentropy(t, K::softmax(z)));
  SymbolicTensor grad = K::gradients(loss, {z})[0];
  ScopedBackend cpu_backend("cpu");
  K::Function cpu({z, t}, {grad});
  K::set_backend("reference");
  K::Function ref({z, t}, {grad});
  std::vector<Tensor> feed = {Tensor::from_vector<double>({0, 20, 1, -1}, {2, 2}).astype(dtype),
                              Tensor::from_vector<double>({1, 0, 1, 0}, {2, 2}).astype(dtype)};
  Tolerance tol = tolerance_for(dtype);
  EXPECT_TRUE(all_close(cpu(feed)[0], ref(feed)[0], tol.rtol, tol.atol, "d loss / d logits"));
  EXPECT_TRUE(contains(cpu.step_names(), "SoftmaxCrossEntropyGrad")) << joined(cpu.step_names());
}

INSTANTIATE_TEST_SUITE_P(Dtypes, SoftmaxCrossEntropy, ::testing::Values("float32", "float64"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// ---- a long elementwise chain: an Adam-like update ---------------------------------------------

struct AdamState {
  SymbolicTensor m, v, p, t;
  SymbolicTensor grad, lr;
  SymbolicTensor m_new, v_new, p_new, t_new;
};

// Keras's Adam on one parameter: scalars (lr, t, the bias corrections) broadcast into one chain.
AdamState adam(std::int64_t n, DType dtype) {
  AdamState s;
  s.m = K::variable(keras::testing::random_tensor({n}, dtype, 41, -0.1, 0.1), "m");
  s.v = K::variable(keras::testing::random_tensor({n}, dtype, 42, 0.0, 0.01), "v");
  s.p = K::variable(keras::testing::random_tensor({n}, dtype, 43), "p");
  s.t = K::variable(Tensor::full({}, 3.0, dtype), "t");
  s.grad = K::placeholder({n}, dtype, "grad");
  s.lr = K::placeholder({}, dtype, "lr");
  const double beta_1 = 0.9, beta_2 = 0.999;
  s.t_new = s.t + 1.0;
  SymbolicTensor lr_t = s.lr * K::sqrt(1.0 - K::pow(K::constant(beta_2, dtype), s.t_new)) /
                        (1.0 - K::pow(K::constant(beta_1, dtype), s.t_new));
  s.m_new = beta_1 * s.m + (1.0 - beta_1) * s.grad;
  s.v_new = beta_2 * s.v + (1.0 - beta_2) * K::square(s.grad);
  s.p_new = s.p - lr_t * s.m_new / (K::sqrt(s.v_new) + 1e-7);
  return s;
}

struct AdamRun {
  std::vector<std::vector<Tensor>> states;  // m, v, p, t after each step
  std::vector<std::vector<Tensor>> outputs;
  std::vector<std::string> steps;
  std::size_t arena_bytes = 0;
};

AdamRun run_adam(const std::string& backend, DType dtype, std::int64_t n, bool outputs_too) {
  AdamState s = adam(n, dtype);
  ScopedBackend scoped(backend);
  std::vector<SymbolicTensor> outputs;
  if (outputs_too) outputs = {s.p_new, s.m_new};  // outputs must stay materialised: not in place
  K::Function f({s.grad, s.lr}, outputs,
                {{s.m, s.m_new}, {s.v, s.v_new}, {s.p, s.p_new}, {s.t, s.t_new}});
  AdamRun run;
  for (int step = 0; step < 3; ++step) {
    std::vector<Tensor> feed = {keras::testing::random_tensor({n}, dtype, 50 + step),
                                Tensor::full({}, 0.01 * (step + 1), dtype)};
    run.outputs.push_back(f(feed));
    run.states.push_back({K::get_value(s.m).clone(), K::get_value(s.v).clone(),
                          K::get_value(s.p).clone(), K::get_value(s.t).clone()});
  }
  run.steps = f.step_names();
  run.arena_bytes = f.arena_bytes();
  return run;
}

class AdamChain : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(AdamChain, FusesIntoOneStepAndMatchesReference) {
  const DType dtype = keras::dtype_from_name(std::get<0>(GetParam()));
  const bool outputs_too = std::get<1>(GetParam());
  // Odd, and large enough for the multi-threaded chunk loop (16 chunks of 512).
  const std::int64_t n = 12345;
  AdamRun cpu = run_adam("cpu", dtype, n, outputs_too);
  AdamRun ref = run_adam("reference", dtype, n, outputs_too);
  Tolerance tol = tolerance_for(dtype);
  const char* names[] = {"m", "v", "p", "t"};
  for (std::size_t step = 0; step < cpu.states.size(); ++step) {
    for (std::size_t i = 0; i < cpu.states[step].size(); ++i)
      EXPECT_TRUE(all_close(cpu.states[step][i], ref.states[step][i], tol.rtol, tol.atol,
                            "step " + std::to_string(step) + " " + names[i]));
    for (std::size_t i = 0; i < cpu.outputs[step].size(); ++i)
      EXPECT_TRUE(all_close(cpu.outputs[step][i], ref.outputs[step][i], tol.rtol, tol.atol,
                            "step " + std::to_string(step) + " output " + std::to_string(i)));
  }
  // The whole n-element chain is one fused loop on cpu (the scalar bias correction may be its own
  // small group); the reference runs op by op.
  std::size_t big_fused = 0;
  for (const auto& step : cpu.steps)
    if (step.rfind("Fused[", 0) == 0 && step.find("Sqrt") != std::string::npos &&
        step.find("Div") != std::string::npos && step.find("Square") != std::string::npos)
      ++big_fused;
  EXPECT_EQ(big_fused, 1u) << joined(cpu.steps);
  for (const auto& step : cpu.steps) EXPECT_EQ(step.rfind("Fused[", 0), 0u) << joined(cpu.steps);
  EXPECT_FALSE(contains_prefix(ref.steps, "Fused[")) << joined(ref.steps);
  if (!outputs_too) {
    // Written straight into the variables: no n-element buffer in the arena.
    EXPECT_LT(cpu.arena_bytes, static_cast<std::size_t>(n) * keras::dtype_size(dtype))
        << joined(cpu.steps);
  }
}

INSTANTIATE_TEST_SUITE_P(Updates, AdamChain,
                         ::testing::Combine(::testing::Values("float32", "float64"),
                                            ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<std::string, bool>>& info) {
                           return std::get<0>(info.param) +
                                  (std::get<1>(info.param) ? "_with_outputs" : "_in_place");
                         });

// Updates that read each other's variables must all see the values from before the run, also
// when the cpu backend writes them in place chunk by chunk.
TEST(InPlaceUpdates, CrossReadingUpdatesMatchReference) {
  const std::int64_t n = 10007;
  std::vector<std::vector<Tensor>> results;
  for (const char* backend : {"cpu", "reference"}) {
    auto a = K::variable(keras::testing::random_tensor({n}, DType::float32, 61), "a");
    auto b = K::variable(keras::testing::random_tensor({n}, DType::float32, 62), "b");
    ScopedBackend scoped(backend);
    K::Function f({}, {}, {{a, a + b}, {b, b * a - 0.5}});
    for (int i = 0; i < 3; ++i) f({});
    results.push_back({K::get_value(a).clone(), K::get_value(b).clone()});
  }
  EXPECT_TRUE(all_close(results[0][0], results[1][0], 1e-5, 1e-6, "a"));
  EXPECT_TRUE(all_close(results[0][1], results[1][1], 1e-5, 1e-6, "b"));
}

// ---- scalar multiplies and adds folded into their readers (cpu) --------------------------------

// Each case's updates and outputs, run three times on cpu and on reference: multiplies and adds of
// scalars that the cpu engine folds into the operands of their readers, and ones it must not fold
// (a product that is also an output, a variable overwritten in place before a later reader).
struct FoldCase {
  const char* name;
  std::function<std::pair<std::vector<SymbolicTensor>, std::vector<K::Update>>(
      const SymbolicTensor& a, const SymbolicTensor& b, const SymbolicTensor& s)>
      build;
};

void PrintTo(const FoldCase& c, std::ostream* os) {
  *os << c.name;
}

std::vector<Tensor> run_fold_case(const FoldCase& c, const std::string& backend) {
  const std::int64_t n = 10007;
  auto a = K::variable(keras::testing::random_tensor({n}, DType::float32, 71), "a");
  auto b = K::variable(keras::testing::random_tensor({n}, DType::float32, 72, 0.5, 2.0), "b");
  auto s = K::placeholder({}, DType::float32, "s");
  ScopedBackend scoped(backend);
  auto [outputs, updates] = c.build(a, b, s);
  K::Function f({s}, outputs, updates);
  std::vector<Tensor> results;
  for (int step = 0; step < 3; ++step)
    for (Tensor& t : f({Tensor::full({}, 0.5 + step, DType::float32)})) results.push_back(t);
  results.push_back(K::get_value(a).clone());
  results.push_back(K::get_value(b).clone());
  return results;
}

class FoldedScalarOperands : public ::testing::TestWithParam<FoldCase> {};

TEST_P(FoldedScalarOperands, MatchReference) {
  std::vector<Tensor> cpu = run_fold_case(GetParam(), "cpu");
  std::vector<Tensor> ref = run_fold_case(GetParam(), "reference");
  ASSERT_EQ(cpu.size(), ref.size());
  for (std::size_t i = 0; i < cpu.size(); ++i)
    EXPECT_TRUE(all_close(cpu[i], ref[i], 1e-5, 1e-6,
                          std::string(GetParam().name) + " result " + std::to_string(i)));
}

using Updates = std::vector<K::Update>;
using Outputs = std::vector<SymbolicTensor>;

INSTANTIATE_TEST_SUITE_P(
    Programs, FoldedScalarOperands,
    ::testing::Values(
        FoldCase{
            "nested_scales_and_offset",
            [](auto a, auto b, auto s) {
              return std::pair{Outputs{K::sqrt(K::abs(a * s * 3.0) + 0.25) / (b + s)}, Updates{}};
            }},
        FoldCase{"scaled_both_operands_of_one_op",
                 [](auto a, auto, auto s) {
                   auto x = a * s;
                   return std::pair{Outputs{x * x - (x + 1.0)}, Updates{}};
                 }},
        FoldCase{"product_that_is_also_an_output",
                 [](auto a, auto b, auto s) {
                   auto x = a * s;
                   return std::pair{Outputs{x, x + b}, Updates{}};
                 }},
        FoldCase{"scaled_scalar_operand",
                 [](auto a, auto b, auto s) {
                   return std::pair{Outputs{(s * 2.0) - a, b / (s + 1.0)}, Updates{}};
                 }},
        FoldCase{"in_place_update_before_a_later_reader",
                 [](auto a, auto b, auto s) {
                   // a * s read by a's new value (written in place) and then by b's
                   auto x = a * s;
                   return std::pair{Outputs{}, Updates{{a, x + 1.0}, {b, b - x}}};
                 }},
        FoldCase{"in_place_update_read_scaled_by_itself",
                 [](auto a, auto b, auto s) {
                   return std::pair{Outputs{}, Updates{{a, a * 0.9 + b * s}, {b, b * s + 0.1}}};
                 }},
        // sqrt and square read where they are used: under a scale, an offset, twice by one op,
        // by a scalar's op; and kept where a non-arithmetic op or an output also needs them.
        FoldCase{"sqrt_and_square_under_scale_and_offset",
                 [](auto a, auto b, auto s) {
                   return std::pair{Outputs{a * 2.0 - K::square(b) * s, a / (K::sqrt(b) + s)},
                                    Updates{}};
                 }},
        FoldCase{"sqrt_read_twice_by_one_op_and_by_a_scalar_op",
                 [](auto a, auto b, auto s) {
                   auto r = K::sqrt(b);
                   return std::pair{Outputs{r * r + a, s / K::square(a)}, Updates{}};
                 }},
        FoldCase{"square_of_a_scaled_operand",
                 [](auto a, auto b, auto s) {
                   return std::pair{Outputs{K::square(a * s) + b}, Updates{}};
                 }},
        FoldCase{"square_also_read_by_maximum_and_output",
                 [](auto a, auto b, auto) {
                   auto q = K::square(a);
                   return std::pair{Outputs{K::maximum(q, b) + q, K::sqrt(b), K::sqrt(b) - a},
                                    Updates{}};
                 }},
        FoldCase{"sqrt_of_a_variable_written_in_place_before_its_reader",
                 [](auto a, auto b, auto s) {
                   // Adam's shape: b's new value written, then read through sqrt by a's update
                   auto b_new = b * 0.9 + K::square(a) * s;
                   return std::pair{Outputs{},
                                    Updates{{b, b_new}, {a, a - s * a / (K::sqrt(b) + 1e-3)}}};
                 }}),
    [](const ::testing::TestParamInfo<FoldCase>& info) { return std::string(info.param.name); });

}  // namespace

namespace {

// x . w^T (a Dense layer's input gradient) is split by columns over the OpenMP threads on cpu:
// uneven slices, with one and two threads, against the reference loops.
TEST(TransposedProducts, SplitOverThreadsMatchReference) {
  for (auto [m, n, k] : {std::tuple<std::int64_t, std::int64_t, std::int64_t>{33, 300, 70},
                         {128, 512, 512},
                         {5, 129, 3}}) {
    const Tensor x_value = keras::testing::random_tensor({m, k}, DType::float32, 81);
    const Tensor w_value = keras::testing::random_tensor({n, k}, DType::float32, 82);
    keras::ops::MatMulAttrs attrs;
    attrs.transpose_b = true;
    std::vector<Tensor> results;
    for (auto [backend, threads] : {std::pair{"reference", 2}, {"cpu", 2}, {"cpu", 1}}) {
      ScopedBackend scoped(backend);
      const int saved = omp_get_max_threads();
      omp_set_num_threads(threads);
      auto x = K::placeholder({m, k}, DType::float32, "x");
      auto w = K::variable(w_value.clone(), "w");
      K::Function f({x}, {keras::backend::make_node(OpKind::kMatMul, {x, w}, attrs)});
      results.push_back(f({x_value}).front().clone());
      omp_set_num_threads(saved);
    }
    const std::string what = std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
    EXPECT_TRUE(all_close(results[1], results[0], 1e-4, 1e-5, what + " 2 threads"));
    EXPECT_TRUE(all_close(results[2], results[0], 1e-4, 1e-5, what + " 1 thread"));
  }
}

}  // namespace

namespace {

// One or three samples cannot be split by rows: one thread runs the sequence and the other
// threads share its large per-step products by columns (kernels/cpu/recurrent.cpp's team). Units
// that leave uneven column shares, every cell, masks, dropout and go_backwards, forward and
// gradients, at two threads against the reference loops.
std::vector<OpCase> small_batch_recurrent_cases() {
  using Cell = K::RnnCell;
  using keras::testing::uniform;
  const auto mask_of = &keras::testing::recurrent_mask_of;
  const auto drop_of = &keras::testing::recurrent_dropout_of;
  std::vector<OpCase> c;
  c.push_back({"lstm_100_units_one_sample",
               OpKind::kRecurrent,
               {uniform({4, 1, 400}), uniform({100, 400}, -0.2, 0.2)},
               [](const keras::testing::Inputs& in) {
                 return K::slice(K::recurrent(in[0], in[1], {.cell = Cell::kLSTM}), 2, 0, 200);
               }});
  c.push_back(
      {"lstm_128_units_three_samples_backwards_masked_dropout",
       OpKind::kRecurrent,
       {uniform({3, 3, 512}), uniform({128, 512}, -0.2, 0.2), uniform({3, 3}), uniform({3, 128})},
       [mask_of, drop_of](const keras::testing::Inputs& in) {
         SymbolicTensor y = K::recurrent(in[0], in[1],
                                         {.cell = Cell::kLSTM,
                                          .recurrent_activation = OpKind::kSigmoid,
                                          .go_backwards = true,
                                          .mask = mask_of(in[2]),
                                          .recurrent_dropout_mask = drop_of(in[3])});
         return K::slice(y, 2, 0, 256);
       }});
  c.push_back({"gru_130_units_one_sample",
               OpKind::kRecurrent,
               {uniform({3, 1, 390}), uniform({130, 390}, -0.2, 0.2)},
               [](const keras::testing::Inputs& in) {
                 return K::slice(K::recurrent(in[0], in[1], {.cell = Cell::kGRU}), 2, 0, 130);
               }});
  c.push_back({"gru_reset_after_128_units_one_sample",
               OpKind::kRecurrent,
               {uniform({3, 1, 384}), uniform({128, 384}, -0.2, 0.2), uniform({128})},
               [](const keras::testing::Inputs& in) {
                 SymbolicTensor y = K::recurrent(
                     in[0], in[1],
                     {.cell = Cell::kGRU, .reset_after = true, .recurrent_bias = in[2]});
                 return K::slice(y, 2, 0, 128);
               }});
  c.push_back({"simple_rnn_200_units_one_sample",
               OpKind::kRecurrent,
               {uniform({3, 1, 200}), uniform({200, 200}, -0.1, 0.1)},
               [](const keras::testing::Inputs& in) {
                 return K::recurrent(in[0], in[1], {.cell = Cell::kSimpleRNN});
               }});
  return c;
}

class SmallBatchRecurrent : public ::testing::TestWithParam<OpCase> {
 protected:
  void SetUp() override {
    // Two threads whatever else runs beside the test (the adaptive budget would shrink the team
    // to one and leave the shared products untested); read once, at the process's first run.
    setenv("KERAS_ADAPTIVE_THREADS", "0", 1);
    saved_threads_ = omp_get_max_threads();
    omp_set_num_threads(2);
  }
  void TearDown() override { omp_set_num_threads(saved_threads_); }
  int saved_threads_ = 1;
};

TEST_P(SmallBatchRecurrent, SharedProductsMatchReference) {
  compare_forward("cpu", GetParam(), DType::float32);
  compare_gradients("cpu", GetParam(), DType::float32);
}

INSTANTIATE_TEST_SUITE_P(Cells, SmallBatchRecurrent,
                         ::testing::ValuesIn(small_batch_recurrent_cases()), case_name);

}  // namespace

namespace {

// The cpu backend's SliceGrad writes each outer row once, the rows spread over the threads (above
// 256 KB): a recurrent layer's last output, two slices of its packed (time, batch, states) output.
TEST(SliceGradients, LargeGradientsOverThreadsMatchReference) {
  const OpCase last_step{"last_step_of_packed_states",
                         OpKind::kSlice,
                         {keras::testing::uniform({28, 64, 300})},
                         [](const keras::testing::Inputs& in) {
                           return K::slice(K::slice(in[0], 2, 10, 110), 0, 27, 28);
                         }};
  for (int threads : {1, 2}) {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    for (DType dtype : kDtypes) {
      SCOPED_TRACE(keras::dtype_name(dtype) + std::string(" threads ") + std::to_string(threads));
      compare_gradients("cpu", last_step, dtype);
    }
    omp_set_num_threads(saved);
  }
}

}  // namespace

namespace {

// The cpu backend's reductions over adjacent axes and their gradients' broadcasts: the kept
// dimensions before and after the reduced block (GlobalMaxPooling1D's middle axis, the last axis,
// the first), more inner values than one task's 64 and not a multiple of them, big enough to run
// over the threads, keepdims, and a non-adjacent pair that takes the reference kernel.
std::vector<OpCase> adjacent_reduction_cases() {
  using keras::testing::Inputs;
  using keras::testing::uniform;
  using Reduction = SymbolicTensor (*)(const SymbolicTensor&, K::Axes, bool);
  struct Named {
    const char* name;
    OpKind op;
    Reduction reduction;
  };
  const Named reductions[] = {{"sum", OpKind::kSum, &K::sum},
                              {"mean", OpKind::kMean, &K::mean},
                              {"max", OpKind::kMax, &K::max},
                              {"min", OpKind::kMin, &K::min},
                              {"prod", OpKind::kProd, &K::prod}};
  const std::pair<const char*, K::Axes> axes[] = {
      {"middle", {1}}, {"last_two", {1, 2}}, {"last", {-1}}, {"first", {0}}, {"apart", {0, 2}}};
  std::vector<OpCase> cases;
  for (auto [name, op, reduction] : reductions)
    for (auto [where, reduced] : axes)
      for (bool keepdims : {false, true}) {
        // Products of values near 1 stay finite over 96 of them.
        const double low = reduction == &K::prod ? 0.9 : -1.0,
                     high = reduction == &K::prod ? 1.1 : 1.0;
        cases.push_back({std::string(name) + "_" + where + (keepdims ? "_keepdims" : ""),
                         op,
                         {uniform({6, 96, 130}, low, high)},
                         [reduction, reduced, keepdims](const Inputs& in) {
                           return reduction(in[0], reduced, keepdims);
                         }});
      }
  return cases;
}

class AdjacentReductions : public ::testing::TestWithParam<OpCase> {};

TEST_P(AdjacentReductions, ForwardAndGradientsMatchReference) {
  compare_forward("cpu", GetParam(), DType::float32);
  compare_gradients("cpu", GetParam(), DType::float32);
}

INSTANTIATE_TEST_SUITE_P(Reductions, AdjacentReductions,
                         ::testing::ValuesIn(adjacent_reduction_cases()), case_name);

}  // namespace

namespace {

// oneDNN's convolutions keep the team they were made with; a run granted another team (the
// adaptive thread budget) runs primitives made again for it. One compiled function run with two
// threads, one, then two again: every run against the reference, forward and both gradients, the
// Winograd shape (3x3, 16 channels) and a direct one.
TEST(ConvTeams, RunsWithTheGrantedTeamMatchReference) {
  for (auto [channels, padding] :
       {std::pair<std::int64_t, const char*>{16, "same"}, {3, "valid"}}) {
    const Tensor x_value = keras::testing::random_tensor({4, 10, 10, channels}, DType::float32, 91);
    const Tensor w_value = keras::testing::random_tensor({3, 3, channels, 16}, DType::float32, 92);
    std::vector<std::unique_ptr<K::Function>> functions;
    for (const char* backend : {"reference", "cpu"}) {
      ScopedBackend scoped(backend);
      auto x = K::placeholder({4, 10, 10, channels}, DType::float32, "x");
      auto w = K::variable(w_value.clone(), "w");
      SymbolicTensor y = K::conv2d(x, w, {1, 1}, padding, "channels_last");
      std::vector<SymbolicTensor> outputs = K::gradients(K::sum(y * y), {x, w});
      outputs.push_back(y);
      functions.push_back(std::make_unique<K::Function>(std::vector<SymbolicTensor>{x}, outputs));
    }
    const std::vector<Tensor> expected = (*functions[0])({x_value});
    const int saved = omp_get_max_threads();
    for (int threads : {2, 1, 2}) {
      omp_set_num_threads(threads);
      const std::vector<Tensor> got = (*functions[1])({x_value});
      for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_TRUE(all_close(got[i], expected[i], 1e-4, 1e-4,
                              std::string(padding) + " threads " + std::to_string(threads) +
                                  " output " + std::to_string(i)));
    }
    omp_set_num_threads(saved);
  }
}

}  // namespace
