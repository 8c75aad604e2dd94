// The K:: ops and K::Function outside numerics: static shapes with unknown batch dimensions,
// error messages, variables and their storage, K::eval, input validation, plan caching and the
// semantics of outputs and updates.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "testing/tensor_utils.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::Shape;
using keras::Tensor;
using keras::backend::SymbolicTensor;

// The message of the std::invalid_argument `body` throws ("" and a test failure if none).
template <typename Body>
std::string error_of(Body&& body) {
  try {
    body();
  } catch (const std::invalid_argument& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw something other than std::invalid_argument: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

::testing::AssertionResult mentions(const std::string& message,
                                    std::initializer_list<const char*> parts) {
  for (const char* part : parts)
    if (message.find(part) == std::string::npos)
      return ::testing::AssertionFailure()
             << "'" << message << "' does not mention '" << part << "'";
  return ::testing::AssertionSuccess();
}

SymbolicTensor ph(Shape shape, DType dtype = DType::float32, const char* name = "x") {
  return K::placeholder(std::move(shape), dtype, name);
}

// ---- static shapes with unknown (-1) batch dimensions ------------------------------------------

TEST(ShapeInference, UnknownBatchPropagates) {
  EXPECT_EQ(K::int_shape(K::dot(ph({-1, 3}), ph({3, 4}))), (Shape{-1, 4}));
  EXPECT_EQ(K::int_shape(K::dot(ph({-1, 5, 3}), ph({3, 4}))), (Shape{-1, 5, 4}));
  EXPECT_EQ(K::int_shape(ph({-1, 1, 4}) + ph({2, 4})), (Shape{-1, 2, 4}));
  EXPECT_EQ(K::int_shape(ph({-1, 4}) * ph({})), (Shape{-1, 4}));
  EXPECT_EQ(K::int_shape(ph({-1, 4}) - ph({-1, 1})), (Shape{-1, 4}));
  EXPECT_EQ(K::int_shape(K::sum(ph({-1, 3, 4}), {1}, true)), (Shape{-1, 1, 4}));
  EXPECT_EQ(K::int_shape(K::mean(ph({-1, 3, 4}), {-1})), (Shape{-1, 3}));
  EXPECT_EQ(K::int_shape(K::max(ph({-1, 3, 4}))), (Shape{}));
  EXPECT_EQ(K::int_shape(K::var(ph({-1, 3}), {0}, true)), (Shape{1, 3}));
  EXPECT_EQ(K::int_shape(K::argmax(ph({-1, 5}))), (Shape{-1}));
  EXPECT_EQ(K::int_shape(K::concatenate({ph({-1, 3}), ph({-1, 2})})), (Shape{-1, 5}));
  EXPECT_EQ(K::int_shape(K::concatenate({ph({-1, 3}), ph({2, 3})}, 0)), (Shape{-1, 3}));
  EXPECT_EQ(K::int_shape(K::reshape(ph({-1, 6}), {-1, 2, 3})), (Shape{-1, 2, 3}));
  EXPECT_EQ(K::int_shape(K::batch_flatten(ph({-1, 2, 3}))), (Shape{-1, 6}));
  EXPECT_EQ(K::int_shape(K::flatten(ph({-1, 2, 3}))), (Shape{-1}));
  EXPECT_EQ(K::int_shape(K::expand_dims(ph({-1, 3}), 1)), (Shape{-1, 1, 3}));
  EXPECT_EQ(K::int_shape(K::squeeze(ph({-1, 1, 3}), 1)), (Shape{-1, 3}));
  EXPECT_EQ(K::int_shape(K::permute_dimensions(ph({-1, 2, 3}), {0, 2, 1})), (Shape{-1, 3, 2}));
  EXPECT_EQ(K::int_shape(K::transpose(ph({-1, 2}))), (Shape{2, -1}));
  EXPECT_EQ(K::int_shape(K::slice(ph({-1, 5}), 1, 1, 3)), (Shape{-1, 2}));
  EXPECT_EQ(K::int_shape(K::gather(ph({10, 4}), ph({-1}, DType::int32))), (Shape{-1, 4}));
  EXPECT_EQ(K::int_shape(K::one_hot(ph({-1}, DType::int64), 5)), (Shape{-1, 5}));
  EXPECT_EQ(K::int_shape(K::softmax(ph({-1, 5}))), (Shape{-1, 5}));
  EXPECT_EQ(K::int_shape(K::categorical_crossentropy(ph({-1, 5}), ph({-1, 5}))), (Shape{-1}));
  EXPECT_EQ(K::int_shape(K::batch_dot(ph({-1, 3, 4}), ph({-1, 4, 5}))), (Shape{-1, 3, 5}));
  EXPECT_EQ(K::int_shape(K::batch_dot(ph({-1, 4}), ph({-1, 4}))), (Shape{-1, 1}));
  EXPECT_EQ(K::int_shape(K::in_train_phase(ph({-1, 3}), ph({3}))), (Shape{-1, 3}));
}

TEST(ShapeInference, DtypesOfResults) {
  EXPECT_EQ(K::dtype(K::argmax(ph({-1, 5}))), DType::int64);
  EXPECT_EQ(K::dtype(K::greater(ph({3}, DType::float64), ph({3}, DType::float64))), DType::float64);
  EXPECT_EQ(K::dtype(K::cast(ph({3}), DType::int32)), DType::int32);
  EXPECT_EQ(K::dtype(K::gather(ph({4, 2}, DType::float64), ph({3}, DType::int64))), DType::float64);
  keras::testing::ScopedFloatx floatx(DType::float64);
  EXPECT_EQ(K::dtype(K::one_hot(ph({3}, DType::int32), 4)), DType::float64);
}

TEST(ShapeInference, UnknownBatchGraphsRunAtAnyBatch) {
  auto x = ph({-1, 6});
  auto w = K::variable(Tensor::full({3, 2}, 0.5), "w");
  SymbolicTensor y = K::sum(K::dot(K::reshape(x, {-1, 2, 3}), w), {1});  // (batch, 2)
  SymbolicTensor flat = K::batch_flatten(K::expand_dims(x * 2.0, 1));    // (batch, 6)
  K::Function f({x}, {y, flat, K::concatenate({x, x}, 0)});
  for (std::int64_t batch : {3, 1, 4}) {
    auto out = f({Tensor::full({batch, 6}, 1.0)});
    EXPECT_EQ(out[0].shape(), (Shape{batch, 2}));
    for (float v : out[0].to_vector<float>()) EXPECT_FLOAT_EQ(v, 2 * 3 * 0.5f);
    EXPECT_EQ(out[1].shape(), (Shape{batch, 6}));
    EXPECT_EQ(out[2].shape(), (Shape{2 * batch, 6}));
  }
}

// expand_dims and squeeze keep every other axis, however many are unknown (an image of unknown
// height and width); the gradient flows back through both.
TEST(ShapeInference, ExpandDimsAndSqueezeWithSeveralUnknownAxes) {
  auto x = ph({-1, -1, -1, 2});
  SymbolicTensor wide = K::expand_dims(x, 3);
  EXPECT_EQ(K::int_shape(wide), (Shape{-1, -1, -1, 1, 2}));
  SymbolicTensor back = K::squeeze(wide, 3);
  EXPECT_EQ(K::int_shape(back), (Shape{-1, -1, -1, 2}));
  SymbolicTensor loss = K::sum(K::square(back) * 0.5);
  K::Function f({x}, {wide, back, K::gradients(loss, {x})[0]});
  std::vector<float> values(2 * 3 * 5 * 2);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.25f * static_cast<float>(i) - 3.0f;
  Tensor in = Tensor::from_vector<float>(values, {2, 3, 5, 2});
  auto out = f({in});
  EXPECT_EQ(out[0].shape(), (Shape{2, 3, 5, 1, 2}));
  EXPECT_EQ(out[1].to_vector<float>(), in.to_vector<float>());
  EXPECT_EQ(out[2].to_vector<float>(), in.to_vector<float>());  // d(x^2/2)/dx = x
}

// ---- error messages -----------------------------------------------------------------------------

TEST(Errors, BroadcastMismatchNamesBothShapes) {
  EXPECT_TRUE(mentions(error_of([] {
                         K::add(ph({3, 4}), ph({5}));
                       }),
                       {"(3, 4)", "(5,)", "broadcast"}));
  EXPECT_TRUE(mentions(error_of([] { ph({-1, 3}) * ph({2, 4}); }), {"(None, 3)", "(2, 4)"}));
  EXPECT_TRUE(mentions(error_of([] { K::maximum(ph({2, 3}), ph({3, 2})); }), {"(2, 3)", "(3, 2)"}));
}

TEST(Errors, DotMisalignmentNamesBothShapes) {
  EXPECT_TRUE(mentions(error_of([] {
                         K::dot(ph({3, 4}), ph({5, 6}));
                       }),
                       {"(3, 4)", "(5, 6)", "aligned"}));
  EXPECT_TRUE(mentions(error_of([] {
                         K::matmul(ph({3, 4}), ph({5, 4}), true, false);
                       }),
                       {"(3, 4)", "(5, 4)"}));
  EXPECT_TRUE(mentions(error_of([] {
                         K::batch_dot(ph({2, 3, 4}), ph({2, 5, 6}));
                       }),
                       {"(2, 3, 4)", "(2, 5, 6)"}));
  EXPECT_TRUE(mentions(error_of([] { K::dot(ph({3, 4}), ph({4, 5, 6})); }), {"(4, 5, 6)"}));
  EXPECT_TRUE(mentions(error_of([] {
                         K::batch_dot(ph({2, 3}), ph({2, 3, 4}));
                       }),
                       {"(2, 3)", "(2, 3, 4)"}));
}

TEST(Errors, ReshapeOfTheWrongSize) {
  EXPECT_TRUE(mentions(error_of([] { K::reshape(ph({3, 4}), {5}); }), {"(3, 4)", "(5,)"}));
  EXPECT_TRUE(mentions(error_of([] { K::reshape(ph({3, 4}), {-1, 5}); }), {"(3, 4)", "(None, 5)"}));
  EXPECT_FALSE(error_of([] { K::reshape(ph({3, 4}), {-1, -1}); }).empty());
  EXPECT_TRUE(mentions(error_of([] { K::squeeze(ph({3, 4}), 1); }), {"(3, 4)"}));
}

TEST(Errors, ConcatenateMismatch) {
  EXPECT_TRUE(mentions(error_of([] {
                         K::concatenate({ph({2, 3}), ph({2, 4})}, 0);
                       }),
                       {"(2, 3)", "(2, 4)"}));
  EXPECT_TRUE(mentions(error_of([] {
                         K::concatenate({ph({2, 3}), ph({2, 3, 1})});
                       }),
                       {"(2, 3)", "(2, 3, 1)"}));
  EXPECT_FALSE(error_of([] { K::concatenate({ph({2, 3})}, 2); }).empty());
}

TEST(Errors, DtypeMismatchNamesBothDtypes) {
  EXPECT_TRUE(mentions(error_of([] { ph({3}, DType::float32) + ph({3}, DType::float64); }),
                       {"float32", "float64", "cast"}));
  EXPECT_TRUE(mentions(error_of([] {
                         K::gather(ph({4, 2}), ph({3}, DType::float32));
                       }),
                       {"float32"}));
  EXPECT_TRUE(mentions(error_of([] { K::one_hot(ph({3}, DType::float32), 4); }), {"float32"}));
}

TEST(Errors, OtherBadArguments) {
  EXPECT_TRUE(mentions(error_of([] { K::slice(ph({3, 4}), 1, 2, 6); }), {"(3, 4)"}));
  EXPECT_FALSE(error_of([] { K::permute_dimensions(ph({3, 4}), {0, 0}); }).empty());
  EXPECT_FALSE(error_of([] { K::permute_dimensions(ph({3, 4}), {0}); }).empty());
  EXPECT_FALSE(error_of([] { K::argmax(ph({3, 4}), 2); }).empty());
  EXPECT_FALSE(error_of([] { K::sum(ph({3, 4}), {-3}); }).empty());
  EXPECT_FALSE(error_of([] { K::dropout(ph({3}), 1.0); }).empty());
  EXPECT_FALSE(error_of([] { K::categorical_crossentropy(ph({3, 4}), ph({3, 5})); }).empty());
  EXPECT_TRUE(mentions(error_of([] { K::placeholder({3, -2}); }), {"invalid dimension -2"}));
  // An empty dimension is a shape like any other (TensorFlow's; Cropping1D((2, 2)) of 4 steps).
  EXPECT_EQ(K::placeholder({3, 0}).shape(), (Shape{3, 0}));
  EXPECT_TRUE(mentions(error_of([] { K::set_backend("gpu"); }), {"gpu", "cpu", "reference"}));
  EXPECT_FALSE(error_of([] {
                 K::batch_dot(ph({2, 3, 4}), ph({2, 4, 5}), std::pair{0, 1});
               }).empty());
}

// ---- constants, variables, eval -------------------------------------------------------------

TEST(Eval, ComputesConstantExpressions) {
  EXPECT_FLOAT_EQ(K::eval(K::constant(2.0) * 3.0 + 1.0).item(), 7.0f);
  Tensor ones = K::eval(K::ones({2, 3}, DType::float64));
  EXPECT_EQ(ones.shape(), (Shape{2, 3}));
  EXPECT_EQ(ones.dtype(), DType::float64);
  for (double v : ones.to_vector<double>()) EXPECT_EQ(v, 1.0);
  Tensor m = K::eval(K::sum(K::constant(Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2})), {0}));
  EXPECT_EQ(m.to_vector<float>(), (std::vector<float>{4, 6}));
  // eval runs in the test phase.
  EXPECT_FLOAT_EQ(K::eval(K::in_train_phase(K::constant(1.0), K::constant(2.0))).item(), 2.0f);
  EXPECT_EQ(K::eval(K::argmax(K::constant(Tensor::from_vector<float>({1, 5, 2})))).item(), 1.0);
}

