// model_to_dot's DOT text and plot_model's pictures through Graphviz (skipped without `dot`).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<Sequential> seed_model() {
  backend::clear_session();
  auto model = std::make_shared<Sequential>();
  model->add(Dense({.units = 64, .input_dim = 100}));
  model->add(Activation("relu"));
  model->add(Dense({.units = 10}));
  return model;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool have_dot() {
  return std::system("command -v dot > /dev/null 2>&1") == 0;
}

}  // namespace

TEST(ModelToDot, SequentialGraphText) {
  auto model = seed_model();
  EXPECT_EQ(utils::model_to_dot(*model),
            "digraph G {\n"
            "rankdir=TB;\n"
            "concentrate=True;\n"
            "node [shape=record];\n"
            "\"dense_1_input\" [label=\"dense_1_input: InputLayer\"];\n"
            "\"dense_1\" [label=\"dense_1: Dense\"];\n"
            "\"activation_1\" [label=\"activation_1: Activation\"];\n"
            "\"dense_2\" [label=\"dense_2: Dense\"];\n"
            "\"dense_1_input\" -> \"dense_1\";\n"
            "\"dense_1\" -> \"activation_1\";\n"
            "\"activation_1\" -> \"dense_2\";\n"
            "}\n");
  std::string shapes =
      utils::model_to_dot(*model, /*show_shapes=*/true, /*show_layer_names=*/false, "LR");
  EXPECT_NE(shapes.find("rankdir=LR;"), std::string::npos);
  EXPECT_NE(shapes.find(
                "\"dense_1\" [label=\"Dense\\n|{input:|output:}|{{(None, 100)}|{(None, 64)}}\"];"),
            std::string::npos)
      << shapes;
  EXPECT_THROW(utils::model_to_dot(*model, false, true, "UP"), std::invalid_argument);
}

// A functional model: every layer (InputLayers included) and an edge per connection, with
// lists of shapes for a layer of several inputs.
TEST(ModelToDot, FunctionalGraph) {
  backend::clear_session();
  auto a = Input({.shape = Shape{5, 3}, .name = "seq"});
  auto b = Input({.shape = Shape{2}, .name = "extra"});
  auto joined = Concatenate({.name = "joined"})({LSTM(4, {.name = "lstm"})(a), b});
  Model model({a, b}, Dense(1, {.name = "out"})(joined));
  std::string dot = utils::model_to_dot(model, /*show_shapes=*/true);
  for (const char* expected :
       {"\"seq\" [label=\"seq: InputLayer\\n|{input:|output:}|{{(None, 5, 3)}|{(None, 5, 3)}}\"];",
        "\"joined\" [label=\"joined: Concatenate\\n|{input:|output:}|{{[(None, 4), (None, "
        "2)]}|{(None, 6)}}\"];",
        "\"seq\" -> \"lstm\";", "\"lstm\" -> \"joined\";", "\"extra\" -> \"joined\";",
        "\"joined\" -> \"out\";"})
    EXPECT_NE(dot.find(expected), std::string::npos) << expected << " in\n" << dot;
  EXPECT_EQ(dot.find("\"seq\" -> \"joined\""), std::string::npos) << dot;
}

TEST(PlotModel, RendersPngSvgAndPdf) {
  auto model = seed_model();
  fs::path dir = fs::temp_directory_path() / "keras_plot_model_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  if (!have_dot()) {
    try {
      utils::plot_model(*model, (dir / "m.png").string());
      ADD_FAILURE() << "no error without Graphviz";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("graphviz"), std::string::npos) << e.what();
    }
    GTEST_SKIP() << "Graphviz's dot is not installed";
  }
  utils::plot_model(*model, (dir / "m.png").string(), true);
  EXPECT_EQ(read_file(dir / "m.png").substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  utils::plot_model(*model, (dir / "m.svg").string());
  std::string svg = read_file(dir / "m.svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("activation_1: Activation"), std::string::npos);
  utils::plot(*model, (dir / "m.pdf").string());  // Keras 1's name
  EXPECT_EQ(read_file(dir / "m.pdf").substr(0, 4), "%PDF");
  utils::plot_model(*model, (dir / "noext").string());
  EXPECT_EQ(read_file(dir / "noext").substr(1, 3), "PNG");
  EXPECT_THROW(utils::plot_model(*model, (dir / "m.notaformat").string()), std::runtime_error);
  EXPECT_THROW(utils::plot_model(*model, (dir / "m.p;ng").string()), std::invalid_argument);
  // Without `dot` on PATH: a clear error.
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", dir.c_str(), 1);
  try {
    utils::plot_model(*model, (dir / "x.png").string());
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Graphviz's `dot`"), std::string::npos) << e.what();
  }
  setenv("PATH", path.c_str(), 1);
}
