// The next batch's copy overlapping the training step on a GPU (scripts/gpu_check.sh): fit with
// batch k+1 copied on the runtime's copy stream while step k runs (replayed as a CUDA graph from
// the plan's second run), then predict, give the weights and predictions of a run with
// KERAS_CUDA_OVERLAP=0, bit for bit, and their runs take their inputs from the copies ahead.
// Without a GPU it skips, saying why; the ordering itself is tested on the host in
// tests/backend/copy_ahead_test.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "compiler/compiler.h"
#include "keras/keras.h"
#include "testing/classification.h"
#include "testing/gpu.h"
#include "testing/tensor_utils.h"

namespace {

using namespace keras;
using keras::backend::detail::graph_counts;
using keras::backend::detail::runs_with_inputs_ahead;

struct Fitted {
  std::vector<Tensor> weights;
  std::uint64_t runs_ahead = 0, graph_launches = 0;
};

Fitted fit(const char* overlap) {
  setenv("KERAS_CUDA_OVERLAP", overlap, 1);
  keras::testing::ScopedBackend cuda("cuda");
  utils::set_random_seed(3);
  Sequential model;
  model.add(layers::Dense(64, {.activation = "relu", .input_dim = 8}));
  model.add(layers::BatchNormalization());
  model.add(layers::Dropout(0.25));
  model.add(layers::Dense(3, {.activation = "softmax"}));
  model.compile({.optimizer = optimizers::Adam({.lr = 1e-2}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  const auto d = keras::testing::classification_data(1000, 8, 3, 5);
  const std::uint64_t ahead = runs_with_inputs_ahead(), launched = graph_counts().launched;
  // Batches of 64 and a short last one of 40 (another plan), shuffled each epoch.
  model.fit(d.x, d.y, {.batch_size = 64, .epochs = 3, .verbose = 0, .shuffle = true});
  Fitted f{model.get_weights(), runs_with_inputs_ahead() - ahead,
           graph_counts().launched - launched};
  f.weights.push_back(model.predict(d.x, {.batch_size = 64}));  // predict's batches too
  f.runs_ahead = runs_with_inputs_ahead() - ahead;
  unsetenv("KERAS_CUDA_OVERLAP");
  return f;
}

}  // namespace

TEST(CudaCopyAhead, FitGivesTheWeightsOfAFitWithoutOverlap) {
  KERAS_SKIP_WITHOUT_GPU();
  const Fitted plain = fit("0");
  const Fitted overlapped = fit("1");
  EXPECT_EQ(plain.runs_ahead, 0u);
  // 16 batches per epoch and in predict: the 2nd to the 15th copied ahead (the 16th has its own
  // plan).
  EXPECT_EQ(overlapped.runs_ahead, 4u * 14u);
  EXPECT_GT(overlapped.graph_launches, 0u);  // the captured graph read the inputs moved in place
  ASSERT_EQ(plain.weights.size(), overlapped.weights.size());
  for (std::size_t i = 0; i < plain.weights.size(); ++i) {
    ASSERT_EQ(plain.weights[i].nbytes(), overlapped.weights[i].nbytes());
    EXPECT_EQ(std::memcmp(plain.weights[i].raw_data(), overlapped.weights[i].raw_data(),
                          plain.weights[i].nbytes()),
              0)
        << "weight " << i;
  }
}
