// The Trainer's one loop over the data adapter: several inputs and outputs (lists, maps) from
// arrays, generators and Sequences; validation_split; the short last batch; shuffle "batch";
// stateful recurrent training with a fixed batch of one (Keras's lstm_stateful example).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <set>
#include <stdexcept>

#include "engine/data_adapter.h"
#include "keras/keras.h"
#include "testing/tensor_utils.h"

using namespace keras;
using namespace keras::layers;

namespace {

using keras::testing::random_normal;

// Two inputs (main 6, aux 3) and two outputs (main_output, aux_output), seeded.
std::shared_ptr<Model> two_by_two(std::uint64_t seed) {
  utils::set_random_seed(seed);
  auto main_input = Input({.shape = Shape{6}, .name = "main_input"});
  auto aux_input = Input({.shape = Shape{3}, .name = "aux_input"});
  auto h = Dense(5, {.activation = "tanh"})(main_input);
  auto aux_output = Dense(1, {.name = "aux_output"})(h);
  auto main_output = Dense(1, {.name = "main_output"})(concatenate({h, aux_input}));
  auto model = std::make_shared<Model>(TensorList{main_input, aux_input},
                                       TensorList{main_output, aux_output});
  model->compile({.optimizer = "sgd", .loss = "mse", .loss_weights = {1.0, 0.5}});
  return model;
}

struct TwoByTwo {
  Tensor main, aux, main_y, aux_y;
  Arrays x(std::int64_t begin, std::int64_t end) const {
    return Arrays{{"main_input", main.slice(begin, end).clone()},
                  {"aux_input", aux.slice(begin, end).clone()}};
  }
  Arrays y(std::int64_t begin, std::int64_t end) const {
    return Arrays{{"aux_output", aux_y.slice(begin, end).clone()},
                  {"main_output", main_y.slice(begin, end).clone()}};
  }
};

TwoByTwo two_by_two_data(std::int64_t n) {
  return {random_normal({n, 6}, 1), random_normal({n, 3}, 2), random_normal({n, 1}, 3),
          random_normal({n, 1}, 4)};
}

void expect_same_weights(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i].to_vector<float>(), b[i].to_vector<float>()) << "weight " << i;
}

// The sizes of the batches of every epoch.
class BatchSizes : public callbacks::Callback {
 public:
  void on_batch_end(int, callbacks::Logs& logs) override {
    sizes.push_back(static_cast<std::int64_t>(logs.at("size")));
  }
  std::vector<std::int64_t> sizes;
};

// A Sequence of the batches [i * size, (i + 1) * size) of the data, counting its epochs.
class Batches : public Sequence {
 public:
  Batches(TwoByTwo data, std::int64_t n, std::int64_t size)
      : data_(std::move(data)), n_(n), size_(size) {}
  std::int64_t size() const override { return (n_ + size_ - 1) / size_; }
  Batch get(std::int64_t index) override {
    if (index < 0 || index >= size()) throw std::out_of_range("no such batch");
    const std::int64_t begin = index * size_, end = std::min(begin + size_, n_);
    read.push_back(index);
    return {data_.x(begin, end), data_.y(begin, end)};
  }
  void on_epoch_end() override { ++epochs_ended; }
  std::vector<std::int64_t> read;
  int epochs_ended = 0;

 private:
  TwoByTwo data_;
  std::int64_t n_, size_;
};

}  // namespace

TEST(Trainer, SeveralInputsAndOutputsTrainTheSameFromArraysGeneratorsAndSequences) {
  const std::int64_t n = 22;  // batches of 8: 8, 8 and a short last batch of 6
  TwoByTwo data = two_by_two_data(n);
  auto by_arrays = two_by_two(7), by_generator = two_by_two(7), by_sequence = two_by_two(7);
  auto sizes = std::make_shared<BatchSizes>();
  by_arrays->fit(
      data.x(0, n), data.y(0, n),
      {.batch_size = 8, .epochs = 2, .verbose = 0, .callbacks = {sizes}, .shuffle = false});
  EXPECT_EQ(sizes->sizes, (std::vector<std::int64_t>{8, 8, 6, 8, 8, 6}));

  std::vector<Batch> batches;
  for (int epoch = 0; epoch < 2; ++epoch)
    for (std::int64_t begin = 0; begin < n; begin += 8)
      batches.push_back(
          {data.x(begin, std::min(begin + 8, n)), data.y(begin, std::min(begin + 8, n))});
  by_generator->fit_generator(batches, {.steps_per_epoch = 3, .epochs = 2, .verbose = 0});
  auto sequence = std::make_shared<Batches>(data, n, 8);
  by_sequence->fit_generator(sequence, {.epochs = 2, .verbose = 0, .shuffle = false});
  EXPECT_EQ(sequence->epochs_ended, 2);
  EXPECT_EQ(sequence->read, (std::vector<std::int64_t>{0, 1, 2, 0, 1, 2}));
  expect_same_weights(by_arrays->get_weights(), by_generator->get_weights());
  expect_same_weights(by_arrays->get_weights(), by_sequence->get_weights());

  // Evaluating and predicting from a Sequence equals the arrays' results.
  auto scores = by_arrays->evaluate(data.x(0, n), data.y(0, n), {.batch_size = 8, .verbose = 0});
  auto from_sequence = by_arrays->evaluate_generator(std::make_shared<Batches>(data, n, 8));
  ASSERT_EQ(scores.size(), from_sequence.size());
  for (std::size_t k = 0; k < scores.size(); ++k) EXPECT_NEAR(scores[k], from_sequence[k], 1e-5);
  auto predicted = by_arrays->predict(data.x(0, n), {.batch_size = 8});
  auto predicted_batches =
      by_arrays->predict_generator_outputs(std::make_shared<Batches>(data, n, 8));
  ASSERT_EQ(predicted_batches.size(), 2u);
  EXPECT_EQ(predicted_batches[0].shape(), (Shape{n, 1}));
  EXPECT_EQ(predicted[1].to_vector<float>(), predicted_batches[1].to_vector<float>());
}

