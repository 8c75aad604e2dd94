// Whole-model HDF5 files, weight files and JSON architectures: round trips, resuming training,
// Keras 1 configs, Keras 3 archives. (Interrupted saves and damaged files: corruption_test.cpp.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "keras/keras.h"
#include "keras/layers/serialization.h"
#include "keras/saving/saving.h"
#include "saving/archive_testing.h"
#include "saving/saving_testing.h"

using namespace keras;
using namespace keras::layers;
namespace fs = std::filesystem;
using namespace keras::saving::testing;

TEST(Saving, SequentialConfigRoundTripsThroughJson) {
  auto model = mlp();
  std::string text = model->to_json();
  auto parsed = nlohmann::json::parse(text);
  EXPECT_EQ(parsed["class_name"], "Sequential");
  EXPECT_EQ(parsed["keras_version"], "2.2.4");
  const auto& layers = parsed["config"]["layers"];
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(layers[0]["class_name"], "Dense");
  EXPECT_EQ(layers[0]["config"]["batch_input_shape"], nlohmann::json::parse("[null, 8]"));
  EXPECT_EQ(layers[0]["config"]["kernel_initializer"]["class_name"], "VarianceScaling");
  EXPECT_EQ(layers[0]["config"]["kernel_initializer"]["config"]["scale"], 2.0);
  EXPECT_EQ(layers[3]["config"]["kernel_regularizer"]["class_name"], "L1L2");

  auto restored = models::model_from_json(text);
  EXPECT_EQ(restored->class_name(), "Sequential");
  EXPECT_EQ(restored->get_config(), model->get_config());
  EXPECT_EQ(restored->count_params(), model->count_params());
}

TEST(Saving, EveryLayerRoundTripsThroughItsConfig) {
  backend::clear_session();
  std::vector<LayerPtr> layers = {
      std::make_shared<Dense>(4, DenseOptions{.activation = "tanh",
                                              .use_bias = false,
                                              .kernel_initializer = "lecun_uniform",
                                              .kernel_constraint = constraints::max_norm(3.0)}),
      std::make_shared<Activation>("sigmoid"),
      std::make_shared<Dropout>(0.3, DropoutOptions{.seed = 7}),
      std::make_shared<Flatten>(),
      std::make_shared<Reshape>(Shape{2, -1}),
      std::make_shared<Permute>(std::vector<int>{2, 1}),
      std::make_shared<RepeatVector>(3),
      std::make_shared<ActivityRegularization>(ActivityRegularizationOptions{.l1 = 0.1, .l2 = 0.2}),
      std::make_shared<Highway>(HighwayOptions{.activation = "relu", .input_dim = 5}),
      std::make_shared<MaxoutDense>(3, MaxoutDenseOptions{.nb_feature = 2}),
      std::make_shared<TimeDistributedDense>(2, TimeDistributedDenseOptions{.input_length = 4}),
      std::make_shared<LeakyReLU>(0.2),
      std::make_shared<PReLU>(PReLUOptions{.shared_axes = {1}}),
      std::make_shared<ELU>(0.5),
      std::make_shared<ThresholdedReLU>(0.7),
      std::make_shared<GaussianNoise>(0.1),
      std::make_shared<GaussianDropout>(0.2),
  };
  for (const auto& layer : layers) {
    nlohmann::json config = layers::serialize(*layer);
    LayerPtr back = layers::deserialize(config);
    EXPECT_EQ(back->class_name(), layer->class_name());
    EXPECT_EQ(layers::serialize(*back), config) << config.dump();
  }
  // Keras 1's name of the module's function.
  EXPECT_EQ(utils::layer_from_config(layers::serialize(*layers[0]))->name(), layers[0]->name());
}

