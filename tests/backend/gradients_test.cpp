// K::gradients against float64 finite differences for every case of the op table, on both
// backends; second derivatives; coverage of every OpKind; and the API's errors and corner cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "ops/op_def.h"
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
using keras::testing::GradMode;
using keras::testing::OpCase;

const std::vector<std::string> kBackends = {"reference", "cpu"};

std::vector<OpCase> cases_with(const std::vector<OpCase>& table, GradMode mode) {
  std::vector<OpCase> out;
  for (const OpCase& c : table)
    if (c.grad == mode) out.push_back(c);
  return out;
}

using CaseOnBackend = std::tuple<OpCase, std::string>;

std::string case_on_backend_name(const ::testing::TestParamInfo<CaseOnBackend>& info) {
  return std::get<0>(info.param).name + "_" + std::get<1>(info.param);
}

// ---- finite differences over the whole table ---------------------------------------------------

class Gradcheck : public ::testing::TestWithParam<CaseOnBackend> {};

TEST_P(Gradcheck, MatchesFiniteDifferences) {
  const auto& [c, backend] = GetParam();
  EXPECT_TRUE(keras::testing::gradcheck(c, backend));
}

INSTANTIATE_TEST_SUITE_P(OpCases, Gradcheck,
                         ::testing::Combine(::testing::ValuesIn(cases_with(
                                                keras::testing::op_cases(), GradMode::kCheck)),
                                            ::testing::ValuesIn(kBackends)),
                         case_on_backend_name);

// Gradients of gradients: the derivative rules of the ops gradients are made of.
INSTANTIATE_TEST_SUITE_P(
    SecondOrder, Gradcheck,
    ::testing::Combine(::testing::ValuesIn(keras::testing::second_order_cases()),
                       ::testing::ValuesIn(kBackends)),
    case_on_backend_name);

// Non-differentiable ops (comparisons, sign, argmax, one_hot, casts to int) are constants to
// K::gradients, as in Keras: the loss's gradient through them is zero, not an error.
class ZeroGradient : public ::testing::TestWithParam<OpCase> {};

TEST_P(ZeroGradient, IsExactlyZero) {
  EXPECT_TRUE(keras::testing::gradcheck(GetParam(), "reference"));
}

INSTANTIATE_TEST_SUITE_P(OpCases, ZeroGradient,
                         ::testing::ValuesIn(cases_with(keras::testing::op_cases(),
                                                        GradMode::kZero)),
                         [](const auto& info) { return info.param.name; });

// ---- coverage of the closed OpKind set --------------------------------------------------------

// Ops users never build directly: each is made by the gradient rule of another op; the named
// case's gradient graph contains it (checked by ExemptOpsAreReachedByTheirCase), and its own
// derivative rule is checked by a second-order case where one exists.
const std::map<OpKind, std::string>& reached_through_gradients() {
  static const std::map<OpKind, std::string> ops = {
      {OpKind::kSliceGrad, "slice_axis1"},     // Slice's gradient; rule: grad_of_slice
      {OpKind::kBroadcastLike, "sum_axis1"},   // Sum/Max/Min/Prod's gradient; rule: grad_of_sum
      {OpKind::kSumLike, "add_broadcast_3d"},  // broadcasting ops; rule: grad_of_broadcast_add
      {OpKind::kMeanGrad, "mean_axis1"},       // Mean's gradient; rule: grad_of_mean_keepdims
      {OpKind::kGatherGrad, "gather"},         // Gather's gradient; rule: grad_of_gather
      {OpKind::kSoftmaxGrad, "softmax_2d"},    // Softmax's gradient; rule: grad_of_softmax
      {OpKind::kCategoricalCrossentropyGrad, "categorical_crossentropy"},  // no rule of its own
      // convolution and pooling
      {OpKind::kMaxPoolGrad, "max_pool2d_valid"},  // MaxPool's gradient; no rule of its own
      // embedding, normalization and recurrent
      {OpKind::kRecurrentGrad, "recurrent_lstm"},         // Recurrent's gradient; no rule
      {OpKind::kRecurrentGradWeights, "recurrent_lstm"},  // Recurrent's dU; no rule
      // BatchNorm's gradients (dx through the statistics; d gamma, d beta); no rules of their own
      {OpKind::kBatchNormGrad, "batch_norm_train_channels_last"},
      {OpKind::kBatchNormGradParams, "batch_norm_train_channels_last"},
      {OpKind::kCtcLossGrad, "ctc_batch_cost"},
  };
  return ops;
}

