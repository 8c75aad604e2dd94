// The cpu compiler's rewrites of recurrent layers' inference (compiler/rewrite.cpp, pass 3):
// - a Recurrent whose only readers slice its last processing step keeps that step alone
//   (RecurrentAttrs::last_step_only), its other steps going round two slots of scratch;
// - a Recurrent whose input projection nothing else reads projects each step's inputs itself
//   (RecurrentAttrs::projects_input), all steps at once in scratch for small batches, step by
//   step beyond kWholeProjectionBytes.
// Against the reference backend, which keeps every step and reads the projection: each cell and
// option, batches split over the threads and one sample sharing its products, at one and two
// threads, float32 and float64; graphs that read another step too keep them all; whole layers
// predicting large batches; and the memory neither buffer takes any more.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "layers/layer_test_util.h"
#include "layers/naive_rnn.h"
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
using keras::testing::recurrent_dropout_of;
using keras::testing::recurrent_mask_of;
using keras::testing::uniform;
using Cell = K::RnnCell;

// The last step's h (and c): what Recurrent layers read for their output and final states.
SymbolicTensor last_states(const SymbolicTensor& y, std::int64_t columns) {
  return K::slice(K::slice(y, 0, -1, 0), 2, 0, columns);
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
                 return last_states(
                     K::recurrent(in[0], in[1],
                                  {.cell = Cell::kLSTM,
                                   .recurrent_activation = OpKind::kSigmoid,
                                   .go_backwards = true,
                                   .mask = recurrent_mask_of(in[2]),
                                   .recurrent_dropout_mask = recurrent_dropout_of(in[3])}),
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
  c.push_back(
      {"gru_masked",
       OpKind::kRecurrent,
       {uniform({4, 37, 24}), uniform({8, 24}), uniform({37, 4})},
       [](const Inputs& in) {
         return last_states(
             K::recurrent(in[0], in[1], {.cell = Cell::kGRU, .mask = recurrent_mask_of(in[2])}), 8);
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

// The memory the rewrites save: on cpu neither the (T, B, 6u) states nor the (T, B, 4u) input
// projection is planned in the arena; on the reference backend, and on cpu where another step
// or the projection is read too, they are.
TEST(RecurrentInferenceMemory, NeitherStatesNorProjectionArePlanned) {
  const std::int64_t steps = 28, batch = 64, features = 12, units = 32;
  const std::size_t projection = steps * batch * 4 * units * sizeof(float);
  auto arena = [&](const std::string& backend, bool read_first_step, bool read_projection) {
    keras::testing::ScopedBackend scoped(backend);
    auto x = K::placeholder({steps, -1, features}, DType::float32, "x");
    auto w = K::variable(keras::testing::random_tensor({features, 4 * units}, DType::float32, 2));
    auto b = K::variable(keras::testing::random_tensor({4 * units}, DType::float32, 5));
    auto u = K::variable(keras::testing::random_tensor({units, 4 * units}, DType::float32, 3));
    SymbolicTensor xproj = K::reshape(K::bias_add(K::dot(K::reshape(x, {-1, features}), w), b),
                                      {steps, -1, 4 * units});
    SymbolicTensor y = K::recurrent(xproj, u, {.cell = Cell::kLSTM});
    SymbolicTensor out = K::slice(y, 0, -1, 0);
    if (read_first_step) out = out + K::slice(y, 0, 0, 1);
    if (read_projection) out = out + K::sum(xproj);
    K::Function f({x}, {out});
    f({keras::testing::random_tensor({steps, batch, features}, DType::float32, 4)});
    return f.arena_bytes();
  };
  EXPECT_LT(arena("cpu", false, false), projection);
  EXPECT_GE(arena("cpu", true, false), projection);
  EXPECT_GE(arena("cpu", false, true), projection);
  EXPECT_GE(arena("reference", false, false), projection);
}

// Whole layers predicting batches whose projection exceeds kWholeProjectionBytes (projected step
// by step) on cpu, against the same layers and weights predicting on the reference backend.
TEST(RecurrentInference, LargeBatchesMatchTheReference) {
  using keras::testing::rnn::Cell;
  using keras::testing::rnn::make;
  struct Layer {
    Cell cell;
    std::int64_t units, steps;
    bool reset_after;
  };
  const std::int64_t batch = 300, features = 12;
  for (Layer l : {Layer{Cell::kLSTM, 128, 8, false}, Layer{Cell::kGRU, 160, 8, false},
                  Layer{Cell::kGRU, 160, 8, true}, Layer{Cell::kSimple, 256, 16, false}})
    for (bool sequences : {false, true}) {
      SCOPED_TRACE("cell " + std::to_string(static_cast<int>(l.cell)) +
                   (sequences ? " sequences" : " last"));
      const Tensor x = keras::testing::random_uniform({batch, l.steps, features}, 7);
      std::vector<Tensor> results;
      for (const char* backend : {"reference", "cpu"}) {
        keras::testing::ScopedBackend scoped(backend);
        auto layer = make(l.cell, l.units,
                          {.return_sequences = sequences,
                           .go_backwards = l.cell == Cell::kGRU,
                           .reset_after = l.reset_after,
                           .input_shape = keras::Shape{l.steps, features}});
        keras::Sequential model({layer});
        // Small weights: 8-16 steps of a chaotic cell would amplify the kernels' rounding.
        std::vector<Tensor> w;
        std::uint32_t seed = 21;
        for (const Tensor& t : layer->get_weights())
          w.push_back(keras::testing::random_uniform(t.shape(), seed++, -0.15f, 0.15f));
        layer->set_weights(w);
        results.push_back(model.predict(x, {.batch_size = batch}));
      }
      EXPECT_TRUE(keras::testing::all_close(results[1], results[0], 1e-4, 1e-4, "predict"));
    }
}

}  // namespace