TEST(Saving, Keras1ConfigsAreRead) {
  // A Keras 1.2 Sequential config: a plain list and Keras 1 argument names.
  auto config = nlohmann::json::parse(R"({"class_name": "Sequential", "config": [
    {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true,
      "batch_input_shape": [null, 100], "input_dtype": "float32", "output_dim": 64,
      "init": "glorot_uniform", "activation": "linear", "W_regularizer": null,
      "b_regularizer": null, "activity_regularizer": null, "W_constraint": null,
      "b_constraint": null, "bias": true, "input_dim": 100}},
    {"class_name": "Activation", "config": {"name": "activation_1", "trainable": true,
      "activation": "relu"}},
    {"class_name": "Dropout", "config": {"name": "dropout_1", "trainable": true, "p": 0.5}},
    {"class_name": "Dense", "config": {"name": "dense_2", "trainable": false, "output_dim": 10,
      "init": "uniform", "activation": "softmax", "W_regularizer": {"l1": 0.0, "l2": 0.01,
      "name": "L1L2Regularizer"}, "b_regularizer": null, "activity_regularizer": null,
      "W_constraint": {"name": "MaxNorm", "m": 2, "axis": 0}, "b_constraint": null,
      "bias": false, "input_dim": null}}]})");
  auto model = models::model_from_config(config);
  ASSERT_EQ(model->layers().size(), 4u);
  auto dense = std::dynamic_pointer_cast<Dense>(model->layers()[0]);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense->units(), 64);
  EXPECT_EQ(model->layers()[0]->name(), "dense_1");
  EXPECT_FALSE(model->layers()[3]->trainable());
  EXPECT_EQ(model->count_params(), 100 * 64 + 64 + 64 * 10);
  auto dropout = std::dynamic_pointer_cast<Dropout>(model->layers()[2]);
  ASSERT_TRUE(dropout);
  EXPECT_DOUBLE_EQ(dropout->rate(), 0.5);
}

