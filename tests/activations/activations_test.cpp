// Activations against Keras 2.2.4's definitions evaluated by hand.
#include "keras/activations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"

namespace K = keras::backend;
namespace act = keras::activations;
using K::SymbolicTensor;
using keras::DType;
using keras::Shape;
using keras::Tensor;

namespace {

const std::vector<double> kX = {-5.0, -2.5, -1.0, -0.3, 0.0, 0.2, 1.0, 2.5, 3.0, 7.0};

std::vector<double> apply(const act::ActivationFunction& f, const std::vector<double>& x,
                          Shape shape, DType dtype = DType::float64) {
  Shape symbolic = shape;
  symbolic[0] = -1;
  SymbolicTensor in = K::placeholder(symbolic, dtype);
  K::Function fn({in}, {f(in)});
  Tensor out = fn({Tensor::from_vector<double>(x, shape).astype(dtype)})[0];
  EXPECT_EQ(out.shape(), shape);
  EXPECT_EQ(out.dtype(), dtype);
  return out.to_vector<double>();
}

std::vector<double> map(const std::vector<double>& x, const std::function<double(double)>& f) {
  std::vector<double> out;
  for (double v : x) out.push_back(f(v));
  return out;
}

void expect_close(const std::vector<double>& actual, const std::vector<double>& expected,
                  double tol = 1e-12) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], tol * std::max(1.0, std::abs(expected[i])))
        << "element " << i;
}

std::string error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument thrown";
  return "";
}

const Shape kShape = {2, 5};

}  // namespace

TEST(Activations, Elementwise) {
  struct Case {
    std::string name;
    std::function<double(double)> f;
  };
  const double alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946;
  std::vector<Case> cases = {
      {"relu", [](double x) { return std::max(x, 0.0); }},
      {"tanh", [](double x) { return std::tanh(x); }},
      {"sigmoid", [](double x) { return 1.0 / (1.0 + std::exp(-x)); }},
      {"hard_sigmoid", [](double x) { return std::min(std::max(0.2 * x + 0.5, 0.0), 1.0); }},
      {"softplus", [](double x) { return std::log(std::exp(x) + 1.0); }},
      {"softsign", [](double x) { return x / (std::abs(x) + 1.0); }},
      {"elu", [](double x) { return x > 0 ? x : std::exp(x) - 1.0; }},
      {"selu", [=](double x) { return scale * (x > 0 ? x : alpha * (std::exp(x) - 1.0)); }},
      {"exponential", [](double x) { return std::exp(x); }},
      {"linear", [](double x) { return x; }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    expect_close(apply(act::get(c.name), kX, kShape), map(kX, c.f));
    expect_close(apply(act::get(c.name), kX, kShape, DType::float32), map(kX, c.f), 1e-6);
  }
}

TEST(Activations, SoftmaxOverTheLastAxis) {
  auto softmax_rows = [](const std::vector<double>& x, std::size_t n) {
    std::vector<double> out(x.size());
    for (std::size_t r = 0; r < x.size() / n; ++r) {
      double m = *std::max_element(x.begin() + static_cast<long>(r * n),
                                   x.begin() + static_cast<long>((r + 1) * n));
      double s = 0;
      for (std::size_t j = 0; j < n; ++j) s += std::exp(x[r * n + j] - m);
      for (std::size_t j = 0; j < n; ++j) out[r * n + j] = std::exp(x[r * n + j] - m) / s;
    }
    return out;
  };
  expect_close(apply(act::get("softmax"), kX, kShape), softmax_rows(kX, 5));
  // 3D (batch, steps, features): still over the last axis.
  std::vector<double> x3 = {1, 2, 3, -1, 0, 1, 5, 5, 5, 0.5, 0.25, 0.125};
  expect_close(apply(act::softmax, x3, {2, 2, 3}), softmax_rows(x3, 3));
  EXPECT_NE(error_of([] {
              act::softmax(K::placeholder({-1}, DType::float64));
            }).find("Cannot apply softmax"),
            std::string::npos);
}

TEST(Activations, ParameterisedFunctions) {
  expect_close(apply([](const SymbolicTensor& x) { return act::relu(x, 0.1, 2.0); }, kX, kShape),
               map(kX, [](double x) { return std::min(x > 0 ? x : 0.1 * x, 2.0); }));
  expect_close(apply([](const SymbolicTensor& x) { return act::elu(x, 0.5); }, kX, kShape),
               map(kX, [](double x) { return x > 0 ? x : 0.5 * (std::exp(x) - 1.0); }));
}

TEST(Activations, EmptyNameIsLinear) {
  SymbolicTensor x = K::placeholder({-1, 3}, DType::float32);
  EXPECT_TRUE(act::get("")(x) == x);
  EXPECT_TRUE(act::get("linear")(x) == x);
}

TEST(Activations, ActivationsAreDifferentiable) {
  for (const std::string& name : act::names()) {
    SymbolicTensor w = K::variable(Tensor::from_vector<double>(kX, kShape), "w");
    SymbolicTensor loss = K::sum(act::get(name)(w));
    K::Function f({}, {K::gradients(loss, {w})[0]});
    for (double g : f({})[0].to_vector<double>()) EXPECT_TRUE(std::isfinite(g)) << name;
  }
}

TEST(Activations, UnknownNameListsTheValidOnes) {
  EXPECT_EQ(error_of([] { act::get("relu6"); }),
            "Unknown activation function: 'relu6'. Valid activations are: softmax, elu, selu, "
            "softplus, softsign, relu, "
            "tanh, sigmoid, hard_sigmoid, exponential, linear.");
  EXPECT_EQ(act::names().size(), 11u);
}
