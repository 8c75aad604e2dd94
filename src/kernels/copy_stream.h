// A device's second stream, for copies that overlap its kernels: the executor copies the next
// run's inputs on it while the device's stream still computes the current run (executor.cpp,
// CompiledFunction::copy_ahead). An optional capability of a kernels::Device (the cuda runtime
// has it; a device without it runs every copy on its one stream), kept out of kernel.h, which
// every kernel includes.
#pragma once

#include <cstddef>
#include <memory>

namespace keras::kernels {

class CopyStream {
 public:
  virtual ~CopyStream() = default;
  // An event (cudaEvent_t) ordering the two streams and the host; never recorded, it is done.
  virtual std::shared_ptr<void> make_event() const = 0;
  // On the copy stream: waits for `after` (recorded on the device's stream), copies `bytes` of
  // pinned host memory to device memory, then records `copied`. Returns at once.
  virtual void copy_ahead(void* device, const void* pinned, std::size_t bytes, void* after,
                          void* copied) const = 0;
  // On the device's stream: records `event` after what is queued so far; waits for `event`
  // before what is queued next.
  virtual void record(void* event) const = 0;
  virtual void wait_for(void* event) const = 0;
  // On the host: returns when `event` is done.
  virtual void wait_host(void* event) const = 0;
};

}  // namespace keras::kernels
