// TensorBoard: the event files read back record by record (framing, CRCs) and decoded with the
// protobuf classes: scalars at the steps Keras 2.2.4 uses, histograms, images and the graph.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "callbacks/tfevents.h"
#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;
using namespace keras::callbacks;
namespace fs = std::filesystem;
namespace tfevents = keras::callbacks::detail;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("keras_tensorboard_test_" + name);
  fs::remove_all(dir);
  return dir;
}

std::uint64_t read_le(const std::string& bytes, std::size_t at, int n) {
  std::uint64_t value = 0;
  for (int i = n - 1; i >= 0; --i)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return value;
}

// Every record of an event file, its framing and both CRCs checked.
std::vector<tensorflow::Event> read_events(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<tensorflow::Event> events;
  std::size_t at = 0;
  while (at < bytes.size()) {
    EXPECT_LE(at + 12, bytes.size()) << "truncated record header";
    const std::uint64_t length = read_le(bytes, at, 8);
    EXPECT_EQ(read_le(bytes, at + 8, 4), tfevents::masked_crc32c(bytes.data() + at, 8));
    EXPECT_LE(at + 12 + length + 4, bytes.size()) << "truncated record";
    const std::string data = bytes.substr(at + 12, length);
    EXPECT_EQ(read_le(bytes, at + 12 + length, 4),
              tfevents::masked_crc32c(data.data(), data.size()));
    tensorflow::Event event;
    EXPECT_TRUE(event.ParseFromString(data));
    events.push_back(event);
    at += 12 + length + 4;
  }
  return events;
}

std::vector<fs::path> event_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0)
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// (tag, step) -> the scalar values written, in file order.
std::map<std::pair<std::string, std::int64_t>, std::vector<float>> scalars(
    const std::vector<tensorflow::Event>& events) {
  std::map<std::pair<std::string, std::int64_t>, std::vector<float>> out;
  for (const auto& e : events)
    if (e.has_summary())
      for (const auto& v : e.summary().value())
        if (v.has_simple_value()) out[{v.tag(), e.step()}].push_back(v.simple_value());
  return out;
}

std::pair<Tensor, Tensor> data(std::int64_t n, std::uint32_t seed) {
  Tensor x({n, 4});
  Tensor y({n, 1});
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  for (std::int64_t i = 0; i < n; ++i) {
    float sum = 0;
    for (std::int64_t j = 0; j < 4; ++j) sum += x.data<float>()[i * 4 + j] = normal(rng);
    y.data<float>()[i] = sum > 0 ? 1.0f : 0.0f;
  }
  return {x, y};
}

std::unique_ptr<Sequential> model() {
  utils::set_random_seed(3);
  auto m = std::make_unique<Sequential>();
  m->add(Dense(3, {.activation = "relu", .input_dim = 4, .name = "hidden"}));
  m->add(Dense(1, {.activation = "sigmoid", .name = "out"}));
  m->compile({.optimizer = optimizers::SGD({.lr = 0.1}),
              .loss = "binary_crossentropy",
              .metrics = {"accuracy"}});
  return m;
}

}  // namespace

