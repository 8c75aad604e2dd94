// Finite-difference gradients through a whole layer (float64, reference backend): the gradient
// of sum(layer(x) * w), with fixed random w, with respect to x and to every weight of the layer,
// from K::gradients and from central differences.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "keras/keras.h"
#include "testing/tensor_utils.h"

namespace keras::testing {

inline Tensor random_double(const Shape& shape, std::uint32_t seed, double low = -1.0,
                            double high = 1.0) {
  Tensor t(shape, DType::float64);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(low, high);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] = dist(rng);
  return t;
}

// `make` builds the layer (called with floatx float64, so its weights are float64); x_shape is
// the full input shape, batch included. Every `every`-th element of each tensor is checked.
inline void expect_layer_gradients(const std::function<LayerPtr()>& make, const Shape& x_shape,
                                   std::uint32_t seed = 1, double tol = 1e-6,
                                   std::int64_t every = 1) {
  namespace K = keras::backend;
  ScopedBackend reference("reference");
  const DType previous = K::floatx();
  K::set_floatx(DType::float64);
  struct Restore {
    DType dtype;
    ~Restore() { K::set_floatx(dtype); }
  } restore{previous};
  LayerPtr layer = make();
  SymbolicTensor in = K::placeholder(x_shape, DType::float64);
  SymbolicTensor out = (*layer)(in);
  Tensor x = random_double(x_shape, seed);
  K::Function forward({in}, {out});
  Tensor y = forward({x})[0];
  SymbolicTensor loss = K::sum(out * K::constant(random_double(y.shape(), seed + 1)));
  std::vector<SymbolicTensor> wrt{in};
  for (const auto& w : layer->weights()) wrt.push_back(w);
  auto grads = K::gradients(loss, wrt);
  K::Function f({in}, {loss});
  K::Function g({in}, grads);
  auto analytic = g({x});
  for (std::size_t k = 0; k < wrt.size(); ++k) {
    Tensor value = k == 0 ? x : K::get_value(wrt[k]);  // shares storage: perturbed in place
    ASSERT_EQ(analytic[k].shape(), value.shape()) << layer->name() << " tensor " << k;
    int bad = 0;
    for (std::int64_t i = 0; i < value.numel(); i += every) {
      double saved = value.data<double>()[i];
      value.data<double>()[i] = saved + 1e-6;
      double up = f({x})[0].item();
      value.data<double>()[i] = saved - 1e-6;
      double down = f({x})[0].item();
      value.data<double>()[i] = saved;
      double numeric = (up - down) / 2e-6, got = analytic[k].data<double>()[i];
      if (std::abs(got - numeric) > tol * (1 + std::abs(numeric)) && bad++ < 3)
        ADD_FAILURE() << layer->name() << (k == 0 ? " input" : " weight " + std::to_string(k - 1))
                      << " element " << i << ": K::gradients " << got << ", finite differences "
                      << numeric;
    }
  }
}

}  // namespace keras::testing
