// Typed op attributes: each op's definition names its attribute struct (src/ops/<family>.h); a
// node built with another struct is rejected when it is built, reading a node's attributes as
// another struct is rejected where it is read, and each family's K::* builders store what they
// were given.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "keras/backend/backend.h"
#include "kernels/kernel.h"
#include "ops/conv.h"
#include "ops/elementwise.h"
#include "ops/indexing.h"
#include "ops/leaves.h"
#include "ops/linalg.h"
#include "ops/normalization.h"
#include "ops/op_def.h"
#include "ops/pool.h"
#include "ops/random.h"
#include "ops/recurrent.h"
#include "ops/reduce.h"
#include "ops/shape.h"

namespace {

namespace K = keras::backend;
namespace ops = keras::ops;
using keras::DType;
using keras::Shape;
using keras::backend::Node;
using keras::backend::OpKind;
using keras::backend::SymbolicTensor;

// The message of the std::logic_error `build` throws ("" when it throws none).
template <typename Build>
std::string logic_error_of(Build build) {
  try {
    build();
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "";
}

// A copy: the tensor (and its node) may be a temporary.
template <typename T>
T attrs_of(const SymbolicTensor& t) {
  return t.node()->attrs_as<T>();
}

TEST(OpAttrs, ANodeWithAnotherOpsStructIsRejectedWhenBuilt) {
  auto x = K::placeholder({2, 3}, DType::float32, "x");
  ops::SliceAttrs slice;
  slice.axis = 1;
  EXPECT_EQ(logic_error_of([&] { K::make_node(OpKind::kSum, {x}, slice); }),
            "K::Sum takes ReduceAttrs, got SliceAttrs");
  EXPECT_EQ(logic_error_of([&] { K::make_node(OpKind::kExp, {x}, ops::ReduceAttrs{}); }),
            "K::Exp takes no attributes, got ReduceAttrs");
  // Nodes the compiler builds directly are checked too.
  EXPECT_EQ(logic_error_of([&] {
              std::make_shared<Node>(OpKind::kFusedDense, std::vector<keras::backend::NodePtr>{},
                                     ops::MatMulAttrs{}, Shape{2, 3}, DType::float32);
            }),
            "K::FusedDense takes FusedDenseAttrs, got MatMulAttrs");
}

TEST(OpAttrs, ReadingAnotherStructNamesTheOpAndBothTypes) {
  auto x = K::placeholder({2, 3}, DType::float32, "x");
  SymbolicTensor y = K::sum(x, {1});
  const std::string expected = "K::Sum: its attributes are ReduceAttrs, read as SliceAttrs";
  EXPECT_EQ(logic_error_of([&] { attrs_of<ops::SliceAttrs>(y); }), expected);
  keras::kernels::KernelCall call;
  call.op = OpKind::kSum;
  call.attrs = &y.node()->attrs;
  EXPECT_EQ(logic_error_of([&] { call.attrs_as<ops::SliceAttrs>(); }), expected);
  EXPECT_EQ(call.attrs_if<ops::SliceAttrs>(), nullptr);
  EXPECT_EQ(call.attrs_as<ops::ReduceAttrs>().axes, std::vector<int>{1});
  SymbolicTensor e = K::exp(x);
  EXPECT_TRUE(e.node()->attrs.empty());
  EXPECT_EQ(logic_error_of([&] { attrs_of<ops::UnaryAttrs>(e); }),
            "K::Exp: its attributes are no attributes, read as UnaryAttrs");
}

TEST(OpAttrs, AnOpBuiltWithoutAttributesGetsItsStructsDefaults) {
  auto x = K::placeholder({2, 3}, DType::float32, "x");
  SymbolicTensor total = K::make_node(OpKind::kSum, {x});
  EXPECT_EQ(total.shape(), Shape{});
  EXPECT_TRUE(attrs_of<ops::ReduceAttrs>(total).axes.empty());
  for (const ops::OpDef& def : ops::op_table()) {
    SCOPED_TRACE(def.name);
    if (!def.attrs.type) {
      EXPECT_EQ(def.attrs.make_default, nullptr);
      continue;
    }
    ASSERT_NE(def.attrs.make_default, nullptr);
    ASSERT_NE(def.attrs.name, nullptr);
    const K::OpAttrs defaults = def.attrs.make_default();
    EXPECT_TRUE(*defaults.type() == *def.attrs.type);
    EXPECT_STREQ(defaults.type_name(), def.attrs.name);
  }
}

TEST(OpAttrs, LeafElementwiseReduceAndLinalgRoundTrip) {
  auto x = K::placeholder({-1, 4}, DType::float64, "x");
  EXPECT_EQ(attrs_of<ops::LeafAttrs>(x).shape, (Shape{-1, 4}));
  EXPECT_EQ(attrs_of<ops::LeafAttrs>(x).dtype, DType::float64);
  const auto relu = attrs_of<ops::UnaryAttrs>(K::relu(x, 0.1, 6.0));
  EXPECT_EQ(relu.alpha, 0.1);
  EXPECT_EQ(relu.beta, 6.0);
  const auto clip = attrs_of<ops::UnaryAttrs>(K::clip(x, -1.0, 2.0));
  EXPECT_EQ(clip.alpha, -1.0);
  EXPECT_EQ(clip.beta, 2.0);
  EXPECT_EQ(attrs_of<ops::UnaryAttrs>(K::elu(x, 0.5)).alpha, 0.5);
  EXPECT_EQ(attrs_of<ops::CastAttrs>(K::cast(x, DType::int32)).dtype, DType::int32);
  const auto mean = attrs_of<ops::ReduceAttrs>(K::mean(x, {-1}, true));
  EXPECT_EQ(mean.axes, std::vector<int>{-1});
  EXPECT_TRUE(mean.keepdims);
  EXPECT_EQ(attrs_of<ops::AxisAttrs>(K::argmax(x, 1)).axis, 1);
  EXPECT_EQ(attrs_of<ops::AxisAttrs>(K::cumsum(x, 1)).axis, 1);
  auto w = K::placeholder({3, 4}, DType::float64, "w");
  const auto mm = attrs_of<ops::MatMulAttrs>(K::matmul(x, w, false, true));
  EXPECT_FALSE(mm.transpose_a);
  EXPECT_TRUE(mm.transpose_b);
}

TEST(OpAttrs, ShapeIndexingRandomAndNormalizationRoundTrip) {
  auto x = K::placeholder({2, 6}, DType::float32, "x");
  EXPECT_EQ(attrs_of<ops::ReshapeAttrs>(K::reshape(x, {3, -1})).shape, (Shape{3, -1}));
  EXPECT_EQ(attrs_of<ops::TransposeAttrs>(K::permute_dimensions(x, {1, 0})).axes,
            (std::vector<int>{1, 0}));
  EXPECT_EQ(attrs_of<ops::ConcatenateAttrs>(K::concatenate({x, x}, 0)).axis, 0);
  const auto slice = attrs_of<ops::SliceAttrs>(K::slice(x, 1, 2, -1));
  EXPECT_EQ(slice.axis, 1);
  EXPECT_EQ(slice.begin, 2);
  EXPECT_EQ(slice.end, -1);
  const auto pad = attrs_of<ops::PadAttrs>(K::pad(x, {0, 1}, {2, 3}));
  EXPECT_EQ(pad.pad_begin, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(pad.pad_end, (std::vector<std::int64_t>{2, 3}));
  auto indices = K::placeholder({5}, DType::int64, "indices");
  const auto one_hot = attrs_of<ops::OneHotAttrs>(K::one_hot(indices, 7, DType::float64));
  EXPECT_EQ(one_hot.count, 7);
  EXPECT_EQ(one_hot.dtype, DType::float64);

  SymbolicTensor dropped = K::dropout(x, 0.25, 11);
  ASSERT_EQ(dropped.node()->inputs.size(), 2u);
  const Node& mask = *dropped.node()->inputs[1];
  ASSERT_EQ(mask.op, OpKind::kDropoutMask);
  EXPECT_EQ(mask.attrs_as<ops::DropoutAttrs>().rate, 0.25);
  EXPECT_EQ(mask.attrs_as<ops::DropoutAttrs>().seed, 11u);
  SymbolicTensor noise = K::random_normal_like(x, 1.5, 0.5, 3);
  ASSERT_EQ(noise.node()->op, OpKind::kRandomNormal);
  EXPECT_EQ(attrs_of<ops::RandomAttrs>(noise).alpha, 1.5);
  EXPECT_EQ(attrs_of<ops::RandomAttrs>(noise).beta, 0.5);
  EXPECT_EQ(attrs_of<ops::RandomAttrs>(noise).seed, 3u);

  auto stats = K::placeholder({6}, DType::float32, "stats");
  SymbolicTensor normed = K::batch_normalization(x, stats, stats, stats, stats, -1, 1e-3);
  ASSERT_EQ(normed.node()->op, OpKind::kBatchNorm);
  EXPECT_EQ(attrs_of<ops::BatchNormAttrs>(normed).axis, 1);
  EXPECT_EQ(attrs_of<ops::BatchNormAttrs>(normed).epsilon, 1e-3);
  EXPECT_EQ(attrs_of<ops::L2NormalizeAttrs>(K::l2_normalize(x, 1)).axes, std::vector<int>{1});
}

TEST(OpAttrs, ConvPoolAndRecurrentRoundTrip) {
  auto x = K::placeholder({1, 7, 7, 2}, DType::float32, "x");
  auto kernel = K::placeholder({3, 3, 2, 4}, DType::float32, "kernel");
  SymbolicTensor y = K::conv2d(x, kernel, {2, 2}, "same", "channels_last", {1, 1});
  ASSERT_EQ(y.node()->op, OpKind::kConv);
  const auto conv = attrs_of<ops::ConvAttrs>(y);
  EXPECT_EQ(conv.strides, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(conv.dilation, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(conv.pad_begin, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(conv.pad_end, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(conv.groups, 1);
  EXPECT_EQ(conv.activation.op, OpKind::kCount);
  // The gradient rule copies the forward geometry and adds the input's shape.
  SymbolicTensor dx = K::gradients(K::sum(y), {x})[0];
  ASSERT_EQ(dx.node()->op, OpKind::kConvGradInput);
  EXPECT_EQ(attrs_of<ops::ConvAttrs>(dx).strides, conv.strides);
  EXPECT_EQ(attrs_of<ops::ConvAttrs>(dx).shape, x.shape());

  SymbolicTensor pooled = K::pool2d(x, {2, 2}, {2, 2}, "valid", "channels_last", "avg");
  ASSERT_EQ(pooled.node()->op, OpKind::kAvgPool);
  EXPECT_EQ(attrs_of<ops::PoolAttrs>(pooled).window, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(attrs_of<ops::PoolAttrs>(pooled).pad_end, (std::vector<std::int64_t>{0, 0}));

  auto xproj = K::placeholder({5, 2, 9}, DType::float32, "xproj");
  auto u = K::placeholder({3, 9}, DType::float32, "u");
  K::RecurrentOptions options;
  options.cell = K::RnnCell::kGRU;
  options.activation = OpKind::kTanh;
  options.recurrent_activation = OpKind::kSigmoid;
  options.go_backwards = true;
  options.reset_after = true;
  const auto rnn = attrs_of<ops::RecurrentAttrs>(K::recurrent(xproj, u, options));
  EXPECT_EQ(rnn.cell, 1);
  EXPECT_EQ(rnn.activation, OpKind::kTanh);
  EXPECT_EQ(rnn.recurrent_activation, OpKind::kSigmoid);
  EXPECT_TRUE(rnn.go_backwards);
  EXPECT_TRUE(rnn.reset_after);
  EXPECT_FALSE(rnn.initial_state);
  EXPECT_FALSE(rnn.mask);
  EXPECT_FALSE(rnn.recurrent_mask);
}

}  // namespace
