// Keras 2.2.4's TensorBoard callback: event files in TensorFlow's format for TensorBoard.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/callbacks.h"

namespace keras::callbacks {

// Keras's update_freq: "epoch", "batch" (every batch) or a number of samples.
struct UpdateFreq {
  UpdateFreq(const char* mode) : mode(mode) {}             // NOLINT: implicit, as Keras
  UpdateFreq(std::string mode) : mode(std::move(mode)) {}  // NOLINT
  UpdateFreq(std::int64_t samples) : samples(samples) {}   // NOLINT
  UpdateFreq(int samples) : samples(samples) {}            // NOLINT
  std::string mode;                     // "epoch" or "batch"; empty when `samples` is set
  std::optional<std::int64_t> samples;  // write the batch logs every this many samples
};

// Keras's embeddings_metadata: one file for every layer, or a file per layer name.
struct EmbeddingsMetadata {
  EmbeddingsMetadata() = default;
  EmbeddingsMetadata(const char* file) : file(file) {}             // NOLINT: implicit, as Keras
  EmbeddingsMetadata(std::string file) : file(std::move(file)) {}  // NOLINT
  EmbeddingsMetadata(std::map<std::string, std::string> by_layer)  // NOLINT
      : by_layer(std::move(by_layer)) {}
  std::string file;
  std::map<std::string, std::string> by_layer;
};

struct TensorBoardOptions {
  std::string log_dir = "./logs";
  // Epochs between weight (and layer output) histograms; 0: none. Needs validation data.
  int histogram_freq = 0;
  // Validation samples per run of the histogram summaries.
  std::int64_t batch_size = 32;
  // The model's graph: one node per layer call, edges from its inputs.
  bool write_graph = true;
  // Histograms of the gradients of the loss with respect to the trainable weights.
  bool write_grads = false;
  // The weights as grayscale images (with the histograms).
  bool write_images = false;
  // Epochs between saves of the outputs of the embedding layers on embeddings_data for
  // TensorBoard's projector; 0: none.
  int embeddings_freq = 0;
  // The layers whose outputs are saved; none given: every Embedding layer.
  std::optional<std::vector<std::string>> embeddings_layer_names{};
  // The projector's metadata file (a TSV of labels) for every layer, or one per layer name.
  EmbeddingsMetadata embeddings_metadata{};
  std::vector<Tensor> embeddings_data{};  // one array per model input
  UpdateFreq update_freq = "epoch";
};

// Writes TensorBoard's event files (events.out.tfevents.<time>.<hostname>) in `log_dir`, one
// per fit (a new file each time the model is set): the epoch logs as scalars at step epoch (or
// at the number of samples seen when update_freq is "batch" or a number, with the batch logs
// every update_freq samples), every histogram_freq epochs one summary per validation batch of
// weight histograms (tags "<weight name>_0"), layer output histograms ("<layer>_out"), gradient
// histograms ("<weight>_0_grad") and weight images ("<weight>_0/image/0"), and the graph.
// Embeddings: where Keras saves a TensorFlow checkpoint (keras_embedding.ckpt), this writes each
// layer's outputs as keras_embedding_<layer>.tsv beside projector_config.pbtxt (whose entries
// name the file in `tensor_path`), which TensorBoard's projector reads the same way.
class TensorBoard : public Callback {
 public:
  explicit TensorBoard(TensorBoardOptions options = {});
  ~TensorBoard() override;
  TensorBoard(const TensorBoard&) = delete;
  TensorBoard& operator=(const TensorBoard&) = delete;

  void set_model(Model* model) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_batch_end(int batch, Logs& logs) override;
  void on_train_end(Logs& logs) override;

  const TensorBoardOptions& options() const { return options_; }
  // The event file being written ("" before set_model).
  std::string event_file() const;
  // Samples seen by on_batch_end (counted when update_freq is not "epoch").
  std::int64_t samples_seen() const { return samples_seen_; }
  // Samples between two writes of the batch logs (1 for "batch"); none for "epoch".
  const std::optional<std::int64_t>& update_samples() const { return update_samples_; }

 private:
  struct Impl;
  void write_logs(const Logs& logs, std::int64_t step);
  void write_histograms(int epoch);
  void prepare_embeddings(Model& model);
  void write_embeddings();

  TensorBoardOptions options_;
  std::optional<std::int64_t> update_samples_{};
  std::int64_t samples_seen_ = 0, samples_seen_at_last_write_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keras::callbacks
