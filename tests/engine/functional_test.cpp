// The functional API: Input, Model over a graph of layer calls, several inputs and outputs,
// shared layers, models used as layers, Keras 1's Merge of Sequential branches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;

namespace {

Tensor random_normal(Shape shape, std::uint32_t seed) {
  Tensor t(shape, K::floatx());
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    if (t.dtype() == DType::float64)
      t.data<double>()[i] = normal(rng);
    else
      t.data<float>()[i] = static_cast<float>(normal(rng));
  }
  return t;
}

template <typename F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

double mse(const Tensor& a, const Tensor& b) {
  auto x = a.to_vector<double>(), y = b.to_vector<double>();
  double total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) total += (x[i] - y[i]) * (x[i] - y[i]);
  return total / static_cast<double>(x.size());
}

}  // namespace

TEST(Functional, SeedMlpTrainsAndPredicts) {
  auto inputs = Input({.shape = Shape{20}});
  auto x = Dense(16, {.activation = "relu"})(inputs);  // temporaries: the tensors keep them
  x = Dense(16, {.activation = "relu"})(x);
  auto predictions = Dense(3, {.activation = "softmax"})(x);
  Model model({.input = inputs, .output = predictions});  // Keras 1 spelling
  ASSERT_EQ(model.layers().size(), 4u);
  EXPECT_EQ(model.layers()[0]->class_name(), "InputLayer");
  EXPECT_EQ(model.layers()[1]->class_name(), "Dense");
  EXPECT_EQ(model.count_params(), 20 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3);
  model.compile(
      {.optimizer = "rmsprop", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  Tensor data = random_normal({64, 20}, 1);
  Tensor labels = utils::to_categorical(Tensor::from_vector(std::vector<std::int64_t>(64, 1)), 3);
  auto history = model.fit(data, labels, {.batch_size = 16, .epochs = 3, .verbose = 0});
  EXPECT_LT(history.history.at("loss").back(), history.history.at("loss").front());
  EXPECT_EQ(model.predict(data).shape(), (Shape{64, 3}));
}

TEST(Functional, GraphDisconnectedNamesTheMissingInput) {
  auto a = Input({.shape = Shape{4}, .name = "input_a"});
  auto b = Input({.shape = Shape{4}, .name = "input_b"});
  auto merged = concatenate({a, b});
  auto out = Dense(2)(merged);
  std::string error = message_of([&] { Model model(a, out); });
  EXPECT_NE(error.find("Graph disconnected"), std::string::npos) << error;
  EXPECT_NE(error.find("input_b"), std::string::npos) << error;
  EXPECT_NE(message_of([&] {
              Model model(K::placeholder({-1, 4}), out);
            }).find("keras.layers.Input"),
            std::string::npos);
  EXPECT_NO_THROW(Model({a, b}, out));
}

namespace {
struct Mimo {
  std::shared_ptr<Model> model;
  Tensor x1, x2, y1, y2;
};

Mimo mimo(std::uint32_t seed) {
  auto main_input = Input({.shape = Shape{6}, .name = "main_input"});
  auto aux_input = Input({.shape = Shape{3}, .name = "aux_input"});
  auto h = Dense(5, {.activation = "tanh"})(main_input);
  auto aux_output = Dense(1, {.activation = "sigmoid", .name = "aux_output"})(h);
  auto x = concatenate({h, aux_input});
  auto main_output = Dense(1, {.activation = "sigmoid", .name = "main_output"})(x);
  Mimo m;
  m.model = std::make_shared<Model>(TensorList{main_input, aux_input},
                                    TensorList{main_output, aux_output});
  m.x1 = random_normal({10, 6}, seed);
  m.x2 = random_normal({10, 3}, seed + 1);
  m.y1 = Tensor::full({10, 1}, 1.0, K::floatx());
  m.y2 = Tensor::full({10, 1}, 0.0, K::floatx());
  return m;
}
}  // namespace

TEST(Functional, MultiOutputLossIsTheWeightedSumOfOutputLosses) {
  auto m = mimo(3);
  EXPECT_EQ(m.model->output_names(), (std::vector<std::string>{"main_output", "aux_output"}));
  EXPECT_EQ(m.model->input_names(), (std::vector<std::string>{"main_input", "aux_input"}));
  auto predictions = m.model->predict(Arrays{m.x1, m.x2});
  ASSERT_EQ(predictions.size(), 2u);
  const double main_loss = mse(predictions[0], m.y1), aux_loss = mse(predictions[1], m.y2);

  // Map form.
  m.model->compile({.optimizer = "sgd",
                    .loss = {{"main_output", "mse"}, {"aux_output", "mse"}},
                    .metrics = {{"main_output", {"mae"}}},
                    .loss_weights = {{"main_output", 1.0}, {"aux_output", 0.2}}});
  EXPECT_EQ(m.model->metrics_names(),
            (std::vector<std::string>{"loss", "main_output_loss", "aux_output_loss",
                                      "main_output_mean_absolute_error"}));
  auto scores =
      m.model->evaluate(Arrays{{"main_input", m.x1}, {"aux_input", m.x2}},
                        Arrays{{"main_output", m.y1}, {"aux_output", m.y2}}, {.verbose = 0});
  EXPECT_NEAR(scores[1], main_loss, 1e-5);
  EXPECT_NEAR(scores[2], aux_loss, 1e-5);
  EXPECT_NEAR(scores[0], main_loss + 0.2 * aux_loss, 1e-5);

  // List form.
  m.model->compile({.optimizer = "sgd",
                    .loss = {"mse", "mse"},
                    .metrics = {"accuracy"},
                    .loss_weights = {0.5, 2.0}});
  scores = m.model->evaluate({m.x1, m.x2}, {m.y1, m.y2}, {.verbose = 0});
  EXPECT_NEAR(scores[0], 0.5 * main_loss + 2.0 * aux_loss, 1e-5);
  EXPECT_EQ(m.model->metrics_names().back(), "aux_output_acc");

  // fit's history keys follow Keras.
  auto history =
      m.model->fit({m.x1, m.x2}, {m.y1, m.y2},
                   {.batch_size = 4,
                    .epochs = 1,
                    .verbose = 0,
                    .validation_data = std::pair<Arrays, Arrays>{{m.x1, m.x2}, {m.y1, m.y2}}});
  for (const char* key : {"loss", "main_output_loss", "aux_output_loss", "main_output_acc",
                          "aux_output_acc", "val_loss", "val_main_output_loss"})
    EXPECT_TRUE(history.history.count(key)) << key;
  auto step = m.model->train_on_batch({m.x1, m.x2}, {m.y1, m.y2});
  EXPECT_EQ(step.size(), 5u);
}

TEST(Functional, WrongOutputNamesListTheRealOnes) {
  auto m = mimo(5);
  std::string error = message_of([&] {
    m.model->compile({.optimizer = "sgd", .loss = {{"main_out", "mse"}, {"aux_output", "mse"}}});
  });
  EXPECT_NE(error.find("main_out\""), std::string::npos) << error;
  EXPECT_NE(error.find("['main_output', 'aux_output']"), std::string::npos) << error;
  error = message_of([&] {
    m.model->compile({.optimizer = "sgd", .loss = "mse", .loss_weights = {{"aux", 1.0}}});
  });
  EXPECT_NE(error.find("['main_output', 'aux_output']"), std::string::npos) << error;
  m.model->compile({.optimizer = "sgd", .loss = "mse"});
  error = message_of([&] {
    m.model->fit({m.x1, m.x2}, Arrays{{"main", m.y1}, {"aux_output", m.y2}}, {.verbose = 0});
  });
  EXPECT_NE(error.find("['main_output', 'aux_output']"), std::string::npos) << error;
  error = message_of([&] { m.model->fit({m.x1}, {m.y1, m.y2}, {.verbose = 0}); });
  EXPECT_NE(error.find("Expected to see 2 array(s)"), std::string::npos) << error;
  EXPECT_NE(message_of([&] { m.model->predict(m.x1); }).find("2 outputs"), std::string::npos);
}

TEST(Functional, SharedLayerHasOneNodePerCall) {
  auto a = Input({.shape = Shape{4}});
  auto b = Input({.shape = Shape{4}});
  auto shared = std::make_shared<Dense>(3);
  auto ya = (*shared)(a);
  auto yb = (*shared)(b);
  ASSERT_EQ(shared->inbound_nodes().size(), 2u);
  EXPECT_EQ(shared->get_input_at(0), a);
  EXPECT_EQ(shared->get_input_at(1), b);
  EXPECT_EQ(shared->get_output_at(1), yb);
  EXPECT_EQ(shared->get_output_shape_at(0), (Shape{-1, 3}));
  EXPECT_EQ(shared->get_input_shape_at(1), (Shape{-1, 4}));
  EXPECT_NE(message_of([&] { shared->output(); }).find("multiple inbound nodes"),
            std::string::npos);
  EXPECT_NE(message_of([&] { shared->input_shape(); }).find("multiple inbound nodes"),
            std::string::npos);
  EXPECT_NE(message_of([&] { shared->get_output_at(2); }).find("only 2 inbound nodes"),
            std::string::npos);
  Model model({a, b}, add({ya, yb}));
  EXPECT_EQ(model.weights().size(), 2u);  // the shared layer's weights, once
}

// Keras's outbound nodes: each call on a layer's outputs, once per input it takes from them,
// held weakly (a consumer that is gone drops out).
TEST(Functional, OutboundNodesListTheCallsOnALayersOutputs) {
  auto x = Input({.shape = Shape{4}});
  auto producer = std::make_shared<Dense>(3);
  auto y = (*producer)(x);
  auto twice = std::make_shared<Concatenate>();
  auto joined = (*twice)(std::vector<KerasTensor>{y, y});
  auto head = std::make_shared<Dense>(1);
  auto second_call = (*head)(y);
  {
    const auto outbound = producer->outbound_nodes();
    ASSERT_EQ(outbound.size(), 3u);
    EXPECT_EQ(outbound[0].first, twice);
    EXPECT_EQ(outbound[1].first, twice);
    EXPECT_EQ(outbound[2].first, head);
    EXPECT_EQ(outbound[2].second, 0);
  }
  auto input_layer = x.keras_history()->layer;
  ASSERT_EQ(input_layer->outbound_nodes().size(), 1u);
  EXPECT_EQ(input_layer->outbound_nodes()[0].first, producer);
  EXPECT_TRUE(head->outbound_nodes().empty());
  std::weak_ptr<Layer> gone = head;
  head.reset();
  second_call = KerasTensor();
  ASSERT_TRUE(gone.expired());
  EXPECT_EQ(producer->outbound_nodes().size(), 2u);
}

TEST(Functional, GradientsThroughASharedLayerAccumulateFromEveryCall) {
  K::set_floatx(DType::float64);
  {
    auto a = Input({.shape = Shape{3}});
    auto b = Input({.shape = Shape{3}});
    auto shared = std::make_shared<Dense>(2, DenseOptions{.activation = "tanh"});
    auto y = multiply({(*shared)(a), (*shared)(b)});
    SymbolicTensor loss = K::sum(y);
    SymbolicTensor kernel = shared->weights()[0];
    auto grads = K::gradients(loss, {kernel});
    K::Function f({a, b}, {loss, grads[0]});
    Tensor xa = random_normal({5, 3}, 7), xb = random_normal({5, 3}, 8);
    auto out = f({xa, xb});
    Tensor w = K::get_value(kernel);
    const double h = 1e-6;
    for (std::int64_t i = 0; i < w.numel(); ++i) {
      double saved = w.data<double>()[i];
      w.data<double>()[i] = saved + h;
      double up = f({xa, xb})[0].item();
      w.data<double>()[i] = saved - h;
      double down = f({xa, xb})[0].item();
      w.data<double>()[i] = saved;
      EXPECT_NEAR(out[1].data<double>()[i], (up - down) / (2 * h), 1e-6) << i;
    }
  }
  K::set_floatx(DType::float32);
}

TEST(Functional, ModelIsCallableWithSharedWeights) {
  auto x = Input({.shape = Shape{5}});
  auto inner = std::make_shared<Model>(x, Dense(4, {.activation = "relu"})(Dense(6)(x)));
  auto x2 = Input({.shape = Shape{5}});
  auto y2 = (*inner)(x2);
  EXPECT_EQ(y2.shape(), (Shape{-1, 4}));
  Model outer(x2, y2);
  EXPECT_EQ(outer.layers().size(), 2u);  // the input and the inner model, as one layer
  EXPECT_EQ(outer.count_params(), inner->count_params());
  Tensor data = random_normal({7, 5}, 11);
  auto a = inner->predict(data).to_vector<double>(), b = outer.predict(data).to_vector<double>();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6);
  EXPECT_EQ(inner->compute_output_shape(Shape{-1, 5}), (Shape{-1, 4}));
  EXPECT_EQ(inner->get_output_shape_for(Shape{-1, 5}), (Shape{-1, 4}));
}

TEST(Functional, ModelNestedThreeDeepTrainsAndRoundTripsWeights) {
  auto x = Input({.shape = Shape{4}});
  auto level1 = std::make_shared<Model>(x, Dense(8, {.activation = "tanh"})(x));
  auto level2 = std::make_shared<Sequential>();
  level2->add(level1);  // a model as the first layer of a Sequential
  level2->add(Dense(6, {.activation = "tanh"}));
  auto z = Input({.shape = Shape{4}});
  auto level3 = std::make_shared<Model>(z, (*level2)(z));
  Sequential top;
  top.add(level3);
  top.add(Dense(1));
  EXPECT_EQ(top.weights().size(), 6u);
  top.compile({.optimizer = "adam", .loss = "mse"});
  Tensor data = random_normal({32, 4}, 21);
  Tensor target = Tensor::full({32, 1}, 0.5);
  double first = top.train_on_batch(data, target)[0];
  double last = first;
  for (int i = 0; i < 30; ++i) last = top.train_on_batch(data, target)[0];
  EXPECT_LT(last, first);
  // The innermost layers trained too: their weights are the ones the outer model updates.
  auto weights = top.get_weights();
  EXPECT_EQ(weights[0].shape(), (Shape{4, 8}));
  Tensor before = top.predict(data);
  std::vector<Tensor> zeros;
  for (const auto& w : weights) zeros.push_back(Tensor(w.shape()));
  top.set_weights(zeros);
  EXPECT_NEAR(top.predict(data).to_vector<double>()[0], 0.0, 1e-7);
  top.set_weights(weights);
  auto after = top.get_weights();
  for (std::size_t i = 0; i < weights.size(); ++i)
    EXPECT_EQ(after[i].to_vector<double>(), weights[i].to_vector<double>());
  EXPECT_EQ(top.predict(data).to_vector<double>(), before.to_vector<double>());
  EXPECT_EQ(level1->get_weights()[0].to_vector<double>(), weights[0].to_vector<double>());
}

TEST(Functional, SeedMergeOfSequentialBranches) {
  auto left = std::make_shared<Sequential>();
  left->add(Dense(8, {.input_dim = 5}));
  auto right = std::make_shared<Sequential>();
  right->add(Dense(8, {.input_dim = 3}));
  Sequential model;
  model.add(Merge({left, right}, {.mode = "concat"}));
  model.add(Dense(2, {.activation = "softmax"}));
  EXPECT_EQ(model.inputs().size(), 2u);
  EXPECT_EQ(model.output_shape(), (Shape{-1, 2}));
  EXPECT_EQ(model.weights().size(), 6u);
  model.compile({.optimizer = "rmsprop", .loss = "categorical_crossentropy"});
  Tensor x1 = random_normal({16, 5}, 1), x2 = random_normal({16, 3}, 2);
  Tensor y = utils::to_categorical(Tensor::from_vector(std::vector<std::int64_t>(16, 0)), 2);
  auto history = model.fit({x1, x2}, y, {.batch_size = 4, .epochs = 3, .verbose = 0});
  EXPECT_LT(history.history.at("loss").back(), history.history.at("loss").front());
}

TEST(Functional, TimeDistributedModelOverSequences) {
  // The seed: a model for one 784-vector, applied to every one of 20 timesteps.
  auto x = Input({.shape = Shape{784}});
  auto h = Dense(16, {.activation = "relu"})(x);
  auto model = std::make_shared<Model>(x, Dense(10, {.activation = "softmax"})(h));
  auto input_sequences = Input({.shape = Shape{20, 784}});
  auto processed_sequences = TimeDistributed(model)(input_sequences);
  EXPECT_EQ(processed_sequences.shape(), (Shape{-1, 20, 10}));
  Model video(input_sequences, processed_sequences);
  EXPECT_EQ(video.count_params(), model->count_params());
  Tensor frames = random_normal({2, 20, 784}, 31);
  Tensor out = video.predict(frames);
  ASSERT_EQ(out.shape(), (Shape{2, 20, 10}));
  Tensor per_frame = model->predict(frames.reshape({40, 784}));
  auto a = out.to_vector<double>(), b = per_frame.to_vector<double>();
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-6) << i;

  // A layer by value, in a Sequential, trained.
  Sequential seq;
  seq.add(TimeDistributed(Dense(3), {.input_shape = Shape{4, 5}}));
  EXPECT_EQ(seq.output_shape(), (Shape{-1, 4, 3}));
  EXPECT_EQ(seq.layers()[0]->compute_output_shape({-1, 4, 5}), (Shape{-1, 4, 3}));
  EXPECT_EQ(seq.get_weights().size(), 2u);
  seq.compile({.optimizer = "sgd", .loss = "mse"});
  Tensor xs = random_normal({8, 4, 5}, 41);
  double first = seq.train_on_batch(xs, Tensor::full({8, 4, 3}, 0.5))[0], last = first;
  for (int i = 0; i < 10; ++i) last = seq.train_on_batch(xs, Tensor::full({8, 4, 3}, 0.5))[0];
  EXPECT_LT(last, first);
}

