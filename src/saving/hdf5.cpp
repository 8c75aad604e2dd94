#include "saving/hdf5.h"

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace keras::saving::h5 {

namespace {

// HDF5's limit on data kept in an object header (Keras's HDF5_OBJECT_HEADER_LIMIT).
constexpr std::size_t kHeaderLimit = 64512;
constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();

// The external link HDF5 was refused while following a path (refuse_external_link), or "".
thread_local std::string g_refused_link;

herr_t refuse_external_link(const char* /*parent_file*/, const char* parent_group,
                            const char* child_file, const char* child_object, unsigned* /*flags*/,
                            hid_t /*fapl*/, void* /*data*/) {
  g_refused_link = std::string(parent_group) + " -> '" + child_file + "':" + child_object;
  return -1;
}

// Access property lists (link, group, dataset) under which HDF5 follows no external link,
// whatever path leads to one (a soft link to one too).
struct AccessLists {
  hid_t link, group, dataset;
};
const AccessLists& access_lists() {
  static const AccessLists lists = [] {
    AccessLists made{H5Pcreate(H5P_LINK_ACCESS), H5Pcreate(H5P_GROUP_ACCESS),
                     H5Pcreate(H5P_DATASET_ACCESS)};
    for (hid_t list : {made.link, made.group, made.dataset})
      H5Pset_elink_cb(list, refuse_external_link, nullptr);
    return made;
  }();
  return lists;
}

// Throws the refusal, when HDF5 just failed because it was refused an external link.
void throw_if_link_refused(const Group& group) {
  if (g_refused_link.empty()) return;
  const std::string link = std::exchange(g_refused_link, std::string());
  group.fail("the path leads to an external link to another file (" + link +
             "); a model file may not make keras.cpp read other files");
}

// File image callbacks that hand HDF5 the buffer of a File::Image instead of copies of it (as
// hdf5_hl's H5LTopen_file_image with H5LT_FILE_IMAGE_DONT_COPY): the buffer outlives the file,
// and the file is only read.
void* image_malloc(std::size_t size, H5FD_file_image_op_t op, void* udata) {
  auto* bytes = static_cast<std::string*>(udata);
  const bool handover = op == H5FD_FILE_IMAGE_OP_PROPERTY_LIST_SET ||
                        op == H5FD_FILE_IMAGE_OP_PROPERTY_LIST_COPY ||
                        op == H5FD_FILE_IMAGE_OP_FILE_OPEN;
  return handover && size == bytes->size() ? bytes->data() : nullptr;
}
void* image_memcpy(void* dest, const void* src, std::size_t, H5FD_file_image_op_t, void*) {
  return dest == src ? dest : nullptr;  // only the handovers of image_malloc, never a copy
}
void* image_realloc(void*, std::size_t, H5FD_file_image_op_t, void*) {
  return nullptr;  // read-only
}
herr_t image_free(void*, H5FD_file_image_op_t, void*) {
  return 0;  // the buffer belongs to File::Image
}
void* image_udata_copy(void* udata) {
  return udata;
}
herr_t image_udata_free(void*) {
  return 0;
}

// A name no other open file has: HDF5 takes two in-memory files of one name for the same file.
std::string unique_memory_name() {
  static std::atomic<unsigned long long> counter{0};
  return "keras-memory-file-" + std::to_string(++counter);
}

bool has_hdf5_signature(const char* bytes, std::size_t size) {
  const char signature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  // The superblock may follow a user block of 512, 1024, 2048, ... bytes.
  for (std::size_t offset = 0; offset + 8 <= size; offset = offset == 0 ? 512 : offset * 2)
    if (std::memcmp(bytes + offset, signature, 8) == 0) return true;
  return false;
}

[[noreturn]] void throw_not_hdf5(const std::string& label, bool signature) {
  const std::string found = signature ? "an HDF5 signature but an unreadable superblock "
                                        "(truncated or corrupted file?)"
                                      : "no HDF5 signature (not an HDF5 file)";
  throw std::runtime_error("'" + label + "' is not a readable HDF5 file: expected Keras's " +
                           "HDF5 format, found " + found);
}

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

// Reads the strings of an attribute of any h5py string flavour; fixed-length ones may not claim
// more bytes than the file (of file_size bytes) holds, attributes being stored uncompressed.
std::vector<std::string> read_strings(hid_t attr, const std::string& where,
                                      std::uint64_t file_size) {
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
  if (size * n > file_size)
    throw std::runtime_error(
        where + ": " + std::to_string(n) + " strings of " + std::to_string(size) +
        " bytes claim more than the whole file holds (" + std::to_string(file_size) + " bytes)");
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
  // Checks every component, as H5Lexists requires for paths, and what kind of link each is.
  const hid_t lapl = access_lists().link;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    const std::string prefix = name.substr(0, slash);
    if (prefix.empty()) return false;
    g_refused_link.clear();
    const htri_t exists = H5Lexists(id(), prefix.c_str(), lapl);
    throw_if_link_refused(*this);
    if (exists <= 0) return false;
    H5L_info_t info;
    if (H5Lget_info(id(), prefix.c_str(), &info, lapl) < 0)
      fail("cannot read the link '" + prefix + "'");
    if (info.type == H5L_TYPE_EXTERNAL) {
      std::string target = "another file";
      std::vector<char> value(info.u.val_size + 1, '\0');
      const char* file = nullptr;
      const char* object = nullptr;
      unsigned flags = 0;
      if (H5Lget_val(id(), prefix.c_str(), value.data(), value.size(), lapl) >= 0 &&
          H5Lunpack_elink_val(value.data(), info.u.val_size, &flags, &file, &object) >= 0 && file &&
          object)
        target = "'" + std::string(file) + "':" + object;
      fail("'" + prefix + "' is an external link to " + target +
           "; a model file may not make keras.cpp read other files");
    }
    if (info.type != H5L_TYPE_HARD && info.type != H5L_TYPE_SOFT)
      fail("'" + prefix + "' is a user-defined link (type " + std::to_string(info.type) +
           "); keras.cpp follows only hard and soft links within the file");
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

bool Group::has_group(const std::string& name) const {
  if (!has(name)) return false;
  H5O_info_t info;
  g_refused_link.clear();
  const herr_t status = H5Oget_info_by_name(id(), name.c_str(), &info, access_lists().link);
  throw_if_link_refused(*this);
  return status >= 0 && info.type == H5O_TYPE_GROUP;
}

Group Group::create_group(const std::string& name) {
  // A name with slashes (a layer named "conv1/conv", as Keras's DenseNet has) is a path whose
  // missing groups are made on the way, as h5py does.
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle g(H5Gcreate2(id(), name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!g) fail("cannot create group '" + name + "'");
  return Group(std::move(g), file_, join(path_, name), file_size_);
}

Group Group::open_group(const std::string& name) const {
  if (!has_group(name)) fail("expected a group named '" + name + "', found none");
  g_refused_link.clear();
  Handle g(H5Gopen2(id(), name.c_str(), access_lists().group));
  throw_if_link_refused(*this);
  if (!g) fail("cannot open group '" + name + "'");
  return Group(std::move(g), file_, join(path_, name), file_size_);
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
  std::vector<std::string> values =
      read_strings(attr.get(), file_ + " " + path_ + "@" + name, file_size_);
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
    for (auto& s : read_strings(attr.get(), file_ + " " + path_ + "@" + attr_name, file_size_))
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

Handle Group::open_dataset(const std::string& name) const {
  if (!has(name)) fail("expected a dataset named '" + name + "', found none");
  g_refused_link.clear();
  Handle dataset(H5Dopen2(id(), name.c_str(), access_lists().dataset));
  throw_if_link_refused(*this);
  if (!dataset) fail("'" + name + "' is not a readable dataset");
  return dataset;
}

namespace {

Shape shape_of(const Group& group, hid_t dataset, const std::string& name) {
  Handle space(H5Dget_space(dataset));
  if (!space) group.fail("cannot read the shape of dataset '" + name + "'");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 32) group.fail("dataset '" + name + "' has an unreadable shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  for (hsize_t d : dims)
    if (d > static_cast<hsize_t>(std::numeric_limits<std::int64_t>::max()))
      group.fail("dataset '" + name + "' claims an implausible dimension " + std::to_string(d));
  return Shape(dims.begin(), dims.end());
}

// Refuses a dataset whose data lie outside the file, or that claims more bytes than its storage
// in the file can hold (`bytes`: its size as the file stores it, uncompressed).
void check_storage(const Group& group, hid_t dataset, const std::string& name, const Shape& shape,
                   long double bytes) {
  const std::string what = "dataset '" + name + "'";
  Handle dcpl(H5Dget_create_plist(dataset));
  if (!dcpl) group.fail("cannot read the storage properties of " + what);
  if (H5Pget_layout(dcpl.get()) == H5D_VIRTUAL)
    group.fail(what + " is a virtual dataset, whose data lie in other files; a model file may " +
               "not make keras.cpp read other files");
  if (H5Pget_external_count(dcpl.get()) != 0) {
    char file[256] = {};
    off_t offset = 0;
    hsize_t size = 0;
    H5Pget_external(dcpl.get(), 0, sizeof file - 1, file, &offset, &size);
    group.fail(what + " keeps its data in the external file '" + file +
               "'; a model file may not make keras.cpp read other files");
  }
  const int filters = H5Pget_nfilters(dcpl.get());
  if (filters < 0) group.fail("cannot read the filters of " + what);
  long double ratio = 1;
  bool deflated = false;
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0, config = 0, values[16] = {};
    std::size_t count = 16;
    char filter_name[64] = {};
    const H5Z_filter_t filter =
        H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &count, values,
                       sizeof filter_name - 1, filter_name, &config);
    if (filter == H5Z_FILTER_DEFLATE) {
      // Deflating twice multiplies the ratios (10^6 and more); no writer does it but an attack.
      if (deflated) group.fail(what + " is deflated more than once; keras.cpp refuses that");
      deflated = true;
      ratio = kDeflateMaxRatio;
    } else if (filter != H5Z_FILTER_SHUFFLE && filter != H5Z_FILTER_FLETCHER32) {
      group.fail(what + " is encoded with HDF5 filter " + std::to_string(filter) + " ('" +
                 filter_name + "'); keras.cpp reads datasets stored plain or with the deflate " +
                 "(gzip), shuffle and fletcher32 filters");
    }
  }
  const hsize_t storage = H5Dget_storage_size(dataset);
  if (storage > group.file_size())
    group.fail(what + " claims " + std::to_string(storage) + " bytes of storage, more than " +
               "the whole file holds (" + std::to_string(group.file_size()) + " bytes)");
  if (bytes > 0 && storage == 0) group.fail(what + " has no data stored");
  const long double most = static_cast<long double>(storage) * ratio;
  if (bytes > most)
    group.fail(what + " of shape " + shape_to_string(shape) + " holds " +
               std::to_string(static_cast<unsigned long long>(bytes)) + " bytes, more than its " +
               std::to_string(storage) + " bytes of storage in the file can hold (" +
               (deflated ? "deflate expands at most 1032:1" : "stored uncompressed") +
               "; the file has " + std::to_string(group.file_size()) +
               " bytes): a damaged or malicious file");
}

}  // namespace

Shape Group::dataset_shape(const std::string& name) const {
  Handle dataset = open_dataset(name);
  return shape_of(*this, dataset.get(), name);
}

Tensor Group::read_dataset(const std::string& name) const {
  Handle dataset = open_dataset(name);
  const Shape shape = shape_of(*this, dataset.get(), name);
  Handle type(H5Dget_type(dataset.get()));
  if (!type) fail("cannot read the type of dataset '" + name + "'");
  DType dtype;
  const std::size_t size = H5Tget_size(type.get());
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
  long double numel = 1;
  for (auto d : shape) numel *= static_cast<long double>(d);
  check_storage(*this, dataset.get(), name, shape, numel * static_cast<long double>(size));
  Tensor out(shape, dtype);
  if (numel > 0 &&
      H5Dread(dataset.get(), memory_type(dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.raw_data()) < 0)
    fail("cannot read dataset '" + name + "'");
  return out;
}

struct File::Image {
  std::string bytes;
};

File::File(std::string label, std::unique_ptr<Image> image)
    : path_(std::move(label)), image_(std::move(image)), root_(Handle(), path_, "/", 0) {}

File::File(File&&) noexcept = default;
File::~File() = default;

File::File(const std::string& path, const std::string& mode)
    : path_(path), root_(Handle(), path, "/", 0) {
  silence_hdf5();
  std::uint64_t file_size = kUnbounded;
  if (mode == "r") {
    std::ifstream probe(path, std::ios::binary);
    if (!probe)
      throw std::runtime_error("Cannot open '" + path + "': no such file or not readable");
    char head[8] = {};
    probe.read(head, 8);
    if (H5Fis_hdf5(path.c_str()) <= 0)
      throw_not_hdf5(path, has_hdf5_signature(head, static_cast<std::size_t>(probe.gcount())));
    std::error_code ec;
    file_size = std::filesystem::file_size(path, ec);
    if (ec) throw std::runtime_error("Cannot read the size of '" + path + "': " + ec.message());
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
  root_ = Group(std::move(root), path, "/", file_size);
}

File File::open_image(std::string image, const std::string& label) {
  silence_hdf5();
  if (!has_hdf5_signature(image.data(), image.size())) throw_not_hdf5(label, false);
  File file(label, std::make_unique<Image>(Image{std::move(image)}));
  std::string* bytes = &file.image_->bytes;
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5FD_file_image_callbacks_t callbacks = {image_malloc, image_memcpy,     image_realloc,
                                           image_free,   image_udata_copy, image_udata_free,
                                           bytes};
  // Strong close: nothing of the file outlives File, so neither does any use of the buffer.
  if (H5Pset_fapl_core(fapl.get(), 1 << 16, false) < 0 ||
      H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG) < 0 ||
      H5Pset_file_image_callbacks(fapl.get(), &callbacks) < 0 ||
      H5Pset_file_image(fapl.get(), bytes->data(), bytes->size()) < 0)
    throw std::runtime_error("Cannot read '" + label + "' from memory: " + last_error());
  file.file_ = Handle(H5Fopen(unique_memory_name().c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file.file_) throw_not_hdf5(label, true);
  Handle root(H5Gopen2(file.file_.get(), "/", H5P_DEFAULT));
  if (!root)
    throw std::runtime_error("Cannot open the root group of '" + label + "': " + last_error());
  file.root_ = Group(std::move(root), label, "/", bytes->size());
  return file;
}

File File::create_in_memory(const std::string& label) {
  silence_hdf5();
  File file(label, std::unique_ptr<Image>());
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  // The earliest format, as h5py writes by default: HDF5 1.10's H5Fget_file_image leaves a wrong
  // checksum in the superblock of the 1.8 format.
  if (H5Pset_fapl_core(fapl.get(), 1 << 20, false) < 0)
    throw std::runtime_error("Cannot create '" + label + "' in memory: " + last_error());
  file.file_ =
      Handle(H5Fcreate(unique_memory_name().c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()));
  if (!file.file_)
    throw std::runtime_error("Cannot create '" + label + "' in memory: " + last_error());
  Handle root(H5Gopen2(file.file_.get(), "/", H5P_DEFAULT));
  if (!root)
    throw std::runtime_error("Cannot open the root group of '" + label + "': " + last_error());
  file.root_ = Group(std::move(root), label, "/", kUnbounded);
  return file;
}

std::string File::image() {
  flush();
  const ssize_t size = file_ ? H5Fget_file_image(file_.get(), nullptr, 0) : -1;
  std::string bytes(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  if (size <= 0 || H5Fget_file_image(file_.get(), bytes.data(), bytes.size()) != size)
    throw std::runtime_error("Cannot write HDF5 file '" + path_ + "' to memory: " + last_error());
  return bytes;
}

void File::flush() {
  if (file_ && H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0)
    throw std::runtime_error("Cannot write HDF5 file '" + path_ + "': " + last_error());
}

void File::close() {
  root_ = Group(Handle(), path_, "/", 0);
  if (!file_) return;
  if (H5Fclose(file_.release()) < 0)
    throw std::runtime_error("Cannot finish writing HDF5 file '" + path_ + "': " + last_error());
}

}  // namespace keras::saving::h5
