// Interoperability with Keras's files through h5py (Debian's python3-h5py), skipped when absent:
// files written here are read by tools/h5/keras_h5_read.py (Keras 2.2.4's load procedure, h5py
// only) and give back the same weights; files in Keras 1.2.2's and Keras 2.2.4's layouts written
// by tools/h5/make_keras_fixtures.py load here and predict what numpy computes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;
namespace fs = std::filesystem;

namespace {

const std::string kTools = std::string(KERAS_SOURCE_DIR) + "/tools/h5/";

// A Python interpreter that has h5py, or "".
std::string python_with_h5py() {
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    std::string command = std::string(python) + " -c 'import h5py, numpy' > /dev/null 2>&1";
    if (std::system(command.c_str()) == 0) return python;
  }
  return "";
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int status = pclose(pipe);
  if (status != 0) throw std::runtime_error("command failed: " + command);
  return out;
}

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("keras_h5py_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST(H5pyInterop, OurFilesReadWithH5pyGiveTheSameWeights) {
  std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "python3-h5py is not installed";
  backend::clear_session();
  Sequential model;
  model.add(Dense(6, {.activation = "relu", .input_dim = 5}));
  model.add(Dropout(0.5));
  model.add(Dense(3, {.activation = "softmax"}));
  model.compile({.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  Tensor x = Tensor::full({8, 5}, 0.5);
  Tensor y = utils::to_categorical(
      Tensor::from_vector(std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 0, 1}), 3);
  model.fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0});
  fs::path dir = scratch("ours");
  model.save((dir / "m.h5").string());
  auto read = nlohmann::json::parse(
      run(python + " " + kTools + "keras_h5_read.py " + (dir / "m.h5").string()));
  EXPECT_EQ(read["keras_version"], "2.2.4");
  EXPECT_EQ(read["backend"], "tensorflow");
  EXPECT_EQ(read["model_config"]["class_name"], "Sequential");
  EXPECT_EQ(read["training_config"]["loss"], "categorical_crossentropy");
  EXPECT_EQ(read["training_config"]["optimizer_config"]["class_name"], "Adam");
  const auto& layers = read["layers"];
  ASSERT_EQ(layers.size(), 3u);  // every layer, the weightless Dropout too
  EXPECT_EQ(layers[1]["name"], model.layers()[1]->name());
  EXPECT_TRUE(layers[1]["weight_names"].empty());
  EXPECT_EQ(layers[0]["weight_names"][0], model.layers()[0]->name() + "/kernel:0");
  std::vector<Tensor> weights = model.get_weights();
  std::size_t k = 0;
  for (const auto& layer : layers)
    for (std::size_t i = 0; i < layer["values"].size(); ++i, ++k) {
      ASSERT_LT(k, weights.size());
      EXPECT_EQ(layer["dtypes"][i], "float32");
      EXPECT_EQ(layer["values"][i].get<std::vector<double>>(), weights[k].to_vector<double>());
    }
  EXPECT_EQ(k, weights.size());
  std::vector<Tensor> slots = model.optimizer()->get_weights();
  ASSERT_EQ(read["optimizer_weights"].size(), slots.size());
  for (std::size_t i = 0; i < slots.size(); ++i)
    EXPECT_EQ(read["optimizer_weights"][i]["values"].get<std::vector<double>>(),
              slots[i].to_vector<double>());
  // Weight files too.
  model.save_weights((dir / "w.h5").string());
  auto weights_read = nlohmann::json::parse(
      run(python + " " + kTools + "keras_h5_read.py " + (dir / "w.h5").string()));
  EXPECT_EQ(weights_read["layers"].size(), 3u);
  EXPECT_FALSE(weights_read.contains("model_config"));
}

