// BatchNormalization (training and inference phases) and Embedding against PyTorch: forward values,
// the gradients of sum(y * r) with respect to the input and the weights, and the moving averages
// after one training step, from fixtures written by fixtures/make_torch_bn_embedding_fixtures.py
// (PyTorch in float64; Keras's momentum convention and its n / (n - 1 - epsilon) moving-variance
// factor are mapped there explicitly), on both backends in float32, to 1e-4 relative.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keras/keras.h"
#include "layers/torch_fixtures_util.h"
#include "testing/tensor_utils.h"

namespace {

using namespace keras;
using namespace keras::layers;
using keras::testing::all_close;
using keras::testing::fixture_tensor;
using keras::testing::load_torch_fixtures;
using keras::testing::ScopedBackend;

void check_batch_normalization(const nlohmann::json& c) {
  const Shape x_shape = c.at("x_shape").get<Shape>();
  const int axis = c.at("axis");
  const bool training = c.at("training"), center = c.at("center"), scale = c.at("scale");
  const int rank = static_cast<int>(x_shape.size());
  const std::int64_t channels = x_shape[static_cast<std::size_t>(axis < 0 ? axis + rank : axis)];
  auto layer =
      std::make_shared<BatchNormalization>(BatchNormalizationOptions{.axis = axis,
                                                                     .momentum = c.at("momentum"),
                                                                     .epsilon = c.at("epsilon"),
                                                                     .center = center,
                                                                     .scale = scale});
  Shape batch_shape = x_shape;
  batch_shape[0] = -1;
  auto x = K::placeholder(batch_shape);
  auto y = (*layer)(x);
  const Shape c_shape{channels};
  std::vector<Tensor> weights;
  std::vector<SymbolicTensor> params{x};
  std::vector<Tensor> expected{fixture_tensor(c.at("dx"), x_shape)};
  std::vector<std::string> names{"dx"};
  if (scale) {
    weights.push_back(fixture_tensor(c.at("gamma"), c_shape));
    params.push_back(layer->gamma());
    expected.push_back(fixture_tensor(c.at("dgamma"), c_shape));
    names.push_back("dgamma");
  }
  if (center) {
    weights.push_back(fixture_tensor(c.at("beta"), c_shape));
    params.push_back(layer->beta());
    expected.push_back(fixture_tensor(c.at("dbeta"), c_shape));
    names.push_back("dbeta");
  }
  weights.push_back(fixture_tensor(c.at("moving_mean"), c_shape));
  weights.push_back(fixture_tensor(c.at("moving_variance"), c_shape));
  layer->set_weights(weights);
  auto loss = K::sum(y * K::constant(fixture_tensor(c.at("r"), x_shape)));
  auto grads = K::gradients(loss, params);
  std::vector<SymbolicTensor> outputs{y};
  outputs.insert(outputs.end(), grads.begin(), grads.end());
  // The compiled step of that phase: training runs the layer's updates, inference does not.
  K::Function f({x}, outputs, training ? layer->updates() : std::vector<K::Update>{},
                {{K::learning_phase(), K::constant(training ? 1.0 : 0.0, DType::int32)}});
  auto got = f({fixture_tensor(c.at("x"), x_shape)});
  EXPECT_TRUE(all_close(got[0], fixture_tensor(c.at("y"), x_shape), 1e-4, 1e-5, "y"));
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_TRUE(all_close(got[i + 1], expected[i], 1e-4, 1e-5, names[i].c_str()));
  const auto after = layer->get_weights();
  const Tensor& moving_mean = after[after.size() - 2];
  const Tensor& moving_variance = after.back();
  if (training) {
    EXPECT_TRUE(all_close(moving_mean, fixture_tensor(c.at("new_moving_mean"), c_shape), 1e-4, 1e-6,
                          "moving_mean"));
    EXPECT_TRUE(all_close(moving_variance, fixture_tensor(c.at("new_moving_variance"), c_shape),
                          1e-4, 1e-6, "moving_variance"));
    // Keras's n / (n - 1 - epsilon) is not PyTorch's n / (n - 1): where the fixture's batch is
    // small and epsilon large enough to tell them apart, PyTorch's own running variance is off.
    if (c.at("variance_rule_gap").get<double>() > 1e-3) {
      EXPECT_FALSE(all_close(moving_variance, fixture_tensor(c.at("torch_running_var"), c_shape),
                             1e-4, 1e-6, "torch_running_var"));
    }
  } else {
    EXPECT_TRUE(
        all_close(moving_mean, fixture_tensor(c.at("moving_mean"), c_shape), 0, 0, "moving_mean"));
    EXPECT_TRUE(all_close(moving_variance, fixture_tensor(c.at("moving_variance"), c_shape), 0, 0,
                          "moving_variance"));
  }
}

void check_embedding(const nlohmann::json& c) {
  const Shape x_shape = c.at("x_shape").get<Shape>();
  const std::int64_t input_dim = c.at("input_dim"), output_dim = c.at("output_dim");
  auto layer = std::make_shared<Embedding>(input_dim, output_dim);
  auto x = K::placeholder({-1, x_shape[1]}, DType::int32);
  auto y = (*layer)(x);
  const Shape table_shape{input_dim, output_dim};
  layer->set_weights({fixture_tensor(c.at("embeddings"), table_shape)});
  const Shape y_shape = c.at("y_shape").get<Shape>();
  auto loss = K::sum(y * K::constant(fixture_tensor(c.at("r"), y_shape)));
  auto grads = K::gradients(loss, {layer->weights()[0]});
  K::Function f({x}, {y, grads[0]});
  Tensor ids = Tensor::from_vector(c.at("x").get<std::vector<std::int32_t>>(), x_shape);
  auto got = f({ids});
  EXPECT_TRUE(all_close(got[0], fixture_tensor(c.at("y"), y_shape), 1e-4, 1e-6, "y"));
  EXPECT_TRUE(all_close(got[1], fixture_tensor(c.at("dembeddings"), table_shape), 1e-4, 1e-6,
                        "dembeddings"));
}

class TorchBnEmbeddingFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(TorchBnEmbeddingFixture, LayersMatchPyTorchForwardAndBackward) {
  ScopedBackend backend(GetParam());
  const nlohmann::json fixtures = load_torch_fixtures("torch_bn_embedding_fixtures.json");
  int bn = 0, embedding = 0;
  for (const auto& c : fixtures.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    if (c.at("layer") == "BatchNormalization") {
      check_batch_normalization(c);
      ++bn;
    } else {
      check_embedding(c);
      ++embedding;
    }
  }
  EXPECT_EQ(bn, 12);
  EXPECT_EQ(embedding, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, TorchBnEmbeddingFixture, ::testing::Values("reference", "cpu"));

}  // namespace
