// The variables' values on a device (the cuda backend): one device copy per variable, shared by
// every device plan of every function, and where the current value is. The host tensor stays the
// variable's value: a device run that updates a variable leaves its host copy stale until the host
// uses it (K::get_value, get_weights, saving, a cpu plan), and a host write leaves the device copy
// stale until a device plan next reads it. So weights cross the bus when the other side needs
// them, not on every step.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "keras/tensor/tensor.h"
#include "kernels/kernel.h"

namespace keras::backend::detail {

// The device runs' lock: the device's one stream serves one run at a time, from upload to
// download (a graph's capture must not record another thread's copies), and the values' states
// change under it. Recursive: a step's host fallback may run an inner compiled function.
std::recursive_mutex& device_runs();

// What the host is about to do with a variable's tensor.
enum class HostUse {
  kRead,       // the host copy made current; the device copy stays valid
  kWrite,      // made current, and the device copy stale (the caller may change it)
  kOverwrite,  // every byte rewritten: no download, the device copy stale
};

class DeviceValues {
 public:
  // One variable's value on the device. Its device memory stays put while a plan holds it (the
  // plan's kernels and captured graph point into it).
  class Value {
   public:
    void* data() const { return memory_.get(); }
    const Tensor& host() const { return host_; }
    bool host_valid() const { return host_valid_; }
    bool device_valid() const { return device_valid_; }

   private:
    friend class DeviceValues;
    Tensor host_;  // the variable's tensor; its storage (the key) lives as long as this
    std::shared_ptr<void> memory_;
    bool host_valid_ = true, device_valid_ = false;
  };
  // Variables' values copied across, since the process (or the test's instance) started.
  struct Counts {
    std::uint64_t uploads = 0, downloads = 0, upload_bytes = 0, download_bytes = 0;
  };

  explicit DeviceValues(const kernels::Device& device) : device_(device) {}
  DeviceValues(const DeviceValues&) = delete;
  DeviceValues& operator=(const DeviceValues&) = delete;

  // The device copy of variable value `host`, made on first use (uploaded by to_device).
  std::shared_ptr<Value> of(const Tensor& host);
  // Before a device run reads it: the host value uploaded when the device copy is stale.
  void to_device(Value& value);
  // After a device run wrote it: the host copy is stale.
  void written_on_device(Value& value);
  // Before the host uses `value` (kRead): downloaded when the host copy is stale.
  void to_host(Value& value);
  // Before the host uses variable tensor `host` (nothing when it has no device copy).
  void before_host_use(const Tensor& host, HostUse use);
  // Drops the device copies no plan holds any more (after a plan is freed), downloading those
  // whose host copy is stale first: the host tensor keeps the variable's value.
  void release_unused();
  std::size_t size() const;
  Counts counts() const;

 private:
  const kernels::Device& device_;
  std::unordered_map<const void*, std::shared_ptr<Value>> values_;  // by host data pointer
  Counts counts_;
};

// The process's device values of `device` (the cuda backend's device). From its first call on,
// sync_host_value hands values back to the host.
DeviceValues& device_values(const kernels::Device& device);
// nullptr until a device plan was made: the cpu backend's runs test only this.
inline std::atomic<DeviceValues*> made_device_values{nullptr};
inline DeviceValues* device_values_made() {
  return made_device_values.load(std::memory_order_acquire);
}
// device_values_made()'s counts, zero before.
DeviceValues::Counts device_value_counts();

// Before the host uses variable tensor `host` (K::get_value and set_value, get_weights, saving):
// its device copy, if any, handed over (DeviceValues::before_host_use).
inline void sync_host_value(const Tensor& host, HostUse use) {
  if (DeviceValues* values = device_values_made()) values->before_host_use(host, use);
}

// A variable's (or constant's) tensor for the host to read, made current: K::get_value for
// callers that only read it (get_weights, saving); a write to it would not reach a device copy.
Tensor read_value(const SymbolicTensor& x);

}  // namespace keras::backend::detail