TEST(Saving, BadConfigsNameTheProblem) {
  auto expect_error = [](const std::string& text, const std::string& needle) {
    try {
      layers::deserialize(nlohmann::json::parse(text));
      ADD_FAILURE() << "no error for " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error(R"({"class_name": "Dense2", "config": {}})", "Unknown layer: Dense2");
  expect_error(R"({"class_name": "Dense", "config": {"units": 3, "colour": 1}})", "'colour'");
  expect_error(R"({"class_name": "Dense", "config": {"units": "three"}})",
               "'units' must be an integer");
  expect_error(R"({"class_name": "Dense", "config": {"units": 3, "activation": "relu6"}})",
               "relu6");
  expect_error(R"({"class_name": "Lambda", "config": {"function": "square"}})",
               "unknown function 'square'");
}

TEST(Saving, CustomObjectsResolveLayersFunctionsAndLosses) {
  auto square = [](const SymbolicTensor& x) { return backend::square(x); };
  Sequential model;
  model.add(Dense(4, {.activation = ActivationArg(square, "square"), .input_dim = 3}));
  model.add(Lambda({.function = {square, "square"}}));
  model.compile("sgd", LossArg(losses::mean_squared_error, "my_mse"));
  fs::path dir = scratch("custom");
  model.save((dir / "m.h5").string());
  EXPECT_THROW(models::load_model((dir / "m.h5").string()), std::invalid_argument);
  CustomObjects objects{.functions = {{"square", square}},
                        .losses = {{"my_mse", losses::mean_squared_error}}};
  auto loaded = models::load_model((dir / "m.h5").string(), objects);
  Tensor x = random_normal({5, 3}, 3);
  expect_same(loaded->predict(x), model.predict(x));
  EXPECT_EQ(loaded->compile_options().loss.single.name, "my_mse");
  {
    CustomObjectScope scope(objects);
    EXPECT_NO_THROW(models::load_model((dir / "m.h5").string()));
  }
  // A user's layer class, registered under its name.
  layers::register_layer("MyDense", [](const nlohmann::json& config) -> LayerPtr {
    return Dense::from_config(config);
  });
  auto mine = layers::deserialize(
      nlohmann::json::parse(R"({"class_name": "MyDense", "config": {"units": 2}})"));
  EXPECT_EQ(std::dynamic_pointer_cast<Dense>(mine)->units(), 2);
}

TEST(Saving, WholeModelRoundTripPredictsTheSame) {
  auto model = mlp();
  auto [x, y] = blobs(64, 1);
  model->fit(x, y, {.batch_size = 16, .epochs = 2, .verbose = 0});
  fs::path dir = scratch("roundtrip");
  std::string path = (dir / "model.h5").string();
  model->save(path);
  auto loaded = models::load_model(path);
  ASSERT_TRUE(loaded->compiled());
  EXPECT_EQ(loaded->optimizer()->class_name(), "Adam");
  expect_same(loaded->predict(x), model->predict(x));
  auto a = model->get_weights(), b = loaded->get_weights();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i]);
  auto oa = model->optimizer()->get_weights(), ob = loaded->optimizer()->get_weights();
  ASSERT_EQ(oa.size(), ob.size());
  for (std::size_t i = 0; i < oa.size(); ++i) expect_same(oa[i], ob[i]);
  EXPECT_EQ(loaded->metrics_names(), model->metrics_names());
  // No temporary files left beside it.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

namespace {

// Trains `optimizer` for 3 epochs straight, and for 2 epochs, saved to `filename` (HDF5 or a
// Keras 3 archive), loaded and trained for the third: the weights must be identical.
void expect_resume_is_exact(
    const std::function<std::shared_ptr<optimizers::Optimizer>()>& optimizer,
    const std::string& filename, const std::string& tag) {
  auto [x, y] = blobs(48, 2);
  auto build = [&] {
    backend::clear_session();
    auto model = std::make_shared<Sequential>();
    model->add(Dense(8, {.activation = "tanh", .input_dim = 8}));
    model->add(Dense(3, {.activation = "softmax"}));
    model->compile({.optimizer = optimizer(), .loss = "categorical_crossentropy"});
    return model;
  };
  auto straight = build();
  auto resumed = build();
  resumed->set_weights(straight->get_weights());
  straight->fit(x, y, {.batch_size = 16, .epochs = 3, .verbose = 0, .shuffle = false});
  resumed->fit(x, y, {.batch_size = 16, .epochs = 2, .verbose = 0, .shuffle = false});
  fs::path dir = scratch("resume_" + tag);
  resumed->save((dir / filename).string());
  auto loaded = models::load_model((dir / filename).string());
  ASSERT_TRUE(loaded->compiled());
  EXPECT_EQ(loaded->optimizer()->get_config(), resumed->optimizer()->get_config());
  // The state itself came back (not merely a state that happens to give the same weights).
  loaded->make_train_function();
  auto saved_state = resumed->optimizer()->get_weights();
  auto loaded_state = loaded->optimizer()->get_weights();
  ASSERT_EQ(loaded_state.size(), saved_state.size());
  ASSERT_GT(loaded_state[0].item(), 0.0);  // iterations
  // SGD without momentum never reads its moments; Keras 3's layout keeps none of them.
  auto* sgd = dynamic_cast<optimizers::SGD*>(loaded->optimizer().get());
  const bool moments_unused = sgd && sgd->options().momentum == 0.0;
  for (std::size_t i = 0; i < (moments_unused ? 1 : saved_state.size()); ++i)
    expect_same(loaded_state[i], saved_state[i]);
  loaded->fit(x, y,
              {.batch_size = 16, .epochs = 3, .verbose = 0, .shuffle = false, .initial_epoch = 2});
  auto a = straight->get_weights(), b = loaded->get_weights();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i]);
}

// Every optimizer, default settings and the settings that change its state list.
std::vector<std::pair<std::string, std::function<std::shared_ptr<optimizers::Optimizer>()>>>
all_optimizers() {
  std::vector<std::pair<std::string, std::function<std::shared_ptr<optimizers::Optimizer>()>>> out;
  for (const char* name : {"sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"})
    out.emplace_back(name, [name] { return optimizers::get(name); });
  out.emplace_back("sgd_momentum", [] {
    return std::make_shared<optimizers::SGD>(
        optimizers::SGDOptions{.lr = 0.05, .momentum = 0.9, .decay = 1e-3, .nesterov = true});
  });
  out.emplace_back("adam_amsgrad", [] {
    return std::make_shared<optimizers::Adam>(
        optimizers::AdamOptions{.lr = 0.01, .amsgrad = true, .clipnorm = 1.0});
  });
  out.emplace_back("nadam_schedule", [] {
    return std::make_shared<optimizers::Nadam>(
        optimizers::NadamOptions{.schedule_decay = 0.01, .clipvalue = 0.5});
  });
  return out;
}

}  // namespace

