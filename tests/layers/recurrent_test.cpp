// SimpleRNN, GRU, LSTM and Bidirectional against a naive double-precision loop of Keras 2.2.4's
// equations (naive_rnn.h); masking, stateful chunks, dropout phases, shapes, errors, configs, and
// a small LSTM that learns.
#include <gtest/gtest.h>

#include <omp.h>
#include <cmath>
#include <functional>

#include <algorithm>
#include <filesystem>
#include <random>
#include <vector>

#include "keras/keras.h"
#include "layer_test_util.h"
#include "naive_rnn.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;
using keras::testing::expect_invalid;
using keras::testing::expect_near;
using keras::testing::random_uniform;

using namespace keras::testing::rnn;

class CellTest : public ::testing::TestWithParam<std::tuple<Cell, bool, bool>> {};

TEST_P(CellTest, MatchesANaiveLoop) {
  auto [cell, sequences, backwards] = GetParam();
  Tensor x = random_uniform({3, 5, 4}, 1);
  auto layer =
      make(cell, 6,
           {.return_sequences = sequences, .go_backwards = backwards, .input_shape = Shape{5, 4}});
  Sequential model({layer});
  auto w = randomize(*layer, 10);
  Tensor expected = naive_rnn(cell, x, w, backwards);
  Tensor y = model.predict(x);
  expect_near(y, sequences ? expected : last_step(expected), 2e-5);
  EXPECT_EQ(model.output_shape(), sequences ? (Shape{-1, 5, 6}) : (Shape{-1, 6}));
}

std::string cell_case_name(const ::testing::TestParamInfo<std::tuple<Cell, bool, bool>>& info) {
  static const char* const names[] = {"SimpleRNN", "GRU", "LSTM"};
  return std::string(names[static_cast<int>(std::get<0>(info.param))]) +
         (std::get<1>(info.param) ? "_sequences" : "_last") +
         (std::get<2>(info.param) ? "_backwards" : "");
}

INSTANTIATE_TEST_SUITE_P(Cells, CellTest,
                         ::testing::Combine(::testing::Values(Cell::kSimple, Cell::kGRU,
                                                              Cell::kLSTM),
                                            ::testing::Bool(), ::testing::Bool()),
                         cell_case_name);

TEST(Recurrent, WeightLayoutsAreKeras) {
  Sequential m1({std::make_shared<LSTM>(5, RNNOptions{.input_shape = Shape{7, 3}})});
  auto w = m1.layers()[0]->get_weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 20}));
  EXPECT_EQ(w[1].shape(), (Shape{5, 20}));
  EXPECT_EQ(w[2].shape(), (Shape{20}));
  // unit_forget_bias: the forget gate's block (the second) starts at one, the rest at zero.
  for (int k = 0; k < 20; ++k) EXPECT_EQ(w[2](k), k >= 5 && k < 10 ? 1.0 : 0.0) << k;
  EXPECT_EQ(m1.layers()[0]->weights()[1].name(), m1.layers()[0]->name() + "/recurrent_kernel");
  Sequential m2(
      {std::make_shared<GRU>(4, RNNOptions{.use_bias = false, .input_shape = Shape{2, 3}})});
  auto g = m2.layers()[0]->get_weights();
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[1].shape(), (Shape{4, 12}));
  Sequential m3({std::make_shared<SimpleRNN>(4, RNNOptions{.input_shape = Shape{2, 3}})});
  EXPECT_EQ(m3.layers()[0]->count_params(), 3 * 4 + 4 * 4 + 4);
}

TEST(Recurrent, Keras1ArgumentNames) {
  LSTM layer({.output_dim = 4,
              .inner_activation = "sigmoid",
              .init = "he_uniform",
              .inner_init = "glorot_uniform",
              .forget_bias_init = "zero",
              .dropout_W = 0.25,
              .dropout_U = 0.5,
              .input_dim = 3,
              .input_length = 5});
  auto config = layer.get_config();
  EXPECT_EQ(config["units"], 4);
  EXPECT_EQ(config["recurrent_activation"], "sigmoid");
  // Keras's serialized initializers: he_uniform and glorot_uniform are VarianceScaling.
  EXPECT_EQ(config["kernel_initializer"]["config"]["mode"], "fan_in");
  EXPECT_EQ(config["recurrent_initializer"]["config"]["mode"], "fan_avg");
  EXPECT_EQ(config["unit_forget_bias"], false);
  EXPECT_EQ(config["dropout"], 0.25);
  EXPECT_EQ(config["recurrent_dropout"], 0.5);
  EXPECT_EQ(*layer.batch_input_shape(), (Shape{-1, 5, 3}));
}

TEST(Recurrent, CustomActivationsMatchTheLoop) {
  Tensor x = random_uniform({2, 4, 3}, 3);
  auto layer = std::make_shared<GRU>(3, RNNOptions{.activation = "relu",
                                                   .recurrent_activation = "sigmoid",
                                                   .return_sequences = true,
                                                   .input_shape = Shape{4, 3}});
  Sequential model({layer});
  auto w = randomize(*layer, 20);
  Tensor expected = naive_rnn(
      Cell::kGRU, x, w, false, {}, [](double v) { return v > 0 ? v : 0.0; },
      [](double v) { return 1 / (1 + std::exp(-v)); });
  expect_near(model.predict(x), expected, 2e-5);
}

