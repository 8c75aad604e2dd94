// Helpers shared by the tests that damage saved files: raw bytes and zip archives (libzip).
#pragma once

#include <zip.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace keras::saving::testing {

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

using ZipEntries = std::vector<std::pair<std::string, std::string>>;

// The entries of a zip archive, in order.
inline ZipEntries read_zip(const std::filesystem::path& path) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (!zip) throw std::runtime_error("cannot open " + path.string());
  ZipEntries entries;
  for (zip_int64_t i = 0; i < zip_get_num_entries(zip, 0); ++i) {
    zip_stat_t st;
    zip_stat_index(zip, static_cast<zip_uint64_t>(i), 0, &st);
    std::string data(static_cast<std::size_t>(st.size), '\0');
    zip_file_t* file = zip_fopen_index(zip, static_cast<zip_uint64_t>(i), 0);
    zip_fread(file, data.data(), st.size);
    zip_fclose(file);
    entries.emplace_back(st.name, data);
  }
  zip_discard(zip);
  return entries;
}

// A well-formed zip (correct checksums) holding `entries`, compressed with `method` (libzip's
// default: deflate), so that damage inside an entry reaches the reader of that entry instead of
// stopping at the zip's CRC check.
inline void write_zip(const std::filesystem::path& path, const ZipEntries& entries,
                      zip_int32_t method = ZIP_CM_DEFAULT) {
  std::filesystem::remove(path);
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!zip) throw std::runtime_error("cannot create " + path.string());
  for (const auto& [name, data] : entries) {
    zip_source_t* source = zip_source_buffer(zip, data.data(), data.size(), 0);
    const zip_int64_t index = zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) throw std::runtime_error("cannot add " + name);
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), method, 0);
  }
  if (zip_close(zip) != 0) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace keras::saving::testing