// Made by the cpu compiler's fusion passes only (rewrite.cpp); the named case's cpu plan runs it.
const std::map<OpKind, std::string>& made_by_compiler() {
  static const std::map<OpKind, std::string> ops = {
      {OpKind::kFusedDense, "dense_relu"},                      // Add(MatMul(x, W), b) + activation
      {OpKind::kSoftmaxCrossEntropyGrad, "dense_softmax_cce"},  // SoftmaxGrad(CCEGrad(Softmax))
  };
  return ops;
}

// Non-differentiable by nature: piecewise constant (comparisons, sign, argmax/argmin, one_hot of
// indices) or random (the dropout mask, whose gradient reaches x through the product with it).
// Casts to int are kCast, which also has differentiable float cases.
const std::set<OpKind>& non_differentiable() {
  static const std::set<OpKind> ops = {
      OpKind::kEqual,
      OpKind::kNotEqual,
      OpKind::kGreater,
      OpKind::kGreaterEqual,
      OpKind::kLess,
      OpKind::kLessEqual,
      OpKind::kSign,
      OpKind::kArgMax,
      OpKind::kArgMin,
      OpKind::kOneHot,
      OpKind::kDropoutMask,
      OpKind::kRandomNormal,
      OpKind::kRound,
      OpKind::kStopGradient,
      OpKind::kRandomUniform,
      OpKind::kTruncatedNormal,
      OpKind::kCtcGreedyDecode,
  };
  return ops;
}

// Iterates the op table (src/ops/): a newly defined op fails here until it has a gradcheck case,
// a zero-gradient case or an exemption.
TEST(GradientCoverage, EveryDefinedOpIsCheckedOrExempt) {
  std::set<OpKind> checked, forward_only;
  for (const auto* table : {&keras::testing::op_cases(), &keras::testing::second_order_cases()})
    for (const OpCase& c : *table)
      (c.grad == GradMode::kCheck ? checked : forward_only).insert(c.op);
  for (const keras::ops::OpDef& def : keras::ops::op_table()) {
    if (checked.count(def.op) || reached_through_gradients().count(def.op) ||
        made_by_compiler().count(def.op))
      continue;
    if (non_differentiable().count(def.op)) {
      EXPECT_TRUE(forward_only.count(def.op))
          << "non-differentiable op " << def.name << " has no (zero-gradient) case";
      continue;
    }
    ADD_FAILURE() << "op " << def.name
                  << " is covered by no gradcheck case and is in no exemption list";
  }
}

// The definitions agree with the exemptions: exactly the non-differentiable ops let no gradient
// through, and only ops users never build (gradient-only, compiler-made) lack a rule.
TEST(GradientCoverage, DefinitionsMatchTheExemptions) {
  for (const keras::ops::OpDef& def : keras::ops::op_table()) {
    EXPECT_EQ(def.gradient == &keras::ops::no_gradient, non_differentiable().count(def.op) > 0)
        << def.name;
    const bool leaf = def.op == OpKind::kPlaceholder || def.op == OpKind::kVariable ||
                      def.op == OpKind::kConstant;
    const bool internal =
        reached_through_gradients().count(def.op) > 0 || made_by_compiler().count(def.op) > 0;
    EXPECT_TRUE(def.gradient || leaf || internal)
        << def.name << " has no gradient rule but users can build it";
  }
}