TEST(Recurrent, MaskedStepsKeepStateAndOutput) {
  for (Cell cell : {Cell::kSimple, Cell::kGRU, Cell::kLSTM})
    for (bool backwards : {false, true}) {
      // Index sequences with zero padding (at both ends, and inside).
      Tensor ids = Tensor::from_vector<std::int32_t>({0, 0, 3, 1, 2, 4, 0, 5, 6, 0, 2, 0}, {2, 6});
      auto emb =
          std::make_shared<Embedding>(7, 3, EmbeddingOptions{.mask_zero = true, .input_length = 6});
      auto rnn = make(cell, 4, {.return_sequences = true, .go_backwards = backwards});
      Sequential model({emb, rnn});
      auto w = randomize(*rnn, 30);
      Tensor vectors = model.layers()[0]->get_weights()[0];
      Tensor x({2, 6, 3});
      std::vector<int> mask;
      for (std::int64_t b = 0; b < 2; ++b)
        for (std::int64_t t = 0; t < 6; ++t) {
          std::int32_t id = ids.at<std::int32_t>(b, t);
          mask.push_back(id != 0);
          for (int d = 0; d < 3; ++d) x.at<float>(b, t, d) = vectors.at<float>(id, d);
        }
      Tensor expected = naive_rnn(cell, x, w, backwards, mask);
      expect_near(model.predict(ids), expected, 2e-5);
      // The output carries the mask on (return_sequences), so a loss ignores padded steps.
      EXPECT_TRUE(model.layers()[1]->output().keras_mask().defined());
    }
}

TEST(Recurrent, WithoutReturnSequencesTheMaskStops) {
  auto emb =
      std::make_shared<Embedding>(5, 2, EmbeddingOptions{.mask_zero = true, .input_length = 3});
  Sequential model({emb, std::make_shared<LSTM>(3)});
  EXPECT_FALSE(model.layers()[1]->output().keras_mask().defined());
}

TEST(Recurrent, StatefulChunksEqualTheWholeSequence) {
  for (Cell cell : {Cell::kSimple, Cell::kGRU, Cell::kLSTM}) {
    Tensor x = random_uniform({2, 6, 3}, 4);
    auto whole_layer = make(cell, 4, {.return_sequences = true, .input_shape = Shape{6, 3}});
    Sequential whole({whole_layer});
    auto w = randomize(*whole_layer, 40);
    Tensor expected = whole.predict(x);

    auto layer = make(
        cell, 4, {.return_sequences = true, .stateful = true, .batch_input_shape = Shape{2, 3, 3}});
    Sequential chunked({layer});
    layer->set_weights(w);
    Tensor first({2, 3, 3}), second({2, 3, 3});
    for (int b = 0; b < 2; ++b)
      for (int t = 0; t < 3; ++t)
        for (int d = 0; d < 3; ++d) {
          first.at<float>(b, t, d) = x.at<float>(b, t, d);
          second.at<float>(b, t, d) = x.at<float>(b, t + 3, d);
        }
    Tensor y1 = chunked.predict(first, {.batch_size = 2});
    Tensor y2 = chunked.predict(second, {.batch_size = 2});
    for (int b = 0; b < 2; ++b)
      for (int t = 0; t < 3; ++t)
        for (int j = 0; j < 4; ++j) {
          EXPECT_NEAR(y1(b, t, j), expected(b, t, j), 1e-5);
          EXPECT_NEAR(y2(b, t, j), expected(b, t + 3, j), 1e-5);
        }
    chunked.reset_states();
    expect_near(chunked.predict(first, {.batch_size = 2}), y1, 1e-6);
  }
}

TEST(Recurrent, StatefulNeedsAFixedBatchSize) {
  expect_invalid(
      [] {
        Sequential m({std::make_shared<LSTM>(
            3, RNNOptions{.stateful = true, .input_shape = Shape{4, 2}, .name = "stateful_lstm"})});
      },
      {"stateful", "batch size", "stateful_lstm"});
  LSTM stateless(3, {.input_shape = Shape{4, 2}});
  EXPECT_THROW(stateless.reset_states(), std::logic_error);
  // A model resets only its stateful layers.
  Sequential model({std::make_shared<LSTM>(3, RNNOptions{.input_shape = Shape{4, 2}})});
  EXPECT_NO_THROW(model.reset_states());
}