TEST(Eval, NeedsNoPlaceholders) {
  auto x = ph({2}, DType::float32, "needed_input");
  EXPECT_TRUE(mentions(error_of([&] { K::eval(x * 2.0); }), {"needed_input"}));
}

TEST(Variables, ShareStorageWithTheirValue) {
  Tensor t = Tensor::from_vector<float>({1, 2, 3});
  auto v = K::variable(t, "shared");
  EXPECT_TRUE(K::get_value(v).shares_storage_with(t));
  EXPECT_EQ(K::count_params(v), 3);
  K::Function f({}, {v * 2.0});
  EXPECT_EQ(f({})[0].to_vector<float>(), (std::vector<float>{2, 4, 6}));
  // set_value copies into the shared storage: the caller's tensor and the compiled function see it.
  K::set_value(v, Tensor::from_vector<float>({4, 5, 6}));
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(f({})[0].to_vector<float>(), (std::vector<float>{8, 10, 12}));
  // Writing the tensor directly is seen too; set_value converts dtypes.
  t.data<float>()[0] = 10;
  EXPECT_EQ(f({})[0].to_vector<float>(), (std::vector<float>{20, 10, 12}));
  K::set_value(v, Tensor::from_vector<double>({0.5, 1.5, 2.5}));
  EXPECT_EQ(K::get_value(v).dtype(), DType::float32);
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{0.5f, 1.5f, 2.5f}));
  EXPECT_TRUE(
      mentions(error_of([&] { K::set_value(v, Tensor::zeros({2})); }), {"shared", "(3,)", "(2,)"}));
  EXPECT_FALSE(error_of([] { K::get_value(ph({2})); }).empty());
}

