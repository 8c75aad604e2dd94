// A Keras-style layer test harness (Keras's keras.utils.test_utils.layer_test): builds a Sequential
// around one layer, checks the model's output shape against compute_output_shape, predicts on the
// given data and checks the config keys.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "keras/keras.h"

namespace keras::testing {

inline Tensor random_uniform(Shape shape, std::uint32_t seed, float low = -1.0f,
                             float high = 1.0f) {
  Tensor t(std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(low, high);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// The element-wise expectation of a unary layer: f applied to every element of x.
inline Tensor map_values(const Tensor& x, const std::function<double(double)>& f) {
  Tensor out(x.shape());
  for (std::int64_t i = 0; i < x.numel(); ++i)
    out.data<float>()[i] = static_cast<float>(f(x.data<float>()[i]));
  return out;
}

inline void expect_near(const Tensor& actual, const Tensor& expected, double tol = 1e-5) {
  ASSERT_EQ(actual.shape(), expected.shape());
  auto a = actual.to_vector<double>(), e = expected.to_vector<double>();
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i], e[i], tol) << "at flat index " << i;
    if (std::abs(a[i] - e[i]) > tol) return;  // one failure is enough to read
  }
}

struct LayerTest {
  std::shared_ptr<Sequential> model;
  Tensor output;
};

// `layer` must carry its input shape (input_shape / batch_input_shape). Checks that the model's
// symbolic output shape equals compute_output_shape, that predict's shape fits it, and that
// get_config holds `config_keys` (plus name, trainable, dtype).
inline LayerTest layer_test(LayerPtr layer, const Tensor& x,
                            const std::vector<std::string>& config_keys) {
  LayerTest t;
  t.model = std::make_shared<Sequential>();
  t.model->add(layer);
  Shape expected = layer->compute_output_shape(t.model->input_shape());
  EXPECT_EQ(t.model->output_shape(), expected) << layer->name();
  t.output = t.model->predict(x);
  EXPECT_EQ(t.output.ndim(), static_cast<int>(expected.size()));
  if (t.output.ndim() == static_cast<int>(expected.size())) {
    EXPECT_EQ(t.output.dim(0), x.dim(0));
    for (std::size_t i = 1; i < expected.size(); ++i)
      if (expected[i] >= 0) {
        EXPECT_EQ(t.output.dim(static_cast<int>(i)), expected[i]) << "axis " << i;
      }
  }
  nlohmann::json config = layer->get_config();
  for (const char* key : {"name", "trainable", "dtype"}) EXPECT_TRUE(config.contains(key)) << key;
  for (const auto& key : config_keys)
    EXPECT_TRUE(config.contains(key)) << key << " in " << config.dump();
  return t;
}

// Fits `model` (already holding the layers) to a regression target for a few steps and returns
// the loss history, for "gradients flow" checks.
inline std::vector<double> fit_losses(Sequential& model, const Tensor& x, const Tensor& y,
                                      int epochs = 10, const std::string& optimizer = "adam") {
  model.compile({.optimizer = optimizer, .loss = "mse"});
  auto history = model.fit(x, y, {.batch_size = 16, .epochs = epochs, .verbose = 0});
  return history.history.at("loss");
}

// Runs `output` of a graph fed by `input` with the learning phase set to 1 (training) or 0.
inline Tensor run_in_phase(const SymbolicTensor& input, const SymbolicTensor& output,
                           const Tensor& x, bool training) {
  K::Function f({input}, {output}, {},
                K::Givens{{K::learning_phase(), K::constant(training ? 1.0 : 0.0, DType::int32)}});
  return f({x})[0];
}

// Expects `f` to throw std::invalid_argument whose message holds every one of `parts`.
template <typename F>
void expect_invalid(F&& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    std::string message = e.what();
    for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

}  // namespace keras::testing
