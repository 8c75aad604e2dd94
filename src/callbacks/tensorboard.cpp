// TensorBoard: Keras 2.2.4's keras/callbacks.py::TensorBoard, writing TensorFlow's event files.
#include "keras/callbacks/tensorboard.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "callbacks/tfevents.h"
#include "compiler/device_values.h"
#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "keras/engine/training.h"

namespace keras::callbacks {

namespace {

// A string in protobuf's text format.
std::string text_format_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Rows [begin, end) of every array, cast to the dtypes of `feeds`.
std::vector<Tensor> batch_of(const std::vector<Tensor>& arrays,
                             const std::vector<SymbolicTensor>& feeds, std::int64_t begin,
                             std::int64_t end) {
  std::vector<Tensor> batch;
  for (std::size_t k = 0; k < feeds.size(); ++k) {
    Tensor part = arrays[k].slice(begin, end);
    batch.push_back(part.dtype() == feeds[k].dtype() ? part : part.astype(feeds[k].dtype()));
  }
  return batch;
}

tensorflow::Summary::Value histogram_value(const std::string& tag, const Tensor& values) {
  tensorflow::Summary::Value value;
  value.set_tag(tag);
  *value.mutable_histo() = detail::histogram(values.to_vector<double>(), tag);
  return value;
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("TensorBoard: cannot write '" + path.string() + "'");
}

}  // namespace

// What the histogram summaries read, built once per model (Keras's merged summary).
struct TensorBoard::Impl {
  std::unique_ptr<detail::EventFileWriter> writer;
  const Model* summarized = nullptr;  // the model the entries below were made for
  // One entry per summary in Keras's order: a weight (histogram, then gradient, then images),
  // then each layer's outputs. `output` indexes the function's outputs (-1: a weight's value).
  struct Entry {
    std::string tag;
    SymbolicTensor weight;  // defined for a weight's histogram and images
    int output = -1;
    bool images = false;
  };
  std::vector<Entry> entries;
  std::optional<backend::Function> function;  // layer outputs and gradients on a batch
  std::vector<SymbolicTensor> feeds;          // the function's inputs
  // The embedding layers saved for the projector, and their outputs on a batch.
  std::vector<std::string> embedding_layers;
  std::optional<backend::Function> embeddings;
};

TensorBoard::TensorBoard(TensorBoardOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  if (options_.batch_size <= 0)
    throw std::invalid_argument("TensorBoard: `batch_size` must be positive, got " +
                                std::to_string(options_.batch_size));
  if (options_.update_freq.samples) {
    update_samples_ = options_.update_freq.samples;
  } else {
    const std::string& text = options_.update_freq.mode;
    if (text == "batch")
      update_samples_ = 1;  // as often as possible
    else if (text != "epoch")
      throw std::invalid_argument(
          "TensorBoard: `update_freq` must be 'batch', 'epoch' or a number of samples, got '" +
          text + "'");
  }
}

TensorBoard::~TensorBoard() = default;

std::string TensorBoard::event_file() const {
  return impl_->writer ? impl_->writer->path() : std::string();
}

void TensorBoard::set_model(Model* model) {
  Callback::set_model(model);
  impl_->summarized = nullptr;  // built again on the first histograms (the model may be recompiled)
  if (!model) return;
  // Keras opens a new tf.summary.FileWriter each time: one event file per fit.
  impl_->writer = std::make_unique<detail::EventFileWriter>(options_.log_dir);
  if (options_.write_graph) {
    tensorflow::Event event;
    event.set_graph_def(detail::model_graph(*model).SerializeAsString());
    impl_->writer->write(std::move(event));
    impl_->writer->flush();
  }
  impl_->embeddings.reset();
  if (options_.embeddings_freq && !options_.embeddings_data.empty()) prepare_embeddings(*model);
}

void TensorBoard::prepare_embeddings(Model& model) {
  const auto& data = options_.embeddings_data;
  if (data.size() != model.inputs().size())
    throw std::invalid_argument("TensorBoard: `embeddings_data` has " +
                                std::to_string(data.size()) + " arrays, the model has " +
                                std::to_string(model.inputs().size()) + " inputs");
  for (const auto& array : data)
    if (array.ndim() == 0 || array.shape()[0] != data.front().shape()[0])
      throw std::invalid_argument(
          "TensorBoard: the arrays of `embeddings_data` must have the same number of samples");
  impl_->embedding_layers.clear();
  std::vector<SymbolicTensor> outputs;
  for (const auto& layer : model.layers()) {
    const auto& names = options_.embeddings_layer_names;
    const bool wanted = names && !names->empty()
                            ? std::find(names->begin(), names->end(), layer->name()) != names->end()
                            : layer->class_name() == "Embedding";
    if (!wanted) continue;
    const SymbolicTensor output = layer->output();
    for (std::size_t d = 1; d < output.shape().size(); ++d)
      if (output.shape()[d] < 0)
        throw std::invalid_argument("TensorBoard: the output of layer " + layer->name() +
                                    " has an unknown size; the projector needs a fixed one");
    impl_->embedding_layers.push_back(layer->name());
    outputs.push_back(output);
  }
  if (outputs.empty())
    throw std::invalid_argument(
        "TensorBoard: no layer to visualize as embeddings: the model has no Embedding layer and "
        "`embeddings_layer_names` names none of its layers");
  impl_->embeddings.emplace(
      graph_tensors(model.inputs()), outputs, std::vector<backend::Update>{},
      backend::Givens{{backend::learning_phase(), backend::constant(0.0, DType::int32)}});

  // TensorFlow's projector.visualize_embeddings: the config beside the event files.
  std::string config;
  for (const auto& name : impl_->embedding_layers) {
    std::string metadata = options_.embeddings_metadata.file;
    const auto& by_layer = options_.embeddings_metadata.by_layer;
    if (auto found = by_layer.find(name); found != by_layer.end()) metadata = found->second;
    config += "embeddings {\n  tensor_name: " + text_format_string(name + "_embedding") + "\n";
    if (!metadata.empty()) config += "  metadata_path: " + text_format_string(metadata) + "\n";
    config += "  tensor_path: " + text_format_string("keras_embedding_" + name + ".tsv") + "\n}\n";
  }
  write_text_file(std::filesystem::path(options_.log_dir) / "projector_config.pbtxt", config);
}

void TensorBoard::write_embeddings() {
  const auto& data = options_.embeddings_data;
  const std::int64_t n = data.front().shape()[0];
  const std::size_t layers = impl_->embedding_layers.size();
  std::vector<std::string> tables(layers);
  for (std::int64_t start = 0; start < n; start += options_.batch_size) {
    const std::int64_t end = std::min(n, start + options_.batch_size);
    const auto outputs =
        (*impl_->embeddings)(batch_of(data, graph_tensors(model_->inputs()), start, end));
    for (std::size_t k = 0; k < layers; ++k) {
      // One row per sample: the layer's output flattened, as Keras reshapes it.
      const std::vector<float> values = outputs[k].to_vector<float>();
      const std::size_t width = values.size() / static_cast<std::size_t>(end - start);
      char number[32];
      for (std::size_t i = 0; i < values.size(); ++i) {
        std::snprintf(number, sizeof number, "%.9g", static_cast<double>(values[i]));
        tables[k] += number;
        tables[k] += (i + 1) % width ? '\t' : '\n';
      }
    }
  }
  for (std::size_t k = 0; k < layers; ++k)
    write_text_file(std::filesystem::path(options_.log_dir) /
                        ("keras_embedding_" + impl_->embedding_layers[k] + ".tsv"),
                    tables[k]);
}

void TensorBoard::write_logs(const Logs& logs, std::int64_t step) {
  if (!impl_->writer)
    throw std::logic_error("TensorBoard: set_model must run before the logs are written");
  for (const auto& [name, value] : logs) {
    if (name == "batch" || name == "size") continue;
    tensorflow::Event event;
    event.set_step(step);
    auto* summary_value = event.mutable_summary()->add_value();
    summary_value->set_tag(name);
    summary_value->set_simple_value(static_cast<float>(value));
    impl_->writer->write(std::move(event));
  }
  impl_->writer->flush();
}

void TensorBoard::on_batch_end(int, Logs& logs) {
  if (!update_samples_) return;
  auto size = logs.find("size");
  samples_seen_ += size != logs.end() ? static_cast<std::int64_t>(size->second) : 0;
  if (samples_seen_ - samples_seen_at_last_write_ >= *update_samples_) {
    write_logs(logs, samples_seen_);
    samples_seen_at_last_write_ = samples_seen_;
  }
}

void TensorBoard::on_epoch_end(int epoch, Logs& logs) {
  if (options_.histogram_freq && validation_data.empty())
    throw std::invalid_argument(
        "If printing histograms, validation_data must be provided, and cannot be a generator.");
  if (options_.embeddings_freq && options_.embeddings_data.empty())
    throw std::invalid_argument("To visualize embeddings, embeddings_data must be provided.");
  if (options_.histogram_freq && epoch % options_.histogram_freq == 0) write_histograms(epoch);
  if (options_.embeddings_freq && epoch % options_.embeddings_freq == 0) {
    if (!impl_->embeddings)
      throw std::logic_error("TensorBoard: set_model must run before the embeddings are saved");
    write_embeddings();
  }
  write_logs(logs, update_samples_ ? samples_seen_ : epoch);
}

void TensorBoard::on_train_end(Logs&) {
  if (impl_->writer) impl_->writer->close();
}

void TensorBoard::write_histograms(int epoch) {
  Model& model = *model_;
  Impl& impl = *impl_;
  if (!impl.writer)
    throw std::logic_error("TensorBoard: set_model must run before the histograms are written");
  if (impl.summarized != &model) {
    impl.entries.clear();
    impl.function.reset();
    std::vector<SymbolicTensor> computed;  // the function's outputs
    std::vector<SymbolicTensor> grad_weights;
    std::vector<std::size_t> grad_entries;
    for (const auto& layer : model.layers()) {
      const auto trainable = layer->trainable_weights();
      for (const auto& weight : layer->weights()) {
        // TensorFlow's variable name "dense_1/kernel:0" with ':' made '_'.
        const std::string tag = weight.name() + "_0";
        impl.entries.push_back({tag, weight, -1, false});
        if (options_.write_grads &&
            std::find(trainable.begin(), trainable.end(), weight) != trainable.end()) {
          grad_entries.push_back(impl.entries.size());
          grad_weights.push_back(weight);
          impl.entries.push_back({tag + "_grad", {}, -1, false});
        }
        if (options_.write_images) impl.entries.push_back({tag, weight, -1, true});
      }
      // Keras's hasattr(layer, 'output'): only a layer called exactly once has one.
      if (layer->inbound_nodes().size() != 1) continue;
      const auto outputs = layer->get_outputs_at(0);
      for (std::size_t i = 0; i < outputs.size(); ++i) {
        std::string tag = layer->name() + "_out";
        if (outputs.size() > 1) {
          tag += '_';
          tag += std::to_string(i);
        }
        impl.entries.push_back({tag, {}, static_cast<int>(computed.size()), false});
        computed.push_back(outputs[i]);
      }
    }
    impl.feeds = graph_tensors(model.inputs());
    if (!grad_weights.empty()) {
      const auto grads = backend::gradients(model.total_loss(), grad_weights);
      for (std::size_t k = 0; k < grads.size(); ++k) {
        impl.entries[grad_entries[k]].output = static_cast<int>(computed.size());
        computed.push_back(grads[k]);
      }
      for (const auto& t : model.targets()) impl.feeds.push_back(t);
      for (const auto& w : model.sample_weights()) impl.feeds.push_back(w);
    }
    // The validation data is fed in the test phase, as Keras feeds learning_phase 0.
    if (!computed.empty())
      impl.function.emplace(
          impl.feeds, computed, std::vector<backend::Update>{},
          backend::Givens{{backend::learning_phase(), backend::constant(0.0, DType::int32)}});
    impl.summarized = &model;
  }
  if (validation_data.size() < impl.feeds.size())
    throw std::invalid_argument("TensorBoard: validation_data has " +
                                std::to_string(validation_data.size()) +
                                " arrays, the model needs " + std::to_string(impl.feeds.size()));
  const std::string data_format = backend::image_data_format();
  // One summary per validation batch, all at step `epoch`, as Keras runs its merged summary.
  const std::int64_t val_size = validation_data.front().shape()[0];
  for (std::int64_t start = 0; start < val_size; start += options_.batch_size) {
    const std::int64_t end = std::min(val_size, start + options_.batch_size);
    std::vector<Tensor> computed;
    if (impl.function)
      computed = (*impl.function)(batch_of(validation_data, impl.feeds, start, end));
    tensorflow::Event event;
    event.set_step(epoch);
    auto* summary = event.mutable_summary();
    for (const auto& entry : impl.entries) {
      if (entry.images) {
        for (auto& image : detail::weight_images(backend::detail::read_value(entry.weight),
                                                 entry.tag, data_format))
          *summary->add_value() = std::move(image);
      } else {
        const Tensor& values = entry.output >= 0 ? computed[static_cast<std::size_t>(entry.output)]
                                                 : backend::detail::read_value(entry.weight);
        *summary->add_value() = histogram_value(entry.tag, values);
      }
    }
    impl.writer->write(std::move(event));
  }
}

}  // namespace keras::callbacks
