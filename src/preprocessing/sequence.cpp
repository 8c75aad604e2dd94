#include "keras/preprocessing/sequence.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <stdexcept>

namespace keras::preprocessing::sequence {

namespace {

void check_side(const std::string& value, const char* argument) {
  if (value != "pre" && value != "post")
    throw std::invalid_argument(std::string(argument) + " type \"" + value +
                                "\" not understood (expected \"pre\" or \"post\")");
}

Shape sample_shape_of(const Tensor& t) {
  return Shape(t.shape().begin() + 1, t.shape().end());
}

}  // namespace

Tensor pad_sequences(const std::vector<Tensor>& sequences, const PadOptions& options) {
  check_side(options.padding, "Padding");
  check_side(options.truncating, "Truncating");
  std::int64_t maxlen = options.maxlen;
  for (std::size_t i = 0; i < sequences.size(); ++i)
    if (!sequences[i].defined() || sequences[i].shape().empty())
      throw std::invalid_argument("pad_sequences: sequence " + std::to_string(i) +
                                  " is not a sequence (it needs a time axis)");
  if (maxlen < 0) {
    maxlen = 0;
    for (const auto& s : sequences) maxlen = std::max(maxlen, s.dim(0));
  }
  Shape sample;  // from the first non-empty sequence, as Keras
  for (const auto& s : sequences)
    if (s.dim(0) > 0) {
      sample = sample_shape_of(s);
      break;
    }
  Shape shape{static_cast<std::int64_t>(sequences.size()), maxlen};
  shape.insert(shape.end(), sample.begin(), sample.end());
  Tensor x = Tensor::full(shape, options.value, options.dtype);
  const std::int64_t step = shape_numel(sample);
  const std::size_t step_bytes = static_cast<std::size_t>(step) * dtype_size(options.dtype);
  auto* out = static_cast<char*>(x.raw_data());
  for (std::size_t i = 0; i < sequences.size(); ++i) {
    const Tensor& s = sequences[i];
    const std::int64_t n = s.dim(0);
    if (n == 0) continue;
    if (sample_shape_of(s) != sample)
      throw std::invalid_argument("Shape of sample " + shape_to_string(sample_shape_of(s)) +
                                  " of sequence at position " + std::to_string(i) +
                                  " is different from expected shape " + shape_to_string(sample));
    const std::int64_t kept = std::min(n, maxlen);
    const std::int64_t first = options.truncating == "pre" ? n - kept : 0;
    const std::int64_t at = options.padding == "pre" ? maxlen - kept : 0;
    Tensor converted = s.astype(options.dtype);
    const auto* src = static_cast<const char*>(converted.raw_data());
    std::memcpy(out + (static_cast<std::size_t>(i) * maxlen + at) * step_bytes,
                src + static_cast<std::size_t>(first) * step_bytes,
                static_cast<std::size_t>(kept) * step_bytes);
  }
  return x;
}

Tensor pad_sequences(const std::vector<std::vector<std::int64_t>>& sequences,
                     const PadOptions& options) {
  std::vector<Tensor> tensors;
  tensors.reserve(sequences.size());
  for (const auto& s : sequences)
    tensors.push_back(Tensor::from_vector(s, {static_cast<std::int64_t>(s.size())}));
  return pad_sequences(tensors, options);
}

Tensor make_sampling_table(std::int64_t size, double sampling_factor) {
  if (size < 0)
    throw std::invalid_argument("make_sampling_table: size must be >= 0; got " +
                                std::to_string(size));
  constexpr double kGamma = 0.577;  // Keras's rounding of the Euler-Mascheroni constant
  Tensor table({size}, DType::float64);
  double* p = table.data<double>();
  for (std::int64_t i = 0; i < size; ++i) {
    const double rank = i == 0 ? 1.0 : static_cast<double>(i);
    const double inv_fq = rank * (std::log(rank) + kGamma) + 0.5 - 1.0 / (12.0 * rank);
    const double f = sampling_factor * inv_fq;
    p[i] = std::min(1.0, f / std::sqrt(f));
  }
  return table;
}

Skipgrams skipgrams(const std::vector<std::int64_t>& sequence, std::int64_t vocabulary_size,
                    const SkipgramOptions& options) {
  if (vocabulary_size < 2)
    throw std::invalid_argument("skipgrams: vocabulary_size must be at least 2; got " +
                                std::to_string(vocabulary_size));
  if (options.window_size < 0 || options.negative_samples < 0)
    throw std::invalid_argument("skipgrams: window_size and negative_samples must be >= 0");
  std::mt19937_64 rng(options.seed ? *options.seed : std::random_device{}());
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const std::vector<std::int64_t> positive =
      options.categorical ? std::vector<std::int64_t>{0, 1} : std::vector<std::int64_t>{1};
  const std::vector<std::int64_t> negative =
      options.categorical ? std::vector<std::int64_t>{1, 0} : std::vector<std::int64_t>{0};

  Skipgrams out;
  const auto n = static_cast<std::int64_t>(sequence.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t wi = sequence[static_cast<std::size_t>(i)];
    if (wi == 0) continue;
    if (options.sampling_table) {
      if (wi < 0 || wi >= static_cast<std::int64_t>(options.sampling_table->size()))
        throw std::invalid_argument("skipgrams: word index " + std::to_string(wi) +
                                    " is outside the sampling table (size " +
                                    std::to_string(options.sampling_table->size()) + ")");
      if ((*options.sampling_table)[static_cast<std::size_t>(wi)] < uniform(rng)) continue;
    }
    const std::int64_t begin = std::max<std::int64_t>(0, i - options.window_size);
    const std::int64_t end = std::min(n, i + options.window_size + 1);
    for (std::int64_t j = begin; j < end; ++j) {
      const std::int64_t wj = sequence[static_cast<std::size_t>(j)];
      if (j == i || wj == 0) continue;
      out.couples.push_back({wi, wj});
      out.labels.push_back(positive);
    }
  }
  if (options.negative_samples > 0 && !out.couples.empty()) {
    const auto count =
        static_cast<std::size_t>(static_cast<double>(out.labels.size()) * options.negative_samples);
    std::vector<std::int64_t> words;
    for (const auto& couple : out.couples) words.push_back(couple[0]);
    std::shuffle(words.begin(), words.end(), rng);
    std::uniform_int_distribution<std::int64_t> random_word(1, vocabulary_size - 1);
    for (std::size_t k = 0; k < count; ++k) {
      out.couples.push_back({words[k % words.size()], random_word(rng)});
      out.labels.push_back(negative);
    }
  }
  if (options.shuffle) {  // one permutation for couples and labels
    std::vector<std::size_t> order(out.couples.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    Skipgrams shuffled;
    for (std::size_t k : order) {
      shuffled.couples.push_back(out.couples[k]);
      shuffled.labels.push_back(out.labels[k]);
    }
    out = std::move(shuffled);
  }
  return out;
}

TimeseriesGenerator::TimeseriesGenerator(Tensor data, Tensor targets, std::int64_t length,
                                         TimeseriesOptions options)
    : data_(std::move(data)), targets_(std::move(targets)), length_(length), options_(options) {
  if (!data_.defined() || !targets_.defined() || data_.shape().empty() || targets_.shape().empty())
    throw std::invalid_argument("TimeseriesGenerator: data and targets need a time axis");
  if (data_.dim(0) != targets_.dim(0))
    throw std::invalid_argument("Data and targets have to be of same length. Data length is " +
                                std::to_string(data_.dim(0)) + " while target length is " +
                                std::to_string(targets_.dim(0)));
  if (length_ <= 0 || options_.sampling_rate <= 0 || options_.stride <= 0 ||
      options_.batch_size <= 0)
    throw std::invalid_argument(
        "TimeseriesGenerator: length, sampling_rate, stride and batch_size must be positive");
  if (options_.start_index < 0)
    throw std::invalid_argument("TimeseriesGenerator: start_index must be >= 0");
  start_index_ = options_.start_index + length_;
  end_index_ = options_.end_index < 0 ? data_.dim(0) - 1 : options_.end_index;
  if (end_index_ >= data_.dim(0))
    throw std::invalid_argument("TimeseriesGenerator: end_index=" + std::to_string(end_index_) +
                                " is past the data's last time step " +
                                std::to_string(data_.dim(0) - 1));
  if (start_index_ > end_index_)
    throw std::invalid_argument("`start_index+length=" + std::to_string(start_index_) +
                                " > end_index=" + std::to_string(end_index_) +
                                "` is disallowed, as no part of the sequence would be left to "
                                "be used as current step.");
}

std::int64_t TimeseriesGenerator::size() const {
  const std::int64_t span = options_.batch_size * options_.stride;
  return (end_index_ - start_index_ + span) / span;
}

std::vector<std::int64_t> TimeseriesGenerator::rows(std::int64_t index) {
  if (index < 0 || index >= size())
    throw std::out_of_range("TimeseriesGenerator: batch index " + std::to_string(index) +
                            " is out of range [0, " + std::to_string(size()) + ")");
  std::vector<std::int64_t> out;
  if (options_.shuffle) {
    std::mt19937_64 rng(options_.seed + draws_++);
    std::uniform_int_distribution<std::int64_t> row(start_index_, end_index_);
    for (std::int64_t k = 0; k < options_.batch_size; ++k) out.push_back(row(rng));
    return out;
  }
  const std::int64_t first = start_index_ + options_.batch_size * options_.stride * index;
  const std::int64_t stop = std::min(first + options_.batch_size * options_.stride, end_index_ + 1);
  for (std::int64_t r = first; r < stop; r += options_.stride) out.push_back(r);
  return out;
}

std::pair<Tensor, Tensor> TimeseriesGenerator::batch_for_rows(
    const std::vector<std::int64_t>& rows) const {
  const std::int64_t steps = (length_ + options_.sampling_rate - 1) / options_.sampling_rate;
  Shape x_shape{static_cast<std::int64_t>(rows.size()), steps};
  x_shape.insert(x_shape.end(), data_.shape().begin() + 1, data_.shape().end());
  Shape y_shape{static_cast<std::int64_t>(rows.size())};
  y_shape.insert(y_shape.end(), targets_.shape().begin() + 1, targets_.shape().end());
  Tensor x(x_shape, data_.dtype());
  Tensor y(y_shape, targets_.dtype());
  const std::size_t x_step = data_.nbytes() / static_cast<std::size_t>(data_.dim(0));
  const std::size_t y_step = targets_.nbytes() / static_cast<std::size_t>(targets_.dim(0));
  const auto* data = static_cast<const char*>(data_.raw_data());
  const auto* targets = static_cast<const char*>(targets_.raw_data());
  auto* xo = static_cast<char*>(x.raw_data());
  auto* yo = static_cast<char*>(y.raw_data());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::int64_t row = rows[k];
    if (row - length_ < 0 || row >= data_.dim(0))
      throw std::out_of_range("TimeseriesGenerator: row " + std::to_string(row) +
                              " has no full window in the data");
    for (std::int64_t s = 0; s < steps; ++s) {
      const std::int64_t t = options_.reverse
                                 ? row - length_ + (steps - 1 - s) * options_.sampling_rate
                                 : row - length_ + s * options_.sampling_rate;
      std::memcpy(xo + (k * static_cast<std::size_t>(steps) + static_cast<std::size_t>(s)) * x_step,
                  data + static_cast<std::size_t>(t) * x_step, x_step);
    }
    std::memcpy(yo + k * y_step, targets + static_cast<std::size_t>(row) * y_step, y_step);
  }
  return {x, y};
}

}  // namespace keras::preprocessing::sequence
