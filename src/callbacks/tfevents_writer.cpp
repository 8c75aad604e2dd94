// The TFRecord framing of TensorFlow's event files, and the file writer.
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "callbacks/tfevents.h"

namespace keras::callbacks::detail {

namespace {

// The reflected Castagnoli polynomial 0x1EDC6F41.
constexpr std::uint32_t kCastagnoli = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kCastagnoli : 0u);
    table[i] = crc;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFFu));
}

std::string hostname() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  return name.data();
}

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) crc = kCrcTable[(crc ^ bytes[i]) & 0xFFu] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::uint32_t masked_crc32c(const void* data, std::size_t size) {
  const std::uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string tfrecord(const std::string& data) {
  std::string header;
  put_le(header, data.size(), 8);
  std::string record = header;
  put_le(record, masked_crc32c(header.data(), header.size()), 4);
  record += data;
  put_le(record, masked_crc32c(data.data(), data.size()), 4);
  return record;
}

double wall_time() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

EventFileWriter::EventFileWriter(const std::string& log_dir) {
  std::error_code error;
  std::filesystem::create_directories(log_dir, error);
  if (error)
    throw std::runtime_error("TensorBoard: cannot create the log directory '" + log_dir +
                             "': " + error.message());
  const double now = wall_time();
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%010lld", static_cast<long long>(now));
  const std::string base = (std::filesystem::path(log_dir) /
                            ("events.out.tfevents." + std::string(stamp) + "." + hostname()))
                               .string();
  // "x": never reuse a file another writer made in the same second (TensorFlow would truncate it).
  for (int attempt = 0; !file_; ++attempt) {
    path_ = attempt == 0 ? base : base + "." + std::to_string(attempt);
    file_ = std::fopen(path_.c_str(), "wbx");
    if (!file_ && errno != EEXIST)
      throw std::runtime_error("TensorBoard: cannot create the event file '" + path_ +
                               "': " + std::strerror(errno));
  }
  tensorflow::Event version;
  version.set_wall_time(now);
  version.set_file_version("brain.Event:2");
  write(std::move(version));
  flush();
}

EventFileWriter::~EventFileWriter() {
  close();
}

void EventFileWriter::write(tensorflow::Event event) {
  if (!file_) throw std::logic_error("TensorBoard: the event file '" + path_ + "' is closed");
  if (event.wall_time() == 0) event.set_wall_time(wall_time());
  const std::string record = tfrecord(event.SerializeAsString());
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size())
    throw std::runtime_error("TensorBoard: cannot write to '" + path_ +
                             "': " + std::strerror(errno));
}

void EventFileWriter::flush() {
  if (file_ && std::fflush(file_) != 0)
    throw std::runtime_error("TensorBoard: cannot write to '" + path_ +
                             "': " + std::strerror(errno));
}

void EventFileWriter::close() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

}  // namespace keras::callbacks::detail
