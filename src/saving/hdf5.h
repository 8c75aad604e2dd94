// A small RAII layer over the HDF5 C library for Keras's files: groups, string attributes as
// h5py writes and reads them, and datasets of tensors. Every failure throws std::runtime_error
// naming the file, the object and what HDF5 reported; HDF5's own error printing is silenced.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::saving::h5 {

// The most deflate (zlib, zip) can expand its input: 258 bytes from one 2-bit code. Bounds what
// reading a compressed HDF5 dataset or zip entry may allocate.
inline constexpr unsigned kDeflateMaxRatio = 1032;

// An owned hid_t, closed with the function matching its kind.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, -1);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  hid_t release() { return std::exchange(id_, -1); }
  explicit operator bool() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = -1;
};

class Group {
 public:
  // file_size: the bytes of the whole file, which bound what reading a dataset may allocate.
  Group(Handle handle, std::string file, std::string path, std::uint64_t file_size)
      : handle_(std::move(handle)),
        file_(std::move(file)),
        path_(std::move(path)),
        file_size_(file_size) {}
  hid_t id() const { return handle_.get(); }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  std::uint64_t file_size() const { return file_size_; }

  // A link (group or dataset) of that name. Links to other files (external links, user-defined
  // links) are refused with an error, wherever they are on the path: a model file may not make
  // keras.cpp read other files.
  bool has(const std::string& name) const;
  bool has_group(const std::string& name) const;
  Group create_group(const std::string& name);
  Group open_group(const std::string& name) const;
  std::vector<std::string> children() const;  // link names in creation (or name) order

  bool has_attr(const std::string& name) const;
  // A scalar fixed-length string, as h5py writes numpy bytes (what Keras 2.2.4 writes).
  void write_string_attr(const std::string& name, const std::string& value);
  // A 1-D fixed-length string array (numpy 'S' array), split into name0, name1, ... when larger
  // than HDF5's object header limit, as Keras's save_attributes_to_hdf5_group.
  void write_string_array_attr(const std::string& name, const std::vector<std::string>& values);
  // Fixed- or variable-length strings, scalar or 1-element arrays.
  std::optional<std::string> read_string_attr(const std::string& name) const;
  // Reads name or name0, name1, ... (Keras's load_attributes_from_hdf5_group); empty if absent.
  std::vector<std::string> read_string_array_attr(const std::string& name) const;

  // Dataset `name` (a path: '/' creates intermediate groups) holding the tensor in C order.
  void write_dataset(const std::string& name, const Tensor& value);
  // Reads a dataset of numbers. Refused before anything is allocated: data kept outside the file
  // (external storage, virtual datasets), filters other than deflate, shuffle and fletcher32,
  // and sizes larger than the dataset's storage in the file can hold (its bytes, times 1032 per
  // deflate filter: a header or unwritten chunks could otherwise claim terabytes).
  Tensor read_dataset(const std::string& name) const;
  Shape dataset_shape(const std::string& name) const;  // without reading the data

  [[noreturn]] void fail(const std::string& what) const;

 private:
  Handle open_dataset(const std::string& name) const;

  Handle handle_;
  std::string file_;
  std::string path_;
  std::uint64_t file_size_ = 0;
};

class File {
 public:
  // Mode "r": read an existing file (checks it is HDF5 first); "w": create or truncate.
  File(const std::string& path, const std::string& mode);
  // Reads the HDF5 file held in `image` (the bytes of a whole file) without copying it and
  // without touching the disk; `label` names it in errors.
  static File open_image(std::string image, const std::string& label);
  // A new, empty file in memory (HDF5's earliest format, as h5py writes), whose bytes image()
  // returns.
  static File create_in_memory(const std::string& label);
  File(File&&) noexcept;
  ~File();
  Group& root() { return root_; }
  const Group& root() const { return root_; }
  void flush();
  void close();         // closes now, throwing if HDF5 fails to write what is pending
  std::string image();  // the bytes of a file made by create_in_memory, written so far

 private:
  struct Image;
  File(std::string label, std::unique_ptr<Image> image);

  std::string path_;
  std::unique_ptr<Image> image_;  // declared before file_: freed after HDF5 closes the file
  Handle file_;
  Group root_;
};

// The message of HDF5's innermost error of the current stack, or "".
std::string last_error();

}  // namespace keras::saving::h5
