#include "saving/hdf5.h"

#include <cstring>
#include <fstream>
#include <stdexcept>

namespace keras::saving::h5 {

namespace {

// HDF5's limit on data kept in an object header (Keras's HDF5_OBJECT_HEADER_LIMIT).
constexpr std::size_t kHeaderLimit = 64512;

void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

herr_t collect_error(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (n == 0 && err->desc) *out = err->desc;  // the innermost (first) error says the most
  return 0;
}

std::string join(const std::string& path, const std::string& name) {
  return path == "/" ? "/" + name : path + "/" + name;
}

Handle string_type(std::size_t size) {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), size == 0 ? 1 : size);
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);  // numpy 'S' strings
  return type;
}

hid_t memory_type(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return H5T_NATIVE_FLOAT;
    case DType::float64:
      return H5T_NATIVE_DOUBLE;
    case DType::int32:
      return H5T_NATIVE_INT32;
    case DType::int64:
      return H5T_NATIVE_INT64;
  }
  return H5T_NATIVE_FLOAT;
}

hid_t file_type(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return H5T_IEEE_F32LE;
    case DType::float64:
      return H5T_IEEE_F64LE;
    case DType::int32:
      return H5T_STD_I32LE;
    case DType::int64:
      return H5T_STD_I64LE;
  }
  return H5T_IEEE_F32LE;
}

// Reads the strings of an attribute of any h5py string flavour.
std::vector<std::string> read_strings(hid_t attr, const std::string& where) {
  Handle type(H5Aget_type(attr));
  Handle space(H5Aget_space(attr));
  if (!type || !space) throw std::runtime_error(where + ": cannot read the attribute's type");
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw std::runtime_error(where + ": expected a string attribute, found another type");
  H5S_class_t space_class = H5Sget_simple_extent_type(space.get());
  if (space_class == H5S_NULL) return {};
  hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 0) throw std::runtime_error(where + ": unreadable attribute shape");
  std::vector<std::string> out;
  if (count == 0) return out;
  const auto n = static_cast<std::size_t>(count);
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    std::vector<char*> ptrs(n, nullptr);
    if (H5Aread(attr, mem.get(), ptrs.data()) < 0)
      throw std::runtime_error(where + ": cannot read the strings: " + last_error());
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
    return out;
  }
  std::size_t size = H5Tget_size(type.get());
  if (size == 0 || size > (std::size_t{1} << 30) / n)
    throw std::runtime_error(where + ": implausible string size " + std::to_string(size));
  Handle mem(H5Tcopy(H5T_C_S1));
  H5Tset_size(mem.get(), size);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  std::vector<char> buffer(size * n);
  if (H5Aread(attr, mem.get(), buffer.data()) < 0)
    throw std::runtime_error(where + ": cannot read the strings: " + last_error());
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = buffer.data() + i * size;
    out.emplace_back(p, strnlen(p, size));
  }
  return out;
}

}  // namespace

std::string last_error() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_error, &message);
  return message;
}

void Handle::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
  }
  id_ = -1;
}

void Group::fail(const std::string& what) const {
  std::string detail = last_error();
  throw std::runtime_error("HDF5 file '" + file_ + "', " + path_ + ": " + what +
                           (detail.empty() ? "" : " (HDF5: " + detail + ")"));
}