TEST(H5pyInterop, Keras1AndKeras2FilesLoadAndPredict) {
  std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "python3-h5py is not installed";
  fs::path dir = scratch("fixtures");
  run(python + " " + kTools + "make_keras_fixtures.py " + dir.string());
  std::ifstream in(dir / "expected.json");
  auto expected = nlohmann::json::parse(in);
  std::vector<float> xs;
  for (double v : expected["x"].get<std::vector<double>>()) xs.push_back(static_cast<float>(v));
  Tensor x = Tensor::from_vector(xs, {4, 5});
  std::vector<double> y = expected["y"].get<std::vector<double>>();
  auto check = [&](Model& model) {
    std::vector<double> out = model.predict(x).to_vector<double>();
    ASSERT_EQ(out.size(), y.size());
    for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(out[i], y[i], 1e-6) << i;
  };
  for (const char* file : {"keras1.h5", "keras2.h5"}) {
    SCOPED_TRACE(file);
    auto model = models::load_model((dir / file).string());
    EXPECT_TRUE(model->compiled());
    EXPECT_EQ(model->optimizer()->class_name(), "SGD");
    ASSERT_EQ(model->layers().size(), 3u);
    check(*model);
  }
  // A weights-only file into a model built from the same architecture.
  auto fresh = models::load_model((dir / "keras1.h5").string());
  fresh->set_weights(std::vector<Tensor>{Tensor({5, 6}), Tensor({6}), Tensor({6, 3}), Tensor({3})});
  fresh->load_weights((dir / "keras2_weights.h5").string());
  check(*fresh);
  fresh->set_weights(std::vector<Tensor>{Tensor({5, 6}), Tensor({6}), Tensor({6, 3}), Tensor({3})});
  fresh->load_weights((dir / "keras2_weights.h5").string(), /*by_name=*/true);
  check(*fresh);
}

// Keras 1 layers whose weights Keras 2.2.4's loader converts: an LSTM's 12 per-gate arrays and a
// 'th' Convolution2D's (nb_filter, stack, rows, cols) kernel, in whole Keras 1.2.2 model files.
TEST(H5pyInterop, Keras1LstmAndThConvolutionLoadAndPredict) {
  std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "python3-h5py is not installed";
  fs::path dir = scratch("keras1_layers");
  run(python + " " + kTools + "make_keras_fixtures.py " + dir.string());
  std::ifstream in(dir / "expected_keras1_layers.json");
  auto expected = nlohmann::json::parse(in);
  auto floats = [](const nlohmann::json& values) {
    std::vector<float> out;
    for (double v : values.get<std::vector<double>>()) out.push_back(static_cast<float>(v));
    return out;
  };
  auto check = [&](const std::string& file, const std::string& key, Shape x_shape) {
    SCOPED_TRACE(file);
    auto model = models::load_model((dir / file).string(), {}, /*compile=*/false);
    Tensor x = Tensor::from_vector(floats(expected[key + "_x"]), x_shape);
    std::vector<double> out = model->predict(x).to_vector<double>();
    std::vector<double> y = expected[key + "_y"].get<std::vector<double>>();
    ASSERT_EQ(out.size(), y.size());
    for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(out[i], y[i], 1e-5) << i;
  };
  check("keras1_lstm.h5", "lstm", {2, 3, 2});
  check("keras1_th_conv.h5", "conv", {2, 2, 5, 5});
}

