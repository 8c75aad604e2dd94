// keras::distributed in one process (the two-process tests: mpi_fit_program.cpp, under mpirun).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "distributed/collectives.h"
#include "keras/backend/function.h"
#include "keras/distributed.h"
#include "keras/keras.h"

using namespace keras;
namespace K = keras::backend;

TEST(Distributed, WithoutInitEverythingIsOneProcess) {
  EXPECT_FALSE(distributed::initialized());
  EXPECT_EQ(distributed::rank(), 0);
  EXPECT_EQ(distributed::size(), 1);
  EXPECT_EQ(distributed::local_rank(), 0);
  EXPECT_EQ(distributed::detail::shard(10), std::make_pair(std::int64_t{0}, std::int64_t{10}));
  double sums[2] = {1.5, 2};
  distributed::detail::allreduce_sum(sums, 2);
  EXPECT_EQ(sums[0], 1.5);
  EXPECT_EQ(sums[1], 2);
}

TEST(Distributed, AllReduceMeanIsTheIdentityInOneProcess) {
  for (DType dtype : {DType::float32, DType::float64}) {
    SymbolicTensor x = K::placeholder({-1, 3}, dtype);
    SymbolicTensor y = K::all_reduce_mean(x);
    EXPECT_EQ(K::int_shape(y), (Shape{-1, 3}));
    EXPECT_EQ(y.dtype(), dtype);
    K::Function f({x}, {y});
    Tensor value = Tensor::from_vector<double>({1, -2, 3, 4.5, 5, 6}, {2, 3}).astype(dtype);
    EXPECT_EQ(f.run({value})[0].to_vector<double>(), value.to_vector<double>());
  }
  EXPECT_THROW(K::all_reduce_mean(K::placeholder({2}, DType::int32)), std::invalid_argument);
}

TEST(Distributed, GradientsAreUnchangedInOneProcess) {
  std::vector<SymbolicTensor> grads = {K::placeholder({2, 3}), K::placeholder({4})};
  std::vector<SymbolicTensor> averaged = distributed::detail::average_gradients(grads);
  ASSERT_EQ(averaged.size(), 2u);
  EXPECT_EQ(averaged[0].node(), grads[0].node());
  EXPECT_EQ(averaged[1].node(), grads[1].node());
}

TEST(Distributed, EnvironmentSwitch) {
  ::setenv("KERAS_DISTRIBUTED", "horovod", 1);
  EXPECT_THROW(distributed::init_from_environment(), std::invalid_argument);
  ::unsetenv("KERAS_DISTRIBUTED");
  distributed::init_from_environment();  // unset: nothing
  EXPECT_FALSE(distributed::initialized());
}

// The executor starts each AllReduceMean as soon as its input is ready, the one needing the least
// work first (in a backward pass, the last layers' gradient bucket), and finishes it just before
// its first reader: the reductions overlap the computation in between.
TEST(Distributed, CollectivesStartEarlyAndFinishLate) {
  SymbolicTensor x = K::placeholder({4, 4});
  SymbolicTensor h1 = K::dot(x, x);
  SymbolicTensor h3 = K::dot(K::dot(h1, x), x);
  SymbolicTensor late = K::all_reduce_mean(h3), early = K::all_reduce_mean(h1);
  K::Function f({x}, {K::dot(late, x), K::dot(early, x)});
  Tensor value = Tensor::from_vector<float>(std::vector<float>(16, 0.5f), {4, 4});
  const std::vector<Tensor> out = f({value});
  // Each product of 4x4 matrices of constant entries multiplies them by 4 * 0.5: x^k's are 2^(k-2).
  EXPECT_EQ(out[0].to_vector<float>(), std::vector<float>(16, 8.0f));  // x^5
  EXPECT_EQ(out[1].to_vector<float>(), std::vector<float>(16, 2.0f));  // x^3
  const std::vector<std::string> names = f.step_names();
  const std::vector<std::string> expected = {
      "MatMul", "AllReduceMean",        "MatMul", "MatMul", "AllReduceMean", "AllReduceMean.finish",
      "MatMul", "AllReduceMean.finish", "MatMul"};
  EXPECT_EQ(names, expected);
}