TEST(Saving, EveryOptimizerResumesExactly) {
  for (const auto& [name, optimizer] : all_optimizers()) {
    SCOPED_TRACE(name);
    expect_resume_is_exact(optimizer, "m.h5", name);
  }
}

TEST(Saving, EveryOptimizerResumesExactlyFromKerasArchive) {
  for (const auto& [name, optimizer] : all_optimizers()) {
    SCOPED_TRACE(name);
    expect_resume_is_exact(optimizer, "m.keras", name + "_keras");
  }
}

TEST(Saving, WeightsOnlyPositionalAndByName) {
  auto model = mlp();
  fs::path dir = scratch("weights");
  std::string path = (dir / "w.h5").string();
  model->save_weights(path);
  auto other = mlp();
  other->load_weights(path);
  auto a = model->get_weights(), b = other->get_weights();
  for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i]);

  // by_name: only layers whose names match are loaded; the rest keep their weights.
  backend::clear_session();
  Sequential renamed;
  renamed.add(
      Dense(16, {.activation = "relu", .input_dim = 8, .name = model->layers()[0]->name()}));
  renamed.add(Dense(3, {.name = "something_else"}));
  Tensor kept = renamed.layers()[1]->get_weights()[0].clone();
  renamed.load_weights(path, /*by_name=*/true);
  expect_same(renamed.layers()[0]->get_weights()[0], model->layers()[0]->get_weights()[0]);
  expect_same(renamed.layers()[1]->get_weights()[0], kept);
  // Positional loading into a different architecture: Keras's message.
  try {
    renamed.load_weights(path);
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("containing 3 layers into a model with 2 layers"),
              std::string::npos)
        << e.what();
  }
  // Whole-model files serve load_weights too.
  model->save((dir / "m.h5").string());
  auto third = mlp();
  third->load_weights((dir / "m.h5").string());
  expect_same(third->get_weights()[0], a[0]);
}

// Layer names with slashes (Keras's DenseNet: "conv1/conv", "conv1/bn") are group paths in the
// file, their parent groups made on the way, as h5py does.
TEST(Saving, LayerNamesWithSlashesSaveAndLoad) {
  auto make = [] {
    auto model = std::make_shared<Sequential>();
    model->add(Dense(4, {.input_dim = 3, .name = "conv1/conv"}));
    model->add(Dense(2, {.name = "conv1/bn"}));
    return model;
  };
  auto model = make();
  fs::path dir = scratch("slashes");
  model->save_weights((dir / "w.h5").string());
  model->save((dir / "m.h5").string());
  auto other = make();
  other->load_weights((dir / "w.h5").string());
  auto loaded = models::load_model((dir / "m.h5").string());
  EXPECT_EQ(loaded->layers()[0]->name(), "conv1/conv");
  auto a = model->get_weights(), b = other->get_weights(), c = loaded->get_weights();
  ASSERT_EQ(b.size(), a.size());
  ASSERT_EQ(c.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    expect_same(a[i], b[i]);
    expect_same(a[i], c[i]);
  }
}

TEST(Saving, ByNameShapeMismatchThrowsOrSkips) {
  backend::clear_session();
  Sequential a;
  a.add(Dense(4, {.input_dim = 3, .name = "d"}));
  Sequential b;
  b.add(Dense(5, {.input_dim = 3, .name = "d"}));
  fs::path dir = scratch("mismatch");
  a.save_weights((dir / "w.h5").string());
  EXPECT_THROW(b.load_weights((dir / "w.h5").string(), true), std::invalid_argument);
  Tensor before = b.get_weights()[0].clone();
  b.load_weights((dir / "w.h5").string(), true, /*skip_mismatch=*/true);
  expect_same(b.get_weights()[0], before);
}

