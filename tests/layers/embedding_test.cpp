// Embedding: rows of the table, the mask of mask_zero, integer inputs, Keras's shapes and config,
// a scatter-add gradient (no dense one-hot product), index errors, and training.
#include <gtest/gtest.h>

#include <algorithm>

#include "keras/keras.h"
#include "layer_test_util.h"
#include "testing/op_cases.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::expect_near;

namespace {
Tensor ids(std::vector<std::int32_t> values, Shape shape) {
  return Tensor::from_vector<std::int32_t>(values, shape);
}
}  // namespace

TEST(Embedding, LooksUpRows) {
  auto layer = std::make_shared<Embedding>(10, 3, EmbeddingOptions{.input_length = 4});
  Sequential model({layer});
  EXPECT_EQ(model.input().dtype(), DType::int32);
  EXPECT_EQ(model.input_shape(), (Shape{-1, 4}));  // input_dim is the vocabulary, not a shape
  EXPECT_EQ(model.output_shape(), (Shape{-1, 4, 3}));
  Tensor table = keras::testing::random_uniform({10, 3}, 1);
  layer->set_weights({table});
  Tensor x = ids({1, 0, 9, 3, 3, 3, 2, 7}, {2, 4});
  Tensor y = model.predict(x);
  ASSERT_EQ(y.shape(), (Shape{2, 4, 3}));
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 4; ++t)
      for (int d = 0; d < 3; ++d) EXPECT_EQ(y(b, t, d), table(x.at<std::int32_t>(b, t), d));
  // Float arrays of whole numbers are cast, as Keras does.
  expect_near(model.predict(x.astype(DType::float32)), y);
}

TEST(Embedding, DefaultsAreKeras) {
  Embedding layer(1000, 64);
  EXPECT_EQ(*layer.batch_input_shape(), (Shape{-1, -1}));
  Sequential model({std::make_shared<Embedding>(1000, 64)});
  Tensor table = model.layers()[0]->get_weights()[0];
  auto v = table.to_vector<double>();
  EXPECT_LE(*std::max_element(v.begin(), v.end()), 0.05);  // RandomUniform(-0.05, 0.05)
  EXPECT_GE(*std::min_element(v.begin(), v.end()), -0.05);
  EXPECT_GT(*std::max_element(v.begin(), v.end()), 0.04);
  EXPECT_EQ(model.layers()[0]->weights()[0].name(), model.layers()[0]->name() + "/embeddings");
  // Variable-length input: predict works for any length.
  EXPECT_EQ(model.predict(ids({1, 2, 3, 4, 5}, {1, 5})).shape(), (Shape{1, 5, 64}));
}

TEST(Embedding, MaskZeroGivesTheMask) {
  auto layer =
      std::make_shared<Embedding>(5, 2, EmbeddingOptions{.mask_zero = true, .input_length = 3});
  Sequential model({layer});
  auto mask = model.output().keras_mask();
  ASSERT_TRUE(mask.defined());
  K::Function f({model.input()}, {mask});
  Tensor m = f({ids({0, 1, 4, 3, 0, 0}, {2, 3})})[0];
  std::vector<double> expected{0, 1, 1, 1, 0, 0};
  EXPECT_EQ(m.to_vector<double>(), expected);
  Sequential plain({std::make_shared<Embedding>(5, 2, EmbeddingOptions{.input_length = 3})});
  EXPECT_FALSE(plain.output().keras_mask().defined());
}