TEST(TFRecord, Crc32cAndFraming) {
  // CRC-32C's check value, and the iSCSI test vector of 32 zero bytes (RFC 3720).
  EXPECT_EQ(tfevents::crc32c("123456789", 9), 0xE3069283u);
  const std::string zeros(32, '\0');
  EXPECT_EQ(tfevents::crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  const std::uint32_t crc = tfevents::crc32c("abc", 3);
  EXPECT_EQ(tfevents::masked_crc32c("abc", 3), ((crc >> 15) | (crc << 17)) + 0xa282ead8u);

  const std::string record = tfevents::tfrecord("abc");
  ASSERT_EQ(record.size(), 8u + 4u + 3u + 4u);
  EXPECT_EQ(read_le(record, 0, 8), 3u);
  EXPECT_EQ(read_le(record, 8, 4), tfevents::masked_crc32c(record.data(), 8));
  EXPECT_EQ(record.substr(12, 3), "abc");
  EXPECT_EQ(read_le(record, 15, 4), tfevents::masked_crc32c("abc", 3));
}

TEST(TFEventsHistogram, TensorFlowsDefaultBucketsWithEmptyRunsMerged) {
  const auto zero = tfevents::histogram({0.0}, "t");
  EXPECT_EQ(zero.min(), 0.0);
  EXPECT_EQ(zero.max(), 0.0);
  EXPECT_EQ(zero.num(), 1.0);
  // (-DBL_MAX .. 0]: empty; [0, 1e-12): the value; the rest up to DBL_MAX: empty.
  ASSERT_EQ(zero.bucket_limit_size(), 3);
  EXPECT_EQ(zero.bucket_limit(0), 0.0);
  EXPECT_DOUBLE_EQ(zero.bucket_limit(1), 1e-12);
  EXPECT_EQ(zero.bucket_limit(2), DBL_MAX);
  EXPECT_EQ(zero.bucket(0), 0.0);
  EXPECT_EQ(zero.bucket(1), 1.0);
  EXPECT_EQ(zero.bucket(2), 0.0);

  const std::vector<double> values{-1.0, 0.5, 0.5, 2.0, 1e30};
  const auto h = tfevents::histogram(values, "t");
  EXPECT_EQ(h.min(), -1.0);
  EXPECT_EQ(h.max(), 1e30);
  EXPECT_EQ(h.num(), 5.0);
  EXPECT_DOUBLE_EQ(h.sum(), 2.0 + 1e30);
  EXPECT_DOUBLE_EQ(h.sum_squares(), 1.0 + 0.25 + 0.25 + 4.0 + 1e60);
  double total = 0;
  for (int i = 0; i < h.bucket_size(); ++i) {
    total += h.bucket(i);
    if (i) {
      EXPECT_LT(h.bucket_limit(i - 1), h.bucket_limit(i));
    }
  }
  EXPECT_EQ(total, 5.0);
  // Each value lies in [previous limit, limit) of a bucket that counts it.
  for (double v : values) {
    bool found = false;
    for (int i = 1; i < h.bucket_size(); ++i) {
      if (h.bucket_limit(i - 1) <= v && v < h.bucket_limit(i)) found = h.bucket(i) > 0;
    }
    EXPECT_TRUE(found) << v;
  }
  EXPECT_THROW(
      {
        try {
          tfevents::histogram({1.0, std::nan("")}, "dense_1/kernel_0");
        } catch (const std::invalid_argument& e) {
          EXPECT_STREQ(e.what(), "Nan in summary histogram for: dense_1/kernel_0");
          throw;
        }
      },
      std::invalid_argument);
}

TEST(TFEventsImages, WeightsBecomeGrayscalePngsAsKerasShapesThem) {
  // A (4, 2) kernel is transposed to 2 x 4; values >= 0 scale to 255 at the maximum.
  Tensor kernel = Tensor::from_vector<float>({0, 1, 2, 3, 4, 5, 6, 8}, {4, 2});
  auto images = tfevents::weight_images(kernel, "k_0", "channels_last");
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].tag(), "k_0/image/0");
  EXPECT_EQ(images[0].image().height(), 2);
  EXPECT_EQ(images[0].image().width(), 4);
  EXPECT_EQ(images[0].image().colorspace(), 1);
  const std::string& png = images[0].image().encoded_image_string();
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(png.substr(png.size() - 12, 8), std::string("\0\0\0\0IEND", 8));  // empty IEND last

  // A (3, 3, 1, 5) convolution kernel: five 3 x 3 filters, three of them written.
  Tensor conv({3, 3, 1, 5});
  auto filters = tfevents::weight_images(conv, "c_0", "channels_last");
  ASSERT_EQ(filters.size(), 3u);
  EXPECT_EQ(filters[2].tag(), "c_0/image/2");
  EXPECT_EQ(filters[0].image().height(), 3);
  // A bias is a column; a 3D convolution kernel has no image.
  auto bias = tfevents::weight_images(Tensor({6}), "b_0", "channels_last");
  ASSERT_EQ(bias.size(), 1u);
  EXPECT_EQ(bias[0].image().height(), 6);
  EXPECT_EQ(bias[0].image().width(), 1);
  EXPECT_TRUE(tfevents::weight_images(Tensor({2, 2, 2, 2, 2}), "x", "channels_last").empty());
  EXPECT_THROW(tfevents::encode_png({1, 2, 3}, 2, 2), std::invalid_argument);
}

