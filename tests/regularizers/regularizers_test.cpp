// keras::regularizers: penalties against plain loops, names, configs.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"

using namespace keras;

namespace {
double eval_penalty(const WeightRegularizer& r, const Tensor& w) {
  return K::eval(r(K::variable(w))).item();
}
}  // namespace

TEST(Regularizers, L1L2Penalties) {
  Tensor w = Tensor::from_vector<float>({1.0f, -2.0f, 0.5f, -0.25f}, {2, 2});
  double abs_sum = 3.75, square_sum = 1 + 4 + 0.25 + 0.0625;
  EXPECT_NEAR(eval_penalty(regularizers::l1(0.1), w), 0.1 * abs_sum, 1e-6);
  EXPECT_NEAR(eval_penalty(regularizers::l2(0.1), w), 0.1 * square_sum, 1e-6);
  EXPECT_NEAR(eval_penalty(regularizers::l1_l2(0.1, 0.2), w), 0.1 * abs_sum + 0.2 * square_sum,
              1e-6);
  EXPECT_NEAR(eval_penalty(regularizers::L1L2{}, w), 0.0, 0);
  EXPECT_NEAR(eval_penalty(regularizers::l1l2(), w), 0.01 * abs_sum + 0.01 * square_sum, 1e-6);
}

TEST(Regularizers, GetAndConfig) {
  EXPECT_DOUBLE_EQ(regularizers::get("l1").l1, 0.01);
  EXPECT_DOUBLE_EQ(regularizers::get("activity_l2").l2, 0.01);
  EXPECT_DOUBLE_EQ(regularizers::get("L1L2").l1, 0.0);
  try {
    regularizers::get("l3");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("l1_l2"), std::string::npos) << e.what();
  }
  regularizers::Regularizer r = regularizers::l2(0.5);
  EXPECT_EQ(r.get_config(),
            nlohmann::json::parse(R"({"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.5}})"));
  EXPECT_TRUE(regularizers::Regularizer().get_config().is_null());
  auto back = regularizers::from_config(r.get_config());
  EXPECT_EQ(back.get_config(), r.get_config());
  regularizers::Regularizer custom = [](const SymbolicTensor& w) { return K::sum(w); };
  EXPECT_EQ(custom.get_config()["class_name"], "custom");
}
