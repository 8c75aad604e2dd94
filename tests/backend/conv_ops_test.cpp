// K::conv*/pool*/pad beyond the generic op cases: hand-computed values, TensorFlow's padding
// arithmetic, a naive 2D convolution as an independent oracle on both backends, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/conv_transpose.h"
#include "keras/backend/function.h"
#include "testing/tensor_utils.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::Shape;
using keras::Tensor;
using keras::testing::all_close;
using keras::testing::random_tensor;
using keras::testing::ScopedBackend;

Tensor run(const std::vector<K::SymbolicTensor>& inputs, const K::SymbolicTensor& y,
           const std::vector<Tensor>& values) {
  K::Function f(inputs, {y});
  return f(values)[0];
}

Tensor iota(Shape shape) {
  Tensor t(shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i + 1);
  return t;
}

class BothBackends : public ::testing::TestWithParam<const char*> {};
INSTANTIATE_TEST_SUITE_P(Conv, BothBackends, ::testing::Values("reference", "cpu"));

TEST_P(BothBackends, Conv2DKnownValues) {
  ScopedBackend backend(GetParam());
  auto x = K::placeholder({-1, 3, 3, 1});
  auto w = K::constant(Tensor::full({2, 2, 1, 1}, 1.0));
  Tensor y = run({x}, K::conv2d(x, w), {iota({1, 3, 3, 1})});
  EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 1}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{12, 16, 24, 28}));
  // 'same' with an even kernel pads after (TensorFlow): the last row/column sees one zero.
  Tensor same = run({x}, K::conv2d(x, w, {1, 1}, "same"), {iota({1, 3, 3, 1})});
  EXPECT_EQ(same.to_vector<float>(), (std::vector<float>{12, 16, 9, 24, 28, 15, 15, 17, 9}));
}

TEST_P(BothBackends, PoolingKnownValues) {
  ScopedBackend backend(GetParam());
  auto x = K::placeholder({-1, 3, 3, 1});
  Tensor max = run({x}, K::pool2d(x, {2, 2}, {2, 2}, "same"), {iota({1, 3, 3, 1})});
  EXPECT_EQ(max.to_vector<float>(), (std::vector<float>{5, 6, 8, 9}));
  // Padding is not counted in averages.
  Tensor avg = run({x}, K::pool2d(x, {2, 2}, {2, 2}, "same", "", "avg"), {iota({1, 3, 3, 1})});
  EXPECT_EQ(avg.to_vector<float>(), (std::vector<float>{3, 4.5, 7.5, 9}));
  Tensor valid = run({x}, K::pool2d(x, {2, 2}, {1, 1}, "valid", "", "avg"), {iota({1, 3, 3, 1})});
  EXPECT_EQ(valid.to_vector<float>(), (std::vector<float>{3, 4, 6, 7}));
}

TEST_P(BothBackends, MaxPoolGradientGoesToTheMaximum) {
  ScopedBackend backend(GetParam());
  auto x = K::placeholder({1, 2, 2, 1});
  auto y = K::pool2d(x, {2, 2}, {2, 2});
  auto g = K::gradients(K::sum(y * 3.0), {x})[0];
  Tensor value = Tensor::from_vector(std::vector<float>{1, 7, 3, 2}, {1, 2, 2, 1});
  EXPECT_EQ(run({x}, g, {value}).to_vector<float>(), (std::vector<float>{0, 3, 0, 0}));
}

