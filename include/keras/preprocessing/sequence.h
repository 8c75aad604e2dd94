// keras.preprocessing.sequence: pad_sequences, make_sampling_table, skipgrams and
// TimeseriesGenerator, with Keras 2.2.4's behaviour (keras_preprocessing 1.0.5).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::preprocessing::sequence {

struct PadOptions {
  std::int64_t maxlen = -1;  // -1: the longest sequence
  DType dtype = DType::int32;
  std::string padding = "pre";     // "pre" or "post"
  std::string truncating = "pre";  // "pre" or "post"
  double value = 0.0;
};

// Each sequence is a tensor (length, sample...) whose rows are its time steps; all share one
// sample shape (taken from the first non-empty one). Returns (len(sequences), maxlen, sample...)
// of `dtype`, filled with `value` where a sequence is shorter than maxlen.
Tensor pad_sequences(const std::vector<Tensor>& sequences, const PadOptions& options = {});
// The same for sequences of integers (word indices).
Tensor pad_sequences(const std::vector<std::vector<std::int64_t>>& sequences,
                     const PadOptions& options = {});

// word2vec's rank-based sampling probabilities (Zipf's law): entry i for the i-th most common
// word. float64 (size,).
Tensor make_sampling_table(std::int64_t size, double sampling_factor = 1e-5);

struct SkipgramOptions {
  std::int64_t window_size = 4;
  double negative_samples = 1.0;
  bool shuffle = true;
  bool categorical = false;  // labels [1, 0] / [0, 1] instead of 0 / 1
  std::optional<std::vector<double>> sampling_table = {};  // keep word i with probability [i]
  std::optional<std::uint64_t> seed = {};                  // none: a random seed
};

struct Skipgrams {
  std::vector<std::array<std::int64_t, 2>> couples;
  std::vector<std::vector<std::int64_t>> labels;  // one entry (0/1) or two (categorical) each
};

// Pairs (word, word in its window) labelled 1, then (word, random word) pairs labelled 0; index
// 0 is not a word and is skipped.
Skipgrams skipgrams(const std::vector<std::int64_t>& sequence, std::int64_t vocabulary_size,
                    const SkipgramOptions& options = {});

struct TimeseriesOptions {
  std::int64_t sampling_rate = 1;
  std::int64_t stride = 1;
  std::int64_t start_index = 0;
  std::int64_t end_index = -1;  // -1: the last time step
  bool shuffle = false;
  bool reverse = false;
  std::int64_t batch_size = 128;
  std::uint64_t seed = 0;  // the rows drawn when shuffling
};

// Batches of windows over a time series (a Keras Sequence): sample k of batch i is
// data[row - length : row : sampling_rate] with target targets[row].
class TimeseriesGenerator {
 public:
  TimeseriesGenerator(Tensor data, Tensor targets, std::int64_t length,
                      TimeseriesOptions options = {});

  std::int64_t size() const;  // the number of batches (len() in Python)
  // The rows (current time steps) of batch `index`; negative indices count from the end.
  std::vector<std::int64_t> rows(std::int64_t index);
  // (samples (rows, length / sampling_rate, ...), targets (rows, ...)) for the given rows.
  std::pair<Tensor, Tensor> batch_for_rows(const std::vector<std::int64_t>& rows) const;
  std::pair<Tensor, Tensor> get(std::int64_t index) { return batch_for_rows(rows(index)); }

  std::int64_t length() const { return length_; }
  std::int64_t first_row() const { return start_index_; }  // start_index + length
  std::int64_t last_row() const { return end_index_; }
  const TimeseriesOptions& options() const { return options_; }

 private:
  Tensor data_;
  Tensor targets_;
  std::int64_t length_;
  TimeseriesOptions options_;
  std::int64_t start_index_;
  std::int64_t end_index_;
  std::uint64_t draws_ = 0;  // shuffled batches drawn so far
};

}  // namespace keras::preprocessing::sequence
