#include "keras/utils/np_utils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using keras::DType;
using keras::Shape;
using keras::Tensor;
using keras::utils::to_categorical;

namespace {

std::string error_of(const Tensor& y, std::int64_t num_classes) {
  try {
    to_categorical(y, num_classes);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "to_categorical did not throw";
  return "";
}

}  // namespace

TEST(ToCategorical, OneHotRowsWithExplicitNumClasses) {
  Tensor y = Tensor::from_vector<std::int64_t>({0, 2, 1, 2});
  Tensor c = to_categorical(y, 4);
  EXPECT_EQ(c.shape(), (Shape{4, 4}));
  EXPECT_EQ(c.dtype(), DType::float32);
  EXPECT_EQ(c.to_vector<float>(),
            (std::vector<float>{1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0}));
}

TEST(ToCategorical, InfersNumClassesAsMaxPlusOne) {
  Tensor y = Tensor::from_vector<std::int32_t>({1, 4, 0});
  Tensor c = to_categorical(y);
  EXPECT_EQ(c.shape(), (Shape{3, 5}));
  EXPECT_EQ(c(1, 4), 1.0);
  EXPECT_EQ(c(0, 1), 1.0);
  EXPECT_EQ(c(2, 0), 1.0);
  double sum = 0;
  for (float v : c.to_vector<float>()) sum += v;
  EXPECT_EQ(sum, 3.0);
  // 0 is falsy in Keras, so it also infers.
  EXPECT_EQ(to_categorical(y, 0).shape(), (Shape{3, 5}));
}

TEST(ToCategorical, DropsTrailingDimensionOfOne) {
  Tensor y = Tensor::from_vector<std::int64_t>({2, 0, 1}, {3, 1});
  Tensor c = to_categorical(y, 3);
  EXPECT_EQ(c.shape(), (Shape{3, 3}));
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 1, 0}));

  EXPECT_EQ(
      to_categorical(Tensor::from_vector<std::int64_t>({0, 1, 2, 0, 1, 2}, {2, 3, 1})).shape(),
      (Shape{2, 3, 3}));
  // Only the last dimension is dropped, and only when it is 1.
  EXPECT_EQ(to_categorical(Tensor::from_vector<std::int64_t>({0, 1, 2}, {1, 1, 3})).shape(),
            (Shape{1, 1, 3, 3}));
  EXPECT_EQ(to_categorical(Tensor::from_vector<std::int64_t>({0, 1}, {2, 1, 1})).shape(),
            (Shape{2, 1, 2}));
}

TEST(ToCategorical, KeepsRankOneInputOfLengthOne) {
  // Keras keeps (1,) because the drop needs rank > 1.
  Tensor c = to_categorical(Tensor::from_vector<std::int64_t>({2}, {1}), 3);
  EXPECT_EQ(c.shape(), (Shape{1, 3}));
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{0, 0, 1}));
}

TEST(ToCategorical, ScalarInputGivesVector) {
  Tensor y = Tensor::full({}, 1.0, DType::int64);
  ASSERT_EQ(y.ndim(), 0);
  Tensor c = to_categorical(y, 3);
  EXPECT_EQ(c.shape(), (Shape{3}));
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{0, 1, 0}));
}

TEST(ToCategorical, MultiDimensionalInput) {
  Tensor y = Tensor::from_vector<std::int64_t>({0, 1, 2, 2, 1, 0}, {2, 3});
  Tensor c = to_categorical(y);
  EXPECT_EQ(c.shape(), (Shape{2, 3, 3}));
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t j = 0; j < 3; ++j)
      for (std::int64_t k = 0; k < 3; ++k)
        EXPECT_EQ(c(i, j, k), y(i, j) == static_cast<double>(k) ? 1.0 : 0.0);
}

TEST(ToCategorical, FloatLabelsTruncateLikeNumpyAstypeInt) {
  Tensor y32 = Tensor::from_vector<float>({0.0f, 2.0f, 1.9f});
  Tensor c = to_categorical(y32);
  EXPECT_EQ(c.shape(), (Shape{3, 3}));
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 1, 0}));
  Tensor y64 = Tensor::from_vector<double>({1.0, 0.0});
  EXPECT_EQ(to_categorical(y64, 2).to_vector<float>(), (std::vector<float>{0, 1, 1, 0}));
}

TEST(ToCategorical, WorksOnViews) {
  Tensor y = Tensor::from_vector<std::int64_t>({0, 1, 2, 3});
  Tensor c = to_categorical(y.slice(2, 4), 4);
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{0, 0, 1, 0, 0, 0, 0, 1}));
}

TEST(ToCategorical, EmptyInput) {
  Tensor y(Shape{0}, DType::int64);
  EXPECT_EQ(to_categorical(y, 5).shape(), (Shape{0, 5}));
  EXPECT_NE(error_of(y, -1).find("empty"), std::string::npos);
}

TEST(ToCategorical, LabelOutOfRangeNamesLabelAndNumClasses) {
  std::string msg = error_of(Tensor::from_vector<std::int64_t>({0, 5, 1}), 3);
  EXPECT_NE(msg.find("label 5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("num_classes=3"), std::string::npos) << msg;

  msg = error_of(Tensor::from_vector<std::int32_t>({0, -1}), 3);
  EXPECT_NE(msg.find("label -1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("num_classes=3"), std::string::npos) << msg;

  // With inference, a negative label is still an error rather than NumPy's wrap-around.
  msg = error_of(Tensor::from_vector<std::int64_t>({2, -3}), -1);
  EXPECT_NE(msg.find("label -3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("num_classes=3"), std::string::npos) << msg;
}

TEST(ToCategorical, RejectsBadArguments) {
  EXPECT_THROW(to_categorical(Tensor(), 3), std::invalid_argument);
  EXPECT_THROW(to_categorical(Tensor::from_vector<std::int64_t>({0, 1}), -2),
               std::invalid_argument);
  EXPECT_THROW(to_categorical(Tensor::from_vector<float>({0.0f, std::nanf("")}), 2),
               std::invalid_argument);
  EXPECT_THROW(
      to_categorical(Tensor::from_vector<double>({std::numeric_limits<double>::infinity()})),
      std::invalid_argument);
}