namespace {
// A small stand-in for the layer registry: class_name -> layer.
LayerPtr local_factory(const nlohmann::json& entry) {
  const std::string class_name = entry.at("class_name").get<std::string>();
  const nlohmann::json& c = entry.at("config");
  if (class_name == "Dense") {
    DenseOptions o;
    o.units = c.at("units").get<std::int64_t>();
    o.activation = c.at("activation").get<std::string>();
    o.use_bias = c.at("use_bias").get<bool>();
    o.name = c.at("name").get<std::string>();
    if (c.contains("batch_input_shape")) {
      Shape shape;
      for (const auto& d : c["batch_input_shape"])
        shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
      o.batch_input_shape = shape;
    }
    return std::make_shared<Dense>(o);
  }
  if (class_name == "Concatenate") return Concatenate::from_config(c);
  if (class_name == "Add") return Add::from_config(c);
  if (class_name == "Sequential") return Sequential::from_config(c, local_factory);
  throw std::invalid_argument("local_factory: unknown class " + class_name);
}
}  // namespace

TEST(Functional, ConfigRebuildsTheSameGraph) {
  auto a = Input({.shape = Shape{4}, .name = "in_a"});
  auto b = Input({.shape = Shape{4}, .name = "in_b"});
  auto shared = std::make_shared<Dense>(3, DenseOptions{.activation = "tanh", .name = "shared"});
  auto ya = (*shared)(a);
  auto yb = (*shared)(b);
  // A nested functional model and a nested Sequential, called as layers.
  auto z = Input({.shape = Shape{6}, .name = "inner_in"});
  auto inner = std::make_shared<Model>(z, Dense(5, {.name = "inner_dense"})(z), "inner");
  auto seq = std::make_shared<Sequential>("seq");
  seq->add(Dense(2, {.input_dim = 5, .name = "seq_dense"}));
  auto joined = Concatenate(ConcatenateOptions{.name = "join"})({ya, yb});
  auto out = (*seq)((*inner)(joined));
  auto extra = Add(MergeLayerOptions{.name = "sum"})({ya, yb});
  Model model({a, b}, {out, extra}, "outer");

  nlohmann::json config = model.get_config();
  EXPECT_EQ(config["name"], "outer");
  EXPECT_EQ(config["input_layers"], nlohmann::json::parse(R"([["in_a", 0, 0], ["in_b", 0, 0]])"));
  EXPECT_EQ(config["output_layers"], nlohmann::json::parse(R"([["seq", 1, 0], ["sum", 0, 0]])"));
  nlohmann::json shared_entry;
  for (const auto& l : config["layers"])
    if (l["name"] == "shared") shared_entry = l;
  EXPECT_EQ(shared_entry["inbound_nodes"],
            nlohmann::json::parse(R"([[["in_a", 0, 0, {}]], [["in_b", 0, 0, {}]]])"));

  std::shared_ptr<Model> rebuilt = Model::from_config(config, local_factory);
  EXPECT_EQ(rebuilt->get_config().dump(), config.dump());
  EXPECT_EQ(rebuilt->weights().size(), model.weights().size());
  rebuilt->set_weights(model.get_weights());
  Tensor xa = random_normal({3, 4}, 51), xb = random_normal({3, 4}, 52);
  auto before = model.predict(Arrays{xa, xb});
  auto after = rebuilt->predict(Arrays{xa, xb});
  for (std::size_t k = 0; k < 2; ++k)
    EXPECT_EQ(after[k].to_vector<double>(), before[k].to_vector<double>());

  auto seq_again = Sequential::from_config(seq->get_config(), local_factory);
  EXPECT_EQ(seq_again->get_config().dump(), seq->get_config().dump());
}

