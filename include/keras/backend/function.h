// K::function: compiles a graph once (order, dead-node removal, fusion, a planned arena) and runs
// it many times. Inputs are bound without copying; outputs are views into the function's arena.
#pragma once

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "keras/backend/graph.h"

namespace keras::backend {

namespace detail {
class CompiledFunction;
}

// Assigns `new_value` to `variable` after every run; all updates read the values from before
// the run (Keras's semantics).
struct Update {
  SymbolicTensor variable;
  SymbolicTensor new_value;
};

// Replaces a tensor by another when compiling, e.g. {learning_phase(), constant(1)}.
using Givens = std::vector<std::pair<SymbolicTensor, SymbolicTensor>>;

class Function {
 public:
  Function(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs,
           std::vector<Update> updates = {}, Givens givens = {});
  ~Function();
  Function(Function&&) noexcept;
  Function& operator=(Function&&) noexcept;

  // Runs on `inputs` (one per declared input, shapes matching). The returned views stay valid
  // until the next call; copy them (Tensor::clone) to keep them. After the first call with a
  // given set of input shapes, a run allocates nothing on the heap.
  const std::vector<Tensor>& run(const std::vector<Tensor>& inputs);
  // Same, but returns copies that outlive the next call.
  std::vector<Tensor> operator()(const std::vector<Tensor>& inputs);
  // A function may be called from several threads: each run holds the function's lock, and a
  // caller that reads run()'s views while other threads may call holds lock() around both
  // (operator() does).
  std::unique_lock<std::recursive_mutex> lock();

  // For tests and the curious: what the compiler made of the graph.
  std::size_t num_steps() const;
  std::vector<std::string> step_names() const;
  std::size_t arena_bytes() const;  // of the most recent plan

 private:
  std::unique_ptr<detail::CompiledFunction> impl_;
};

inline Function function(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs,
                         std::vector<Update> updates = {}, Givens givens = {}) {
  return Function(std::move(inputs), std::move(outputs), std::move(updates), std::move(givens));
}

}  // namespace keras::backend