// A Keras 3 archive of a model trained with Adam (amsgrad): h5py, following Keras 3's
// saving_lib, finds the layer weights and the optimizer's variables in Keras 3's order.
TEST(H5pyInterop, KerasArchiveWithOptimizerStateReadsWithH5py) {
  std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "python3-h5py is not installed";
  backend::clear_session();
  Sequential model;
  model.add(Dense(6, {.activation = "relu", .input_dim = 5}));
  model.add(Dropout(0.5));
  model.add(Dense(3, {.activation = "softmax"}));
  model.compile({.optimizer = optimizers::Adam({.lr = 0.002, .amsgrad = true}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  Tensor x = Tensor::full({8, 5}, 0.5);
  Tensor y = utils::to_categorical(
      Tensor::from_vector(std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 0, 1}), 3);
  model.fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0});
  fs::path dir = scratch("archive");
  model.save((dir / "m.keras").string());
  auto read = nlohmann::json::parse(
      run(python + " " + kTools + "keras_h5_read.py " + (dir / "m.keras").string()));
  EXPECT_EQ(read["config"]["class_name"], "Sequential");
  const auto& compile_config = read["config"]["compile_config"];
  EXPECT_EQ(compile_config["loss"], "categorical_crossentropy");
  EXPECT_EQ(compile_config["metrics"], nlohmann::json::parse(R"(["accuracy"])"));
  const auto& optimizer = compile_config["optimizer"];
  EXPECT_EQ(optimizer["module"], "keras.optimizers");
  EXPECT_EQ(optimizer["class_name"], "Adam");
  EXPECT_EQ(optimizer["config"]["name"], "adam");
  EXPECT_EQ(optimizer["config"]["learning_rate"], 0.002);
  EXPECT_EQ(optimizer["config"]["amsgrad"], true);
  EXPECT_FALSE(optimizer["config"].contains("lr"));
  EXPECT_FALSE(optimizer["config"].contains("decay"));

  // Layers: Dense, Dropout (no variables), Dense at Keras 3's paths.
  const auto& layers = read["layers"];
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0]["path"], "layers/dense");
  EXPECT_EQ(layers[1]["path"], "layers/dropout");
  EXPECT_EQ(layers[2]["path"], "layers/dense_1");
  std::vector<Tensor> weights = model.get_weights();
  std::size_t k = 0;
  for (const auto& layer : layers)
    for (const auto& values : layer["values"]) {
      ASSERT_LT(k, weights.size());
      EXPECT_EQ(values.get<std::vector<double>>(), weights[k++].to_vector<double>());
    }
  EXPECT_EQ(k, weights.size());

  // Optimizer: iteration, learning_rate, then (m, v) weight by weight as Keras 3 creates them,
  // then the 4 vhats.
  const auto& vars = read["optimizer_vars"];
  ASSERT_EQ(vars.size(), 2u + 3u * 4u);
  EXPECT_EQ(vars[0]["dtype"], "int64");
  EXPECT_EQ(vars[0]["values"][0], 2.0);  // two batches
  EXPECT_EQ(vars[1]["values"][0], 0.002);
  std::vector<Tensor> state = model.optimizer()->get_weights();  // iterations, m, v, vhat
  ASSERT_EQ(state.size(), 1u + 3u * 4u);
  const std::size_t n = 4;
  for (std::size_t i = 1; i < state.size(); ++i) {
    const std::size_t kind = (i - 1) / n, p = (i - 1) % n;
    const std::size_t at = kind < 2 ? 2 + 2 * p + kind : 2 + 2 * n + p;
    EXPECT_EQ(vars[at]["shape"].get<std::vector<std::int64_t>>(), state[i].shape());
    EXPECT_EQ(vars[at]["values"].get<std::vector<double>>(), state[i].to_vector<double>());
  }
}

// Weights saved from Keras 2.2.4's CuDNNLSTM (kernel blocks holding cuDNN's row-major matrices,
// input and recurrent biases) load into LSTM(recurrent_activation='sigmoid') as Keras's
// _convert_rnn_weights converts them, and predict what cuDNN's equations give in numpy; the
// whole model file, its CuDNNLSTM config included, loads as a CuDNNLSTM that predicts the same.
TEST(H5pyInterop, CudnnLstmWeightsLoadIntoLstmAndPredict) {
  std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "python3-h5py is not installed";
  fs::path dir = scratch("cudnn");
  run(python + " " + kTools + "make_keras_fixtures.py " + dir.string());
  std::ifstream in(dir / "expected_cudnn.json");
  auto expected = nlohmann::json::parse(in);
  std::vector<float> xs;
  for (double v : expected["x"].get<std::vector<double>>()) xs.push_back(static_cast<float>(v));
  Tensor x = Tensor::from_vector(xs, {2, 4, 2});
  std::vector<double> y = expected["y"].get<std::vector<double>>();
  auto check = [&](Model& model) {
    std::vector<double> out = model.predict(x).to_vector<double>();
    ASSERT_EQ(out.size(), y.size());
    for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(out[i], y[i], 1e-5) << i;
  };
  for (bool by_name : {false, true}) {
    SCOPED_TRACE(by_name ? "by name" : "positional");
    backend::clear_session();
    Sequential model;
    model.add(LSTM(
        3,
        {.recurrent_activation = "sigmoid", .input_shape = Shape{4, 2}, .name = "cu_dnnlstm_1"}));
    model.load_weights((dir / "cudnn_lstm_weights.h5").string(), by_name);
    check(model);
  }
  auto model = models::load_model((dir / "cudnn_lstm.h5").string());
  ASSERT_EQ(model->layers().size(), 1u);
  EXPECT_EQ(model->layers()[0]->class_name(), "CuDNNLSTM");
  EXPECT_EQ(model->layers()[0]->get_config()["units"], 3);
  check(*model);
  // Into an LSTM of another size: Keras's shape error after the conversion.
  backend::clear_session();
  Sequential wrong;
  wrong.add(LSTM(2, {.input_shape = Shape{4, 2}}));
  try {
    wrong.load_weights((dir / "cudnn_lstm_weights.h5").string());
    ADD_FAILURE() << "loaded CuDNNLSTM(3) weights into LSTM(2)";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("has shape (2, 12)"), std::string::npos) << e.what();
  }
}