TEST(Variables, ConstantsCopyTheirValue) {
  Tensor t = Tensor::from_vector<float>({1, 2});
  auto c = K::constant(t);
  t.data<float>()[0] = 100;
  EXPECT_EQ(K::eval(c).to_vector<float>(), (std::vector<float>{1, 2}));
}

// ---- K::Function input validation
// ----------------------------------------------------------------

TEST(FunctionInputs, WrongNumberOfInputs) {
  auto x = ph({-1, 3});
  K::Function f({x}, {x * 2.0});
  EXPECT_TRUE(mentions(error_of([&] { f({}); }), {"1", "0"}));
  EXPECT_TRUE(mentions(error_of([&] {
                         f({Tensor::zeros({2, 3}), Tensor::zeros({2, 3})});
                       }),
                       {"1", "2"}));
}

TEST(FunctionInputs, WrongShapeNamesThePlaceholderAndBothShapes) {
  auto x = ph({-1, 3}, DType::float32, "features");
  K::Function f({x}, {x * 2.0});
  EXPECT_TRUE(mentions(error_of([&] {
                         f({Tensor::zeros({2, 4})});
                       }),
                       {"features", "(None, 3)", "(2, 4)"}));
  EXPECT_TRUE(
      mentions(error_of([&] { f({Tensor::zeros({6})}); }), {"features", "(None, 3)", "(6,)"}));
  // A bad call leaves the function usable.
  EXPECT_EQ(f({Tensor::full({1, 3}, 1.0)})[0].to_vector<float>(), (std::vector<float>{2, 2, 2}));
}

