// The variables' device copies and their host/device validity (device_values.h).
#include "compiler/device_values.h"

#include <stdexcept>

namespace keras::backend::detail {

std::recursive_mutex& device_runs() {
  static auto* mutex = new std::recursive_mutex();  // never destroyed: plans freed at exit lock it
  return *mutex;
}

std::shared_ptr<DeviceValues::Value> DeviceValues::of(const Tensor& host) {
  std::lock_guard lock(device_runs());
  auto found = values_.find(host.raw_data());
  if (found != values_.end()) return found->second;
  auto value = std::make_shared<Value>();
  value->host_ = host;
  value->memory_ = device_.allocate(host.nbytes());
  values_.emplace(host.raw_data(), value);
  return value;
}

void DeviceValues::to_device(Value& value) {
  std::lock_guard lock(device_runs());
  if (value.device_valid_) return;
  const std::size_t bytes = value.host_.nbytes();
  device_.copy_to_device(value.data(), value.host_.raw_data(), bytes);
  value.device_valid_ = true;
  ++counts_.uploads;
  counts_.upload_bytes += bytes;
}

void DeviceValues::written_on_device(Value& value) {
  std::lock_guard lock(device_runs());
  value.device_valid_ = true;
  value.host_valid_ = false;
}

void DeviceValues::to_host(Value& value) {
  std::lock_guard lock(device_runs());
  if (value.host_valid_) return;
  const std::size_t bytes = value.host_.nbytes();
  device_.copy_to_host(value.host_.raw_data(), value.data(), bytes);
  device_.synchronize();
  value.host_valid_ = true;
  ++counts_.downloads;
  counts_.download_bytes += bytes;
}

void DeviceValues::before_host_use(const Tensor& host, HostUse use) {
  std::lock_guard lock(device_runs());
  auto found = values_.find(host.raw_data());
  if (found == values_.end()) return;
  Value& value = *found->second;
  if (use != HostUse::kOverwrite) to_host(value);
  if (use == HostUse::kRead) return;
  value.host_valid_ = true;
  value.device_valid_ = false;
}

void DeviceValues::release_unused() {
  std::lock_guard lock(device_runs());
  for (auto it = values_.begin(); it != values_.end();) {
    // Only this map holds it, and new holders take the lock: no plan can start using it now.
    if (it->second.use_count() != 1) {
      ++it;
      continue;
    }
    to_host(*it->second);
    it = values_.erase(it);
  }
}

std::size_t DeviceValues::size() const {
  std::lock_guard lock(device_runs());
  return values_.size();
}

DeviceValues::Counts DeviceValues::counts() const {
  std::lock_guard lock(device_runs());
  return counts_;
}

DeviceValues& device_values(const kernels::Device& device) {
  // Never destroyed: plans freed at exit still release their values into it.
  static DeviceValues* values = [&] {
    auto* made = new DeviceValues(device);
    made_device_values.store(made, std::memory_order_release);
    return made;
  }();
  return *values;
}

DeviceValues::Counts device_value_counts() {
  const DeviceValues* values = device_values_made();
  return values ? values->counts() : DeviceValues::Counts{};
}

}  // namespace keras::backend::detail
