// model.summary(): Keras 2.2.4's table, character for character.
#include <gtest/gtest.h>

#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;

namespace {

std::string rtrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::vector<std::string> capture(const Model& model, int line_length = 0,
                                 const std::vector<double>& positions = {}) {
  std::vector<std::string> lines;
  model.summary(line_length, positions, [&](const std::string& line) { lines.push_back(line); });
  return lines;
}

}  // namespace

TEST(Summary, SeedModelMatchesKeras224) {
  backend::clear_session();
  Sequential model;
  model.add(Dense({.units = 64, .input_dim = 100}));
  model.add(Activation("relu"));
  model.add(Dense({.units = 10}));
  model.add(Activation("softmax"));
  std::vector<std::string> lines = capture(model);
  // keras-semantics.md 3b (Keras 2.2.4, print_summary of this model).
  const std::vector<std::string> expected = {
      "_________________________________________________________________",
      "Layer (type)                 Output Shape              Param #",
      "=================================================================",
      "dense_1 (Dense)              (None, 64)                6464",
      "_________________________________________________________________",
      "activation_1 (Activation)    (None, 64)                0",
      "_________________________________________________________________",
      "dense_2 (Dense)              (None, 10)                650",
      "_________________________________________________________________",
      "activation_2 (Activation)    (None, 10)                0",
      "=================================================================",
      "Total params: 7,114",
      "Trainable params: 7,114",
      "Non-trainable params: 0",
      "_________________________________________________________________",
  };
  ASSERT_EQ(lines.size(), expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(rtrim(lines[i]), expected[i]) << "line " << i;
    if (i < 11 || i == 14) {  // the totals are not padded
      EXPECT_EQ(lines[i].size(), 65u) << "Keras pads every row to line_length: line " << i;
    }
  }
}

TEST(Summary, FrozenLayersLongNamesAndCustomWidths) {
  backend::clear_session();
  Sequential model;
  model.add(Dense(1000, {.input_dim = 1000, .name = "a_very_long_layer_name_that_gets_cut"}));
  model.add(Dense(3, {.trainable = false}));
  std::vector<std::string> lines = capture(model);
  EXPECT_EQ(rtrim(lines[3]), "a_very_long_layer_name_that_ (None, 1000)              1001000");
  EXPECT_EQ(lines[lines.size() - 4], "Total params: 1,004,003");
  EXPECT_EQ(lines[lines.size() - 3], "Trainable params: 1,001,000");
  EXPECT_EQ(lines[lines.size() - 2], "Non-trainable params: 3,003");
  // Keras 1's widths: line_length 100, stops at 33/55/67 of three columns.
  lines = capture(model, 100, {.33, .55, .67});
  EXPECT_EQ(lines[0].size(), 100u);
  EXPECT_EQ(rtrim(lines[1]), "Layer (type)                     Output Shape          Param #");
  EXPECT_THROW(capture(model, 0, {.5, 1.0}), std::invalid_argument);
}

TEST(Summary, ConnectedToColumnForGraphModels) {
  std::vector<std::string> lines;
  utils::detail::print_summary_rows(
      {{"input_1 (InputLayer)", "(None, 100)", 0, {}},
       {"dense_1 (Dense)", "(None, 64)", 6464, {"input_1[0][0]"}},
       {"concatenate_1 (Concatenate)", "(None, 128)", 0, {"dense_1[0][0]", "dense_2[0][0]"}}},
      /*sequential_like=*/false, 6464, 0, 0, {}, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(lines[0].size(), 98u);
  EXPECT_EQ(rtrim(lines[1]),
            "Layer (type)                    Output Shape         Param #     Connected to");
  EXPECT_EQ(rtrim(lines[5]),
            "dense_1 (Dense)                 (None, 64)           6464        input_1[0][0]");
  EXPECT_EQ(rtrim(lines[7]),
            "concatenate_1 (Concatenate)     (None, 128)          0           dense_1[0][0]");
  EXPECT_EQ(rtrim(lines[8]), std::string(65, ' ') + "dense_2[0][0]");
  EXPECT_EQ(utils::detail::shape_repr({-1}), "(None,)");
  EXPECT_EQ(utils::detail::thousands(1234567), "1,234,567");
}

TEST(Summary, FunctionalModelsPrintTheirConnections) {
  backend::clear_session();
  // A branching model: four columns, one row per connection.
  auto a = Input({.shape = Shape{4}, .name = "a"});
  auto b = Input({.shape = Shape{4}, .name = "b"});
  auto shared = std::make_shared<Dense>(3, DenseOptions{.name = "shared"});
  auto merged = add({(*shared)(a), (*shared)(b)});
  Model branching(TensorList{a, b}, TensorList{merged}, "branching");
  auto lines = capture(branching);
  EXPECT_EQ(lines[0].size(), 98u);
  EXPECT_EQ(rtrim(lines[1]),
            "Layer (type)                    Output Shape         Param #     Connected to");
  std::string text;
  for (const auto& line : lines) text += rtrim(line) + "\n";
  // A shared layer whose calls agree on their shape prints it (Keras's layer.output_shape).
  EXPECT_NE(text.find("shared (Dense)                  (None, 3)            15          a[0][0]\n" +
                      std::string(65, ' ') + "b[0][0]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("shared[0][0]\n" + std::string(65, ' ') + "shared[1][0]\n"),
            std::string::npos)
      << text;

  // A chain prints like a Sequential model, its InputLayer included.
  auto x = Input({.shape = Shape{784}, .name = "pixels"});
  auto h = Dense(64, {.activation = "relu", .name = "hidden"})(x);
  Model chain(TensorList{x}, TensorList{Dense(10, {.name = "out"})(h)}, "chain");
  lines = capture(chain);
  EXPECT_EQ(lines[0].size(), 65u);
  EXPECT_EQ(rtrim(lines[1]), "Layer (type)                 Output Shape              Param #");
  EXPECT_EQ(rtrim(lines[3]), "pixels (InputLayer)          (None, 784)               0");
  EXPECT_EQ(rtrim(lines[5]), "hidden (Dense)               (None, 64)                50240");
}

TEST(Summary, SeveralOutputsPrintAListAndDifferingCallsMultiple) {
  backend::clear_session();
  auto seq = Input({.shape = Shape{5, 2}, .name = "seq"});
  auto encoder = std::make_shared<LSTM>(4, RNNOptions{.return_state = true, .name = "encoder"});
  auto outs = encoder->apply({seq});
  auto a = Input({.shape = Shape{4}, .name = "a"});
  auto b = Input({.shape = Shape{6}, .name = "b"});
  auto relu = std::make_shared<Activation>("relu", ActivationOptions{.name = "relu"});
  auto merged = concatenate({outs[0], outs[1], outs[2], (*relu)(a), (*relu)(b)});
  Model model(TensorList{seq, a, b}, TensorList{merged}, "two_kinds");
  std::string text;
  for (const auto& line : capture(model, 160)) text += rtrim(line) + "\n";
  EXPECT_NE(text.find("encoder (LSTM)"), std::string::npos) << text;
  EXPECT_NE(text.find("[(None, 4), (None, 4), (None, 4)]"), std::string::npos) << text;
  // relu was called on (None, 4) and (None, 6): no single output shape.
  const auto relu_row = text.find("relu (Activation)");
  ASSERT_NE(relu_row, std::string::npos) << text;
  const std::string row = text.substr(relu_row, text.find('\n', relu_row) - relu_row);
  EXPECT_NE(row.find("multiple"), std::string::npos) << text;
}