// Keras's node.arguments: a call's keyword arguments ({"training": true}) are kept in its node,
// written with each of its inbound references and given to the call again by from_config.
TEST(Functional, CallArgumentsAreKeptInTheConfigAndGivenAgain) {
  auto x = Input({.shape = Shape{400}, .name = "x"});
  auto dropout = std::make_shared<Dropout>(0.5, DropoutOptions{.name = "drops"});
  auto kept = std::make_shared<Dropout>(0.5, DropoutOptions{.name = "keeps"});
  auto y = dropout->apply({x}, {{"training", true}}).front();
  auto z = kept->apply({x}, nlohmann::json::object()).front();
  EXPECT_EQ(dropout->inbound_nodes()[0].arguments, nlohmann::json({{"training", true}}));
  Model model(x, {y, z}, "m");
  const nlohmann::json config = model.get_config();
  std::map<std::string, nlohmann::json> inbound;
  for (const auto& l : config["layers"]) inbound[l["name"]] = l["inbound_nodes"];
  EXPECT_EQ(inbound["drops"], nlohmann::json::parse(R"([[["x", 0, 0, {"training": true}]]])"));
  EXPECT_EQ(inbound["keeps"], nlohmann::json::parse(R"([[["x", 0, 0, {}]]])"));
  auto rebuilt = Model::from_config(
      config, [](const nlohmann::json& entry) { return Dropout::from_config(entry.at("config")); });
  EXPECT_EQ(rebuilt->get_config(), config);
  // Dropout is on at inference in the call made with training=true only.
  const Tensor ones = Tensor::full({2, 400}, 1.0, K::floatx());
  auto out = rebuilt->predict(Arrays{ones});
  const auto dropped = out[0].to_vector<double>(), passed = out[1].to_vector<double>();
  const auto zeros = std::count(dropped.begin(), dropped.end(), 0.0);
  EXPECT_GT(zeros, 200);
  EXPECT_LT(zeros, 600);
  EXPECT_EQ(passed, ones.to_vector<double>());
  // A keyword no call takes is named; the phase before the call comes back.
  EXPECT_NE(message_of([&] {
              kept->apply({x}, {{"trainig", true}});
            }).find("keeps: unknown call argument 'trainig'"),
            std::string::npos);
  EXPECT_FALSE(K::fixed_learning_phase().has_value());
}