TEST(Saving, OverwriteFalseRefuses) {
  auto model = mlp();
  fs::path dir = scratch("overwrite");
  std::string path = (dir / "m.h5").string();
  model->save(path);
  std::string before = read_file(path);
  EXPECT_THROW(model->save(path, /*overwrite=*/false), std::runtime_error);
  EXPECT_THROW(model->save_weights(path, false), std::runtime_error);
  EXPECT_TRUE(read_file(path) == before);
  EXPECT_THROW(model->save((dir / "no_such_folder" / "m.h5").string()), std::runtime_error);
}

TEST(Saving, Keras3ArchiveRoundTrip) {
  auto model = mlp();
  auto [x, y] = blobs(32, 6);
  model->fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});
  fs::path dir = scratch("archive");
  std::string path = (dir / "model.keras").string();
  model->save(path);
  std::string bytes = read_file(path);
  ASSERT_GT(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\x03\x04", 4));
  for (const char* entry : {"metadata.json", "config.json", "model.weights.h5"})
    EXPECT_NE(bytes.find(entry), std::string::npos) << entry;
  EXPECT_NE(bytes.find("\"module\":\"keras.layers\""), std::string::npos);
  // Stored entries: the HDF5 signature of the weights is visible in the archive.
  EXPECT_NE(bytes.find("\x89HDF\r\n\x1a\n"), std::string::npos);
  auto loaded = models::load_model(path);
  expect_same(loaded->predict(x), model->predict(x));
  EXPECT_THROW(model->save(path, /*overwrite=*/false), std::runtime_error);
  // Truncated archives and foreign files.
  for (int i = 0; i < 10; ++i) {
    std::ofstream out(dir / "bad.keras", std::ios::binary | std::ios::trunc);
    std::string part = bytes.substr(0, bytes.size() * static_cast<std::size_t>(i) / 10);
    out.write(part.data(), static_cast<std::streamsize>(part.size()));
    out.close();
    EXPECT_THROW(models::load_model((dir / "bad.keras").string()), std::runtime_error) << i;
  }
  {
    std::ofstream out(dir / "bad.keras", std::ios::trunc);
    out << "hello";
  }
  EXPECT_THROW(models::load_model((dir / "bad.keras").string()), std::runtime_error);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2) << "temporary files were left behind";
}

// The config.json of our archives is what Keras 3 writes and reads: a Sequential starts with an
// InputLayer holding `batch_shape` (Keras 3's layers refuse `batch_input_shape`), and a nested
// model is a `keras` object, not one of `keras.layers`.
TEST(Saving, Keras3ArchiveConfigIsKeras3s) {
  auto inner = std::make_shared<Sequential>(std::string("inner"));
  inner->add(Dense(3, {.input_shape = Shape{4}, .name = "inner_dense"}));
  auto x = Input({.shape = Shape{4}, .name = "x"});
  auto out = Dense(2, {.name = "head"})((*inner)(x));
  auto outer = std::make_shared<Model>(TensorList{x}, TensorList{out}, "outer");
  auto model = mlp();
  model->add(Reshape({1, 3}));
  model->add(TimeDistributed(Dense(2, {.name = "wrapped"})));
  fs::path dir = scratch("keras3_config");
  std::function<void(const nlohmann::json&)> no_batch_input_shape = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      EXPECT_FALSE(j.contains("batch_input_shape")) << j.dump().substr(0, 200);
      for (const auto& [key, value] : j.items()) no_batch_input_shape(value);
    } else if (j.is_array()) {
      for (const auto& value : j) no_batch_input_shape(value);
    }
  };
  for (const auto& [name, saved] : {std::pair{"seq", std::static_pointer_cast<Model>(model)},
                                    std::pair{"nested", std::static_pointer_cast<Model>(outer)}}) {
    const fs::path path = dir / (std::string(name) + ".keras");
    saved->save(path.string());
    nlohmann::json config;
    for (const auto& [entry, data] : read_zip(path))
      if (entry == "config.json") config = nlohmann::json::parse(data);
    ASSERT_TRUE(config.is_object()) << name;
    no_batch_input_shape(config);
    const auto& first_level = config["config"]["layers"];
    const auto& sequential =
        std::string(name) == "seq" ? first_level : first_level[1]["config"]["layers"];
    if (std::string(name) == "nested") {
      EXPECT_EQ(first_level[1]["class_name"], "Sequential");
      EXPECT_EQ(first_level[1]["module"], "keras");
      // Keras 3 counts the nested Sequential's calls from 0 (Keras 2 from 1).
      EXPECT_EQ(first_level[2]["inbound_nodes"][0][0][0], "inner");
      EXPECT_EQ(first_level[2]["inbound_nodes"][0][0][1], 0);
    }
    ASSERT_GE(sequential.size(), 2u) << name;
    if (std::string(name) == "seq") {  // a wrapper's inner layer is found by its module too
      EXPECT_EQ(sequential.back()["config"]["layer"]["module"], "keras.layers");
    }
    EXPECT_EQ(sequential[0]["class_name"], "InputLayer") << name;
    EXPECT_EQ(
        sequential[0]["config"]["batch_shape"],
        (std::string(name) == "seq" ? nlohmann::json({nullptr, 8}) : nlohmann::json({nullptr, 4})));
    auto loaded = models::load_model(path.string());
    Tensor probe = random_normal({5, std::string(name) == "seq" ? 8 : 4}, 7);
    expect_same(loaded->predict(probe), saved->predict(probe));
  }
}