TEST(Recurrent, DropoutOnlyWhileTraining) {
  Tensor x = random_uniform({4, 5, 3}, 5);
  auto layer = std::make_shared<LSTM>(6, RNNOptions{.dropout = 0.5,
                                                    .recurrent_dropout = 0.5,
                                                    .return_sequences = true,
                                                    .seed = 3,
                                                    .input_shape = Shape{5, 3}});
  Sequential model({layer});
  auto w = randomize(*layer, 50);
  SymbolicTensor in = model.input(), out = model.output();
  Tensor test_phase = keras::testing::run_in_phase(in, out, x, false);
  expect_near(test_phase, naive_rnn(Cell::kLSTM, x, w, false), 2e-5);
  Tensor train_phase = keras::testing::run_in_phase(in, out, x, true);
  double diff = 0;
  for (std::int64_t i = 0; i < x.dim(0); ++i)
    for (int t = 0; t < 5; ++t)
      for (int j = 0; j < 6; ++j) diff += std::abs(train_phase(i, t, j) - test_phase(i, t, j));
  EXPECT_GT(diff, 1e-2);
}

TEST(Recurrent, ShapeErrorsNameTheLayer) {
  expect_invalid(
      [] {
        Sequential m(
            {std::make_shared<GRU>(3, RNNOptions{.input_shape = Shape{4}, .name = "gru_flat"})});
      },
      {"gru_flat", "expected ndim=3"});
  // The step-by-step path (an activation the fused op does not compute) needs the timesteps.
  expect_invalid(
      [] {
        Sequential m({std::make_shared<Embedding>(10, 4),
                      std::make_shared<LSTM>(
                          3, RNNOptions{.activation = "softmax", .name = "lstm_unknown"})});
      },
      {"lstm_unknown", "softmax", "timesteps", "input_length"});
  expect_invalid([] { LSTM(0); }, {"units"});
  expect_invalid([] { LSTM(3, {.activation = "no_such_activation"}); }, {"no_such_activation"});
  expect_invalid([] { GRU(3, {.dropout = 1.0}); }, {"dropout"});
}

TEST(Recurrent, ConfigRoundTrip) {
  for (Cell cell : {Cell::kSimple, Cell::kGRU, Cell::kLSTM}) {
    auto layer = make(cell, 5,
                      {.activation = "relu",
                       .recurrent_activation = "sigmoid",
                       .kernel_regularizer = regularizers::L1L2{0.0, 0.01},
                       .dropout = 0.1,
                       .return_sequences = true,
                       .go_backwards = true,
                       .input_shape = Shape{3, 2}});
    nlohmann::json config = layer->get_config();
    for (const char* key :
         {"units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
          "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "dropout",
          "recurrent_dropout", "return_sequences", "go_backwards", "stateful", "unroll"})
      EXPECT_TRUE(config.contains(key)) << key;
    std::shared_ptr<Layer> back = cell == Cell::kLSTM  ? LSTM::from_config(config)
                                  : cell == Cell::kGRU ? GRU::from_config(config)
                                                       : SimpleRNN::from_config(config);
    EXPECT_EQ(back->get_config(), config);
    EXPECT_EQ(back->class_name(), layer->class_name());
  }
}

TEST(Bidirectional, MergesForwardAndReversedBackward) {
  Tensor x = random_uniform({2, 4, 3}, 6);
  for (const std::string mode : {"concat", "sum", "mul", "ave"})
    for (bool sequences : {true, false}) {
      auto inner = std::make_shared<LSTM>(
          3, RNNOptions{.return_sequences = sequences, .input_shape = Shape{4, 3}});
      auto bi = std::make_shared<Bidirectional>(inner, BidirectionalOptions{.merge_mode = mode});
      Sequential model({bi});
      ASSERT_EQ(bi->weights().size(), 6u);
      auto w = randomize(*bi, 60);
      std::vector<Tensor> wf(w.begin(), w.begin() + 3), wb(w.begin() + 3, w.end());
      Tensor f = naive_rnn(Cell::kLSTM, x, wf, false), b = naive_rnn(Cell::kLSTM, x, wb, true);
      Tensor y = model.predict(x);
      const std::int64_t width = mode == "concat" ? 6 : 3;
      EXPECT_EQ(model.output_shape().back(), width);
      for (int i = 0; i < 2; ++i)
        for (int t = 0; t < (sequences ? 4 : 1); ++t)
          for (int j = 0; j < 3; ++j) {
            double fv = sequences ? f(i, t, j) : f(i, 3, j);
            double bv = sequences ? b(i, 3 - t, j) : b(i, 3, j);  // reversed back to time order
            auto at = [&](int k) { return sequences ? y(i, t, k) : y(i, k); };
            if (mode == "concat") {
              EXPECT_NEAR(at(j), fv, 2e-5);
              EXPECT_NEAR(at(3 + j), bv, 2e-5);
            } else {
              double expected = mode == "sum" ? fv + bv : mode == "mul" ? fv * bv : (fv + bv) / 2;
              EXPECT_NEAR(at(j), expected, 2e-5) << mode;
            }
          }
      auto config = bi->get_config();
      EXPECT_EQ(config["merge_mode"], mode);
      EXPECT_EQ(config["layer"]["class_name"], "LSTM");
      auto back = Bidirectional::from_config(config);
      EXPECT_EQ(back->get_config()["layer"], config["layer"]);
    }
  expect_invalid([] { Bidirectional(LSTM(2), {.merge_mode = "max"}); }, {"merge mode"});
}

