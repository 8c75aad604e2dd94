// Compares a backend with the reference kernels over the op-case table (tests/testing/op_cases.h):
// forward outputs and gradients, float32 and float64, on unknown-batch graphs run with batches of
// 1, 7, 33 and 129 rows. Used by the cpu and the cuda comparisons (tests/kernels/).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "testing/gradcheck.h"
#include "testing/op_cases.h"
#include "testing/tensor_utils.h"

namespace keras::testing {

struct Tolerance {
  double rtol, atol;
};

// float32: the cpu kernels accumulate in float where the reference accumulates in double.
inline Tolerance tolerance_for(DType dtype) {
  return dtype == DType::float32 ? Tolerance{1e-4, 1e-5} : Tolerance{1e-10, 1e-12};
}

inline const std::vector<std::int64_t> kBatches = {1, 7, 33, 129};

inline std::vector<std::int64_t> batches_for(const OpCase& c) {
  if (!has_batch_input(c)) return {0};  // 0: the case's own shapes
  std::vector<std::int64_t> b = {0};
  b.insert(b.end(), kBatches.begin(), kBatches.end());
  return b;
}

inline bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

inline bool contains_prefix(const std::vector<std::string>& names, const std::string& prefix) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
}

inline std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : " ") + n;
  return s;
}

// Runs `outputs` of one graph on `backend` and on the reference backend (each compiled once, so the
// batch sizes also exercise the plan cache), each feed `runs` times in a row (the cuda backend
// captures a plan's steps as a graph on its second run and replays it from then on), and compares
// every output.
inline void compare_backends(const std::string& backend,
                             const std::vector<keras::backend::SymbolicTensor>& inputs,
                             const std::vector<keras::backend::SymbolicTensor>& outputs,
                             const keras::backend::Givens& givens,
                             const std::vector<std::vector<Tensor>>& feeds, DType dtype,
                             const std::string& what, int runs = 1) {
  std::unique_ptr<keras::backend::Function> tested, ref;
  {
    ScopedBackend scoped(backend);
    tested = std::make_unique<keras::backend::Function>(
        inputs, outputs, std::vector<keras::backend::Update>{}, givens);
  }
  {
    ScopedBackend scoped("reference");
    ref = std::make_unique<keras::backend::Function>(inputs, outputs,
                                                     std::vector<keras::backend::Update>{}, givens);
  }
  Tolerance tol = tolerance_for(dtype);
  for (const auto& feed : feeds)
    for (int run = 0; run < runs; ++run) {
      std::vector<Tensor> got = (*tested)(feed);
      std::vector<Tensor> expected = (*ref)(feed);  // random ops: the same run count as `tested`
      ASSERT_EQ(got.size(), expected.size());
      std::string rows =
          feed.empty() || feed[0].ndim() == 0 ? "" : " rows " + std::to_string(feed[0].dim(0));
      if (runs > 1) rows += " run " + std::to_string(run + 1);
      for (std::size_t i = 0; i < got.size(); ++i) {
        std::string label = what + rows + " output " + std::to_string(i);
        EXPECT_TRUE(has_static_shape(expected[i], keras::backend::int_shape(outputs[i]), label));
        EXPECT_TRUE(all_close(got[i], expected[i], tol.rtol, tol.atol, label));
      }
    }
}

// The output's concrete shape for a feed, from a reference run.
inline Shape output_shape(const LossGraph& g, const std::vector<Tensor>& feed) {
  ScopedBackend scoped("reference");
  keras::backend::Function f(g.built.inputs, {g.built.float_output}, {}, g.built.givens);
  return f(feed)[0].shape();
}

inline const DType kDtypes[] = {DType::float32, DType::float64};

inline void compare_forward(const std::string& backend, const OpCase& c, DType dtype,
                            int runs = 1) {
  try {
    auto g = make_loss_graph(c, dtype, /*unknown_batch=*/true);
    std::vector<std::vector<Tensor>> feeds;
    for (std::int64_t batch : batches_for(c))
      feeds.push_back(make_inputs(c, dtype, seed_of(c.name, batch), batch));
    compare_backends(backend, g.built.inputs, {g.built.output}, g.built.givens, feeds, dtype,
                     c.name, runs);
  } catch (const std::exception& e) {
    ADD_FAILURE() << c.name << " threw: " << e.what();
  }
}

inline void compare_gradients(const std::string& backend, const OpCase& c, DType dtype,
                              int runs = 1) {
  try {
    auto g = make_loss_graph(c, dtype, /*unknown_batch=*/true);
    std::vector<keras::backend::SymbolicTensor> outputs =
        keras::backend::gradients(g.loss, g.built.float_inputs);
    outputs.push_back(g.built.float_output);  // the same run: dropout's mask is shared
    std::vector<std::vector<Tensor>> feeds;
    for (std::int64_t batch : batches_for(c)) {
      auto feed = make_inputs(c, dtype, seed_of(c.name, batch), batch);
      feed.push_back(random_tensor(output_shape(g, feed), dtype, seed_of(c.name, 99)));
      feeds.push_back(std::move(feed));
    }
    compare_backends(backend, g.inputs, outputs, g.built.givens, feeds, dtype, c.name, runs);
  } catch (const std::exception& e) {
    ADD_FAILURE() << c.name << " threw: " << e.what();
  }
}

inline std::string case_name(const ::testing::TestParamInfo<OpCase>& info) {
  return info.param.name;
}

// Zero-gradient cases (comparisons, argmax...) only compare zeros: gradients_test checks them.
inline std::vector<OpCase> with_gradients(const std::vector<OpCase>& table) {
  std::vector<OpCase> out;
  for (const OpCase& c : table)
    if (c.grad != GradMode::kZero) out.push_back(c);
  return out;
}

}  // namespace keras::testing
