// keras.preprocessing.sequence against values worked out by hand from Keras 2.2.4's definitions
// (keras_preprocessing 1.0.5's sequence.py).
#include "keras/preprocessing/sequence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>

namespace ks = keras::preprocessing::sequence;
using keras::DType;
using keras::Shape;
using keras::Tensor;

TEST(PadSequences, PreAndPostPaddingAndTruncating) {
  const std::vector<std::vector<std::int64_t>> seqs{{1, 2, 3}, {4}, {}};
  Tensor pre = ks::pad_sequences(seqs);
  ASSERT_EQ(pre.shape(), (Shape{3, 3}));
  EXPECT_EQ(pre.dtype(), DType::int32);
  EXPECT_EQ(pre.to_vector<int>(), (std::vector<int>{1, 2, 3, 0, 0, 4, 0, 0, 0}));
  Tensor post = ks::pad_sequences(seqs, {.maxlen = 2, .padding = "post", .value = -1});
  EXPECT_EQ(post.to_vector<int>(), (std::vector<int>{2, 3, 4, -1, -1, -1}));
  Tensor cut = ks::pad_sequences(seqs, {.maxlen = 2, .truncating = "post"});
  EXPECT_EQ(cut.to_vector<int>(), (std::vector<int>{1, 2, 0, 4, 0, 0}));
  EXPECT_THROW(ks::pad_sequences(seqs, {.padding = "middle"}), std::invalid_argument);
  EXPECT_THROW(ks::pad_sequences(seqs, {.truncating = "x"}), std::invalid_argument);
}