TEST(Embedding, GradientIsAScatterAddNotADenseProduct) {
  auto layer = std::make_shared<Embedding>(6, 2, EmbeddingOptions{.input_length = 3});
  Sequential model({layer});
  SymbolicTensor loss = K::sum(model.output());
  SymbolicTensor grad = K::gradients(loss, {layer->embeddings()})[0];
  auto ops = keras::testing::ops_in_graph({grad});
  EXPECT_TRUE(ops.count(static_cast<int>(K::OpKind::kGatherGrad)));
  EXPECT_FALSE(ops.count(static_cast<int>(K::OpKind::kOneHot)));
  EXPECT_FALSE(ops.count(static_cast<int>(K::OpKind::kMatMul)));
  K::Function f({model.input()}, {grad});
  Tensor g = f({ids({1, 1, 4, 0, 1, 5}, {2, 3})})[0];
  // Each row's gradient counts how often the row was looked up.
  std::vector<double> counts{1, 3, 0, 0, 1, 1};
  for (int r = 0; r < 6; ++r)
    for (int d = 0; d < 2; ++d) EXPECT_EQ(g(r, d), counts[static_cast<std::size_t>(r)]) << r;
}

TEST(Embedding, TrainsOnlyTheRowsItSees) {
  auto layer = std::make_shared<Embedding>(8, 4, EmbeddingOptions{.input_length = 2});
  Sequential model({layer, std::make_shared<Flatten>(), std::make_shared<Dense>(1)});
  Tensor before = layer->get_weights()[0];
  Tensor x = ids({1, 2, 2, 3, 3, 1, 1, 1}, {4, 2});
  Tensor y = Tensor::from_vector<float>({1, -1, 0.5, 2}, {4, 1});
  model.compile({.optimizer = optimizers::SGD({.lr = 0.1}), .loss = "mse"});
  auto history = model.fit(x, y, {.batch_size = 4, .epochs = 20, .verbose = 0});
  EXPECT_LT(history.history.at("loss").back(), history.history.at("loss").front());
  Tensor after = layer->get_weights()[0];
  for (int r = 0; r < 8; ++r) {
    bool seen = r >= 1 && r <= 3;
    bool changed = false;
    for (int d = 0; d < 4; ++d) changed = changed || after(r, d) != before(r, d);
    EXPECT_EQ(changed, seen) << "row " << r;
  }
}

TEST(Embedding, IndexOutOfRangeIsAnError) {
  Sequential model({std::make_shared<Embedding>(4, 2, EmbeddingOptions{.input_length = 2})});
  try {
    model.predict(ids({1, 4}, {1, 2}));
    ADD_FAILURE() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("index 4 is out of range [0, 4)"), std::string::npos)
        << e.what();
  }
}

TEST(Embedding, ArgumentErrorsAndConfig) {
  expect_invalid([] { Embedding(0, 3); }, {"input_dim"});
  expect_invalid([] { Embedding(3, 0); }, {"output_dim"});
  expect_invalid([] { Embedding(3, 2, {.embeddings_initializer = "nope"}); }, {"nope"});
  Embedding layer(100, 8,
                  {.embeddings_initializer = "normal",
                   .embeddings_regularizer = regularizers::L1L2{0.01, 0.0},
                   .mask_zero = true,
                   .input_length = 12,
                   .name = "words"});
  auto config = layer.get_config();
  EXPECT_EQ(config["input_dim"], 100);
  EXPECT_EQ(config["output_dim"], 8);
  EXPECT_EQ(config["embeddings_initializer"]["class_name"], "RandomNormal");
  EXPECT_EQ(config["embeddings_regularizer"]["class_name"], "L1L2");
  EXPECT_EQ(config["mask_zero"], true);
  EXPECT_EQ(config["input_length"], 12);
  EXPECT_EQ(config["batch_input_shape"], nlohmann::json({nullptr, 12}));
  auto back = Embedding::from_config(config);
  EXPECT_EQ(back->get_config(), config);
  // The regularizer reaches the model's loss.
  auto with_penalty = std::make_shared<Embedding>(
      5, 2,
      EmbeddingOptions{.embeddings_regularizer = regularizers::L1L2{0.0, 1.0}, .input_length = 1});
  Sequential m({with_penalty});
  EXPECT_EQ(with_penalty->losses().size(), 1u);
}
