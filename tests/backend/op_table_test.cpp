// The op table (src/ops/): one complete definition per OpKind, the lookups that read it, and the
// backends that pick kernels from it (KERAS_LOG_KERNELS shows which one runs each step).
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "kernels/kernel.h"
#include "ops/op_def.h"
#include "testing/tensor_utils.h"

namespace {

namespace K = keras::backend;
using keras::DType;
using keras::Tensor;
using keras::backend::OpKind;

bool is_leaf(OpKind op) {
  return op == OpKind::kPlaceholder || op == OpKind::kVariable || op == OpKind::kConstant;
}

TEST(OpTable, EveryOpKindHasOneCompleteDefinition) {
  const keras::ops::OpTable& table = keras::ops::op_table();
  std::set<std::string> names;
  int index = 0;
  for (const keras::ops::OpDef& def : table) {
    SCOPED_TRACE("OpKind #" + std::to_string(index));
    EXPECT_EQ(static_cast<int>(def.op), index++);
    ASSERT_NE(def.name, nullptr);
    EXPECT_TRUE(names.insert(def.name).second) << def.name << " names two ops";
    EXPECT_NE(def.shape, nullptr) << def.name;
    EXPECT_NE(def.dtype, nullptr) << def.name;
    EXPECT_EQ(def.reference.fn == nullptr, is_leaf(def.op)) << def.name;
    EXPECT_EQ(def.cpu.fn == nullptr, def.cpu.name == nullptr) << def.name;
  }
  EXPECT_EQ(index, static_cast<int>(OpKind::kCount));
  EXPECT_EQ(table.missing(), "");
}

TEST(OpTable, NamesAndElementwiseComeFromTheDefinitions) {
  EXPECT_STREQ(K::op_name(OpKind::kMatMul), "MatMul");
  EXPECT_STREQ(K::op_name(OpKind::kBatchNormGradParams), "BatchNormGradParams");
  EXPECT_TRUE(K::is_elementwise(OpKind::kRelu));
  EXPECT_TRUE(K::is_elementwise(OpKind::kLessEqual));
  EXPECT_FALSE(K::is_elementwise(OpKind::kCast));
  EXPECT_FALSE(K::is_elementwise(OpKind::kSwitch));
  EXPECT_FALSE(K::is_elementwise(OpKind::kSoftmax));
}

TEST(OpTable, AddingAnOpTwiceOrWithoutItsRulesThrows) {
  keras::ops::OpTable table;
  keras::ops::register_nn_ops(table);
  EXPECT_THROW(keras::ops::register_nn_ops(table), std::logic_error);
  EXPECT_NE(table.missing(), "");
  EXPECT_THROW(table.add({.op = OpKind::kMatMul, .name = "MatMul"}), std::logic_error);
}

TEST(Backends, CpuFallsBackToReferenceKernelsVisibly) {
  const auto& cpu = keras::kernels::backend_named("cpu");
  const auto& reference = keras::kernels::backend_named("reference");
  EXPECT_TRUE(cpu.fuses());
  EXPECT_FALSE(reference.fuses());
#if defined(KERAS_HAVE_DNNL)
  EXPECT_STREQ(cpu.kernel(OpKind::kMatMul).name, "cpu::matmul");
  EXPECT_FALSE(cpu.kernel(OpKind::kMatMul).fallback);
#else  // -DKERAS_WITH_DNNL=OFF: the cpu backend has no GEMM of its own
  EXPECT_STREQ(cpu.kernel(OpKind::kMatMul).name, "reference::matmul");
  EXPECT_TRUE(cpu.kernel(OpKind::kMatMul).fallback);
#endif
  EXPECT_STREQ(cpu.kernel(OpKind::kSoftmax).name, "cpu::softmax");  // not oneDNN: always there
  EXPECT_STREQ(cpu.kernel(OpKind::kSoftmaxGrad).name, "reference::softmax_grad");
  EXPECT_TRUE(cpu.kernel(OpKind::kSoftmaxGrad).fallback);
  EXPECT_STREQ(reference.kernel(OpKind::kMatMul).name, "reference::matmul");
  EXPECT_FALSE(reference.kernel(OpKind::kMatMul).fallback);
  EXPECT_THROW(cpu.kernel(OpKind::kPlaceholder), std::logic_error);
  try {
    keras::kernels::backend_named("gpu");
    FAIL() << "an unknown backend was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Valid backends are: cpu, cuda, reference"),
              std::string::npos)
        << e.what();
  }
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Once per compiled function: a second input shape makes a second plan but prints nothing more.
TEST(Backends, LogKernelsPrintsEachStepsKernelOncePerFunction) {
  keras::testing::ScopedBackend scoped("cpu");
  auto x = K::placeholder({-1, 4}, DType::float32, "x");
  auto w = K::variable(Tensor::full({4, 3}, 0.5), "w");
  auto y = K::softmax(K::dot(x, w));
  auto grads = K::gradients(K::sum(y * y), {w});
  ASSERT_EQ(setenv("KERAS_LOG_KERNELS", "1", 1), 0);
  K::Function f({x}, {y, grads[0]});
  ASSERT_EQ(unsetenv("KERAS_LOG_KERNELS"), 0);
  ::testing::internal::CaptureStderr();
  f({Tensor::full({2, 4}, 1.0)});
  f({Tensor::full({5, 4}, 1.0)});
  f({Tensor::full({2, 4}, 1.0)});
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(count(log, "keras kernels:"), 1) << log;
  EXPECT_NE(log.find("on the cpu backend, input shapes (2, 4)"), std::string::npos) << log;
#if defined(KERAS_HAVE_DNNL)
  EXPECT_NE(log.find("cpu::matmul"), std::string::npos) << log;
#else
  EXPECT_NE(log.find("reference::matmul (fallback: no cpu kernel)"), std::string::npos) << log;
#endif
  EXPECT_NE(log.find("cpu::softmax"), std::string::npos) << log;
  EXPECT_NE(log.find("reference::softmax_grad (fallback: no cpu kernel)"), std::string::npos)
      << log;
  EXPECT_EQ(count(log, "\n  "), static_cast<int>(f.num_steps())) << log;

  K::Function quiet({x}, {y});
  ::testing::internal::CaptureStderr();
  quiet({Tensor::full({2, 4}, 1.0)});
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

}  // namespace