// A compiled model that never trained (its optimizer holds only iteration and learning_rate, as
// in Keras 3), and include_optimizer=false / compile=false.
TEST(Saving, Keras3ArchiveOfAnUntrainedOrUncompiledModel) {
  backend::clear_session();
  auto model = mlp("sgd");
  model->optimizer()->set_learning_rate(0.125);
  fs::path dir = scratch("archive_untrained");
  std::string path = (dir / "m.keras").string();
  model->save(path);
  auto loaded = models::load_model(path);
  ASSERT_TRUE(loaded->compiled());
  EXPECT_EQ(loaded->optimizer()->class_name(), "SGD");
  EXPECT_EQ(loaded->optimizer()->learning_rate(), 0.125);
  auto [x, y] = blobs(16, 3);
  loaded->fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});
  EXPECT_EQ(loaded->optimizer()->get_weights()[0].item(), 1.0);
  EXPECT_FALSE(models::load_model(path, {}, /*compile=*/false)->compiled());
  models::save_model(*model, path, /*overwrite=*/true, /*include_optimizer=*/false);
  EXPECT_EQ(read_file(path).find("compile_config"), std::string::npos);
  EXPECT_FALSE(models::load_model(path)->compiled());
}

TEST(Saving, Keras3StyleConfigsAreRead) {
  // What Keras 3 writes for a Sequential model's config.json (abridged to the keys it sets).
  auto config = nlohmann::json::parse(R"({"module": "keras", "class_name": "Sequential",
    "config": {"name": "sequential", "trainable": true,
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
      "layers": [
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": [null, 100], "dtype": "float32", "sparse": false, "name": "input_layer"},
         "registered_name": null},
        {"module": "keras.layers", "class_name": "Dense",
         "config": {"name": "dense", "trainable": true,
           "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
           "units": 64, "activation": "relu", "use_bias": true,
           "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                  "config": {"seed": null}, "registered_name": null},
           "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                "config": {}, "registered_name": null},
           "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null,
           "bias_constraint": null},
         "registered_name": null, "build_config": {"input_shape": [null, 100]}}]},
    "registered_name": null, "build_config": {"input_shape": [null, 100]}})");
  auto model = models::model_from_config(config);
  ASSERT_EQ(model->layers().size(), 1u);
  EXPECT_EQ(model->count_params(), 6464);
  EXPECT_EQ(model->layers()[0]->get_config()["kernel_initializer"]["class_name"],
            "VarianceScaling");
}