TEST(Recurrent, ASmallLSTMLearns) {
  // Is the sum of a sequence positive? Needs memory over all time steps.
  const std::int64_t n = 128;
  Tensor x = random_uniform({n, 6, 1}, 7);
  Tensor y({n, 1});
  for (std::int64_t i = 0; i < n; ++i) {
    double total = 0;
    for (int t = 0; t < 6; ++t) total += x(i, t, 0);
    y.at<float>(i, 0) = total > 0 ? 1.0f : 0.0f;
  }
  Sequential model({std::make_shared<LSTM>(8, RNNOptions{.input_shape = Shape{6, 1}}),
                    std::make_shared<Dense>(1, DenseOptions{.activation = "sigmoid"})});
  model.compile({.optimizer = optimizers::Adam({.lr = 0.01}), .loss = "binary_crossentropy"});
  auto history = model.fit(x, y, {.batch_size = 16, .epochs = 20, .verbose = 0});
  auto losses = history.history.at("loss");
  EXPECT_LT(losses.back(), 0.5 * losses.front()) << ::testing::PrintToString(losses);
}

TEST(Recurrent, GradientsMatchFiniteDifferencesThroughTheLayer) {
  // float64 on the reference backend: d sum(y * w) / d kernel, recurrent_kernel and bias.
  keras::testing::ScopedBackend reference("reference");
  K::set_floatx(DType::float64);
  for (Cell cell : {Cell::kSimple, Cell::kGRU, Cell::kLSTM}) {
    auto layer = make(
        cell, 3,
        {.return_sequences = true, .go_backwards = cell == Cell::kGRU, .input_shape = Shape{4, 2}});
    SymbolicTensor in = K::placeholder({-1, 4, 2}, DType::float64);
    SymbolicTensor out = (*layer)(in);
    std::mt19937 rng(9);
    std::uniform_real_distribution<double> dist(-1, 1);
    Tensor x({3, 4, 2}, DType::float64), wy({3, 4, 3}, DType::float64);
    for (std::int64_t i = 0; i < x.numel(); ++i) x.data<double>()[i] = dist(rng);
    for (std::int64_t i = 0; i < wy.numel(); ++i) wy.data<double>()[i] = dist(rng);
    SymbolicTensor loss = K::sum(out * K::constant(wy));
    auto grads = K::gradients(loss, layer->weights());
    K::Function f({in}, {loss});
    K::Function g({in}, grads);
    auto analytic = g({x});
    for (std::size_t k = 0; k < grads.size(); ++k) {
      Tensor value = K::get_value(layer->weights()[k]);
      for (std::int64_t i = 0; i < value.numel(); i += 2) {
        double saved = value.data<double>()[i];
        value.data<double>()[i] = saved + 1e-6;
        double up = f({x})[0].item();
        value.data<double>()[i] = saved - 1e-6;
        double down = f({x})[0].item();
        value.data<double>()[i] = saved;
        EXPECT_NEAR(analytic[k].data<double>()[i], (up - down) / 2e-6, 1e-6)
            << layer->name() << " weight " << k << " element " << i;
      }
    }
  }
  K::set_floatx(DType::float32);
}

TEST(Recurrent, BatchChunksPerThreadMatchTheReference) {
  // Large enough that the cpu kernels split the batch over threads (OMP_NUM_THREADS=2 in ctest);
  // forward and every gradient must equal the reference backend's single pass.
  omp_set_num_threads(std::max(2, omp_get_max_threads()));
  const std::int64_t B = 64, T = 16, u = 32;
  for (auto cell : {K::RnnCell::kSimpleRNN, K::RnnCell::kGRU, K::RnnCell::kLSTM}) {
    const std::int64_t g = (cell == K::RnnCell::kLSTM ? 4 : cell == K::RnnCell::kGRU ? 3 : 1) * u;
    SymbolicTensor x = K::placeholder({T, B, g}), w = K::placeholder({u, g});
    SymbolicTensor h0 = K::placeholder({B, u}), c0 = K::placeholder({B, u});
    SymbolicTensor m = K::placeholder({B, T}), d = K::placeholder({B, u});
    K::RecurrentOptions o{.cell = cell, .go_backwards = cell == K::RnnCell::kGRU};
    o.initial_h = h0;
    if (cell == K::RnnCell::kLSTM) o.initial_c = c0;
    o.mask = K::greater(m, K::constant(-0.6, DType::float32));
    o.recurrent_dropout_mask = K::greater(d, K::constant(-0.8, DType::float32)) * 1.25;
    SymbolicTensor y = K::slice(K::recurrent(x, w, o), 2, 0, u);
    SymbolicTensor loss = K::sum(y * K::constant(random_uniform({T, B, u}, 99)));
    std::vector<SymbolicTensor> outputs{y};
    for (const auto& grad : K::gradients(loss, {x, w, h0})) outputs.push_back(grad);
    std::vector<SymbolicTensor> inputs{x, w, h0, c0, m, d};
    std::vector<Tensor> feed{random_uniform({T, B, g}, 1), random_uniform({u, g}, 2, -0.2f, 0.2f),
                             random_uniform({B, u}, 3),    random_uniform({B, u}, 4),
                             random_uniform({B, T}, 5),    random_uniform({B, u}, 6)};
    std::vector<Tensor> results[2];
    int k = 0;
    for (const char* backend : {"cpu", "reference"}) {
      keras::testing::ScopedBackend scoped(backend);
      K::Function f(inputs, outputs);
      results[k++] = f(feed);
    }
    for (std::size_t i = 0; i < results[0].size(); ++i) {
      auto got = results[0][i].to_vector<double>(), want = results[1][i].to_vector<double>();
      ASSERT_EQ(got.size(), want.size());
      for (std::size_t j = 0; j < got.size(); ++j)
        ASSERT_NEAR(got[j], want[j], 1e-4 * (1 + std::abs(want[j])))
            << "output " << i << " element " << j << " cell " << static_cast<int>(cell);
    }
  }
}