namespace {
// Masks the timesteps whose features are all zero, as Keras's Masking(0.0) does.
class ZeroMasking : public Layer {
 public:
  ZeroMasking() : Layer("ZeroMasking", {}) { supports_masking_ = true; }
  KERAS_LAYER_CLASS(ZeroMasking)
  SymbolicTensor call(const SymbolicTensor& x) override { return x * 1.0; }
  SymbolicTensor compute_mask(const SymbolicTensor& x, const SymbolicTensor&) const override {
    return K::max(K::not_equal(x, K::constant(0.0, x.dtype())), {-1});
  }
};
}  // namespace

// A tensor's layer call and mask live in the engine's tensor, beside the graph: a layer that
// returns its input unchanged adds no op, and its output and input keep their own histories
// (Keras copies such an output with K.identity to give it one).
TEST(Functional, ALayerThatReturnsItsInputAddsNoOpAndBothTensorsKeepTheirHistories) {
  auto x = Input({.shape = Shape{3}});
  Shared same = Lambda([](const SymbolicTensor& t) { return t; });
  KerasTensor y = same(x);
  EXPECT_EQ(y.node(), x.node());  // one graph tensor
  ASSERT_NE(y.keras_history(), nullptr);
  EXPECT_EQ(y.keras_history()->layer, same.ptr());
  EXPECT_EQ(x.keras_history()->layer->class_name(), "InputLayer");
  EXPECT_EQ(same->get_input_at(0).keras_history()->layer->class_name(), "InputLayer");
  EXPECT_EQ(same->get_output_at(0).keras_history()->layer, same.ptr());
  // A plain graph tensor has no history: a model cannot end on one.
  EXPECT_EQ(KerasTensor(SymbolicTensor(y)).keras_history(), nullptr);
  EXPECT_THROW(Model(x, KerasTensor(SymbolicTensor(y))), std::invalid_argument);

  Shared dense = Dense(2);
  Model model(x, {y, dense(y)});
  ASSERT_EQ(model.layers().size(), 3u);
  EXPECT_EQ(model.output_names().front(), same->name());
  Tensor data = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto predicted = model.predict(Arrays(std::vector<Tensor>{data}));
  ASSERT_EQ(predicted.size(), 2u);
  EXPECT_EQ(predicted[0].to_vector<float>(), data.to_vector<float>());
  // Training reads the input as an output's prediction too.
  model.compile({.optimizer = "sgd", .loss = "mse"});
  const auto kernel = dense->get_weights()[0].to_vector<float>();
  model.train_on_batch(Arrays(std::vector<Tensor>{data}),
                       Arrays(std::vector<Tensor>{data, Tensor::full({2, 2}, 1.0)}));
  EXPECT_NE(dense->get_weights()[0].to_vector<float>(), kernel);
}