// A Keras 3 archive written as Keras 3's saving_lib writes it (int32 iteration, float32 learning
// rate, momentums then velocities, no velocity_hats) loads compiled, with that optimizer state.
TEST(H5pyInterop, Keras3ArchiveWithOptimizerStateLoads) {
  std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "python3-h5py is not installed";
  fs::path dir = scratch("keras3");
  run(python + " " + kTools + "make_keras_fixtures.py " + dir.string());
  std::ifstream in(dir / "expected_keras3.json");
  auto expected = nlohmann::json::parse(in);
  auto model = models::load_model((dir / "keras3_adam.keras").string());
  ASSERT_TRUE(model->compiled());
  EXPECT_EQ(model->optimizer()->class_name(), "Adam");
  EXPECT_EQ(model->optimizer()->learning_rate(), expected["learning_rate"].get<double>());
  EXPECT_EQ(model->get_weights()[0].to_vector<double>(),
            expected["kernel"].get<std::vector<double>>());
  EXPECT_EQ(model->get_weights()[1].to_vector<double>(),
            expected["bias"].get<std::vector<double>>());
  model->make_train_function();
  std::vector<Tensor> state = model->optimizer()->get_weights();  // iterations, m, v, vhat
  ASSERT_EQ(state.size(), 7u);
  EXPECT_EQ(state[0].dtype(), DType::int64);
  EXPECT_EQ(state[0].item(), 7.0);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(state[1 + i].to_vector<double>(), expected["m"][i].get<std::vector<double>>());
    EXPECT_EQ(state[3 + i].to_vector<double>(), expected["v"][i].get<std::vector<double>>());
  }
  // It trains on from there.
  Tensor x = Tensor::full({4, 5}, 0.25);
  Tensor y = utils::to_categorical(Tensor::from_vector(std::vector<std::int64_t>{0, 1, 2, 0}), 3);
  model->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0});
  EXPECT_EQ(model->optimizer()->get_weights()[0].item(), 8.0);
}

// Weights saved from Keras 2.2.4's CuDNNGRU load into GRU(reset_after=True,
// recurrent_activation='sigmoid') and predict what cuDNN's equations give in numpy. Skipped while
// GRU has no reset_after (it lands with the recurrent layers' work); without it, Keras's refusal.
TEST(H5pyInterop, CudnnGruWeightsLoadIntoResetAfterGru) {
  std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "python3-h5py is not installed";
  fs::path dir = scratch("cudnn_gru");
  run(python + " " + kTools + "make_keras_fixtures.py " + dir.string());
  const std::string file = (dir / "cudnn_gru_weights.h5").string();
  backend::clear_session();
  {
    Sequential plain;
    plain.add(GRU(3, {.recurrent_activation = "sigmoid", .input_shape = Shape{4, 2}}));
    try {
      plain.load_weights(file);
      ADD_FAILURE() << "CuDNNGRU weights loaded into GRU(reset_after=False)";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(
          std::string(e.what()).find("CuDNNGRU is not compatible with GRU(reset_after=False)"),
          std::string::npos)
          << e.what();
    }
  }
  LayerPtr gru;
  try {
    gru = layers::deserialize(nlohmann::json::parse(R"({"class_name": "GRU", "config": {
        "units": 3, "reset_after": true, "recurrent_activation": "sigmoid",
        "batch_input_shape": [null, 4, 2]}})"));
  } catch (const std::invalid_argument&) {
    GTEST_SKIP() << "GRU has no reset_after here yet";
  }
  std::ifstream in(dir / "expected_cudnn_gru.json");
  auto expected = nlohmann::json::parse(in);
  std::vector<float> xs;
  for (double v : expected["x"].get<std::vector<double>>()) xs.push_back(static_cast<float>(v));
  Sequential model;
  model.add(gru);
  model.load_weights(file);
  std::vector<double> out = model.predict(Tensor::from_vector(xs, {2, 4, 2})).to_vector<double>();
  std::vector<double> y = expected["y"].get<std::vector<double>>();
  ASSERT_EQ(out.size(), y.size());
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(out[i], y[i], 1e-5) << i;
}