TEST(FunctionInputs, WrongDtypeNamesThePlaceholder) {
  auto x = ph({3}, DType::float32, "typed");
  K::Function f({x}, {x * 2.0});
  EXPECT_TRUE(mentions(error_of([&] { f({Tensor::zeros({3}, DType::float64)}); }),
                       {"typed", "float32", "float64"}));
}

TEST(FunctionInputs, MissingPlaceholderIsNamed) {
  auto x = ph({3}, DType::float32, "given");
  auto y = ph({3}, DType::float32, "forgotten");
  EXPECT_TRUE(mentions(error_of([&] { K::Function f({x}, {x + y}); }), {"forgotten", "(3,)"}));
}

TEST(FunctionInputs, InputsMustBePlaceholdersAndUpdatesVariables) {
  auto x = ph({3});
  auto v = K::variable(Tensor::zeros({3}), "v");
  EXPECT_FALSE(error_of([&] { K::Function f({x * 2.0}, {x}); }).empty());
  EXPECT_FALSE(error_of([&] { K::Function f({x}, {}, {{x, x * 2.0}}); }).empty());
  EXPECT_TRUE(mentions(error_of([&] { K::Function f({x}, {}, {{v, K::sum(x)}}); }), {"v", "(3,)"}));
}

// ---- plans and outputs
// ---------------------------------------------------------------------------