TEST(Trainer, ShuffledSequenceReadsEveryBatchOncePerEpoch) {
  TwoByTwo data = two_by_two_data(40);
  auto model = two_by_two(3);
  auto sequence = std::make_shared<Batches>(data, 40, 5);
  model->fit_generator(sequence, {.epochs = 3, .verbose = 0});
  ASSERT_EQ(sequence->read.size(), 24u);
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::set<std::int64_t> seen(sequence->read.begin() + epoch * 8,
                                sequence->read.begin() + (epoch + 1) * 8);
    EXPECT_EQ(seen.size(), 8u) << "epoch " << epoch;
  }
  EXPECT_NE(std::vector<std::int64_t>(sequence->read.begin(), sequence->read.begin() + 8),
            (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(sequence->epochs_ended, 3);
}

TEST(Trainer, ValidationSplitValidatesOnTheLastSamples) {
  TwoByTwo data = two_by_two_data(20);
  auto model = two_by_two(5);
  auto history = model->fit(data.x(0, 20), data.y(0, 20),
                            {.batch_size = 4, .epochs = 1, .verbose = 0, .validation_split = 0.25});
  auto val = model->evaluate(data.x(15, 20), data.y(15, 20), {.batch_size = 4, .verbose = 0});
  ASSERT_TRUE(history.history.contains("val_loss"));
  EXPECT_NEAR(history.history.at("val_loss").at(0), val[0], 1e-5);
  EXPECT_NEAR(history.history.at("val_main_output_loss").at(0), val[1], 1e-5);
}

TEST(Trainer, BatchShuffleKeepsTheRowsOfEachBatchTogether) {
  // Row i holds i: the adapter's batches show which rows they took.
  std::vector<float> values(10);
  for (int i = 0; i < 10; ++i) values[static_cast<std::size_t>(i)] = static_cast<float>(i);
  Tensor rows = Tensor::from_vector(values, Shape{10, 1});
  utils::set_random_seed(11);
  auto adapter = make_array_adapter({rows}, 3, ShuffleMode("batch"));
  bool reordered = false;
  for (int epoch = 0; epoch < 5; ++epoch) {
    adapter->begin_epoch(epoch);
    std::vector<std::vector<float>> batches;
    while (auto batch = adapter->next())
      batches.push_back(batch->arrays->front().to_vector<float>());
    ASSERT_EQ(batches.size(), 4u);
    EXPECT_EQ(batches.back(), (std::vector<float>{9}));  // the short last batch stays last
    std::set<float> firsts;
    for (std::size_t b = 0; b < 3; ++b) {
      const float first = batches[b][0];
      EXPECT_EQ(std::fmod(first, 3.0f), 0.0f);
      EXPECT_EQ(batches[b], (std::vector<float>{first, first + 1, first + 2}));
      firsts.insert(first);
      reordered = reordered || first != static_cast<float>(3 * b);
    }
    EXPECT_EQ(firsts, (std::set<float>{0, 3, 6}));
  }
  EXPECT_TRUE(reordered);
  EXPECT_THROW(ShuffleMode("rows"), std::invalid_argument);
}

TEST(Trainer, GeneratorBatchesOfSeveralInputsAreChecked) {
  TwoByTwo data = two_by_two_data(8);
  auto model = two_by_two(1);
  std::vector<Batch> missing_input{{Arrays{{"main_input", data.main}}, data.y(0, 8)}};
  try {
    model->fit_generator(missing_input, {.steps_per_epoch = 1, .verbose = 0});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("aux_input"), std::string::npos) << e.what();
  }
}

// Keras 2.2.4's examples/lstm_stateful.py: a stateful LSTM over batches of one sample,
// shuffle=false, reset_states between epochs by a callback, predict with the same batch.
TEST(Trainer, StatefulLstmTrainsOnBatchesOfOne) {
  const std::int64_t n = 800;
  // The input is noise; the target is the mean of the current and the previous input, which
  // only a network that carries its state from one batch to the next can learn.
  Tensor x = random_normal({n, 1, 1}, 21);
  Tensor y({n, 1});
  for (std::int64_t i = 0; i < n; ++i)
    y.data<float>()[i] = 0.5f * (x.data<float>()[i] + (i ? x.data<float>()[i - 1] : 0.0f));
  utils::set_random_seed(2);
  Sequential model;
  model.add(LSTM(20, {.stateful = true, .batch_input_shape = Shape{1, 1, 1}}));
  model.add(Dense(1));
  model.compile("adam", "mse");
  int resets = 0;
  auto reset = std::make_shared<callbacks::LambdaCallback>(
      callbacks::LambdaCallbackOptions{.on_epoch_end = [&](int, callbacks::Logs&) {
        model.reset_states();
        ++resets;
      }});
  auto history = model.fit(
      x, y, {.batch_size = 1, .epochs = 3, .verbose = 0, .callbacks = {reset}, .shuffle = false});
  EXPECT_EQ(resets, 3);
  const auto& loss = history.history.at("loss");
  EXPECT_LT(loss.back(), loss.front());
  // Without the state the best guess is half the current input, which leaves 0.25.
  EXPECT_LT(loss.back(), 0.15);
  Tensor predicted = model.predict(x, {.batch_size = 1});
  EXPECT_EQ(predicted.shape(), (Shape{n, 1}));
  // Any other batch size is an error naming the fixed one.
  EXPECT_THROW(model.predict(x, {.batch_size = 32}), std::invalid_argument);
}