TEST(TensorBoard, EpochScalarsHistogramsImagesAndGraph) {
  const fs::path dir = fresh_dir("epoch");
  auto m = model();
  auto [x, y] = data(40, 1);
  auto [xv, yv] = data(20, 2);
  auto tb = std::make_shared<TensorBoard>(TensorBoardOptions{.log_dir = dir.string(),
                                                             .histogram_freq = 2,
                                                             .batch_size = 8,
                                                             .write_grads = true,
                                                             .write_images = true});
  History history = m->fit(x, y,
                           {.batch_size = 10,
                            .epochs = 3,
                            .verbose = 0,
                            .callbacks = {tb},
                            .validation_data = std::pair<Arrays, Arrays>{xv, yv}});
  auto files = event_files(dir);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].string(), tb->event_file());
  auto events = read_events(files[0]);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_GT(events[0].wall_time(), 1.5e9);

  // The graph: one node per layer, each fed by the one before.
  ASSERT_TRUE(events[1].has_graph_def() || !events[1].graph_def().empty());
  tensorflow::GraphDef graph;
  ASSERT_TRUE(graph.ParseFromString(events[1].graph_def()));
  ASSERT_EQ(graph.node_size(), 3);
  EXPECT_EQ(graph.node(1).name(), "hidden");
  EXPECT_EQ(graph.node(1).op(), "Dense");
  ASSERT_EQ(graph.node(1).input_size(), 1);
  EXPECT_EQ(graph.node(1).input(0), graph.node(0).name());
  EXPECT_EQ(graph.node(2).name(), "out");
  EXPECT_EQ(graph.node(2).input(0), "hidden");
  const auto& shape = graph.node(1).attr().at("_output_shapes").list().shape(0);
  ASSERT_EQ(shape.dim_size(), 2);
  EXPECT_EQ(shape.dim(0).size(), -1);
  EXPECT_EQ(shape.dim(1).size(), 3);
  EXPECT_EQ(graph.node(2).attr().at("dtype").type(), tensorflow::DT_FLOAT);

  // Scalars: every epoch log at step epoch, as the epoch's logs had them.
  auto s = scalars(events);
  for (const std::string tag : {"loss", "acc", "val_loss", "val_acc"})
    for (int epoch = 0; epoch < 3; ++epoch) {
      const auto& written = s[std::make_pair(tag, std::int64_t{epoch})];
      ASSERT_EQ(written.size(), 1u) << tag << " " << epoch;
      EXPECT_EQ(written[0], static_cast<float>(history.history[tag][epoch]));
    }
  EXPECT_EQ(s.size(), 12u);  // no "batch" or "size"

  // Histograms at epochs 0 and 2: one summary per validation batch (20 samples by 8: 3).
  std::map<std::int64_t, int> summaries_at;
  std::map<std::string, int> tags;
  tensorflow::HistogramProto last_kernel;
  for (const auto& e : events) {
    if (!e.has_summary() || e.summary().value(0).has_simple_value()) continue;
    ++summaries_at[e.step()];
    for (const auto& v : e.summary().value()) {
      ++tags[v.tag()];
      if (v.tag() == "hidden/kernel_0") last_kernel = v.histo();
    }
  }
  EXPECT_EQ(summaries_at, (std::map<std::int64_t, int>{{0, 3}, {2, 3}}));
  for (const std::string tag :
       {"hidden/kernel_0", "hidden/bias_0", "hidden/kernel_0_grad", "hidden/bias_0_grad",
        "hidden_out", "out/kernel_0", "out/bias_0", "out_out", "hidden/kernel_0/image/0",
        "hidden/bias_0/image/0", "out/kernel_0/image/0"})
    EXPECT_EQ(tags[tag], 6) << tag;
  // The last histogram of the kernel is of the trained weights.
  std::vector<double> kernel = m->layers()[0]->get_weights()[0].to_vector<double>();
  EXPECT_EQ(last_kernel.num(), 12.0);
  EXPECT_EQ(last_kernel.min(), *std::min_element(kernel.begin(), kernel.end()));
  EXPECT_EQ(last_kernel.max(), *std::max_element(kernel.begin(), kernel.end()));
}

