// The variables' device copies (src/compiler/device_values.h) over a device whose memory is host
// memory: which side holds the current value after host reads and writes and device runs, that a
// value crosses only when the other side needs it, and the host side's hooks (K::get_value and
// set_value, read_value, a cpu plan). The cuda backend's use of them runs in
// tests/kernels/cuda_device_values_test.cpp (on a GPU).
#include "compiler/device_values.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"

namespace {

using keras::Tensor;
using keras::backend::detail::DeviceValues;
using keras::backend::detail::HostUse;
namespace K = keras::backend;

// Device memory that is host memory: the copies are memcpy, nothing is asynchronous.
class HostMemoryDevice final : public keras::kernels::Device {
 public:
  std::shared_ptr<void> allocate(std::size_t bytes) const override {
    return {std::calloc(bytes ? bytes : 1, 1), std::free};
  }
  std::shared_ptr<void> allocate_pinned(std::size_t bytes) const override {
    return allocate(bytes);
  }
  void copy_to_device(void* to, const void* from, std::size_t bytes) const override {
    std::memcpy(to, from, bytes);
  }
  void copy_to_host(void* to, const void* from, std::size_t bytes) const override {
    std::memcpy(to, from, bytes);
  }
  void copy_on_device(void* to, const void* from, std::size_t bytes) const override {
    std::memcpy(to, from, bytes);
  }
  void synchronize() const override {}
  std::shared_ptr<void> capture(const std::function<void()>&) const override {
    throw std::runtime_error("no graphs on the host");
  }
  void launch(const std::shared_ptr<void>&) const override {}
};

float on_device(const DeviceValues::Value& v) {
  return *static_cast<const float*>(v.data());
}
void write_on_device(DeviceValues::Value& v, float x) {
  *static_cast<float*>(v.data()) = x;
}

class DeviceValuesTest : public ::testing::Test {
 protected:
  HostMemoryDevice device;
  DeviceValues values{device};
  Tensor weight = Tensor::full({4}, 1.0);
};

TEST_F(DeviceValuesTest, UploadsOnceUntilTheHostWrites) {
  auto v = values.of(weight);
  EXPECT_TRUE(v->host_valid());
  EXPECT_FALSE(v->device_valid());
  for (int run = 0; run < 5; ++run) values.to_device(*v);
  EXPECT_EQ(on_device(*v), 1.0f);
  EXPECT_EQ(values.counts().uploads, 1u);  // not once per run
  EXPECT_EQ(values.counts().upload_bytes, 16u);
  weight.data<float>()[0] = 3.0f;                   // a host write that says nothing is not seen...
  values.before_host_use(weight, HostUse::kWrite);  // ...K::get_value hands the value over
  weight.data<float>()[0] = 4.0f;
  EXPECT_FALSE(v->device_valid());
  values.to_device(*v);
  EXPECT_EQ(on_device(*v), 4.0f);
  EXPECT_EQ(values.counts().uploads, 2u);
  EXPECT_EQ(values.counts().downloads, 0u);  // the host copy was current
}

TEST_F(DeviceValuesTest, ADeviceUpdateIsDownloadedWhenTheHostReadsIt) {
  auto v = values.of(weight);
  values.to_device(*v);
  write_on_device(*v, 7.0f);
  values.written_on_device(*v);
  EXPECT_FALSE(v->host_valid());
  EXPECT_EQ(weight.data<float>()[0], 1.0f);  // stale until asked for
  values.before_host_use(weight, HostUse::kRead);
  EXPECT_EQ(weight.data<float>()[0], 7.0f);
  values.before_host_use(weight, HostUse::kRead);
  EXPECT_EQ(values.counts().downloads, 1u);
  // A read leaves the device copy valid: the next run uploads nothing.
  EXPECT_TRUE(v->device_valid());
  values.to_device(*v);
  EXPECT_EQ(values.counts().uploads, 1u);
}

TEST_F(DeviceValuesTest, AnOverwriteNeedsNoDownload) {
  auto v = values.of(weight);
  values.to_device(*v);
  write_on_device(*v, 7.0f);
  values.written_on_device(*v);
  values.before_host_use(weight, HostUse::kOverwrite);  // K::set_value
  std::memcpy(weight.raw_data(), Tensor::full({4}, 5.0).raw_data(), 16);
  EXPECT_EQ(values.counts().downloads, 0u);
  EXPECT_TRUE(v->host_valid());
  values.to_device(*v);
  EXPECT_EQ(on_device(*v), 5.0f);
}

TEST_F(DeviceValuesTest, OneCopyPerVariableWhicheverTensorHandleNamesIt) {
  const Tensor same_storage = weight;  // a rewritten graph's copy of the node shares it
  auto a = values.of(weight);
  auto b = values.of(same_storage);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(values.of(Tensor::full({4}, 1.0)).get(), a.get());
  values.before_host_use(Tensor::full({2}, 0.0), HostUse::kWrite);  // no copy: nothing happens
  EXPECT_EQ(values.counts().downloads, 0u);
}

TEST_F(DeviceValuesTest, ReleasingUnheldCopiesKeepsTheirValuesOnTheHost) {
  auto held = values.of(weight);
  Tensor other = Tensor::full({4}, 2.0);
  {
    auto dropped = values.of(other);  // a plan's copy, then the plan is evicted
    values.to_device(*dropped);
    write_on_device(*dropped, 9.0f);
    values.written_on_device(*dropped);
  }
  EXPECT_EQ(values.size(), 2u);
  values.release_unused();
  EXPECT_EQ(values.size(), 1u);
  EXPECT_EQ(other.data<float>()[0], 9.0f);  // downloaded before its device memory went
  values.before_host_use(other, HostUse::kRead);
  EXPECT_EQ(values.counts().downloads, 1u);
  // A later plan makes a fresh copy, uploaded from the host value.
  auto again = values.of(other);
  values.to_device(*again);
  EXPECT_EQ(on_device(*again), 9.0f);
  EXPECT_EQ(held.use_count(), 2);
}

// The process's registry over the host-memory device (this test's process makes no other): the
// host side's hooks hand a variable's value over, K::get_value and set_value, get_weights'
// read_value, and a cpu plan reading or updating the variable.
TEST(ProcessDeviceValues, TheHostSideHandsValuesOver) {
  static const HostMemoryDevice device;  // outlives the registry, which is never destroyed
  DeviceValues& values = keras::backend::detail::device_values(device);
  EXPECT_EQ(keras::backend::detail::device_values_made(), &values);
  auto v = K::variable(Tensor::full({4}, 1.0), "resident");
  auto copy = values.of(v.node()->value);
  auto device_run_writes = [&](float x) {
    values.to_device(*copy);
    write_on_device(*copy, x);
    values.written_on_device(*copy);
  };
  device_run_writes(7.0f);
  auto x = K::placeholder({-1, 4});
  K::Function read({x}, {x * v});
  EXPECT_EQ(read({Tensor::full({1, 4}, 1.0)})[0].data<float>()[0], 7.0f);  // downloaded first
  EXPECT_TRUE(copy->device_valid());                                       // only read
  K::Function increment({}, {}, {{v, v + 1.0}});
  increment({});
  EXPECT_FALSE(copy->device_valid());  // the host wrote it
  values.to_device(*copy);
  EXPECT_EQ(on_device(*copy), 8.0f);

  device_run_writes(3.0f);
  EXPECT_EQ(K::detail::read_value(v).data<float>()[0], 3.0f);  // get_weights, saving
  EXPECT_TRUE(copy->device_valid());
  const auto downloads = values.counts().downloads;
  device_run_writes(4.0f);
  K::set_value(v, Tensor::full({4}, 5.0));
  EXPECT_EQ(values.counts().downloads, downloads);  // overwritten: nothing to fetch
  values.to_device(*copy);
  EXPECT_EQ(on_device(*copy), 5.0f);
  device_run_writes(6.0f);
  EXPECT_EQ(K::get_value(v).data<float>()[0], 6.0f);
  EXPECT_FALSE(copy->device_valid());  // the live tensor may be written
}

}  // namespace