bool Group::has(const std::string& name) const {
  // Checks every component, as H5Lexists requires for paths.
  std::string prefix;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = name.find('/', start);
    prefix = name.substr(0, slash);
    if (prefix.empty() || H5Lexists(id(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

bool Group::has_group(const std::string& name) const {
  if (!has(name)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(id(), name.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_GROUP;
}

Group Group::create_group(const std::string& name) {
  Handle g(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!g) fail("cannot create group '" + name + "'");
  return Group(std::move(g), file_, join(path_, name));
}

Group Group::open_group(const std::string& name) const {
  if (!has_group(name)) fail("expected a group named '" + name + "', found none");
  Handle g(H5Gopen2(id(), name.c_str(), H5P_DEFAULT));
  if (!g) fail("cannot open group '" + name + "'");
  return Group(std::move(g), file_, join(path_, name));
}

std::vector<std::string> Group::children() const {
  std::vector<std::string> names;
  H5G_info_t info;
  if (H5Gget_info(id(), &info) < 0) fail("cannot list the group");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t size =
        H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0) fail("cannot read a link name");
    std::string name(static_cast<std::size_t>(size), '\0');
    H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                       static_cast<std::size_t>(size) + 1, H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

bool Group::has_attr(const std::string& name) const {
  return H5Aexists(id(), name.c_str()) > 0;
}

void Group::write_string_attr(const std::string& name, const std::string& value) {
  Handle type = string_type(value.size());
  Handle space(H5Screate(H5S_SCALAR));
  if (has_attr(name)) H5Adelete(id(), name.c_str());
  Handle attr(H5Acreate2(id(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!attr) fail("cannot create attribute '" + name + "'");
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  if (H5Awrite(attr.get(), type.get(), padded.data()) < 0)
    fail("cannot write attribute '" + name + "'");
}

void Group::write_string_array_attr(const std::string& name,
                                    const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  // Split as Keras does when the array would not fit in the object header.
  std::size_t chunks = 1;
  while (width * ((values.size() + chunks - 1) / chunks) > kHeaderLimit) ++chunks;
  std::size_t per_chunk = chunks == 1 ? values.size() : (values.size() + chunks - 1) / chunks;
  for (std::size_t c = 0; c < chunks; ++c) {
    std::size_t begin = c * per_chunk;
    std::size_t end = std::min(values.size(), begin + per_chunk);
    std::string attr_name = chunks == 1 ? name : name + std::to_string(c);
    std::vector<char> buffer((end - begin) * width, '\0');
    for (std::size_t i = begin; i < end; ++i)
      std::memcpy(buffer.data() + (i - begin) * width, values[i].data(), values[i].size());
    Handle type = string_type(width);
    hsize_t dims[1] = {static_cast<hsize_t>(end - begin)};
    Handle space(H5Screate_simple(1, dims, nullptr));
    if (has_attr(attr_name)) H5Adelete(id(), attr_name.c_str());
    Handle attr(
        H5Acreate2(id(), attr_name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr) fail("cannot create attribute '" + attr_name + "'");
    if (end > begin && H5Awrite(attr.get(), type.get(), buffer.data()) < 0)
      fail("cannot write attribute '" + attr_name + "'");
  }
}

std::optional<std::string> Group::read_string_attr(const std::string& name) const {
  if (!has_attr(name)) return std::nullopt;
  Handle attr(H5Aopen(id(), name.c_str(), H5P_DEFAULT));
  if (!attr) fail("cannot open attribute '" + name + "'");
  std::vector<std::string> values = read_strings(attr.get(), file_ + " " + path_ + "@" + name);
  if (values.size() != 1)
    fail("attribute '" + name + "' should hold one string, found " + std::to_string(values.size()));
  return values.front();
}

std::vector<std::string> Group::read_string_array_attr(const std::string& name) const {
  std::vector<std::string> out;
  auto read = [&](const std::string& attr_name) {
    Handle attr(H5Aopen(id(), attr_name.c_str(), H5P_DEFAULT));
    if (!attr) fail("cannot open attribute '" + attr_name + "'");
    Handle type(H5Aget_type(attr.get()));
    Handle space(H5Aget_space(attr.get()));
    // h5py writes an empty Python list as an empty float64 array: no names.
    if (H5Tget_class(type.get()) != H5T_STRING) {
      if (H5Sget_simple_extent_npoints(space.get()) == 0) return;
      fail("attribute '" + attr_name + "' should hold strings");
    }
    for (auto& s : read_strings(attr.get(), file_ + " " + path_ + "@" + attr_name))
      out.push_back(std::move(s));
  };
  if (has_attr(name)) {
    read(name);
    return out;
  }
  for (int chunk = 0; has_attr(name + std::to_string(chunk)); ++chunk)
    read(name + std::to_string(chunk));
  return out;
}

void Group::write_dataset(const std::string& name, const Tensor& value) {
  std::vector<hsize_t> dims(value.shape().begin(), value.shape().end());
  Handle space(dims.empty()
                   ? H5Screate(H5S_SCALAR)
                   : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle dataset(H5Dcreate2(id(), name.c_str(), file_type(value.dtype()), space.get(), lcpl.get(),
                            H5P_DEFAULT, H5P_DEFAULT));
  if (!dataset) fail("cannot create dataset '" + name + "'");
  Tensor contiguous = value.clone();
  if (value.numel() > 0 && H5Dwrite(dataset.get(), memory_type(value.dtype()), H5S_ALL, H5S_ALL,
                                    H5P_DEFAULT, contiguous.raw_data()) < 0)
    fail("cannot write dataset '" + name + "'");
}

Tensor Group::read_dataset(const std::string& name) const {
  if (!has(name)) fail("expected a dataset named '" + name + "', found none");
  Handle dataset(H5Dopen2(id(), name.c_str(), H5P_DEFAULT));
  if (!dataset) fail("'" + name + "' is not a readable dataset");
  Handle space(H5Dget_space(dataset.get()));
  Handle type(H5Dget_type(dataset.get()));
  if (!space || !type) fail("cannot read the shape of dataset '" + name + "'");
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 32) fail("dataset '" + name + "' has an unreadable shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  Shape shape(dims.begin(), dims.end());
  DType dtype;
  std::size_t size = H5Tget_size(type.get());
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT:
      if (size == 4)
        dtype = DType::float32;
      else if (size == 8)
        dtype = DType::float64;
      else
        fail("dataset '" + name + "' holds " + std::to_string(size * 8) +
             "-bit floats; keras.cpp reads float32 and float64");
      break;
    case H5T_INTEGER:
      dtype = size <= 4 ? DType::int32 : DType::int64;
      break;
    default:
      fail("dataset '" + name + "' does not hold numbers");
  }
  // Refuse sizes the file cannot hold before allocating (a corrupt header could claim petabytes).
  hsize_t storage = H5Dget_storage_size(dataset.get());
  std::int64_t numel = 1;
  for (auto d : shape) {
    if (d > (std::int64_t{1} << 40) ||
        numel > (std::int64_t{1} << 40) / std::max<std::int64_t>(d, 1))
      fail("dataset '" + name + "' claims an implausible shape " + shape_to_string(shape));
    numel *= d;
  }
  if (numel > 0 && storage == 0) fail("dataset '" + name + "' has no data stored");
  Tensor out(shape, dtype);
  if (numel > 0 &&
      H5Dread(dataset.get(), memory_type(dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.raw_data()) < 0)
    fail("cannot read dataset '" + name + "'");
  return out;
}

File::File(const std::string& path, const std::string& mode)
    : path_(path), root_(Handle(), path, "/") {
  silence_hdf5();
  if (mode == "r") {
    std::ifstream probe(path, std::ios::binary);
    if (!probe)
      throw std::runtime_error("Cannot open '" + path + "': no such file or not readable");
    char head[8] = {};
    probe.read(head, 8);
    const char signature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    if (H5Fis_hdf5(path.c_str()) <= 0) {
      std::string found = probe.gcount() == 8 && std::memcmp(head, signature, 8) == 0
                              ? "an HDF5 signature but an unreadable superblock (truncated or "
                                "corrupted file?)"
                              : "no HDF5 signature (not an HDF5 file)";
      throw std::runtime_error("'" + path + "' is not a readable HDF5 file: expected Keras's " +
                               "HDF5 format, found " + found);
    }
    file_ = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file_)
      throw std::runtime_error("Cannot open HDF5 file '" + path +
                               "' (truncated or corrupted?): " + last_error());
  } else if (mode == "w") {
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    // Format 1.8: large attributes (model_config) go to dense storage; readable by h5py.
    H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18);
    file_ = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
    if (!file_) throw std::runtime_error("Cannot create HDF5 file '" + path + "': " + last_error());
  } else {
    throw std::invalid_argument("h5::File: mode must be \"r\" or \"w\", got \"" + mode + "\"");
  }
  Handle root(H5Gopen2(file_.get(), "/", H5P_DEFAULT));
  if (!root)
    throw std::runtime_error("Cannot open the root group of '" + path + "': " + last_error());
  root_ = Group(std::move(root), path, "/");
}

void File::flush() {
  if (file_ && H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0)
    throw std::runtime_error("Cannot write HDF5 file '" + path_ + "': " + last_error());
}

void File::close() {
  root_ = Group(Handle(), path_, "/");
  if (!file_) return;
  if (H5Fclose(file_.release()) < 0)
    throw std::runtime_error("Cannot finish writing HDF5 file '" + path_ + "': " + last_error());
}

}  // namespace keras::saving::h5