// ---- GRU reset_after --------------------------------------------------------------------------

TEST(GRUResetAfter, MatchesANaiveLoop) {
  for (bool backwards : {false, true})
    for (bool masked : {false, true}) {
      Tensor x = random_uniform({3, 5, 4}, 11);
      std::vector<int> mask(15, 1);
      if (masked) {
        for (auto [b, t] : {std::pair{1, 0}, {1, 3}, {2, 4}}) {
          mask[static_cast<std::size_t>(b * 5 + t)] = 0;
          for (int d = 0; d < 4; ++d) x.at<float>(b, t, d) = 0.0f;
        }
      }
      auto layer = std::make_shared<GRU>(
          6, RNNOptions{.return_sequences = true,
                        .go_backwards = backwards,
                        .reset_after = true,
                        .input_shape = masked ? std::nullopt : std::optional<Shape>(Shape{5, 4})});
      Sequential model;
      if (masked)
        model.add(std::make_shared<Masking>(0.0, MaskingOptions{.input_shape = Shape{5, 4}}));
      model.add(layer);
      auto w = randomize(*layer, 70);
      ASSERT_EQ(w[2].shape(), (Shape{2, 18}));
      expect_near(model.predict(x),
                  naive_rnn(Cell::kGRU, x, w, backwards, masked ? mask : std::vector<int>{}), 2e-5);
    }
}

TEST(GRUResetAfter, WeightsConfigAndDefaults) {
  GRU plain(4);
  EXPECT_FALSE(plain.reset_after());
  EXPECT_EQ(plain.get_config()["reset_after"], false);
  auto layer = std::make_shared<GRU>(
      4, RNNOptions{.reset_after = true, .input_shape = Shape{2, 3}, .name = "gru_ra"});
  Sequential model({layer});
  auto w = layer->get_weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 12}));
  EXPECT_EQ(w[1].shape(), (Shape{4, 12}));
  EXPECT_EQ(w[2].shape(), (Shape{2, 12}));  // input bias, recurrent bias
  EXPECT_EQ(layer->count_params(), 3 * 12 + 4 * 12 + 2 * 12);
  auto config = layer->get_config();
  EXPECT_EQ(config["reset_after"], true);
  auto back = std::dynamic_pointer_cast<GRU>(GRU::from_config(config));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->reset_after());
  EXPECT_EQ(back->get_config(), config);
  // Without a bias the recurrent op runs with a zero recurrent bias.
  Tensor x = random_uniform({2, 2, 3}, 12);
  auto nobias = std::make_shared<GRU>(
      4, RNNOptions{.use_bias = false, .reset_after = true, .input_shape = Shape{2, 3}});
  Sequential m2({nobias});
  auto w2 = randomize(*nobias, 80);
  ASSERT_EQ(w2.size(), 2u);
  w2.push_back(Tensor({2, 12}));  // the naive loop's reset_after GRU, with a zero bias
  expect_near(m2.predict(x), last_step(naive_rnn(Cell::kGRU, x, w2, false)), 2e-5);
  // SimpleRNN and LSTM ignore the option (Keras has it on GRU only).
  EXPECT_FALSE(LSTM(3, {.reset_after = true}).get_config().contains("reset_after"));
}

TEST(GRUResetAfter, SavedAndLoadedWithItsTwoRowBias) {
  auto x = Input({.shape = Shape{5, 3}});
  auto y = GRU(4, {.recurrent_activation = "sigmoid", .reset_after = true, .name = "gru_ra"})(x);
  auto model = std::make_shared<Model>(x, Dense(2)(y));
  model->compile({.optimizer = "adam", .loss = "mse"});
  Tensor data = random_uniform({8, 5, 3}, 13);
  model->fit(data, random_uniform({8, 2}, 14), {.batch_size = 4, .epochs = 1, .verbose = 0});
  const auto path = std::filesystem::temp_directory_path() / "keras_cpp_gru_reset_after.h5";
  model->save(path.string());
  auto loaded = models::load_model(path.string());
  std::filesystem::remove(path);
  auto layer = std::dynamic_pointer_cast<GRU>(loaded->get_layer("gru_ra"));
  ASSERT_TRUE(layer);
  EXPECT_TRUE(layer->reset_after());
  EXPECT_EQ(layer->get_weights()[2].shape(), (Shape{2, 12}));
  expect_near(loaded->predict(data), model->predict(data), 1e-6);
}

