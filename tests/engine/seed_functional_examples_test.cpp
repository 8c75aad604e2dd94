// The seed's functional-API models built exactly as the seed writes them: the multi-input,
// multi-output headline model (Embedding + LSTM) and the shared-LSTM tweet model. Shapes and
// parameter counts are the ones Keras reports; each model trains one batch.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;

namespace {

Tensor uniform(Shape shape, std::uint32_t seed) {
  Tensor t(shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

Tensor labels(std::int64_t n) {
  Tensor t({n, 1});
  for (std::int64_t i = 0; i < n; ++i) t.data<float>()[i] = static_cast<float>(i % 2);
  return t;
}

bool differs(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = a[i].to_vector<double>(), y = b[i].to_vector<double>();
    for (std::size_t j = 0; j < x.size(); ++j)
      if (x[j] != y[j]) return true;
  }
  return false;
}

}  // namespace

// Parameter counts, as Keras's summary() reports them for the seed's model:
//   Embedding(10000 -> 512):           10000 * 512                         = 5,120,000
//   LSTM(32) over 512 features:        4 * (512 * 32 + 32 * 32 + 32)      =    69,760
//   aux_output Dense(1) over 32:       32 + 1                              =        33
//   merge concat: 32 + 5 = 37 features
//   Dense(64) over 37:                 37 * 64 + 64                        =     2,432
//   Dense(64) over 64 (twice):         2 * (64 * 64 + 64)                  =     8,320
//   main_output Dense(1) over 64:      64 + 1                              =        65
//   total                                                                  = 5,200,610
TEST(SeedFunctionalExamples, MultiInputMultiOutputModel) {
  auto main_input = Input({.shape = Shape{100}, .name = "main_input", .dtype = "int32"});
  auto x = Embedding({.input_dim = 10000, .output_dim = 512, .input_length = 100})(main_input);
  auto lstm_out = LSTM(32)(x);
  auto auxiliary_loss = Dense(1, {.activation = "sigmoid", .name = "aux_output"})(lstm_out);
  auto auxiliary_input = Input({.shape = Shape{5}, .name = "aux_input"});
  x = merge({lstm_out, auxiliary_input}, {.mode = "concat"});
  x = Dense(64, {.activation = "relu"})(x);
  x = Dense(64, {.activation = "relu"})(x);
  x = Dense(64, {.activation = "relu"})(x);
  auto main_loss = Dense(1, {.activation = "sigmoid", .name = "main_output"})(x);
  Model model({.input = {main_input, auxiliary_input}, .output = {main_loss, auxiliary_loss}});

  EXPECT_EQ(main_input.dtype(), DType::int32);
  EXPECT_EQ(x.shape(), (Shape{-1, 64}));
  EXPECT_EQ(lstm_out.shape(), (Shape{-1, 32}));
  EXPECT_EQ(main_loss.shape(), (Shape{-1, 1}));
  EXPECT_EQ(auxiliary_loss.shape(), (Shape{-1, 1}));
  EXPECT_EQ(model.get_layer("embedding_1")->output_shape(), (Shape{-1, 100, 512}));
  EXPECT_EQ(model.get_layer("embedding_1")->count_params(), 5120000);
  EXPECT_EQ(model.get_layer("lstm_1")->count_params(), 69760);
  EXPECT_EQ(model.get_layer("aux_output")->count_params(), 33);
  EXPECT_EQ(model.get_layer("merge_1")->output_shape(), (Shape{-1, 37}));
  EXPECT_EQ(model.get_layer("dense_1")->count_params(), 2432);
  EXPECT_EQ(model.get_layer("dense_2")->count_params(), 4160);
  EXPECT_EQ(model.get_layer("dense_3")->count_params(), 4160);
  EXPECT_EQ(model.get_layer("main_output")->count_params(), 65);
  EXPECT_EQ(model.count_params(), 5200610);

  // The seed's compile with one loss and loss weights [1, 0.2], then one batch of headlines.
  model.compile(
      {.optimizer = "rmsprop", .loss = "binary_crossentropy", .loss_weights = {1.0, 0.2}});
  EXPECT_EQ(model.metrics_names(),
            (std::vector<std::string>{"loss", "main_output_loss", "aux_output_loss"}));
  const std::int64_t n = 4;
  Tensor headline({n, 100}, DType::int32);
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::int32_t> word(1, 9999);
  for (std::int64_t i = 0; i < headline.numel(); ++i) headline.data<std::int32_t>()[i] = word(rng);
  Tensor additional = uniform({n, 5}, 4), y = labels(n);
  auto before = model.get_weights();
  auto losses = model.train_on_batch(Arrays{{"main_input", headline}, {"aux_input", additional}},
                                     Arrays{{"main_output", y}, {"aux_output", y}});
  ASSERT_EQ(losses.size(), 3u);
  for (double l : losses) EXPECT_TRUE(std::isfinite(l));
  EXPECT_NEAR(losses[0], losses[1] + 0.2 * losses[2], 1e-5);
  EXPECT_TRUE(differs(before, model.get_weights()));
  auto outputs =
      model.predict_on_batch(Arrays{{"main_input", headline}, {"aux_input", additional}});
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0].shape(), (Shape{n, 1}));
  EXPECT_EQ(outputs[1].shape(), (Shape{n, 1}));
}