// Gradients with respect to an image of unknown height and width (Keras's deep_dream): a strided
// convolution loses the exact input size, and average pooling's gradient is shaped like its
// input, so both take that size when it is known; the same as with the sizes given up front.
TEST_P(BothBackends, InputGradientsOfImagesOfUnknownSize) {
  ScopedBackend backend(GetParam());
  auto kernel = K::constant(random_tensor({3, 3, 2, 4}, DType::float32, 5));
  auto loss_of = [&](const K::SymbolicTensor& x) {
    auto y = K::conv2d(x, kernel, {2, 2}, "valid");
    auto same = K::pool2d(x, {3, 3}, {1, 1}, "same", "", "avg");
    auto strided = K::pool2d(x, {2, 2}, {2, 2}, "valid", "", "avg");
    return K::sum(K::square(y)) + K::sum(same * 2.0) + K::sum(K::square(strided));
  };
  const Tensor value = random_tensor({2, 8, 7, 2}, DType::float32, 6);
  auto unknown = K::placeholder({-1, -1, -1, 2});
  auto known = K::placeholder({2, 8, 7, 2});
  Tensor a = run({unknown}, K::gradients(loss_of(unknown), {unknown})[0], {value});
  Tensor b = run({known}, K::gradients(loss_of(known), {known})[0], {value});
  ASSERT_EQ(a.shape(), value.shape());
  EXPECT_TRUE(all_close(a, b, 1e-5, 1e-6));
  // Another size through the same graph.
  const Tensor other = random_tensor({1, 5, 9, 2}, DType::float32, 7);
  EXPECT_EQ(run({unknown}, K::gradients(loss_of(unknown), {unknown})[0], {other}).shape(),
            other.shape());
}

// 'same' padding with strides > 1 pads by the input's size; over an image of unknown size the
// window ops are traced per size, and give what the graph with the sizes given up front gives:
// values, and gradients for the input and the kernel.
TEST_P(BothBackends, SamePaddingWithStridesOverImagesOfUnknownSize) {
  ScopedBackend backend(GetParam());
  auto kernel = K::placeholder({3, 3, 2, 4});
  auto outputs_of = [&](const K::SymbolicTensor& x) {
    auto y = K::conv2d(x, kernel, {2, 2}, "same");
    auto pooled = K::pool2d(y, {3, 3}, {2, 2}, "same");
    auto loss = K::sum(K::square(pooled));
    auto grads = K::gradients(loss, {x, kernel});
    return std::vector<K::SymbolicTensor>{pooled, grads[0], grads[1]};
  };
  auto unknown = K::placeholder({-1, -1, -1, 2});
  auto traced = outputs_of(unknown);
  EXPECT_EQ(traced[0].shape(), (Shape{-1, -1, -1, 4}));
  K::Function f({unknown, kernel}, traced);
  const Tensor w = random_tensor({3, 3, 2, 4}, DType::float32, 8);
  for (const Shape& shape : {Shape{2, 9, 7, 2}, Shape{1, 6, 11, 2}}) {
    const Tensor value = random_tensor(shape, DType::float32, 9);
    auto known = K::placeholder(shape);
    K::Function g({known, kernel}, outputs_of(known));
    auto a = f({value, w}), b = g({value, w});
    for (std::size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].shape(), b[i].shape()) << i;
      EXPECT_TRUE(all_close(a[i], b[i], 1e-4, 1e-5)) << i;
    }
  }
}

// out[n, i, j, o] = sum x[n, i*s + a*d - p, j*s + b*d - p, c] * w[a, b, c, o], spelled out.
Tensor naive_conv2d(const Tensor& x, const Tensor& w, int stride, int dilation, int pad_top,
                    int pad_left, std::int64_t oh, std::int64_t ow) {
  const auto n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = x.dim(3);
  const auto kh = w.dim(0), kw = w.dim(1), o = w.dim(3);
  Tensor y({n, oh, ow, o});
  for (std::int64_t b = 0; b < n; ++b)
    for (std::int64_t i = 0; i < oh; ++i)
      for (std::int64_t j = 0; j < ow; ++j)
        for (std::int64_t f = 0; f < o; ++f) {
          double acc = 0;
          for (std::int64_t a = 0; a < kh; ++a)
            for (std::int64_t q = 0; q < kw; ++q)
              for (std::int64_t ch = 0; ch < c; ++ch) {
                std::int64_t r = i * stride + a * dilation - pad_top;
                std::int64_t s = j * stride + q * dilation - pad_left;
                if (r < 0 || r >= h || s < 0 || s >= wd) continue;
                acc += static_cast<double>(x.data<float>()[((b * h + r) * wd + s) * c + ch]) *
                       w.data<float>()[((a * kw + q) * c + ch) * o + f];
              }
          y.data<float>()[((b * oh + i) * ow + j) * o + f] = static_cast<float>(acc);
        }
  return y;
}

