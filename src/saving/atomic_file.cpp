#include "saving/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace keras::saving::detail {

namespace fs = std::filesystem;

namespace {

// ".<file name>.keras-tmp-": what every temporary of that file starts with.
std::string temp_prefix(const std::string& filename) {
  std::string prefix = ".";  // appended piecewise: GCC 12 misreports -Wrestrict on "." + s
  prefix += filename;
  prefix += ".keras-tmp-";
  return prefix;
}

bool is_hex(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The process that wrote temporary `name` (prefix, then "<pid>-<hex>", then, for libzip's own
// temporary of it, ".<anything>"), or 0 when the name has another form.
pid_t writer_of(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) != prefix) return 0;
  name.remove_prefix(prefix.size());
  long long pid = 0;
  auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (error != std::errc() || pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return 0;
  std::string_view rest(end, static_cast<std::size_t>(name.data() + name.size() - end));
  if (rest.empty() || rest.front() != '-') return 0;
  rest.remove_prefix(1);
  if (!is_hex(rest.substr(0, rest.find('.')))) return 0;
  return static_cast<pid_t>(pid);
}

bool process_runs(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

// Removes the temporaries of `filename` in `folder` whose writer no longer runs. Best effort: a
// temporary that cannot be removed is left for the next save.
void remove_orphans(const fs::path& folder, const std::string& filename) {
  const std::string prefix = temp_prefix(filename);
  std::vector<fs::path> orphans;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const pid_t pid = writer_of(it->path().filename().string(), prefix);
    std::error_code type_error;
    if (pid > 0 && !it->is_directory(type_error) && !process_runs(pid))
      orphans.push_back(it->path());
  }
  for (const auto& orphan : orphans) fs::remove(orphan, ec);
}

std::string random_hex() {
  std::random_device device;
  const unsigned long long value =
      (static_cast<unsigned long long>(device()) << 32) ^ static_cast<unsigned long long>(device());
  char text[17];
  auto [end, error] = std::to_chars(text, text + sizeof text, value, 16);
  (void)error;
  return std::string(text, end);
}

// fsync on `path` (a file, or a folder so that a rename in it is on disk).
void flush_to_disk(const fs::path& path, bool folder) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
  int error = 0;
  if (fd < 0) {
    error = errno;
  } else {
    while (::fsync(fd) != 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    ::close(fd);
  }
  // Some file systems cannot flush a folder (EINVAL); the rename is then as durable as they allow.
  if (error == 0 || (folder && (error == EINVAL || error == ENOTSUP))) return;
  throw std::runtime_error("Cannot flush '" + path.string() + "' to disk: " + std::strerror(error));
}

}  // namespace

void write_file_atomically(const std::string& filepath, bool overwrite,
                           const std::function<void(const std::string& temp_path)>& write) {
  const fs::path target(filepath);
  if (!overwrite && fs::exists(target))
    throw std::runtime_error("'" + filepath +
                             "' already exists and overwrite is false; not replacing it.");
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  if (!fs::is_directory(folder))
    throw std::runtime_error("Cannot save to '" + filepath + "': the folder '" + folder.string() +
                             "' does not exist.");
  const std::string filename = target.filename().string();
  remove_orphans(folder, filename);
  std::string temp_name = temp_prefix(filename);
  temp_name += std::to_string(::getpid());
  temp_name += '-';
  temp_name += random_hex();
  const fs::path temp = folder / temp_name;
  try {
    write(temp.string());
    flush_to_disk(temp, false);
    fs::rename(temp, target);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw;
  }
  flush_to_disk(folder, true);
}

}  // namespace keras::saving::detail