TEST(Plans, CachedPerInputShape) {
  auto x = ph({-1, 3});
  auto w = K::variable(Tensor::from_vector<float>({1, 2, 3}, {3, 1}), "w");
  K::Function f({x}, {K::dot(x, w) + 1.0, K::sum(x * 2.0, {1})});
  auto check = [&](std::int64_t batch) {
    Tensor in({batch, 3});
    for (std::int64_t i = 0; i < in.numel(); ++i) in.data<float>()[i] = static_cast<float>(i);
    auto out = f({in});
    ASSERT_EQ(out[0].shape(), (Shape{batch, 1}));
    ASSERT_EQ(out[1].shape(), (Shape{batch}));
    for (std::int64_t r = 0; r < batch; ++r) {
      float a = 3.0f * r, b = a + 1, c = a + 2;
      EXPECT_FLOAT_EQ(out[0].at<float>(r, 0), a + 2 * b + 3 * c + 1)
          << "batch " << batch << " row " << r;
      EXPECT_FLOAT_EQ(out[1].at<float>(r), 2 * (a + b + c)) << "batch " << batch << " row " << r;
    }
  };
  check(2);
  check(2);
  check(5);
  check(2);
  check(1);
  check(5);
}

TEST(Plans, RunReturnsViewsOperatorCallReturnsCopies) {
  auto x = ph({-1, 2});
  K::Function f({x}, {x * 3.0});
  std::vector<Tensor> copy = f({Tensor::full({1, 2}, 1.0)});
  const Tensor first = f.run({Tensor::full({1, 2}, 2.0)})[0];
  EXPECT_EQ(first.to_vector<float>(), (std::vector<float>{6, 6}));
  const Tensor second = f.run({Tensor::full({1, 2}, 5.0)})[0];
  // Same shapes: the same buffer is reused (no allocation), so the earlier view sees new values.
  EXPECT_EQ(first.raw_data(), second.raw_data());
  EXPECT_EQ(first.to_vector<float>(), (std::vector<float>{15, 15}));
  EXPECT_EQ(copy[0].to_vector<float>(), (std::vector<float>{3, 3}));
  EXPECT_GT(f.num_steps(), 0u);
}

