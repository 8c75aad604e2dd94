// The data that fit, evaluate and predict read (Keras's x / y / sample_weight arguments, its
// generators and its keras.utils.Sequence), as the engine's data adapter takes them
// (src/engine/data_adapter.h turns each into batches).
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <utility>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras {

// Keras's x, y and sample_weight arguments of a model of several inputs or outputs: one array,
// a list in the order of the model's inputs (outputs), or a map by input (output) name:
//   model.fit({headline, additional}, {labels, labels})
//   model.fit(Arrays::named({{"main_input", headline}, {"aux_input", additional}}), ...)
struct Arrays {
  Arrays() = default;
  Arrays(Tensor array) : list{std::move(array)} {}             // NOLINT: implicit
  Arrays(std::vector<Tensor> list) : list(std::move(list)) {}  // NOLINT
  Arrays(std::initializer_list<Tensor> list) : list(list) {}
  Arrays(std::map<std::string, Tensor> by_name)  // NOLINT
      : by_name(std::move(by_name)), is_map(true) {}
  Arrays(std::initializer_list<std::pair<const std::string, Tensor>> by_name)
      : by_name(by_name), is_map(true) {}

  // No arrays (Keras's None): an empty list or map, or one undefined tensor.
  bool empty() const {
    return is_map ? by_name.empty() : list.empty() || (list.size() == 1 && !list[0].defined());
  }
  // The first array (of a list) or the first by name (of a map).
  const Tensor& front() const { return is_map ? by_name.begin()->second : list.front(); }

  std::vector<Tensor> list{};
  std::map<std::string, Tensor> by_name{};
  bool is_map = false;
};

// fit()'s shuffle: true (the samples, every epoch), false, or "batch" (Keras's batch_shuffle:
// whole batches in a random order, the rows of each kept together, the short last batch last).
struct ShuffleMode {
  enum Kind { none, samples, batches };
  ShuffleMode(bool shuffle) : kind(shuffle ? samples : none) {}        // NOLINT: implicit, as Keras
  ShuffleMode(const char* name);                                       // NOLINT: "batch"
  ShuffleMode(const std::string& name) : ShuffleMode(name.c_str()) {}  // NOLINT
  bool operator==(Kind k) const { return kind == k; }
  explicit operator bool() const { return kind != none; }
  Kind kind = samples;
};

// One batch from a generator or a Sequence: Keras's (x, y) or (x, y, sample_weight) tuple, each
// one array or (for a model of several inputs or outputs) a list or map as Arrays.
// predict_generator reads only x. A batch with no x marks the end of the data.
struct Batch {
  Arrays x{};
  Arrays y{};
  Arrays sample_weight{};
};

// Keras's Python generator: called once per batch, from a producer thread (see fit_generator).
using Generator = std::function<Batch()>;

template <typename R>
concept BatchRange =
    std::ranges::input_range<R> && std::convertible_to<std::ranges::range_reference_t<R>, Batch>;

// A generator over a range of batches; it ends when the range does. An lvalue range is
// referenced (it must outlive the generator), an rvalue range is moved in.
template <BatchRange R>
Generator make_generator(R&& range) {
  using View = std::views::all_t<R>;
  struct State {
    View view;
    std::optional<std::ranges::iterator_t<View>> it{};  // begun lazily: input ranges begin once
  };
  auto state = std::make_shared<State>(State{std::views::all(std::forward<R>(range))});
  return [state]() -> Batch {
    if (!state->it) state->it.emplace(std::ranges::begin(state->view));
    auto& it = *state->it;
    if (it == std::ranges::end(state->view)) return {};
    Batch batch = *it;
    ++it;
    return batch;
  };
}

// Keras's keras.utils.Sequence: a dataset of batches read by index, so that an epoch is every
// batch once (in order, or shuffled per epoch), and on_epoch_end runs after each epoch.
class Sequence {
 public:
  virtual ~Sequence() = default;
  // The number of batches (Python's __len__).
  virtual std::int64_t size() const = 0;
  // Batch `index` of [0, size()) (Python's __getitem__).
  virtual Batch get(std::int64_t index) = 0;
  virtual void on_epoch_end() {}
};
using SequencePtr = std::shared_ptr<Sequence>;

}  // namespace keras
