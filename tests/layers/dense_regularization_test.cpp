// Dense with Keras's regularizer and constraint arguments (Keras 2 and Keras 1 names).
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"
#include "layer_test_util.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::random_uniform;

namespace {

double sum_penalty(const Tensor& w, double l1, double l2) {
  double total = 0;
  for (double v : w.to_vector<double>()) total += l1 * std::abs(v) + l2 * v * v;
  return total;
}

// The loss of one fixed Dense on (x, y), optionally regularized.
double dense_loss(const DenseOptions& options, const std::vector<Tensor>& weights, const Tensor& x,
                  const Tensor& y) {
  Sequential model;
  model.add(Dense(options));
  model.layers()[0]->set_weights(weights);
  model.compile({.optimizer = "sgd", .loss = "mse"});
  return model.evaluate(x, y, {.batch_size = x.dim(0), .verbose = 0})[0];
}

}  // namespace

TEST(DenseRegularizers, LossIsPlainLossPlusPenalties) {
  Tensor x = random_uniform({10, 4}, 1);
  Tensor y = random_uniform({10, 3}, 2);
  std::vector<Tensor> weights{random_uniform({4, 3}, 3), random_uniform({3}, 4)};
  double base = dense_loss({.units = 3, .input_dim = 4}, weights, x, y);

  double kernel = dense_loss(
      {.units = 3, .kernel_regularizer = regularizers::l2(0.1), .input_dim = 4}, weights, x, y);
  EXPECT_NEAR(kernel, base + sum_penalty(weights[0], 0, 0.1), 1e-5);

  double both = dense_loss({.units = 3,
                            .kernel_regularizer = regularizers::l1_l2(0.01, 0.02),
                            .bias_regularizer = regularizers::l1(0.3),
                            .input_dim = 4},
                           weights, x, y);
  EXPECT_NEAR(both, base + sum_penalty(weights[0], 0.01, 0.02) + sum_penalty(weights[1], 0.3, 0),
              1e-5);

  // Activity: on the layer's output (x W + b), summed over the batch.
  double activity = dense_loss(
      {.units = 3, .activity_regularizer = regularizers::activity_l2(0.05), .input_dim = 4},
      weights, x, y);
  double penalty = 0;
  for (int s = 0; s < 10; ++s)
    for (int o = 0; o < 3; ++o) {
      double v = weights[1].at<float>(o);
      for (int i = 0; i < 4; ++i) v += x.at<float>(s, i) * weights[0].at<float>(i, o);
      penalty += 0.05 * v * v;
    }
  EXPECT_NEAR(activity, base + penalty, 1e-4);
}

TEST(DenseRegularizers, ConfigAndNames) {
  Dense dense({.units = 2, .kernel_regularizer = "l2", .bias_constraint = constraints::non_neg()});
  auto config = dense.get_config();
  EXPECT_EQ(config["kernel_regularizer"]["class_name"], "L1L2");
  EXPECT_DOUBLE_EQ(config["kernel_regularizer"]["config"]["l2"].get<double>(), 0.01);
  EXPECT_TRUE(config["bias_regularizer"].is_null());
  EXPECT_EQ(config["bias_constraint"]["class_name"], "NonNeg");
  EXPECT_TRUE(config["kernel_constraint"].is_null());
}

TEST(DenseConstraints, HoldAfterFit) {
  utils::set_random_seed(5);
  Tensor x = random_uniform({64, 5}, 6, -3, 3);
  Tensor y = random_uniform({64, 4}, 7, -5, 5);
  Sequential model;
  model.add(Dense({.units = 4,
                   .kernel_constraint = constraints::max_norm(0.5),
                   .bias_constraint = constraints::non_neg(),
                   .input_dim = 5}));
  model.add(Dense({.units = 4, .kernel_constraint = constraints::unit_norm()}));
  model.add(Dense({.units = 4, .kernel_constraint = constraints::min_max_norm(0.5, 0.8)}));
  model.compile({.optimizer = "sgd", .loss = "mse"});
  model.fit(x, y, {.batch_size = 16, .epochs = 3, .verbose = 0});
  auto column_norms = [](const Tensor& w) {
    std::vector<double> norms(static_cast<std::size_t>(w.dim(1)), 0.0);
    for (std::int64_t i = 0; i < w.dim(0); ++i)
      for (std::int64_t j = 0; j < w.dim(1); ++j)
        norms[static_cast<std::size_t>(j)] += w.at<float>(i, j) * w.at<float>(i, j);
    for (auto& n : norms) n = std::sqrt(n);
    return norms;
  };
  auto first = model.layers()[0]->get_weights();
  for (double n : column_norms(first[0])) EXPECT_LE(n, 0.5 + 1e-5);
  for (float b : first[1].to_vector<float>()) EXPECT_GE(b, 0.0f);
  for (double n : column_norms(model.layers()[1]->get_weights()[0])) EXPECT_NEAR(n, 1.0, 1e-5);
  for (double n : column_norms(model.layers()[2]->get_weights()[0])) {
    EXPECT_GE(n, 0.5 - 1e-5);
    EXPECT_LE(n, 0.8 + 1e-5);
  }
}
