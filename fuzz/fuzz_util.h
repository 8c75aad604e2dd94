// What the fuzz harnesses share: the input as a file (the loaders read paths), and the rule
// that a bad input may only raise a std::exception. Anything else (a crash, a sanitizer
// report, another exception, memory above -rss_limit_mb) ends the run as a finding.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

namespace keras::fuzz {

// A folder of this process for its input files, removed when the fuzzer exits normally.
inline const std::filesystem::path& scratch_folder() {
  static const std::filesystem::path folder = [] {
    auto path =
        std::filesystem::temp_directory_path() / ("keras_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(scratch_folder(), ignored);
    });
    return path;
  }();
  return folder;
}

// The input written to <scratch folder>/input<suffix> (rewritten at every input).
inline std::string input_file(const std::uint8_t* data, std::size_t size,
                              const std::string& suffix) {
  const std::string path = (scratch_folder() / ("input" + suffix)).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) std::abort();  // the harness's own failure, not the library's: stop
  return path;
}

// Runs `load`: rejecting the input with a std::exception is the expected outcome of most inputs.
template <class Load>
void expect_no_crash(Load&& load) {
  try {
    load();
  } catch (const std::exception&) {
  }
}

}  // namespace keras::fuzz