TEST(Plans, OutputsThatAreInputs) {
  auto x = ph({-1, 2});
  K::Function f({x}, {x, x + 1.0});
  auto out = f({Tensor::from_vector<float>({1, 2}, {1, 2})});
  EXPECT_EQ(out[0].to_vector<float>(), (std::vector<float>{1, 2}));
  EXPECT_EQ(out[1].to_vector<float>(), (std::vector<float>{2, 3}));
}

TEST(Plans, OutputsThatReshapeAnInputHaveTheirOwnShape) {
  auto x = ph({-1, 3});
  K::Function f({x}, {K::flatten(x), K::expand_dims(x, 1), K::reshape(x, {3, -1})});
  auto out = f({Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3})});
  EXPECT_EQ(out[0].shape(), (Shape{6}));
  EXPECT_EQ(out[1].shape(), (Shape{2, 1, 3}));
  EXPECT_EQ(out[2].shape(), (Shape{3, 2}));
  EXPECT_EQ(out[0].to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Plans, OutputsThatReshapeAVariable) {
  auto v = K::variable(Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2}), "v");
  K::Function f({}, {K::flatten(v), v});
  auto out = f({});
  EXPECT_EQ(out[0].shape(), (Shape{4}));
  EXPECT_EQ(out[1].shape(), (Shape{2, 2}));
}

TEST(Plans, GivensReplaceTensorsAndFoldSwitches) {
  auto x = ph({2});
  auto scale = ph({}, DType::float32, "scale");
  SymbolicTensor y = K::in_train_phase(x * scale, x - scale);
  K::Function train(
      {x}, {y}, {},
      {{scale, K::constant(3.0)}, {K::learning_phase(), K::constant(1.0, DType::int32)}});
  K::Function test(
      {x}, {y}, {},
      {{scale, K::constant(3.0)}, {K::learning_phase(), K::constant(0.0, DType::int32)}});
  Tensor in = Tensor::from_vector<float>({1, 2});
  EXPECT_EQ(train({in})[0].to_vector<float>(), (std::vector<float>{3, 6}));
  EXPECT_EQ(test({in})[0].to_vector<float>(), (std::vector<float>{-2, -1}));
  for (const auto& step : train.step_names())
    EXPECT_EQ(step.find("Switch"), std::string::npos) << step;
  // Fed as an input instead, the phase chooses at run time.
  K::Function either({K::learning_phase(), x}, {y}, {}, {{scale, K::constant(3.0)}});
  EXPECT_EQ(either({Tensor::full({}, 1, DType::int32), in})[0].to_vector<float>(),
            (std::vector<float>{3, 6}));
  EXPECT_EQ(either({Tensor::full({}, 0, DType::int32), in})[0].to_vector<float>(),
            (std::vector<float>{-2, -1}));
}

TEST(Plans, OutOfRangeIndicesThrowAndLeaveTheFunctionUsable) {
  auto table = K::variable(Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2}), "table");
  auto ids = ph({-1}, DType::int32, "ids");
  K::Function f({ids}, {K::gather(table, ids), K::one_hot(ids, 3)});
  EXPECT_THROW(f({Tensor::from_vector<std::int32_t>({0, 3})}), std::out_of_range);
  EXPECT_THROW(f({Tensor::from_vector(std::vector<std::int32_t>{-1}, {1})}), std::out_of_range);
  auto out = f({Tensor::from_vector<std::int32_t>({2, 0})});
  EXPECT_EQ(out[0].to_vector<float>(), (std::vector<float>{5, 6, 1, 2}));
  EXPECT_EQ(out[1].to_vector<float>(), (std::vector<float>{0, 0, 1, 1, 0, 0}));
}