TEST(Saving, YamlRoundTripAndKerasYaml) {
  auto model = mlp();
  std::string yaml = model->to_yaml();
  auto restored = models::model_from_yaml(yaml);
  EXPECT_EQ(restored->get_config(), model->get_config());
  // What Keras 2.2.4's to_yaml (PyYAML) writes, tuples tagged.
  auto keras = models::model_from_yaml(R"(backend: tensorflow
class_name: Sequential
config:
  layers:
  - class_name: Dense
    config:
      activation: relu
      batch_input_shape: !!python/tuple [null, 100]
      dtype: float32
      kernel_initializer:
        class_name: VarianceScaling
        config: {distribution: uniform, mode: fan_avg, scale: 1.0, seed: null}
      name: dense_1
      trainable: true
      units: 64
      use_bias: true
  name: sequential_1
keras_version: 2.2.4
)");
  EXPECT_EQ(keras->count_params(), 6464);
  EXPECT_THROW(models::model_from_yaml("layers: [unclosed"), std::invalid_argument);
}

TEST(Saving, LargeConfigsAndSplitLayerNames) {
  // 1000 layers with long names: model_config is well over HDF5's 64 KB object header limit and
  // layer_names is split into layer_names0, layer_names1, ... as Keras does.
  backend::clear_session();
  Sequential model;
  model.add(Dense(4, {.input_dim = 3, .name = "first"}));
  for (int i = 0; i < 1000; ++i)
    model.add(Activation("linear", {.name = std::string(70, 'a') + std::to_string(i)}));
  model.add(Dense(2, {.name = "last"}));
  fs::path dir = scratch("large");
  std::string path = (dir / "m.h5").string();
  model.save(path);
  EXPECT_GT(model.to_json().size(), 64u * 1024u);
  std::string bytes = read_file(path);
  EXPECT_NE(bytes.find("layer_names0"), std::string::npos);
  EXPECT_NE(bytes.find("layer_names1"), std::string::npos);
  auto loaded = models::load_model(path);
  ASSERT_EQ(loaded->layers().size(), 1002u);
  EXPECT_EQ(loaded->layers()[500]->name(), std::string(70, 'a') + "499");
  Tensor x = random_normal({2, 3}, 9);
  expect_same(loaded->predict(x), model.predict(x));
}

TEST(Saving, FunctionalMultiOutputModelRoundTrips) {
  // Two inputs through one shared Dense, merged, with two named outputs and per-output settings.
  auto a = Input({.shape = Shape{4}, .name = "a"});
  auto b = Input({.shape = Shape{4}, .name = "b"});
  auto shared = std::make_shared<Dense>(5, DenseOptions{.activation = "tanh"});
  auto merged = concatenate({(*shared)(a), (*shared)(b)});
  auto main_out = Dense(2, {.activation = "softmax", .name = "main_output"})(merged);
  auto aux_out = Dense(1, {.name = "aux_output"})(merged);
  auto model =
      std::make_shared<Model>(TensorList{a, b}, TensorList{main_out, aux_out}, "two_heads");
  model->compile({.optimizer = "adam",
                  .loss = {{"main_output", "categorical_crossentropy"}, {"aux_output", "mse"}},
                  .metrics = {{"main_output", {"accuracy"}}},
                  .loss_weights = {{"main_output", 1.0}, {"aux_output", 0.5}}});
  Tensor xa = random_normal({6, 4}, 1), xb = random_normal({6, 4}, 2);
  Tensor y_main = utils::to_categorical(Tensor::from_vector<std::int64_t>({0, 1, 1, 0, 1, 0}), 2);
  Tensor y_aux = random_normal({6, 1}, 3);
  model->fit({xa, xb}, {y_main, y_aux}, {.batch_size = 3, .epochs = 1, .verbose = 0});

  fs::path dir = scratch("functional");
  model->save((dir / "f.h5").string());
  auto loaded = models::load_model((dir / "f.h5").string());
  EXPECT_EQ(loaded->class_name(), "Model");
  EXPECT_EQ(loaded->get_config(), model->get_config());
  auto before = model->predict(Arrays{xa, xb}), after = loaded->predict(Arrays{xa, xb});
  ASSERT_EQ(after.size(), 2u);
  expect_same(after[0], before[0]);
  expect_same(after[1], before[1]);
  // The compile settings come back: the same metrics, in Keras's order, and the same scores.
  EXPECT_EQ(loaded->metrics_names(), model->metrics_names());
  auto scores = model->evaluate({xa, xb}, {y_main, y_aux}, {.verbose = 0});
  auto loaded_scores = loaded->evaluate({xa, xb}, {y_main, y_aux}, {.verbose = 0});
  ASSERT_EQ(loaded_scores.size(), scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) EXPECT_NEAR(loaded_scores[i], scores[i], 1e-6);
  // The architecture alone, through JSON.
  auto rebuilt = saving::model_from_json(model->to_json());
  EXPECT_EQ(rebuilt->get_config(), model->get_config());
}

