// keras::constraints: Keras 2.2.4's formulas against plain loops, names, configs.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"

using namespace keras;

namespace {
Tensor apply(const WeightConstraint& c, const Tensor& w) {
  return K::eval(c(K::variable(w)));
}

// A (3, 2) weight whose columns have norms 5 and 0.5.
Tensor weight() {
  return Tensor::from_vector<float>({3.0f, 0.3f, 4.0f, 0.4f, 0.0f, 0.0f}, {3, 2});
}
}  // namespace

TEST(Constraints, MaxNormScalesLongColumnsOnly) {
  Tensor w = weight();
  Tensor out = apply(constraints::max_norm(2.0), w);
  double eps = K::epsilon();
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(out(i, 0), w(i, 0) * 2.0 / (5.0 + eps), 1e-6);
    EXPECT_NEAR(out(i, 1), w(i, 1) * 0.5 / (0.5 + eps), 1e-6);
  }
  // axis 1: norms over rows.
  Tensor rows = apply(constraints::max_norm(1.0, 1), w);
  double n0 = std::sqrt(9 + 0.09);
  EXPECT_NEAR(rows(0, 0), 3.0 / (n0 + eps), 1e-6);
}

TEST(Constraints, NonNegUnitNormMinMaxNorm) {
  Tensor w = Tensor::from_vector<float>({-1.0f, 2.0f, 0.0f, -0.5f}, {2, 2});
  Tensor nn = apply(constraints::non_neg(), w);
  EXPECT_EQ(nn.to_vector<float>(), (std::vector<float>{0.0f, 2.0f, 0.0f, 0.0f}));

  Tensor v = weight();
  Tensor unit = apply(constraints::unit_norm(), v);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(unit(i, 0), v(i, 0) / 5.0, 1e-6);
    EXPECT_NEAR(unit(i, 1), v(i, 1) / 0.5, 1e-6);
  }
  // rate 0.5: halfway between the norm and its clipped value.
  Tensor mm = apply(constraints::min_max_norm(1.0, 2.0, 0.5), v);
  double desired0 = 0.5 * 2.0 + 0.5 * 5.0, desired1 = 0.5 * 1.0 + 0.5 * 0.5;
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(mm(i, 0), v(i, 0) * desired0 / 5.0, 1e-6);
    EXPECT_NEAR(mm(i, 1), v(i, 1) * desired1 / 0.5, 1e-5);
  }
}

TEST(Constraints, GetConfigAndErrors) {
  EXPECT_EQ(constraints::Constraint("maxnorm").get_config(),
            nlohmann::json::parse(
                R"({"class_name": "MaxNorm", "config": {"max_value": 2.0, "axis": 0}})"));
  EXPECT_EQ(constraints::get("non_neg").get_config()["class_name"], "NonNeg");
  EXPECT_EQ(constraints::get("UnitNorm").get_config()["config"]["axis"], 0);
  auto mm = constraints::Constraint(constraints::min_max_norm(0.1, 3, 0.5, 1)).get_config();
  EXPECT_EQ(constraints::from_config(mm).get_config(), mm);
  EXPECT_TRUE(constraints::Constraint().get_config().is_null());
  EXPECT_THROW(constraints::get("max"), std::invalid_argument);
  EXPECT_THROW(constraints::min_max_norm(2, 1), std::invalid_argument);
  try {
    K::eval(constraints::max_norm(2, 3)(K::variable(weight())));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(3, 2)"), std::string::npos) << e.what();
  }
}
