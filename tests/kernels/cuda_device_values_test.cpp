// The variables on the device (src/compiler/device_values.h, used by the device plans of
// src/compiler/executor.cpp): one device copy per variable, shared by every plan, uploaded when
// the host wrote it and downloaded when the host reads it. On a GPU (scripts/gpu_check.sh): fit,
// get_weights, predict, set_weights between two fits, a second plan (another batch size),
// save_weights and load_weights give the reference backend's values; and the counters show that
// the weights are not copied per step. Without a GPU those skip, saying why; the validity states
// themselves are tested on the host in tests/backend/device_values_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "compiler/device_values.h"
#include "keras/keras.h"
#include "testing/classification.h"
#include "testing/gpu.h"
#include "testing/tensor_utils.h"

namespace {

using namespace keras;
using namespace keras::layers;
using keras::backend::detail::device_value_counts;
using keras::backend::detail::DeviceValues;

// A classifier with moving statistics (BatchNormalization) and an optimizer with state (Adam):
// variables that a device step updates besides the trainable weights.
std::unique_ptr<Sequential> classifier() {
  utils::set_random_seed(3);
  auto model = std::make_unique<Sequential>();
  model->add(Dense(16, {.activation = "relu", .input_dim = 8}));
  model->add(BatchNormalization());
  model->add(Dense(3, {.activation = "softmax"}));
  model->compile({.optimizer = optimizers::Adam({.lr = 1e-2}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy"}});
  return model;
}

keras::testing::ClassificationData data(std::int64_t n) {
  return keras::testing::classification_data(n, 8, 3, 5);
}

Tensor halved(const Tensor& t) {
  Tensor out = t.clone();
  for (std::int64_t i = 0; i < out.numel(); ++i) out.data<float>()[i] *= 0.5f;
  return out;
}

DeviceValues::Counts since(const DeviceValues::Counts& before) {
  const DeviceValues::Counts now = device_value_counts();
  return {now.uploads - before.uploads, now.downloads - before.downloads,
          now.upload_bytes - before.upload_bytes, now.download_bytes - before.download_bytes};
}

// What the host sees along a session on one backend.
struct Session {
  std::vector<Tensor> after_fit, after_second_fit, loaded;
  Tensor predicted, predicted_16, predicted_loaded;
  std::vector<double> scores;
};

Session run_session(const std::string& backend, const std::string& weights_file) {
  keras::testing::ScopedBackend scoped(backend);
  auto model = classifier();
  const auto d = data(96);
  model->fit(d.x, d.y, {.batch_size = 32, .epochs = 2, .verbose = 0, .shuffle = false});
  Session s;
  s.after_fit = model->get_weights();  // the device's updates, BatchNormalization's stats too
  s.predicted = model->predict(d.x, {.batch_size = 32});  // another function, the same values
  model->save_weights(weights_file);
  // The host writes a weight between two fits; the second fit runs plans of another batch size.
  std::vector<Tensor> changed = s.after_fit;
  changed[0] = halved(changed[0]);
  model->set_weights(changed);
  model->fit(d.x, d.y, {.batch_size = 16, .epochs = 1, .verbose = 0, .shuffle = false});
  s.after_second_fit = model->get_weights();
  s.predicted_16 = model->predict(d.x, {.batch_size = 16});
  s.scores = model->evaluate(d.x, d.y, {.batch_size = 48, .verbose = 0});
  // Loading replaces what the device holds: the next predict sees the file's values.
  model->load_weights(weights_file);
  s.loaded = model->get_weights();
  s.predicted_loaded = model->predict(d.x, {.batch_size = 32});
  return s;
}

void expect_close(const std::vector<Tensor>& cuda, const std::vector<Tensor>& reference,
                  const char* what) {
  ASSERT_EQ(cuda.size(), reference.size()) << what;
  for (std::size_t i = 0; i < cuda.size(); ++i)
    EXPECT_TRUE(keras::testing::all_close(cuda[i], reference[i], 1e-3, 1e-4))
        << what << ": weight " << i;
}

}  // namespace

TEST(CudaDeviceValues, TheHostSeesWhatTheReferenceBackendComputes) {
  KERAS_SKIP_WITHOUT_GPU();
  const auto dir = std::filesystem::temp_directory_path();
  const Session cuda = run_session("cuda", (dir / "keras_device_values_cuda.h5").string());
  const Session reference =
      run_session("reference", (dir / "keras_device_values_reference.h5").string());
  expect_close(cuda.after_fit, reference.after_fit, "get_weights after fit");
  expect_close(cuda.after_second_fit, reference.after_second_fit, "after set_weights and a fit");
  expect_close(cuda.loaded, reference.loaded, "load_weights after fit");
  expect_close(cuda.loaded, cuda.after_fit, "load_weights gives what was saved");
  EXPECT_TRUE(keras::testing::all_close(cuda.predicted, reference.predicted, 1e-3, 1e-4));
  EXPECT_TRUE(keras::testing::all_close(cuda.predicted_16, reference.predicted_16, 1e-3, 1e-4));
  EXPECT_TRUE(keras::testing::all_close(cuda.predicted_loaded, cuda.predicted, 1e-5, 1e-6));
  ASSERT_EQ(cuda.scores.size(), reference.scores.size());
  for (std::size_t i = 0; i < cuda.scores.size(); ++i)
    EXPECT_NEAR(cuda.scores[i], reference.scores[i], 1e-3) << "score " << i;
}

TEST(CudaDeviceValues, WeightsAreNotCopiedPerStep) {
  KERAS_SKIP_WITHOUT_GPU();
  keras::testing::ScopedBackend cuda("cuda");
  auto model = classifier();
  const auto d = data(96);
  const FitOptions twelve_steps{.batch_size = 16, .epochs = 2, .verbose = 0, .shuffle = false};
  DeviceValues::Counts before = device_value_counts();
  model->fit(d.x, d.y, twelve_steps);
  const DeviceValues::Counts first = since(before);
  // Each variable (the model's, the optimizer's) goes up once, on the first step; none comes back.
  const std::size_t model_weights = model->get_weights().size();
  EXPECT_GE(first.uploads, model_weights);
  EXPECT_LT(first.uploads, 12u * model_weights);
  EXPECT_EQ(first.downloads, 0u);

  before = device_value_counts();
  model->fit(d.x, d.y, twelve_steps);
  EXPECT_EQ(since(before).uploads, 0u);  // still current on the device
  EXPECT_EQ(since(before).downloads, 0u);

  before = device_value_counts();
  const std::vector<Tensor> weights = model->get_weights();  // each updated weight comes back once
  EXPECT_EQ(since(before).downloads, model_weights);
  model->get_weights();
  EXPECT_EQ(since(before).downloads, model_weights);
  model->fit(d.x, d.y, twelve_steps);  // reading did not make the device copies stale
  EXPECT_EQ(since(before).uploads, 0u);

  before = device_value_counts();
  model->set_weights(weights);  // overwritten: no download, and one upload each
  model->predict(d.x, {.batch_size = 32});
  EXPECT_EQ(since(before).downloads, 0u);
  EXPECT_EQ(since(before).uploads, model_weights);
}

// A variable read by plans of two functions at two batch sizes, and by a cpu function in between:
// every plan sees the last value, whichever side wrote it.
TEST(CudaDeviceValues, PlansOfTwoBackendsShareAVariable) {
  KERAS_SKIP_WITHOUT_GPU();
  namespace K = keras::backend;
  auto v = K::variable(Tensor::full({4}, 1.0), "shared");
  auto x = K::placeholder({-1, 4});
  auto step = [&](const std::string& backend) {
    keras::testing::ScopedBackend scoped(backend);
    return std::make_unique<K::Function>(std::vector{x}, std::vector{K::sum(x * v, {1})},
                                         std::vector<K::Update>{{v, v + 1.0}});
  };
  auto first = [](K::Function& f, const Tensor& input) { return f({input})[0].data<float>()[0]; };
  auto on_cuda = step("cuda");
  auto on_cpu = step("cpu");
  const Tensor ones_2 = Tensor::full({2, 4}, 1.0), ones_3 = Tensor::full({3, 4}, 1.0);
  EXPECT_FLOAT_EQ(first(*on_cuda, ones_2), 4.0f);   // v = 1, then 2
  EXPECT_FLOAT_EQ(first(*on_cuda, ones_3), 8.0f);   // another plan: v = 2, then 3
  EXPECT_FLOAT_EQ(first(*on_cpu, ones_2), 12.0f);   // the host sees 3, then 4
  EXPECT_FLOAT_EQ(first(*on_cuda, ones_2), 16.0f);  // the device sees 4, then 5
  EXPECT_FLOAT_EQ(K::get_value(v).data<float>()[0], 5.0f);
  K::set_value(v, Tensor::full({4}, -1.0));
  EXPECT_FLOAT_EQ(first(*on_cuda, ones_3), -4.0f);
  const DeviceValues::Counts before = device_value_counts();
  on_cuda.reset();  // its plans freed: the value goes back to the host before its device memory
  EXPECT_EQ(since(before).downloads, 1u);
  EXPECT_FLOAT_EQ(first(*on_cpu, ones_2), 0.0f);
}