TEST(TensorBoard, BatchAndSampleCountUpdateFreqUseSamplesSeenAsSteps) {
  auto [x, y] = data(20, 1);
  {
    const fs::path dir = fresh_dir("batch");
    auto m = model();
    auto tb = std::make_shared<TensorBoard>(
        TensorBoardOptions{.log_dir = dir.string(), .write_graph = false, .update_freq = "batch"});
    m->fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0, .callbacks = {tb}});
    auto events = read_events(event_files(dir).at(0));
    EXPECT_EQ(events.size(), 1u + 6u * 2u + 2u * 2u);  // version, 6 batches x 2, 2 epochs x 2
    auto s = scalars(events);
    // Batches of 8, 8, 4 samples: steps 8, 16, 20, then 28, 36, 40; the epoch logs at 20 and 40.
    for (std::int64_t step : {8, 16, 28, 36})
      EXPECT_EQ(s[std::make_pair(std::string("loss"), step)].size(), 1u) << step;
    EXPECT_EQ(s[std::make_pair(std::string("loss"), std::int64_t{20})].size(), 2u);
    EXPECT_EQ(s[std::make_pair(std::string("acc"), std::int64_t{40})].size(), 2u);
    EXPECT_EQ(tb->samples_seen(), 40);
  }
  {
    const fs::path dir = fresh_dir("samples");
    auto m = model();
    auto tb = std::make_shared<TensorBoard>(TensorBoardOptions{
        .log_dir = dir.string(), .write_graph = false, .update_freq = std::int64_t{10}});
    m->fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0, .callbacks = {tb}});
    auto s = scalars(read_events(event_files(dir).at(0)));
    // At least 10 samples since the last write: at 16, 28 and 40; the epochs at 20 and 40.
    std::vector<std::int64_t> steps;
    for (const auto& [key, values] : s)
      if (key.first == "loss")
        for (std::size_t i = 0; i < values.size(); ++i) steps.push_back(key.second);
    EXPECT_EQ(steps, (std::vector<std::int64_t>{16, 20, 28, 40, 40}));
  }
}

TEST(TensorBoard, EachFitWritesANewFile) {
  const fs::path dir = fresh_dir("refit");
  auto m = model();
  auto [x, y] = data(12, 1);
  auto tb = std::make_shared<TensorBoard>(TensorBoardOptions{.log_dir = dir.string()});
  m->fit(x, y, {.epochs = 1, .verbose = 0, .callbacks = {tb}});
  m->fit(x, y, {.epochs = 2, .verbose = 0, .callbacks = {tb}});
  auto files = event_files(dir);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(scalars(read_events(files[0])).size(), 2u);  // loss, acc at step 0
  EXPECT_EQ(scalars(read_events(files[1])).size(), 4u);  // at steps 0 and 1
}

TEST(TensorBoard, FunctionalGraphHasEdgesFromEveryCall) {
  utils::set_random_seed(1);
  auto a = Input({.shape = Shape{4}, .name = "a"});
  auto b = Input({.shape = Shape{4}, .name = "b"});
  auto shared = std::make_shared<Dense>(2, DenseOptions{.name = "shared"});
  auto joined = Concatenate(ConcatenateOptions{.name = "joined"})({(*shared)(a), (*shared)(b)});
  auto out = Dense(1, {.name = "score"})(joined);
  Model m({a, b}, out);
  tensorflow::GraphDef graph = tfevents::model_graph(m);
  std::map<std::string, std::vector<std::string>> inputs;
  std::map<std::string, std::string> ops;
  for (const auto& node : graph.node()) {
    ops[node.name()] = node.op();
    inputs[node.name()] = {node.input().begin(), node.input().end()};
  }
  EXPECT_EQ(ops, (std::map<std::string, std::string>{{"a", "InputLayer"},
                                                     {"b", "InputLayer"},
                                                     {"shared", "Dense"},
                                                     {"shared_1", "Dense"},
                                                     {"joined", "Concatenate"},
                                                     {"score", "Dense"}}));
  EXPECT_EQ(inputs["shared"], std::vector<std::string>{"a"});
  EXPECT_EQ(inputs["shared_1"], std::vector<std::string>{"b"});
  EXPECT_EQ(inputs["joined"], (std::vector<std::string>{"shared", "shared_1"}));
  EXPECT_EQ(inputs["score"], std::vector<std::string>{"joined"});
}