TEST(PadSequences, MultiDimensionalSamplesAndDtype) {
  Tensor a = Tensor::from_vector<double>({1.5, 2.5, 3.5, 4.5}, {2, 2});
  Tensor b = Tensor::from_vector<double>({5.5, 6.5}, {1, 2});
  Tensor x = ks::pad_sequences({a, b}, {.dtype = DType::float32});
  ASSERT_EQ(x.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(x.to_vector<float>(), (std::vector<float>{1.5f, 2.5f, 3.5f, 4.5f, 0, 0, 5.5f, 6.5f}));
  Tensor odd = Tensor::from_vector<double>({1, 2, 3}, {1, 3});
  EXPECT_THROW(ks::pad_sequences({a, odd}), std::invalid_argument);
}

TEST(MakeSamplingTable, Word2VecFormula) {
  Tensor t = ks::make_sampling_table(5, 1e-5);
  ASSERT_EQ(t.shape(), (Shape{5}));
  auto p = t.to_vector<double>();
  auto expected = [](double rank) {
    double f = 1e-5 * (rank * (std::log(rank) + 0.577) + 0.5 - 1.0 / (12.0 * rank));
    return std::min(1.0, f / std::sqrt(f));
  };
  EXPECT_DOUBLE_EQ(p[0], expected(1));  // rank 0 is taken as 1
  EXPECT_DOUBLE_EQ(p[1], expected(1));
  EXPECT_DOUBLE_EQ(p[4], expected(4));
  EXPECT_GT(p[4], p[2]);  // the more frequent a word (the lower its rank), the rarer it is kept
}

TEST(Skipgrams, PositivePairsAreTheWindowNegativesAreRandomWords) {
  const std::vector<std::int64_t> seq{1, 2, 0, 3};
  auto result = ks::skipgrams(seq, 10, {.window_size = 1, .shuffle = false, .seed = 3});
  // Positives: (1,2), (2,1), (3,-): index 0 skipped, so 3 has no neighbour -> 2 positives.
  ASSERT_EQ(result.couples.size(), 4u);
  EXPECT_EQ(result.couples[0], (std::array<std::int64_t, 2>{1, 2}));
  EXPECT_EQ(result.couples[1], (std::array<std::int64_t, 2>{2, 1}));
  EXPECT_EQ(result.labels[0], (std::vector<std::int64_t>{1}));
  for (std::size_t k = 2; k < 4; ++k) {
    EXPECT_EQ(result.labels[k], (std::vector<std::int64_t>{0}));
    EXPECT_TRUE(result.couples[k][0] == 1 || result.couples[k][0] == 2);
    EXPECT_GE(result.couples[k][1], 1);
    EXPECT_LT(result.couples[k][1], 10);
  }
}

TEST(Skipgrams, ShuffleKeepsPairsWithTheirLabelsAndSeedRepeats) {
  const std::vector<std::int64_t> seq{1, 2, 3, 4, 5, 6};
  ks::SkipgramOptions options{
      .window_size = 2, .negative_samples = 0.5, .categorical = true, .seed = 42};
  auto a = ks::skipgrams(seq, 7, options);
  auto b = ks::skipgrams(seq, 7, options);
  EXPECT_EQ(a.couples, b.couples);
  auto plain = ks::skipgrams(seq, 7, {.window_size = 2, .negative_samples = 0, .shuffle = false});
  std::set<std::array<std::int64_t, 2>> positives(plain.couples.begin(), plain.couples.end());
  ASSERT_EQ(plain.couples.size(), 18u);  // 2+3+4+4+3+2
  EXPECT_EQ(a.couples.size(), 18u + 9u);
  for (std::size_t k = 0; k < a.couples.size(); ++k) {
    if (a.labels[k] == std::vector<std::int64_t>{0, 1}) {
      EXPECT_TRUE(positives.count(a.couples[k]));
    }
  }
}

TEST(Skipgrams, SamplingTableDropsWordsAndChecksRange) {
  std::vector<double> never(5, 0.0);
  auto none = ks::skipgrams({1, 2, 3}, 5, {.sampling_table = never, .seed = 1});
  EXPECT_TRUE(none.couples.empty());
  EXPECT_THROW(ks::skipgrams({1, 9}, 5, {.sampling_table = never}), std::invalid_argument);
}

TEST(TimeseriesGenerator, WindowsTargetsAndLength) {
  std::vector<double> values(20);
  for (int i = 0; i < 20; ++i) values[static_cast<std::size_t>(i)] = i;
  Tensor data = Tensor::from_vector(values, {20, 1});
  Tensor targets = Tensor::from_vector(values, {20});
  ks::TimeseriesGenerator gen(data, targets, 10, {.sampling_rate = 2, .batch_size = 2});
  EXPECT_EQ(gen.size(), 5);  // rows 10..19, two per batch
  auto [x, y] = gen.get(0);
  ASSERT_EQ(x.shape(), (Shape{2, 5, 1}));
  EXPECT_EQ(x.to_vector<double>(), (std::vector<double>{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}));
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{10, 11}));
  ks::TimeseriesGenerator reversed(data, targets, 4,
                                   {.stride = 3, .reverse = true, .batch_size = 2});
  EXPECT_EQ(reversed.size(), 3);  // rows 4, 7 | 10, 13 | 16, 19
  auto [rx, ry] = reversed.get(2);
  EXPECT_EQ(rx.to_vector<double>(), (std::vector<double>{15, 14, 13, 12, 18, 17, 16, 15}));
  EXPECT_EQ(ry.to_vector<double>(), (std::vector<double>{16, 19}));
  EXPECT_THROW(gen.get(5), std::out_of_range);
}

TEST(TimeseriesGenerator, ShuffleDrawsRowsInRangeAndErrors) {
  Tensor data = Tensor::zeros({12, 2});
  Tensor targets = Tensor::zeros({12});
  ks::TimeseriesGenerator gen(data, targets, 3,
                              {.start_index = 2, .end_index = 9, .shuffle = true, .batch_size = 8});
  for (std::int64_t row : gen.rows(0)) {
    EXPECT_GE(row, 5);
    EXPECT_LE(row, 9);
  }
  EXPECT_THROW(ks::TimeseriesGenerator(data, Tensor::zeros({11}), 3), std::invalid_argument);
  EXPECT_THROW(ks::TimeseriesGenerator(data, targets, 12), std::invalid_argument);
  EXPECT_THROW(ks::TimeseriesGenerator(data, targets, 3, {.stride = 0}), std::invalid_argument);
}