// ---- return_state and initial_state ------------------------------------------------------------

TEST(ReturnState, OutputsTheFinalStates) {
  Tensor x = random_uniform({3, 5, 2}, 15);
  for (Cell cell : {Cell::kSimple, Cell::kGRU, Cell::kLSTM})
    for (bool sequences : {false, true}) {
      auto in = Input({.shape = Shape{5, 2}});
      auto layer = make(cell, 4, {.return_sequences = sequences, .return_state = true});
      auto outs = layer->apply({in});
      const std::size_t n = cell == Cell::kLSTM ? 3 : 2;
      ASSERT_EQ(outs.size(), n);
      EXPECT_EQ(outs[1].shape(), (Shape{-1, 4}));
      auto shapes = layer->compute_output_shape_list({Shape{-1, 5, 2}});
      ASSERT_EQ(shapes.size(), n);
      EXPECT_EQ(shapes[0], sequences ? (Shape{-1, 5, 4}) : (Shape{-1, 4}));
      EXPECT_EQ(shapes.back(), (Shape{-1, 4}));
      Model model(in, outs);
      auto w = randomize(*layer, 90);
      Tensor c;
      Tensor seq = naive_rnn(
          cell, x, w, false, {}, [](double v) { return std::tanh(v); }, hard_sigmoid, {}, &c);
      auto got = model.predict(std::vector<Tensor>{x});
      ASSERT_EQ(got.size(), n);
      expect_near(got[0], sequences ? seq : last_step(seq), 2e-5);
      expect_near(got[1], last_step(seq), 2e-5);
      if (cell == Cell::kLSTM) expect_near(got[2], c, 2e-5);
      EXPECT_EQ(layer->get_config()["return_state"], true);
      // A model of several outputs round-trips through its config.
      auto back = models::model_from_json(model.to_json());
      back->set_weights(model.get_weights());
      auto again = back->predict(std::vector<Tensor>{x});
      for (std::size_t k = 0; k < n; ++k) expect_near(again[k], got[k], 1e-6);
    }
  // One output only: the single-tensor call says to use the list form.
  auto in = Input({.shape = Shape{5, 2}});
  expect_invalid(
      [&] {
        LSTM(3, {.return_state = true, .name = "stateful_out"})
        (in);
      },
      {"stateful_out", "outputs"});
}

TEST(InitialState, StartsFromTheGivenStates) {
  Tensor x = random_uniform({3, 4, 2}, 16);
  Tensor h0 = random_uniform({3, 5}, 17), c0 = random_uniform({3, 5}, 18);
  for (Cell cell : {Cell::kSimple, Cell::kGRU, Cell::kLSTM})
    for (bool backwards : {false, true}) {
      auto in = Input({.shape = Shape{4, 2}});
      auto hin = Input({.shape = Shape{5}}), cin = Input({.shape = Shape{5}});
      auto layer = make(cell, 5, {.return_sequences = true, .go_backwards = backwards});
      std::vector<KerasTensor> states{hin};
      if (cell == Cell::kLSTM) states.push_back(cin);
      auto outs = (*layer)(in, states);
      ASSERT_EQ(outs.size(), 1u);
      std::vector<KerasTensor> inputs{in};
      inputs.insert(inputs.end(), states.begin(), states.end());
      Model model(inputs, outs[0]);
      // The states are inputs of the layer's call.
      EXPECT_EQ(layer->get_inputs_at(0).size(), states.size() + 1);
      auto w = randomize(*layer, 100);
      NaiveStates init{h0, cell == Cell::kLSTM ? c0 : Tensor()};
      Tensor expected = naive_rnn(
          cell, x, w, backwards, {}, [](double v) { return std::tanh(v); }, hard_sigmoid, init);
      std::vector<Tensor> feed{x, h0};
      if (cell == Cell::kLSTM) feed.push_back(c0);
      expect_near(model.predict(feed)[0], expected, 2e-5);
      // ... and survive the model's config.
      auto back = models::model_from_json(model.to_json());
      back->set_weights(model.get_weights());
      expect_near(back->predict(feed)[0], expected, 2e-5);
    }
}

