// The training loop's next batch, handed to a device run so that the device computes step k while
// the host reads batch k+1 and its copy crosses the bus (executor.cpp, CompiledFunction::
// copy_ahead). A thread's scope rather than an argument of run(): the loop calls the public
// keras::backend::Function, whose header every target includes.
#pragma once

#include <cstdint>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::backend::detail {

class NextInputs {
 public:
  // The inputs of the function's next run, or nullptr when there are none. A device run calls it
  // at most once, after it launched its steps and before it waits for them; a run that does not
  // call it leaves the caller to read its next inputs itself.
  virtual const std::vector<Tensor>* next() = 0;

 protected:
  ~NextInputs() = default;
};

// While alive, the calling thread's next device run (of any compiled function; the first one
// takes it) may ask `source` for its next inputs and copy them ahead. The next run, on the vector
// `source` returned, then finds its inputs on the device already.
class RunAhead {
 public:
  explicit RunAhead(NextInputs& source);
  ~RunAhead();
  RunAhead(const RunAhead&) = delete;
  RunAhead& operator=(const RunAhead&) = delete;
};

// Whether runs on the current backend copy their next inputs ahead: its device has a second
// stream (kernels/copy_stream.h) and KERAS_CUDA_OVERLAP is not 0. The cpu and reference backends
// never do, so their loops install no RunAhead.
bool runs_copy_ahead();

// Runs whose inputs were found on the device, copied ahead, since the process started.
std::uint64_t runs_with_inputs_ahead();

}  // namespace keras::backend::detail