TEST(Functional, ModelCalledAsALayerCarriesItsMask) {
  auto x = Input({.shape = Shape{3, 2}});
  auto inner = std::make_shared<Model>(x, Dense(4)(ZeroMasking()(x)));
  auto x2 = Input({.shape = Shape{3, 2}});
  auto y = (*inner)(x2);
  ASSERT_TRUE(y.keras_mask().defined());
  Tensor data = Tensor::full({1, 3, 2}, 1.0);
  data.data<float>()[2] = data.data<float>()[3] = 0;
  auto mask = K::function({x2}, {y.keras_mask()})({data})[0];
  EXPECT_EQ(mask.to_vector<double>(), (std::vector<double>{1, 0, 1}));
}

namespace {
// Expects `f` to throw std::logic_error whose message holds every one of `parts`.
template <typename F>
void expect_logic_error(F&& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const std::logic_error& e) {
    const std::string message = e.what();
    for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

// Temporaries, gone when this returns: the output tensors hold their layers.
std::shared_ptr<Model> model_from_a_scope() {
  auto x = Input({.shape = Shape{3}});
  auto y = Dense(2, {.name = "named"})(Dropout(0.5)(x));
  return std::make_shared<Model>(x, y);
}
}  // namespace

TEST(Functional, LayersOutliveTheObjectsTheyWereCalledAs) {
  auto model = model_from_a_scope();
  LayerPtr layer = model->get_layer("named");
  EXPECT_EQ(layer->class_name(), "Dense");
  EXPECT_NE(std::dynamic_pointer_cast<Dense>(layer), nullptr);  // the layer itself, shared
  EXPECT_EQ(layer->get_config()["units"], 2);
  EXPECT_EQ(model->weights().size(), 2u);
  EXPECT_EQ(model->predict(Tensor::full({4, 3}, 1.0)).shape(), (Shape{4, 2}));
  // Called again, directly and through the model.
  auto x2 = Input({.shape = Shape{3}});
  EXPECT_EQ((*model)(x2).shape(), (Shape{-1, 2}));
  EXPECT_EQ((*layer)(x2).shape(), (Shape{-1, 2}));
  EXPECT_EQ(layer->inbound_nodes().size(), 2u);
}

// One ownership rule: a called layer is shared. A named layer object must be shared first; the
// refused call changes nothing, and the shared layer works as any other.
TEST(Functional, ANamedLayerIsSharedBeforeItIsCalled) {
  auto x = Input({.shape = Shape{3}});
  Dense named(2, {.name = "named"});
  expect_logic_error([&] { named(x); }, {"Layer named (Dense)", "not held by a shared pointer",
                                         "Shared named = Dense(...);", "std::make_shared<Dense>"});
  EXPECT_FALSE(named.built());
  EXPECT_TRUE(named.inbound_nodes().empty());
  Shared shared = std::move(named);
  EXPECT_EQ(shared->name(), "named");
  EXPECT_EQ(std::move(*shared).into_shared(), shared.ptr());  // already shared: itself
  Shared copy = shared;                                       // a handle: copies share
  Model model(x, copy(shared(Dense(2)(x))));
  EXPECT_EQ(shared->inbound_nodes().size(), 2u);
  EXPECT_EQ(model.get_layer("named"), LayerPtr(shared));
  EXPECT_EQ(model.predict(Tensor::full({2, 3}, 1.0)).shape(), (Shape{2, 2}));
  Shared head = Dense(1, {.input_dim = 3});
  Sequential stack({head});
  EXPECT_EQ(stack.layers().front(), LayerPtr(head));
}

namespace {
// A subclass that forgets KERAS_LAYER_SHAREABLE: moving it into a shared pointer would cut it
// down to Dense, so the call refuses.
class DoubledDense : public Dense {
 public:
  using Dense::Dense;
  SymbolicTensor call(const SymbolicTensor& x) override { return Dense::call(x) * 2.0; }
};
}  // namespace

TEST(Functional, ATemporaryOfAClassWithoutItsMoveIsRefused) {
  auto x = Input({.shape = Shape{3}});
  expect_logic_error([&] { DoubledDense(2)(x); }, {"DoubledDense", "KERAS_LAYER_SHAREABLE"});
  auto layer = std::make_shared<DoubledDense>(2);  // made shared, it is called as usual
  EXPECT_EQ((*layer)(x).shape(), (Shape{-1, 2}));
}