TEST(TensorBoard, EmbeddingsGoToTheProjectorAsTsvFiles) {
  const fs::path dir = fresh_dir("embeddings");
  utils::set_random_seed(5);
  Sequential m;
  m.add(Embedding(5, 3, {.input_length = 2, .name = "words"}));
  m.add(Flatten());
  m.add(Dense(1, {.activation = "sigmoid"}));
  m.compile("sgd", "binary_crossentropy");
  Tensor x = Tensor::from_vector<float>({0, 1, 2, 3, 4, 0, 1, 1, 2, 2}, {5, 2});
  Tensor y = Tensor::from_vector<float>({0, 1, 0, 1, 1}, {5, 1});
  auto tb = std::make_shared<TensorBoard>(TensorBoardOptions{.log_dir = dir.string(),
                                                             .batch_size = 2,
                                                             .embeddings_freq = 1,
                                                             .embeddings_metadata = "words.tsv",
                                                             .embeddings_data = {x}});
  m.fit(x, y, {.epochs = 2, .verbose = 0, .callbacks = {tb}});
  std::ifstream config_file(dir / "projector_config.pbtxt");
  std::string config((std::istreambuf_iterator<char>(config_file)),
                     std::istreambuf_iterator<char>());
  EXPECT_EQ(config,
            "embeddings {\n  tensor_name: \"words_embedding\"\n  metadata_path: \"words.tsv\"\n"
            "  tensor_path: \"keras_embedding_words.tsv\"\n}\n");
  // One row per sample: its two word vectors side by side, from the trained table.
  const std::vector<float> table = m.layers()[0]->get_weights()[0].to_vector<float>();
  std::ifstream tsv(dir / "keras_embedding_words.tsv");
  const std::vector<float> ids = x.to_vector<float>();
  std::string line;
  int rows = 0;
  while (std::getline(tsv, line)) {
    std::istringstream fields(line);
    std::vector<float> row;
    for (float v; fields >> v;) row.push_back(v);
    ASSERT_EQ(row.size(), 6u) << line;
    for (int w = 0; w < 2; ++w)
      for (int k = 0; k < 3; ++k)
        EXPECT_EQ(row[static_cast<std::size_t>(w * 3 + k)],
                  table[static_cast<std::size_t>(ids[static_cast<std::size_t>(rows * 2 + w)]) * 3 +
                        static_cast<std::size_t>(k)]);
    ++rows;
  }
  EXPECT_EQ(rows, 5);

  // Without an Embedding layer or a matching name there is nothing to show.
  auto dense = model();
  auto none = std::make_shared<TensorBoard>(TensorBoardOptions{
      .log_dir = dir.string(), .embeddings_freq = 1, .embeddings_data = {Tensor({2, 4})}});
  EXPECT_THROW(none->set_model(dense.get()), std::invalid_argument);
}

TEST(TensorBoard, BadArgumentsAndMissingDataAreClearErrors) {
  auto message = [](TensorBoardOptions options) {
    try {
      TensorBoard tb(std::move(options));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({.update_freq = "sometimes"}).find("'batch', 'epoch' or a number"),
            std::string::npos);
  EXPECT_NE(message({.batch_size = 0}).find("`batch_size` must be positive"), std::string::npos);

  // Histograms need validation data, embeddings their data, as in Keras.
  auto m = model();
  auto [x, y] = data(8, 1);
  auto fit_message = [&](TensorBoardOptions options) {
    options.log_dir = fresh_dir("errors").string();
    try {
      m->fit(x, y,
             {.epochs = 1, .verbose = 0, .callbacks = {std::make_shared<TensorBoard>(options)}});
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(fit_message({.histogram_freq = 1}),
            "If printing histograms, validation_data must be provided, and cannot be a "
            "generator.");
  EXPECT_EQ(fit_message({.embeddings_freq = 1}),
            "To visualize embeddings, embeddings_data must be provided.");
}