// Parameter counts, as Keras's summary() reports them for the seed's tweet model:
//   shared LSTM(64) over 256 features: 4 * (256 * 64 + 64 * 64 + 64)  = 82,176 (counted once)
//   merge concat: 64 + 64 = 128 features
//   Dense(1) over 128:                 128 + 1                         =    129
//   total                                                             = 82,305
TEST(SeedFunctionalExamples, SharedLstmTweetModel) {
  auto tweet_a = Input({.shape = Shape{140, 256}});
  auto tweet_b = Input({.shape = Shape{140, 256}});
  auto shared_lstm = std::make_shared<LSTM>(64);
  auto encoded_a = (*shared_lstm)(tweet_a);
  auto encoded_b = (*shared_lstm)(tweet_b);
  auto merged_vector = merge({encoded_a, encoded_b}, {.mode = "concat", .concat_axis = -1});
  auto predictions = Dense(1, {.activation = "sigmoid"})(merged_vector);
  Model model({.input = {tweet_a, tweet_b}, .output = predictions});

  EXPECT_EQ(tweet_a.shape(), (Shape{-1, 140, 256}));
  EXPECT_EQ(encoded_a.shape(), (Shape{-1, 64}));
  EXPECT_EQ(encoded_b.shape(), (Shape{-1, 64}));
  EXPECT_EQ(merged_vector.shape(), (Shape{-1, 128}));
  EXPECT_EQ(predictions.shape(), (Shape{-1, 1}));
  ASSERT_EQ(shared_lstm->inbound_nodes().size(), 2u);
  EXPECT_EQ(shared_lstm->get_output_shape_at(1), (Shape{-1, 64}));
  EXPECT_EQ(shared_lstm->count_params(), 82176);
  EXPECT_EQ(model.count_params(), 82305);
  // The LSTM's kernel, recurrent kernel and bias appear once: the weights are shared.
  EXPECT_EQ(model.trainable_weights().size(), 5u);

  model.compile({.optimizer = "rmsprop", .loss = "binary_crossentropy", .metrics = {"accuracy"}});
  EXPECT_EQ(model.metrics_names(), (std::vector<std::string>{"loss", "acc"}));
  const std::int64_t n = 4;
  Tensor data_a = uniform({n, 140, 256}, 1), data_b = uniform({n, 140, 256}, 2), y = labels(n);
  auto before = model.get_weights();
  auto result = model.train_on_batch({data_a, data_b}, y);
  ASSERT_EQ(result.size(), 2u);
  EXPECT_TRUE(std::isfinite(result[0]));
  EXPECT_GE(result[1], 0.0);
  EXPECT_LE(result[1], 1.0);
  EXPECT_TRUE(differs(before, model.get_weights()));

  // Both tweets go through the same weights: the encoders of tweet a and tweet b give the same
  // code for the same tweet.
  Model encoder_a({.input = {tweet_a}, .output = encoded_a});
  Model encoder_b({.input = {tweet_b}, .output = encoded_b});
  auto code_a = encoder_a.predict(data_a).to_vector<double>();
  auto code_b = encoder_b.predict(data_a).to_vector<double>();
  ASSERT_EQ(code_a.size(), static_cast<std::size_t>(n * 64));
  for (std::size_t i = 0; i < code_a.size(); ++i) EXPECT_EQ(code_a[i], code_b[i]) << i;
}

// The seed's residual connection (Keras 1, Theano ordering): x = Input(shape=(3, 256, 256));
// y = Convolution2D(3, 3, 3, border_mode='same') applied to x; z = merge([x, y], mode='sum').
// (The seed forgets to call the layer on x; Keras's guide does.) A smaller image keeps it quick.
TEST(SeedFunctionalExamples, ResidualConnection) {
  auto x = Input({.shape = Shape{3, 16, 16}});
  auto y = Convolution2D(3, 3, 3, {.padding = "same", .data_format = "channels_first"})(x);
  auto z = merge({x, y}, {.mode = "sum"});
  EXPECT_EQ(z.shape(), (Shape{-1, 3, 16, 16}));
  Model model(TensorList{x}, TensorList{z});
  EXPECT_EQ(model.count_params(), 3 * 3 * 3 * 3 + 3);  // kernel (3, 3, 3, 3) and bias (3)
  // With a zero kernel and bias the block is the identity: z = x + conv(x) = x.
  std::vector<Tensor> zeros;
  for (const auto& w : model.get_weights()) zeros.push_back(Tensor::zeros(w.shape()));
  model.set_weights(zeros);
  Tensor in = uniform({2, 3, 16, 16}, 5);
  Tensor out = model.predict(in);
  EXPECT_EQ(out.to_vector<float>(), in.to_vector<float>());
}
