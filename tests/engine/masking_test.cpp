// The mask mechanism: masks ride on tensors from layer to layer.
#include <gtest/gtest.h>

#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;
namespace K = keras::backend;

namespace {

// Masks the timesteps whose features are all zero, as Keras's Masking(0.0) does.
class ZeroMasking : public Layer {
 public:
  explicit ZeroMasking(LayerArguments args = {}) : Layer("ZeroMasking", args) {
    supports_masking_ = true;
  }
  KERAS_LAYER_CLASS(ZeroMasking)
  SymbolicTensor call(const SymbolicTensor& x) override { return x * 1.0; }
  SymbolicTensor compute_mask(const SymbolicTensor& x, const SymbolicTensor&) const override {
    return K::max(K::not_equal(x, K::constant(0.0)), {-1});
  }
};

// A layer that does not declare mask support.
class Doubling : public Layer {
 public:
  Doubling() : Layer("Doubling", {}) {}
  KERAS_LAYER_CLASS(Doubling)
  SymbolicTensor call(const SymbolicTensor& x) override { return x * 2.0; }
};

}  // namespace

TEST(Masking, MaskPassesThroughLayersThatSupportIt) {
  auto x = K::placeholder({-1, 3, 2});
  auto h = Activation("relu")(Dense(4)(ZeroMasking()(x)));
  ASSERT_TRUE(h.keras_mask().defined());
  K::Function f({x}, {h.keras_mask()});
  Tensor in = Tensor::from_vector<float>({1, 2, 0, 0, 3, 0}, {1, 3, 2});
  Tensor mask = f({in})[0];
  EXPECT_EQ(mask.to_vector<float>(), (std::vector<float>{1, 0, 1}));
}

TEST(Masking, LayerWithoutSupportRefusesAMaskedInput) {
  auto x = K::placeholder({-1, 3, 2});
  auto doubling = std::make_shared<Doubling>();
  try {
    (*doubling)(ZeroMasking()(x));
    FAIL() << "a masked input was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("does not support masking"), std::string::npos)
        << e.what();
  }
  // Without a mask it is fine.
  EXPECT_NO_THROW((*doubling)(x));
}

TEST(Masking, LossIgnoresMaskedTimesteps) {
  Sequential model;
  model.add(std::make_shared<ZeroMasking>(LayerArguments{.input_shape = Shape{3, 2}}));
  model.add(Dense(4));
  model.compile({.optimizer = "sgd", .loss = "mse"});
  // Sample 0 masks timestep 1, sample 1 masks timesteps 0 and 2.
  Tensor x = Tensor::from_vector<float>({1, 2, 0, 0, 3, 1, 0, 0, 2, 2, 0, 0}, {2, 3, 2});
  Tensor y = Tensor::full({2, 3, 4}, 0.5);
  Tensor p = model.predict(x);
  const float mask[2][3] = {{1, 0, 1}, {0, 1, 0}};
  double masked_sum = 0, kept = 0;
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 3; ++t) {
      double mse = 0;
      for (int j = 0; j < 4; ++j) mse += (p(b, t, j) - 0.5) * (p(b, t, j) - 0.5) / 4;
      masked_sum += mse * mask[b][t];
      kept += mask[b][t];
    }
  EXPECT_NEAR(model.test_on_batch(x, y)[0], masked_sum / kept, 1e-6);
}

TEST(Masking, MaskingLayerMasksTimestepsEqualToMaskValue) {
  auto x = K::placeholder({-1, 3, 2});
  auto masking = std::make_shared<Masking>(-1.0);
  auto y = (*masking)(x);
  ASSERT_TRUE(y.keras_mask().defined());
  K::Function f({x}, {y, y.keras_mask()});
  // Timestep 1 is all mask_value; timestep 2 only partly, so it is kept.
  Tensor in = Tensor::from_vector<float>({1, 2, -1, -1, -1, 5}, {1, 3, 2});
  auto out = f({in});
  EXPECT_EQ(out[0].to_vector<float>(), (std::vector<float>{1, 2, 0, 0, -1, 5}));
  EXPECT_EQ(out[1].to_vector<float>(), (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(masking->get_config()["mask_value"], -1.0);
  EXPECT_EQ(masking->get_config()["name"], masking->name());
}

TEST(Masking, MaskingLayerMakesTheLossSkipPaddedTimesteps) {
  // Padded timesteps (all zero) with targets far away must not change the loss.
  Sequential model;
  model.add(Masking(0.0, {.input_shape = Shape{3, 2}}));
  model.add(Dense(1, {.kernel_initializer = "ones"}));
  model.compile({.optimizer = "sgd", .loss = "mse"});
  Tensor x = Tensor::from_vector<float>({1, 1, 0, 0, 2, 0}, {1, 3, 2});
  Tensor y_near = Tensor::from_vector<float>({2, 0, 2}, {1, 3, 1});
  Tensor y_far = Tensor::from_vector<float>({2, 100, 2}, {1, 3, 1});
  double near = model.test_on_batch(x, y_near)[0];
  EXPECT_NEAR(near, 0.0, 1e-6);  // predictions 2 and 2 on the kept timesteps
  EXPECT_NEAR(model.test_on_batch(x, y_far)[0], near, 1e-6);
}