TEST(Plans, DropoutDrawsAFreshMaskEachRunWithTheRightRate) {
  const std::int64_t n = 20000;
  const double rate = 0.3;
  auto x = ph({n});
  K::Function f({x}, {K::dropout(x, rate, 5)});
  K::Function same_seed({x}, {K::dropout(x, rate, 5)});
  Tensor ones = Tensor::full({n}, 1.0);
  std::vector<float> first = f({ones})[0].to_vector<float>();
  std::vector<float> second = f({ones})[0].to_vector<float>();
  EXPECT_NE(first, second);
  EXPECT_EQ(same_seed({ones})[0].to_vector<float>(), first);
  std::int64_t dropped = 0;
  for (float v : first) {
    if (v == 0.0f)
      ++dropped;
    else
      EXPECT_FLOAT_EQ(v, static_cast<float>(1.0 / (1.0 - rate)));
  }
  EXPECT_NEAR(static_cast<double>(dropped) / n, rate, 0.02);
}

// ---- updates: Keras semantics, every update reads the values from before the run ----------------

TEST(Updates, ApplyAfterTheRun) {
  for (const char* backend : {"reference", "cpu"}) {
    keras::testing::ScopedBackend scoped(backend);
    auto x = ph({3});
    auto acc = K::variable(Tensor::zeros({3}), "acc");
    K::Function f({x}, {acc * 1.0}, {{acc, acc + x}});
    Tensor in = Tensor::from_vector<float>({1, 2, 3});
    EXPECT_EQ(f({in})[0].to_vector<float>(), (std::vector<float>{0, 0, 0})) << backend;
    EXPECT_EQ(f({in})[0].to_vector<float>(), (std::vector<float>{1, 2, 3})) << backend;
    EXPECT_EQ(K::get_value(acc).to_vector<float>(), (std::vector<float>{2, 4, 6})) << backend;
  }
}

TEST(Updates, SwapReadsOldValues) {
  for (const char* backend : {"reference", "cpu"}) {
    keras::testing::ScopedBackend scoped(backend);
    auto a = K::variable(Tensor::full({3}, 1.0), "a");
    auto b = K::variable(Tensor::full({3}, 2.0), "b");
    K::Function f({}, {}, {{a, b}, {b, a}});
    f({});
    EXPECT_EQ(K::get_value(a).to_vector<float>(), (std::vector<float>{2, 2, 2})) << backend;
    EXPECT_EQ(K::get_value(b).to_vector<float>(), (std::vector<float>{1, 1, 1})) << backend;
  }
}

TEST(Updates, CopyOfAVariableUpdatedInTheSameRunReadsItsOldValue) {
  for (const char* backend : {"reference", "cpu"}) {
    keras::testing::ScopedBackend scoped(backend);
    auto a = K::variable(Tensor::full({3}, 1.0), "a");
    auto b = K::variable(Tensor::full({3}, 2.0), "b");
    K::Function f({}, {}, {{a, a * 10.0}, {b, a}});
    f({});
    EXPECT_EQ(K::get_value(a).to_vector<float>(), (std::vector<float>{10, 10, 10})) << backend;
    EXPECT_EQ(K::get_value(b).to_vector<float>(), (std::vector<float>{1, 1, 1})) << backend;
  }
}

TEST(Updates, ReshapedVariableReadsItsOldValue) {
  for (const char* backend : {"reference", "cpu"}) {
    keras::testing::ScopedBackend scoped(backend);
    auto a = K::variable(Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2}), "a");
    auto b = K::variable(Tensor::zeros({4}), "b");
    K::Function f({}, {}, {{a, a + 1.0}, {b, K::flatten(a)}});
    f({});
    EXPECT_EQ(K::get_value(a).to_vector<float>(), (std::vector<float>{2, 3, 4, 5})) << backend;
    EXPECT_EQ(K::get_value(b).to_vector<float>(), (std::vector<float>{1, 2, 3, 4})) << backend;
  }
}

}  // namespace
