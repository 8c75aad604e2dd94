// A Recurrent whose only readers slice its last processing step (a layer's final states without
// return_sequences) keeps that step alone on the cpu backend (compiler/rewrite.cpp,
// RecurrentAttrs::last_step_only): its other steps go round two slots of scratch. Against the
// reference backend, which keeps every step: each cell and option, batches split over the threads
// and one sample sharing its products, at one and two threads, float32 and float64; a graph that
// also reads another step keeps them all.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "testing/backend_compare.h"
#include "testing/op_cases.h"
#include "testing/tensor_utils.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::Tensor;
using keras::backend::OpKind;
using keras::backend::SymbolicTensor;
using keras::testing::Inputs;
using keras::testing::OpCase;
using keras::testing::uniform;
using Cell = K::RnnCell;

// The last step's h (and c): what Recurrent layers read for their output and final states.
SymbolicTensor last_states(const SymbolicTensor& y, std::int64_t columns) {
  return K::slice(K::slice(y, 0, -1, 0), 2, 0, columns);
}

SymbolicTensor mask_of(const SymbolicTensor& x) {
  return K::greater(x, K::constant(-0.4, x.dtype()));
}

std::vector<OpCase> last_step_cases() {
  std::vector<OpCase> c;
  c.push_back({"lstm_initial_states",
               OpKind::kRecurrent,
               {uniform({5, 37, 64}), uniform({16, 64}), uniform({37, 16}), uniform({37, 16})},
               [](const Inputs& in) {
                 return last_states(
                     K::recurrent(in[0], in[1],
                                  {.cell = Cell::kLSTM, .initial_h = in[2], .initial_c = in[3]}),
                     32);
               }});
  c.push_back({"lstm_backwards_masked_dropout",
               OpKind::kRecurrent,
               {uniform({6, 37, 64}), uniform({16, 64}), uniform({37, 6}), uniform({37, 16})},
               [](const Inputs& in) {
                 SymbolicTensor drop = K::greater(in[3], K::constant(-0.5, in[3].dtype())) * 1.5;
                 return last_states(K::recurrent(in[0], in[1],
                                                 {.cell = Cell::kLSTM,
                                                  .recurrent_activation = OpKind::kSigmoid,
                                                  .go_backwards = true,
                                                  .mask = mask_of(in[2]),
                                                  .recurrent_dropout_mask = drop}),
                                    32);
               }});
  c.push_back({"lstm_one_step",
               OpKind::kRecurrent,
               {uniform({1, 37, 64}), uniform({16, 64})},
               [](const Inputs& in) {
                 return last_states(K::recurrent(in[0], in[1], {.cell = Cell::kLSTM}), 32);
               }});
  c.push_back({"lstm_128_units_one_sample",  // at 2 threads: products shared by columns
               OpKind::kRecurrent,
               {uniform({4, 1, 512}), uniform({128, 512}, -0.2, 0.2)},
               [](const Inputs& in) {
                 return last_states(K::recurrent(in[0], in[1], {.cell = Cell::kLSTM}), 256);
               }});
  c.push_back({"gru_masked",
               OpKind::kRecurrent,
               {uniform({4, 37, 24}), uniform({8, 24}), uniform({37, 4})},
               [](const Inputs& in) {
                 return last_states(
                     K::recurrent(in[0], in[1], {.cell = Cell::kGRU, .mask = mask_of(in[2])}), 8);
               }});
  c.push_back(
      {"gru_reset_after",
       OpKind::kRecurrent,
       {uniform({5, 37, 24}), uniform({8, 24}), uniform({8})},
       [](const Inputs& in) {
         return last_states(
             K::recurrent(in[0], in[1],
                          {.cell = Cell::kGRU, .reset_after = true, .recurrent_bias = in[2]}),
             8);
       }});
  c.push_back({"simple_rnn_backwards",
               OpKind::kRecurrent,
               {uniform({3, 37, 10}), uniform({10, 10})},
               [](const Inputs& in) {
                 return last_states(
                     K::recurrent(in[0], in[1], {.cell = Cell::kSimpleRNN, .go_backwards = true}),
                     10);
               }});
  c.push_back({"lstm_last_and_first_steps_read",  // keeps every step
               OpKind::kRecurrent,
               {uniform({5, 37, 64}), uniform({16, 64})},
               [](const Inputs& in) {
                 SymbolicTensor y = K::recurrent(in[0], in[1], {.cell = Cell::kLSTM});
                 return K::slice(y, 0, -1, 0) * 2.0 + K::slice(y, 0, 0, 1);
               }});
  return c;
}

class LastStepRecurrent : public ::testing::TestWithParam<OpCase> {
 protected:
  void SetUp() override {
    setenv("KERAS_ADAPTIVE_THREADS", "0", 1);  // the team asked for, whatever runs beside
    saved_threads_ = omp_get_max_threads();
  }
  void TearDown() override { omp_set_num_threads(saved_threads_); }
  int saved_threads_ = 1;
};

TEST_P(LastStepRecurrent, MatchesEveryStepKept) {
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    for (DType dtype : keras::testing::kDtypes) {
      SCOPED_TRACE(std::string(keras::dtype_name(dtype)) + " threads " + std::to_string(threads));
      keras::testing::compare_forward("cpu", GetParam(), dtype);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, LastStepRecurrent, ::testing::ValuesIn(last_step_cases()),
                         keras::testing::case_name);

// The memory the rewrite saves: on cpu no (T, B, 6u) buffer of states is planned; on the
// reference backend, and on cpu where another step is read too, it is.
TEST(LastStepRecurrentMemory, OnlyTheLastStepIsPlanned) {
  const std::int64_t steps = 28, batch = 64, units = 32;
  const std::size_t every_step = steps * batch * 6 * units * sizeof(float);
  auto arena = [&](const std::string& backend, bool read_first_step) {
    keras::testing::ScopedBackend scoped(backend);
    auto x = K::placeholder({steps, batch, 4 * units}, DType::float32, "xproj");
    auto u = K::variable(keras::testing::random_tensor({units, 4 * units}, DType::float32, 3), "u");
    SymbolicTensor y = K::recurrent(x, u, {.cell = Cell::kLSTM});
    SymbolicTensor out = K::slice(y, 0, -1, 0);
    if (read_first_step) out = out + K::slice(y, 0, 0, 1);
    K::Function f({x}, {out});
    f({keras::testing::random_tensor({steps, batch, 4 * units}, DType::float32, 4)});
    return f.arena_bytes();
  };
  EXPECT_LT(arena("cpu", false), every_step);
  EXPECT_GE(arena("cpu", true), every_step);
  EXPECT_GE(arena("reference", false), every_step);
}

}  // namespace