TEST(GradientCoverage, ExemptOpsAreReachedByTheirCase) {
  for (const auto& [op, name] : reached_through_gradients()) {
    const OpCase& c = keras::testing::find_case(name);
    auto g = keras::testing::make_loss_graph(c, DType::float64);
    auto ops = keras::testing::ops_in_graph(K::gradients(g.loss, g.built.float_inputs));
    EXPECT_TRUE(ops.count(static_cast<int>(op)))
        << name << "'s gradient does not contain " << K::op_name(op);
  }
  for (const auto& [op, name] : made_by_compiler()) {
    const OpCase& c = keras::testing::find_case(name);
    auto g = keras::testing::make_loss_graph(c, DType::float32);
    std::vector<SymbolicTensor> outputs = K::gradients(g.loss, g.built.float_inputs);
    outputs.push_back(g.built.float_output);
    std::vector<Tensor> feed = keras::testing::make_inputs(c, DType::float32, 5);
    feed.push_back(Tensor::full(K::int_shape(g.built.float_output), 1.0));
    for (const std::string& backend : kBackends) {
      keras::testing::ScopedBackend scoped(backend);
      K::Function f(g.inputs, outputs, {}, g.built.givens);
      f(feed);
      auto names = f.step_names();
      bool found = std::find(names.begin(), names.end(), K::op_name(op)) != names.end();
      EXPECT_EQ(found, backend == "cpu") << name << " on " << backend << ": " << K::op_name(op);
    }
  }
}

TEST(GradientCoverage, EveryCaseContainsItsOp) {
  for (const auto* table : {&keras::testing::op_cases(), &keras::testing::second_order_cases()})
    for (const OpCase& c : *table) {
      auto built = keras::testing::build_case(c, DType::float64);
      EXPECT_TRUE(keras::testing::ops_in_graph({built.output}).count(static_cast<int>(c.op)))
          << c.name << " does not build a " << K::op_name(c.op) << " node";
    }
}

// ---- the API -----------------------------------------------------------------------------------

TEST(Gradients, NonScalarLossThrowsWithItsShape) {
  auto x = K::placeholder({3, 4}, DType::float64, "x");
  try {
    K::gradients(K::sum(x, {1}), {x});
    FAIL() << "K::gradients accepted a loss of shape (3,)";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("scalar"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(3,)"), std::string::npos) << e.what();
  }
  auto unknown = K::placeholder({-1, 4}, DType::float64, "unknown");
  EXPECT_THROW(K::gradients(K::sum(unknown, {1}), {unknown}), std::invalid_argument);
}

TEST(Gradients, LossOfOneElementIsAccepted) {
  auto x = K::placeholder({3, 4}, DType::float64, "x");
  auto g = K::gradients(K::sum(x * 2.0, {}, true), {x});  // shape (1, 1)
  K::Function f({x}, g);
  Tensor out = f({Tensor::full({3, 4}, 0.25, DType::float64)})[0];
  EXPECT_EQ(out.shape(), (Shape{3, 4}));
  for (double v : out.to_vector<double>()) EXPECT_EQ(v, 2.0);
}

TEST(Gradients, UnrelatedParametersGetZeros) {
  auto x = K::placeholder({3, 4}, DType::float64, "x");
  auto unrelated = K::placeholder({2, 5}, DType::float64, "unrelated");
  auto weights = K::variable(Tensor::full({5}, 1.0, DType::float64), "weights");
  auto g = K::gradients(K::sum(K::square(x)), {unrelated, x, weights});
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(K::int_shape(g[0]), (Shape{2, 5}));
  EXPECT_EQ(K::int_shape(g[2]), (Shape{5}));
  K::Function f({x}, g);
  auto out = f({Tensor::full({3, 4}, 0.5, DType::float64)});
  EXPECT_EQ(out[0].shape(), (Shape{2, 5}));
  for (double v : out[0].to_vector<double>()) EXPECT_EQ(v, 0.0);
  for (double v : out[1].to_vector<double>()) EXPECT_EQ(v, 1.0);
  for (double v : out[2].to_vector<double>()) EXPECT_EQ(v, 0.0);
}

TEST(Gradients, UnrelatedParameterOfUnknownBatchGetsZeros) {
  // Keras models' inputs have an unknown batch: a loss that ignores one still differentiates.
  auto x = K::placeholder({-1, 4}, DType::float64, "x");
  auto unrelated = K::placeholder({-1, 3}, DType::float64, "unrelated");
  try {
    auto g = K::gradients(K::sum(K::square(x)), {unrelated});
    K::Function f({x, unrelated}, g);
    auto out =
        f({Tensor::full({2, 4}, 1.0, DType::float64), Tensor::full({2, 3}, 1.0, DType::float64)});
    EXPECT_EQ(out[0].shape(), (Shape{2, 3}));
    for (double v : out[0].to_vector<double>()) EXPECT_EQ(v, 0.0);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw: " << e.what();
  }
}

TEST(Gradients, VariablesAreParameters) {
  auto w = K::variable(Tensor::from_vector<double>({1.0, -2.0, 3.0}), "w");
  auto x = K::placeholder({-1, 3}, DType::float64, "x");
  auto g = K::gradients(K::sum(K::square(x * w)), {w});  // 2 * sum_rows(x^2) * w
  K::Function f({x}, g);
  Tensor xv = Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto out = f({xv})[0].to_vector<double>();
  EXPECT_DOUBLE_EQ(out[0], 2 * (1 + 16) * 1.0);
  EXPECT_DOUBLE_EQ(out[1], 2 * (4 + 25) * -2.0);
  EXPECT_DOUBLE_EQ(out[2], 2 * (9 + 36) * 3.0);
  // The graph reads the variable when it runs: a new value needs no new function.
  K::set_value(w, Tensor::from_vector<double>({1.0, 1.0, 1.0}));
  out = f({xv})[0].to_vector<double>();
  EXPECT_DOUBLE_EQ(out[1], 2 * (4 + 25));
}

TEST(Gradients, ComparisonsInTheLossAreConstants) {
  // sum(x * (x > 0)) is relu: its gradient is the mask, the comparison itself contributes zero.
  auto x = K::placeholder({2, 3}, DType::float64, "x");
  try {
    auto g = K::gradients(K::sum(x * K::greater(x, K::constant(0.0, DType::float64))), {x});
    K::Function f({x}, g);
    auto out = f({Tensor::from_vector<double>({-1, 2, -3, 4, 0.5, -0.5}, {2, 3})})[0];
    EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{0, 1, 0, 1, 1, 0}));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw: " << e.what();
  }
}