TEST(InitialState, GradientsReachTheInitialStates) {
  // float64 on the reference backend: d sum(y * r) / d h0 (and c0) against finite differences.
  keras::testing::ScopedBackend reference("reference");
  K::set_floatx(DType::float64);
  for (Cell cell : {Cell::kSimple, Cell::kGRU, Cell::kLSTM}) {
    auto layer = make(cell, 3,
                      {.recurrent_activation = "sigmoid",
                       .return_sequences = true,
                       .go_backwards = cell == Cell::kGRU,
                       .reset_after = true});
    SymbolicTensor in = K::placeholder({-1, 4, 2}, DType::float64);
    std::vector<KerasTensor> states{K::placeholder({-1, 3}, DType::float64)};
    if (cell == Cell::kLSTM) states.push_back(K::placeholder({-1, 3}, DType::float64));
    SymbolicTensor out = (*layer)(in, states)[0];
    std::mt19937 rng(19);
    std::uniform_real_distribution<double> dist(-1, 1);
    auto random = [&](Shape shape) {
      Tensor t(shape, DType::float64);
      for (std::int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] = dist(rng);
      return t;
    };
    Tensor x = random({2, 4, 2}), wy = random({2, 4, 3});
    std::vector<Tensor> feed{x};
    for (std::size_t k = 0; k < states.size(); ++k) feed.push_back(random({2, 3}));
    std::vector<SymbolicTensor> inputs{in};
    inputs.insert(inputs.end(), states.begin(), states.end());
    SymbolicTensor loss = K::sum(out * K::constant(wy));
    K::Function f(inputs, {loss});
    K::Function g(inputs, K::gradients(loss, graph_tensors(states)));
    auto analytic = g(feed);
    for (std::size_t k = 0; k < states.size(); ++k) {
      double norm = 0;
      for (std::int64_t i = 0; i < feed[k + 1].numel(); ++i) {
        double& v = feed[k + 1].data<double>()[i];
        const double saved = v;
        v = saved + 1e-6;
        const double up = f(feed)[0].item();
        v = saved - 1e-6;
        const double down = f(feed)[0].item();
        v = saved;
        EXPECT_NEAR(analytic[k].data<double>()[i], (up - down) / 2e-6, 1e-6)
            << layer->name() << " state " << k << " element " << i;
        norm += std::abs(analytic[k].data<double>()[i]);
      }
      EXPECT_GT(norm, 1e-3);
    }
  }
  K::set_floatx(DType::float32);
}

TEST(InitialState, AnEncoderDecoderTrainsThroughTheStates) {
  // Keras's seq2seq pattern: the encoder's final states start the decoder; training must move the
  // encoder's weights, which only the gradients through the initial states reach.
  auto enc_in = Input({.shape = Shape{4, 2}}), dec_in = Input({.shape = Shape{3, 2}});
  auto encoder = std::make_shared<LSTM>(6, RNNOptions{.return_state = true, .name = "encoder"});
  auto enc = encoder->apply({enc_in});
  auto decoder = std::make_shared<LSTM>(6, RNNOptions{.return_sequences = true, .name = "decoder"});
  auto dec = (*decoder)(dec_in, {enc[1], enc[2]})[0];
  auto out = Dense(1)(dec);
  Model model({enc_in, dec_in}, out);
  std::string table;
  model.summary(0, {}, [&](const std::string& line) { table += line + "\n"; });
  EXPECT_NE(table.find("encoder[0][1]"), std::string::npos) << table;  // the decoder's state input
  model.compile({.optimizer = optimizers::Adam({.lr = 0.01}), .loss = "mse"});
  Tensor a = random_uniform({32, 4, 2}, 20), b = random_uniform({32, 3, 2}, 21);
  // Target: the decoder must read the encoder's input (its first feature's mean).
  Tensor target({32, 3, 1});
  for (int i = 0; i < 32; ++i)
    for (int t = 0; t < 3; ++t) {
      float m = 0;
      for (int s = 0; s < 4; ++s) m += a(i, s, 0) / 4.0f;
      target.at<float>(i, t, 0) = m;
    }
  auto before = encoder->get_weights();
  auto history =
      model.fit(std::vector<Tensor>{a, b}, target, {.batch_size = 8, .epochs = 15, .verbose = 0});
  auto after = encoder->get_weights();
  double moved = 0;
  for (std::size_t k = 0; k < before.size(); ++k)
    for (std::int64_t i = 0; i < before[k].numel(); ++i)
      moved += std::abs(after[k].to_vector<double>()[static_cast<std::size_t>(i)] -
                        before[k].to_vector<double>()[static_cast<std::size_t>(i)]);
  EXPECT_GT(moved, 1e-2);
  auto losses = history.history.at("loss");
  EXPECT_LT(losses.back(), losses.front());
}

TEST(InitialState, WrongStatesAreClearErrors) {
  auto in = Input({.shape = Shape{4, 2}});
  auto h = Input({.shape = Shape{3}}), wide = Input({.shape = Shape{5}});
  expect_invalid(
      [&] {
        LSTM(3, {.name = "lstm_states"})
        (in, {h});
      },
      {"lstm_states", "has 2 states but was passed 1 initial states"});
  expect_invalid(
      [&] {
        GRU(3, {.name = "gru_states"})(in, {h, h});
      },
      {"gru_states", "has 1 states but was passed 2 initial states"});
  expect_invalid([&] { SimpleRNN(3, {.name = "rnn_states"})(in, {wide}); },
                 {"initial_state", "rnn_states", "(None, 5)"});
  expect_invalid(
      [&] {
        Bidirectional(LSTM(3), {.name = "bi_states"})(in, {h, h, h});
      },
      {"Bidirectional", "initial_state", "bi_states"});
}

