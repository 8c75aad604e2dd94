// Conv2D, Conv2DTranspose, MaxPooling2D and AveragePooling2D against PyTorch: forward values and
// the gradients of sum(y * r) with respect to the input, kernel and bias, from fixtures written by
// fixtures/make_torch_conv_fixtures.py (PyTorch in float64, layouts and TensorFlow's padding mapped
// explicitly), on both backends in float32.
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

Shape shape_of(const nlohmann::json& j) {
  return j.get<Shape>();
}

class TorchFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(TorchFixture, LayersMatchPyTorchForwardAndBackward) {
  ScopedBackend backend(GetParam());
  const nlohmann::json fixtures = load_torch_fixtures("torch_conv_fixtures.json");
  ASSERT_GE(fixtures.at("cases").size(), 10u);
  for (const auto& c : fixtures.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const std::string kind = c.at("layer");
    Shape x_shape = shape_of(c.at("x_shape"));
    std::shared_ptr<Layer> layer;
    if (kind == "Conv2D" || kind == "Conv2DTranspose") {
      ConvOptions o{.strides = c.at("strides").get<Ints>(),
                    .padding = c.at("padding"),
                    .dilation_rate = c.at("dilation_rate").get<Ints>()};
      auto k = c.at("kernel_size").get<Ints>();
      std::int64_t filters = c.at("filters");
      if (kind == "Conv2D")
        layer = std::make_shared<Conv2D>(filters, k, o);
      else
        layer = std::make_shared<Conv2DTranspose>(filters, k, o);
    } else {
      PoolingOptions o{.strides = c.at("strides").get<Ints>(), .padding = c.at("padding")};
      auto pool = c.at("pool_size").get<Ints>();
      layer = std::make_shared<Pooling>(kind == "MaxPooling2D" ? MaxPooling2D(pool, o)
                                                               : AveragePooling2D(pool, o));
    }
    auto x = K::placeholder({-1, x_shape[1], x_shape[2], x_shape[3]});
    auto y = (*layer)(x);
    std::vector<SymbolicTensor> params{x};
    std::vector<Tensor> expected{fixture_tensor(c.at("dx"), x_shape)};
    if (c.contains("kernel")) {
      auto weights = layer->weights();
      ASSERT_EQ(weights.size(), 2u);
      Shape k_shape = K::int_shape(weights[0]), b_shape = K::int_shape(weights[1]);
      layer->set_weights(
          {fixture_tensor(c.at("kernel"), k_shape), fixture_tensor(c.at("bias"), b_shape)});
      params.insert(params.end(), weights.begin(), weights.end());
      expected.push_back(fixture_tensor(c.at("dkernel"), k_shape));
      expected.push_back(fixture_tensor(c.at("dbias"), b_shape));
    }
    Shape y_shape = shape_of(c.at("y_shape"));
    auto loss = K::sum(y * K::constant(fixture_tensor(c.at("r"), y_shape)));
    auto grads = K::gradients(loss, params);
    std::vector<SymbolicTensor> outputs{y};
    outputs.insert(outputs.end(), grads.begin(), grads.end());
    K::Function f({x}, outputs);
    auto got = f({fixture_tensor(c.at("x"), x_shape)});
    EXPECT_TRUE(all_close(got[0], fixture_tensor(c.at("y"), y_shape), 1e-4, 1e-5, "y"));
    const char* names[] = {"dx", "dkernel", "dbias"};
    for (std::size_t i = 0; i < expected.size(); ++i)
      EXPECT_TRUE(all_close(got[i + 1], expected[i], 1e-4, 1e-5, names[i]));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TorchFixture, ::testing::Values("reference", "cpu"));

}  // namespace