TEST_P(BothBackends, Conv2DMatchesANaiveLoop) {
  ScopedBackend backend(GetParam());
  struct Case {
    Shape x, w;
    int stride, dilation;
    const char* padding;
    int pad_top, pad_left;
  };
  // 9x10 input, 3x3 kernel, stride 2 'same': out 5x5, total padding 2 and 1 -> (1, 0) left.
  const Case cases[] = {{{2, 9, 10, 3}, {3, 3, 3, 5}, 2, 1, "same", 1, 0},
                        {{3, 8, 7, 4}, {3, 2, 4, 6}, 1, 1, "valid", 0, 0},
                        {{1, 12, 11, 2}, {3, 3, 2, 16}, 1, 2, "same", 2, 2},
                        {{2, 28, 28, 1}, {3, 3, 1, 32}, 1, 1, "valid", 0, 0}};
  std::uint64_t seed = 1;
  for (const Case& c : cases) {
    Tensor xv = random_tensor(c.x, DType::float32, seed++),
           wv = random_tensor(c.w, DType::float32, seed++);
    auto x = K::placeholder({-1, c.x[1], c.x[2], c.x[3]});
    auto w = K::placeholder(c.w);
    auto y = K::conv2d(x, w, {c.stride, c.stride}, c.padding, "", {c.dilation, c.dilation});
    Tensor got = run({x, w}, y, {xv, wv});
    Tensor expected =
        naive_conv2d(xv, wv, c.stride, c.dilation, c.pad_top, c.pad_left, got.dim(1), got.dim(2));
    EXPECT_TRUE(all_close(got, expected, 1e-4, 1e-5, keras::shape_to_string(c.x)));
  }
}

// A dilated transposed convolution (Keras 2.2.4's conv2d_transpose(dilation_rate=), TensorFlow's
// atrous_conv2d_transpose) is the transposed convolution with the kernel's taps spread apart by
// zeros: the same values and the same input gradients as with that kernel written out.
TEST_P(BothBackends, DilatedTransposeIsTheTransposeOfTheZeroFilledKernel) {
  ScopedBackend backend(GetParam());
  const std::int64_t rate = 2, k = 3, spread = rate * (k - 1) + 1;
  Tensor xv = random_tensor({2, 5, 6, 3}, DType::float32, 11),
         wv = random_tensor({k, k, 4, 3}, DType::float32, 12);
  Tensor spread_w = Tensor::zeros({spread, spread, 4, 3}, DType::float32);
  for (std::int64_t i = 0; i < k; ++i)
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t c = 0; c < 12; ++c)
        spread_w.data<float>()[((i * rate) * spread + j * rate) * 12 + c] =
            wv.data<float>()[(i * k + j) * 12 + c];
  for (const char* padding : {"same", "valid"}) {
    const bool same = std::string(padding) == "same";
    const Shape out{-1, same ? 5 : 5 + spread - 1, same ? 6 : 6 + spread - 1, 4};
    auto x = K::placeholder({-1, 5, 6, 3});
    auto w = K::placeholder({k, k, 4, 3});
    auto ws = K::placeholder({spread, spread, 4, 3});
    auto dilated = K::conv_transpose(x, w, out, {1, 1}, padding, "", {rate, rate});
    auto written = K::conv2d_transpose(x, ws, out, {1, 1}, padding);
    EXPECT_EQ(K::int_shape(dilated), K::int_shape(written));
    EXPECT_TRUE(all_close(run({x, w}, dilated, {xv, wv}), run({x, ws}, written, {xv, spread_w}),
                          1e-4, 1e-5, padding));
    auto dx = K::gradients(K::sum(K::square(dilated)), {x})[0];
    auto dx_written = K::gradients(K::sum(K::square(written)), {x})[0];
    EXPECT_TRUE(all_close(run({x, w}, dx, {xv, wv}), run({x, ws}, dx_written, {xv, spread_w}), 1e-4,
                          1e-5, padding));
  }
}