// ---- Bidirectional: merge_mode None, return_state, initial states ------------------------------

TEST(Bidirectional, MergeModeNoneReturnsBothOutputs) {
  Tensor x = random_uniform({2, 4, 3}, 22);
  for (bool sequences : {true, false}) {
    auto in = Input({.shape = Shape{4, 3}});
    auto bi = std::make_shared<Bidirectional>(LSTM(3, {.return_sequences = sequences}),
                                              BidirectionalOptions{.merge_mode = std::nullopt});
    auto outs = bi->apply({in});
    ASSERT_EQ(outs.size(), 2u);
    Model model(in, outs);
    auto w = randomize(*bi, 110);
    std::vector<Tensor> wf(w.begin(), w.begin() + 3), wb(w.begin() + 3, w.end());
    Tensor f = naive_rnn(Cell::kLSTM, x, wf, false), b = naive_rnn(Cell::kLSTM, x, wb, true);
    if (sequences) {  // the backward output back in time order
      Tensor rb({2, 4, 3});
      for (int i = 0; i < 2; ++i)
        for (int t = 0; t < 4; ++t)
          for (int j = 0; j < 3; ++j) rb.at<float>(i, t, j) = b(i, 3 - t, j);
      b = rb;
    }
    auto got = model.predict(std::vector<Tensor>{x});
    expect_near(got[0], sequences ? f : last_step(f), 2e-5);
    expect_near(got[1], sequences ? b : last_step(b), 2e-5);
    auto shapes = bi->compute_output_shape_list({Shape{-1, 4, 3}});
    ASSERT_EQ(shapes.size(), 2u);
    EXPECT_EQ(shapes[1], sequences ? (Shape{-1, 4, 3}) : (Shape{-1, 3}));
    auto config = bi->get_config();
    EXPECT_TRUE(config["merge_mode"].is_null());
    auto back = std::dynamic_pointer_cast<Bidirectional>(Bidirectional::from_config(config));
    EXPECT_FALSE(back->merge_mode().has_value());
    auto again = models::model_from_json(model.to_json());
    again->set_weights(model.get_weights());
    auto same = again->predict(std::vector<Tensor>{x});
    for (int k = 0; k < 2; ++k) expect_near(same[k], got[k], 1e-6);
  }
}

TEST(Bidirectional, ReturnStateAndInitialStates) {
  Tensor x = random_uniform({2, 4, 3}, 23);
  Tensor s[4] = {random_uniform({2, 3}, 24), random_uniform({2, 3}, 25), random_uniform({2, 3}, 26),
                 random_uniform({2, 3}, 27)};
  auto in = Input({.shape = Shape{4, 3}});
  std::vector<KerasTensor> states;
  for (int k = 0; k < 4; ++k) states.push_back(Input({.shape = Shape{3}}));
  auto bi = std::make_shared<Bidirectional>(LSTM(3, {.return_state = true}));
  auto outs = (*bi)(in, states);
  ASSERT_EQ(outs.size(), 5u);  // merged output, forward h, c, backward h, c
  EXPECT_EQ(outs[0].shape(), (Shape{-1, 6}));
  auto shapes = bi->compute_output_shape_list({Shape{-1, 4, 3}});
  ASSERT_EQ(shapes.size(), 5u);
  EXPECT_EQ(shapes[4], (Shape{-1, 3}));
  std::vector<KerasTensor> inputs{in};
  inputs.insert(inputs.end(), states.begin(), states.end());
  Model model(inputs, outs);
  auto w = randomize(*bi, 120);
  std::vector<Tensor> wf(w.begin(), w.begin() + 3), wb(w.begin() + 3, w.end());
  Tensor fc, bc;
  Tensor f = naive_rnn(
      Cell::kLSTM, x, wf, false, {}, [](double v) { return std::tanh(v); }, hard_sigmoid,
      {s[0], s[1]}, &fc);
  Tensor b = naive_rnn(
      Cell::kLSTM, x, wb, true, {}, [](double v) { return std::tanh(v); }, hard_sigmoid,
      {s[2], s[3]}, &bc);
  auto got = model.predict(std::vector<Tensor>{x, s[0], s[1], s[2], s[3]});
  ASSERT_EQ(got.size(), 5u);
  Tensor fh = last_step(f), bh = last_step(b);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      EXPECT_NEAR(got[0](i, j), fh(i, j), 2e-5);
      EXPECT_NEAR(got[0](i, 3 + j), bh(i, j), 2e-5);
    }
  expect_near(got[1], fh, 2e-5);
  expect_near(got[2], fc, 2e-5);
  expect_near(got[3], bh, 2e-5);
  expect_near(got[4], bc, 2e-5);
}
