// Finite-difference gradient checks in float64: the loss sum(f(inputs) * w), with fixed random
// weights w, is differentiated by K::gradients and by central differences with respect to every
// float input of an OpCase, on the backend given.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "testing/op_cases.h"
#include "testing/tensor_utils.h"

namespace keras::testing {

// The concrete output must have the statically inferred shape (unknown dimensions match any).
inline ::testing::AssertionResult has_static_shape(const Tensor& value, const Shape& expected,
                                                   const std::string& what) {
  bool ok = value.shape().size() == expected.size();
  for (std::size_t d = 0; ok && d < expected.size(); ++d)
    ok = expected[d] < 0 || expected[d] == value.shape()[d];
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << what << ": got shape " << shape_to_string(value.shape())
                                       << ", the graph says " << shape_to_string(expected);
}

// The loss graph of a case: its inputs plus a weights placeholder, and sum(output * weights).
struct LossGraph {
  BuiltCase built;
  SymbolicTensor weights;
  SymbolicTensor loss;
  std::vector<SymbolicTensor> inputs;  // built.inputs + weights
};

inline LossGraph make_loss_graph(const OpCase& c, DType dtype, bool unknown_batch = false) {
  namespace K = keras::backend;
  LossGraph g;
  g.built = build_case(c, dtype, unknown_batch);
  g.weights =
      K::placeholder(g.built.float_output.shape(), g.built.float_output.dtype(), "loss_weights");
  g.loss = K::sum(g.built.float_output * g.weights);
  g.inputs = g.built.inputs;
  g.inputs.push_back(g.weights);
  return g;
}

struct GradcheckOptions {
  std::uint64_t seed = 0;  // 0: derived from the case's name
  int max_report = 5;      // mismatches listed in the failure message
};

// Checks K::gradients of sum(f * w) against central differences (c.grad == kCheck), or that it
// is exactly zero (c.grad == kZero), on `backend_name` in float64.
inline ::testing::AssertionResult gradcheck(const OpCase& c, const std::string& backend_name,
                                            GradcheckOptions options = {}) {
  namespace K = keras::backend;
  const DType dtype = DType::float64;
  const std::uint64_t seed = options.seed ? options.seed : seed_of(c.name);
  try {
    ScopedBackend scoped(backend_name);
    LossGraph g = make_loss_graph(c, dtype);
    std::vector<Tensor> feed = make_inputs(c, dtype, seed);

    K::Function forward(g.built.inputs, {g.built.float_output}, {}, g.built.givens);
    Tensor y = forward(feed)[0];
    if (auto shaped = has_static_shape(y, g.built.float_output.shape(), c.name + " output");
        !shaped)
      return shaped;
    feed.push_back(random_tensor(y.shape(), dtype, seed + 1));

    std::vector<SymbolicTensor> grads = K::gradients(g.loss, g.built.float_inputs);
    K::Function grad_fn(g.inputs, grads, {}, g.built.givens);
    K::Function loss_fn(g.inputs, {g.loss}, {}, g.built.givens);
    std::vector<Tensor> analytic = grad_fn(feed);

    std::ostringstream report;
    int bad = 0;
    for (std::size_t k = 0; k < g.built.float_inputs.size(); ++k) {
      Tensor x = feed[g.built.float_index[k]];  // shares storage with feed: perturbed in place
      const Tensor& a = analytic[k];
      if (a.shape() != x.shape() || a.dtype() != dtype)
        return ::testing::AssertionFailure()
               << c.name << ": gradient " << k << " has shape " << shape_to_string(a.shape())
               << " and dtype " << dtype_name(a.dtype()) << ", the input "
               << shape_to_string(x.shape()) << " float64";
      double* data = x.data<double>();
      for (std::int64_t j = 0; j < x.numel(); ++j) {
        double got = a.data<double>()[j];
        double numeric = 0;
        if (c.grad == GradMode::kCheck) {
          const double saved = data[j];
          data[j] = saved + c.fd_step;
          double plus = loss_fn(feed)[0].item();
          data[j] = saved - c.fd_step;
          double minus = loss_fn(feed)[0].item();
          data[j] = saved;
          numeric = (plus - minus) / (2 * c.fd_step);
        }
        bool ok = c.grad == GradMode::kZero
                      ? got == 0.0
                      : std::abs(got - numeric) <= c.grad_tol * (1.0 + std::abs(numeric));
        if (!ok && bad++ < options.max_report)
          report << "\n  input " << g.built.float_index[k] << " element " << j << ": K::gradients "
                 << got << ", finite differences " << numeric;
      }
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << c.name << " on " << backend_name << ": " << bad
                                         << " gradient elements wrong" << report.str();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure()
           << c.name << " on " << backend_name << " threw: " << e.what();
  }
}

}  // namespace keras::testing