// 3x3 stride-1 convolutions with channels in multiples of 16 run on oneDNN's Winograd kernels
// (blocked layouts, activations reordered in and out): forward with bias and relu fused, and the
// gradients with respect to input, kernel and bias, against the reference backend's loops.
TEST(ConvWinograd, MatchesTheReferenceBackend) {
  struct Case {
    Shape x, w;
    const char* padding;
  };
  const Case cases[] = {{{4, 10, 9, 16}, {3, 3, 16, 32}, "valid"},
                        {{3, 8, 8, 32}, {3, 3, 32, 16}, "same"}};
  std::uint64_t seed = 11;
  for (const Case& c : cases) {
    const Tensor xv = random_tensor(c.x, DType::float32, seed++);
    const Tensor wv = random_tensor(c.w, DType::float32, seed++);
    const Tensor bv = random_tensor({c.w[3]}, DType::float32, seed++);
    std::vector<std::vector<Tensor>> results;
    for (const char* name : {"reference", "cpu"}) {
      ScopedBackend backend(name);
      auto x = K::placeholder({-1, c.x[1], c.x[2], c.x[3]});
      auto w = K::placeholder(c.w);
      auto b = K::placeholder({c.w[3]});
      auto y = K::relu(K::bias_add(K::conv2d(x, w, {1, 1}, c.padding), b));
      auto grads = K::gradients(K::sum(y * y), {x, w, b});
      K::Function f({x, w, b}, {y, grads[0], grads[1], grads[2]});
      results.push_back(f({xv, wv, bv}));
    }
    const char* what[] = {"output", "input gradient", "kernel gradient", "bias gradient"};
    for (std::size_t k = 0; k < 4; ++k)
      EXPECT_TRUE(all_close(results[1][k], results[0][k], 1e-4, 1e-4,
                            std::string(c.padding) + " " + what[k]));
  }
}

TEST(ConvShapes, PaddingArithmeticIsTensorFlows) {
  auto conv_shape = [](Shape x, Shape w, K::Ints strides, const char* padding,
                       K::Ints dilation = {}) {
    return K::int_shape(K::conv(K::placeholder(x), K::placeholder(w), strides, padding, dilation));
  };
  EXPECT_EQ(conv_shape({-1, 28, 28, 1}, {3, 3, 1, 32}, {1, 1}, "valid"), (Shape{-1, 26, 26, 32}));
  EXPECT_EQ(conv_shape({-1, 28, 28, 1}, {3, 3, 1, 32}, {1, 1}, "same"), (Shape{-1, 28, 28, 32}));
  EXPECT_EQ(conv_shape({-1, 7, 6, 1}, {3, 3, 1, 2}, {2, 2}, "same"), (Shape{-1, 4, 3, 2}));
  EXPECT_EQ(conv_shape({-1, 7, 6, 1}, {3, 3, 1, 2}, {2, 2}, "valid"), (Shape{-1, 3, 2, 2}));
  EXPECT_EQ(conv_shape({-1, 10, 1}, {3, 1, 4}, {1}, "causal", {2}), (Shape{-1, 10, 4}));
  EXPECT_EQ(conv_shape({-1, 9, 9, 2}, {3, 3, 2, 1}, {1, 1}, "valid", {3, 3}), (Shape{-1, 3, 3, 1}));
  EXPECT_EQ(K::int_shape(K::pool2d(K::placeholder({-1, 5, 5, 3}), {2, 2}, {2, 2})),
            (Shape{-1, 2, 2, 3}));
  EXPECT_EQ(K::int_shape(K::pool2d(K::placeholder({-1, 5, 5, 3}), {2, 2}, {2, 2}, "same")),
            (Shape{-1, 3, 3, 3}));
  EXPECT_EQ(K::int_shape(K::conv2d(K::placeholder({-1, 3, 8, 6}), K::placeholder({3, 3, 3, 4}),
                                   {1, 1}, "valid", "channels_first")),
            (Shape{-1, 4, 6, 4}));
}