TEST(Gradients, DropoutPassesTheGradientThroughItsMask) {
  // What training a model with a Dropout layer needs: d sum(dropout(x)) / dx is the mask.
  auto x = K::placeholder({4, 5}, DType::float64, "x");
  SymbolicTensor y = K::in_train_phase(K::dropout(x, 0.5, 77), x);
  try {
    auto g = K::gradients(K::sum(y), {x});
    K::Function f({x}, {y, g[0]}, {}, {{K::learning_phase(), K::constant(1.0, DType::int32)}});
    auto out = f({Tensor::full({4, 5}, 1.0, DType::float64)});
    // With x = 1 the output is the mask itself (0 or 1 / (1 - rate)).
    EXPECT_EQ(out[1].to_vector<double>(), out[0].to_vector<double>());
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw: " << e.what();
  }
}

TEST(Gradients, LearningPhaseSelectsTheBranchGradient) {
  auto x = K::placeholder({3}, DType::float64, "x");
  SymbolicTensor y = K::in_train_phase(x * 3.0, x * 5.0);
  auto g = K::gradients(K::sum(y), {x});
  for (int phase : {0, 1}) {
    K::Function f({x}, g, {}, {{K::learning_phase(), K::constant(phase, DType::int32)}});
    auto out = f({Tensor::full({3}, 1.0, DType::float64)})[0];
    for (double v : out.to_vector<double>()) EXPECT_EQ(v, phase ? 3.0 : 5.0);
  }
}

TEST(Gradients, RepeatedParametersGetTheSameGradient) {
  auto x = K::placeholder({2}, DType::float64, "x");
  auto g = K::gradients(K::sum(x * x * x), {x, x});
  K::Function f({x}, g);
  auto out = f({Tensor::from_vector<double>({1.0, 2.0})});
  EXPECT_EQ(out[0].to_vector<double>(), (std::vector<double>{3.0, 12.0}));
  EXPECT_EQ(out[1].to_vector<double>(), (std::vector<double>{3.0, 12.0}));
}

}  // namespace
