#include "datasets/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>

namespace keras::detail {

namespace {

constexpr std::int64_t kImageRows = 28;
constexpr std::int64_t kImageCols = 28;

struct GzCloser {
  void operator()(gzFile_s* gz) const { gzclose(gz); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw std::runtime_error("IDX file '" + file + "': " + what);
}

// Reads up to `n` bytes; returns how many arrived (fewer only at end of file).
std::size_t read_some(gzFile gz, const std::string& file, std::uint8_t* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    // gzread takes an unsigned int length, so large reads go in chunks.
    auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 24));
    int got = gzread(gz, out + done, chunk);
    if (got < 0) {
      int code = 0;
      const char* msg = gzerror(gz, &code);
      fail(file, std::string("cannot decompress: ") + (msg ? msg : "zlib error") +
                     " (the file is corrupt or not gzip data)");
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  // A gzip stream cut short reports Z_BUF_ERROR at end of input rather than a negative count.
  int code = 0;
  const char* msg = gzerror(gz, &code);
  if (code != Z_OK && code != Z_STREAM_END && code != Z_BUF_ERROR)
    fail(file, std::string("cannot decompress: ") + (msg ? msg : "zlib error"));
  return done;
}

std::string describe_magic(std::uint32_t magic) {
  if ((magic >> 16) != 0) return std::to_string(magic) + " (not an IDX file)";
  char text[64];
  std::snprintf(text, sizeof text, "%u (IDX data type 0x%02x, rank %u)", magic,
                (magic >> 8) & 0xFFu, magic & 0xFFu);
  return text;
}

std::string expected_magic_text(std::uint32_t magic) {
  if (magic == kIdxImagesMagic) return "2051 (IDX images: unsigned bytes, rank 3)";
  if (magic == kIdxLabelsMagic) return "2049 (IDX labels: unsigned bytes, rank 1)";
  return describe_magic(magic);
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

IdxArray read_idx_gz(const std::string& file, std::uint32_t magic) {
  errno = 0;
  GzHandle gz(gzopen(file.c_str(), "rb"));
  if (!gz)
    fail(file, std::string("cannot open: ") + (errno ? std::strerror(errno) : "out of memory"));
  gzbuffer(gz.get(), 1u << 18);

  std::uint8_t word[4];
  std::size_t got = read_some(gz.get(), file, word, 4);
  if (got < 4)
    fail(file,
         "truncated: expected a 4-byte magic number, found " + std::to_string(got) + " bytes");
  std::uint32_t found = big_endian_u32(word);
  if (found != magic)
    fail(file, "bad magic number: expected " + expected_magic_text(magic) + ", found " +
                   describe_magic(found));

  IdxArray out;
  const int rank = static_cast<int>(magic & 0xFF);
  std::int64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    got = read_some(gz.get(), file, word, 4);
    if (got < 4)
      fail(file, "truncated: expected " + std::to_string(rank) +
                     " 4-byte dimensions after the magic number, the file ends in dimension " +
                     std::to_string(i));
    auto d = static_cast<std::int64_t>(big_endian_u32(word));
    // Dimensions are up to 2^32 each; refuse products that would overflow rather than wrap.
    if (d != 0 && total > std::numeric_limits<std::int64_t>::max() / d)
      fail(file, "implausible dimensions in the header (their product overflows)");
    total *= d;
    out.dims.push_back(d);
  }

  // Grow with the data actually read, so a corrupt header cannot force a huge allocation.
  const auto want = static_cast<std::size_t>(total);
  out.bytes.reserve(std::min<std::size_t>(want, std::size_t{1} << 26));
  std::size_t have = 0;
  while (have < want) {
    std::size_t step = std::min<std::size_t>(want - have, std::size_t{1} << 24);
    out.bytes.resize(have + step);
    std::size_t n = read_some(gz.get(), file, out.bytes.data() + have, step);
    have += n;
    if (n < step) break;
  }
  if (have < want) {
    std::string dims_text;
    for (std::size_t i = 0; i < out.dims.size(); ++i) {
      if (i) dims_text += 'x';
      dims_text += std::to_string(out.dims[i]);
    }
    fail(file, "truncated: the header promises " + dims_text + " = " + std::to_string(want) +
                   " bytes of data, found " + std::to_string(have));
  }
  return out;
}

Tensor read_idx_images(const std::string& file) {
  IdxArray idx = read_idx_gz(file, kIdxImagesMagic);
  if (idx.dims[1] != kImageRows || idx.dims[2] != kImageCols)
    fail(file, "expected " + std::to_string(kImageRows) + "x" + std::to_string(kImageCols) +
                   " images, found " + std::to_string(idx.dims[1]) + "x" +
                   std::to_string(idx.dims[2]));
  Tensor x({idx.dims[0], kImageRows, kImageCols}, DType::float32);
  float* dst = x.data<float>();
  for (std::size_t i = 0; i < idx.bytes.size(); ++i) dst[i] = static_cast<float>(idx.bytes[i]);
  return x;
}

Tensor read_idx_labels(const std::string& file) {
  IdxArray idx = read_idx_gz(file, kIdxLabelsMagic);
  Tensor y({idx.dims[0]}, DType::int64);
  std::int64_t* dst = y.data<std::int64_t>();
  for (std::size_t i = 0; i < idx.bytes.size(); ++i) dst[i] = idx.bytes[i];
  return y;
}

DatasetDir resolve_dataset_dir(const std::string& path, const char* env_var,
                               const std::string& fallback) {
  if (!path.empty()) return {path, "the path argument"};
  const char* env = std::getenv(env_var);
  if (env && *env) return {env, std::string("$") + env_var};
  return {fallback, "the default location"};
}

IdxTrainTest load_idx_dataset(const std::string& dir, const std::string& origin,
                              const std::string& caller, const std::string& hint) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec))
    throw std::runtime_error(caller + ": directory '" + dir + "' (from " + origin +
                             ") does not exist. " + hint);
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error(caller + ": '" + dir + "' (from " + origin + ") is not a directory. " +
                             hint);

  auto require = [&](const char* name) {
    std::string file = (fs::path(dir) / name).string();
    if (!fs::is_regular_file(file, ec))
      throw std::runtime_error(caller + ": file '" + file + "' not found (directory from " +
                               origin + "). " + hint);
    return file;
  };
  auto load_split = [&](const char* images_name, const char* labels_name) {
    std::string images_file = require(images_name);
    std::string labels_file = require(labels_name);
    Tensor x = read_idx_images(images_file);
    Tensor y = read_idx_labels(labels_file);
    if (x.dim(0) != y.dim(0))
      throw std::runtime_error(caller + ": '" + images_file + "' holds " +
                               std::to_string(x.dim(0)) + " images but '" + labels_file +
                               "' holds " + std::to_string(y.dim(0)) + " labels");
    return std::make_pair(std::move(x), std::move(y));
  };
  auto train = load_split("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
  auto test = load_split("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
  return {std::move(train), std::move(test)};
}

}  // namespace keras::detail