TEST(ConvShapes, TransposeInvertsTheConvolutionShape) {
  auto x = K::placeholder({-1, 4, 5, 3});
  auto w = K::placeholder({3, 3, 2, 3});
  EXPECT_EQ(K::int_shape(K::conv2d_transpose(x, w, {-1, 8, 10, 2}, {2, 2}, "same")),
            (Shape{-1, 8, 10, 2}));
  EXPECT_EQ(K::int_shape(K::conv2d_transpose(x, w, {-1, 9, 11, 2}, {2, 2}, "valid")),
            (Shape{-1, 9, 11, 2}));
}

TEST(ConvErrors, ClearMessages) {
  auto message = [](auto&& body) -> std::string {
    try {
      body();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  std::string m = message([] {
    K::conv2d(K::placeholder({-1, 2, 2, 1}), K::placeholder({3, 3, 1, 4}));
  });
  EXPECT_NE(m.find("does not fit the input"), std::string::npos) << m;
  m = message([] { K::conv2d(K::placeholder({-1, 5, 5, 2}), K::placeholder({3, 3, 3, 4})); });
  EXPECT_NE(m.find("does not fit the input"), std::string::npos) << m;
  m = message([] { K::conv2d(K::placeholder({-1, 5, 5}), K::placeholder({3, 3, 3, 4})); });
  EXPECT_NE(m.find("rank 4"), std::string::npos) << m;
  m = message([] {
    K::conv2d(K::placeholder({-1, 5, 5, 3}), K::placeholder({3, 3, 3, 4}), {1, 1}, "full");
  });
  EXPECT_NE(m.find("Invalid padding mode 'full'"), std::string::npos) << m;
  m = message([] {
    K::conv2d(K::placeholder({-1, 5, 5, 3}), K::placeholder({3, 3, 3, 4}), {1, 1}, "causal");
  });
  EXPECT_NE(m.find("causal"), std::string::npos) << m;
  m = message([] { K::pool2d(K::placeholder({-1, 5, 5, 3}), {2, 2}, {2, 2}, "valid", "", "min"); });
  EXPECT_NE(m.find("Invalid pooling mode"), std::string::npos) << m;
  m = message([] {
    K::conv2d(K::placeholder({-1, 5, 5, 3}), K::placeholder({3, 3, 3, 4}), {1, 1}, "valid", "nchw");
  });
  EXPECT_NE(m.find("data_format"), std::string::npos) << m;
  m = message([] {
    K::conv2d(K::placeholder({-1, 5, 5, 3}), K::placeholder({3, 3, 3, 4}, DType::float64));
  });
  EXPECT_NE(m.find("same dtype"), std::string::npos) << m;
}

TEST(ImageDataFormat, DefaultsToChannelsLastAndAcceptsKeras1Names) {
  EXPECT_EQ(K::image_data_format(), "channels_last");
  EXPECT_EQ(K::normalize_data_format("th"), "channels_first");
  EXPECT_EQ(K::normalize_data_format("tf"), "channels_last");
  K::set_image_data_format("th");
  EXPECT_EQ(K::image_data_format(), "channels_first");
  EXPECT_EQ(K::normalize_data_format(""), "channels_first");
  K::set_image_data_format("channels_last");
  EXPECT_THROW(K::set_image_data_format("nhwc"), std::invalid_argument);
}

}  // namespace