// Keras's custom_objects for a layer's weight arguments: the user's regularizer, constraint and
// initializer, each looked up by the name its config gives (a class_name with its config, or a
// plain name) where the config uses it; without them the error names the object and where it goes.
TEST(Saving, CustomObjectsResolveRegularizersConstraintsAndInitializers) {
  auto dense_config = [](const char* key, nlohmann::json value) {
    nlohmann::json config = {{"class_name", "Dense"},
                             {"config", {{"units", 2}, {"batch_input_shape", {nullptr, 3}}}}};
    config["config"][key] = std::move(value);
    return config;
  };
  const nlohmann::json half_l1 = {{"class_name", "HalfL1"}, {"config", {{"rate", 0.25}}}};
  const nlohmann::json clip_to = {{"class_name", "ClipTo"}, {"config", {{"bound", 0.5}}}};
  for (const auto& [config, name, field] :
       {std::tuple{dense_config("kernel_regularizer", half_l1), "HalfL1", "regularizers"},
        std::tuple{dense_config("bias_constraint", clip_to), "ClipTo", "constraints"},
        std::tuple{dense_config("kernel_initializer", "twos"), "twos", "initializers"}}) {
    std::string message = "(no error)";
    try {
      layers::deserialize(config);
    } catch (const std::invalid_argument& e) {
      message = e.what();
    }
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find(std::string("CustomObjects::") + field), std::string::npos) << message;
  }
  double rate_read = 0;
  CustomObjects objects{.regularizers = {{"HalfL1",
                                          [&](const nlohmann::json& c) {
                                            rate_read = c.at("rate").get<double>();
                                            return regularizers::Regularizer(
                                                [rate = rate_read](const SymbolicTensor& w) {
                                                  return backend::sum(backend::abs(w)) * rate;
                                                },
                                                "HalfL1");
                                          }}},
                        .constraints = {{"ClipTo",
                                         [](const nlohmann::json& c) {
                                           const double bound = c.at("bound").get<double>();
                                           return constraints::Constraint(
                                               [bound](const SymbolicTensor& w) {
                                                 return backend::clip(w, -bound, bound);
                                               },
                                               "ClipTo");
                                         }}},
                        .initializers = {{"twos", [](const nlohmann::json&) {
                                            return initializers::constant(2.0);
                                          }}}};
  nlohmann::json config = dense_config("kernel_regularizer", half_l1);
  config["config"]["bias_constraint"] = clip_to;
  config["config"]["kernel_initializer"] = "twos";
  Sequential model({layers::deserialize(config, objects)});
  EXPECT_EQ(rate_read, 0.25);
  ASSERT_EQ(model.losses().size(), 1u);
  Tensor kernel = model.get_weights()[0];
  for (float v : kernel.to_vector<float>()) EXPECT_EQ(v, 2.0f);
  EXPECT_EQ(model.layers()[0]->get_config()["kernel_initializer"], "twos");
  // The penalty is in the loss (0.25 * sum|kernel| = 3 over a zero mse); the constraint bounds
  // the bias after a step that would move it far.
  model.compile(optimizers::SGD({.lr = 10.0}), "mse");
  Tensor x = Tensor::full({4, 3}, 0.0), y = Tensor::full({4, 2}, 100.0);
  EXPECT_NEAR(model.evaluate(x, Tensor::full({4, 2}, 0.0), {.verbose = 0})[0], 3.0, 1e-5);
  model.fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0});
  for (float v : model.get_weights()[1].to_vector<float>()) EXPECT_NEAR(v, 0.5f, 1e-6);
  // A scope makes them visible the same way.
  CustomObjectScope scope(objects);
  EXPECT_NO_THROW(layers::deserialize(config));
}
