#include "checkpoint/h5.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"

namespace recur {

namespace {

// Owns one HDF5 handle and closes it with the matching function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// HDF5 prints its own error stacks unless told not to; recur reports errors itself.
void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

hid_t memory_type(DType t) {
  switch (t) {
    case DType::F32:
      return H5T_NATIVE_FLOAT;
    case DType::F64:
      return H5T_NATIVE_DOUBLE;
    case DType::I32:
      return H5T_NATIVE_INT32;
  }
  return H5T_NATIVE_FLOAT;
}

Handle string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

Handle untimed_dataset() {
  Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(props.get(), 0);
  return props;
}

Handle link_creation_with_parents() {
  Handle props(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(props.get(), 1);
  return props;
}

// A model or checkpoint may come from elsewhere. Every dataset recur reads must keep its data in
// the file itself, reached through hard links (no external link, external storage or virtual
// dataset, which read other files), use no filter but fletcher32, shuffle and deflate (no plugin
// is loaded), and declare no more data than its storage holds: as much without compression, at
// most kMaxInflation times as much with it (recur writes no compressed data; tensors that compress
// further are refused with the rest). A huge shape over a few bytes is refused before anything is
// allocated for it.
constexpr uint64_t kMaxInflation = 64;
constexpr uint64_t kUnstoredBytes = 4096;  // small datasets with unwritten data read as fill values
constexpr int kMaxRank = 8;
const char* const kOnlyThisFile = "recur reads only what is stored in the file itself";

const char* link_kind(H5L_type_t type) {
  switch (type) {
    case H5L_TYPE_EXTERNAL:
      return "an external link to another file";
    case H5L_TYPE_SOFT:
      return "a soft link";
    default:
      return "a user-defined link";
  }
}

// Whether every component of `name` exists; each must be a hard link (Error otherwise).
bool hard_links_exist(hid_t file, const std::string& path, const std::string& name) {
  for (size_t end = name.find('/', 1);; end = name.find('/', end + 1)) {
    const std::string prefix = name.substr(0, end);
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    H5L_info_t info;
    RECUR_CHECK(H5Lget_info(file, prefix.c_str(), &info, H5P_DEFAULT) >= 0, path, ": cannot read ",
                prefix);
    RECUR_CHECK(info.type == H5L_TYPE_HARD, path, ": ", prefix, " is ", link_kind(info.type), "; ",
                kOnlyThisFile);
    if (end == std::string::npos) return true;
  }
}

void check_hard_links(hid_t file, const std::string& path, const std::string& name) {
  RECUR_CHECK(hard_links_exist(file, path, name), path, ": no dataset ", name);
}

void check_declared_size(hid_t set, bool compressed, const std::string& path,
                         const std::string& name) {
  Handle space(H5Dget_space(set), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  RECUR_CHECK(rank >= 0 && rank <= kMaxRank, path, ": dataset ", name, " has ", rank,
              " dimensions (recur reads at most ", kMaxRank, ")");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  Handle type(H5Dget_type(set), H5Tclose);
  const uint64_t stored = H5Dget_storage_size(set);
  const uint64_t inflation = compressed ? kMaxInflation : 1;
  const uint64_t limit = stored > (UINT64_MAX - kUnstoredBytes) / inflation
                             ? UINT64_MAX
                             : stored * inflation + kUnstoredBytes;
  uint64_t declared = H5Tget_size(type.get());
  uint64_t nonzero = 1;  // the product of the other dimensions, which a zero one does not excuse
  constexpr uint64_t kMaxElements = uint64_t{1} << 62;
  std::string shape;
  for (hsize_t d : dims) {
    declared = d != 0 && declared > limit / d ? limit + 1 : declared * d;
    nonzero =
        d != 0 && nonzero > kMaxElements / d ? kMaxElements + 1 : nonzero * std::max<hsize_t>(d, 1);
    shape += concat(shape.empty() ? "" : " x ", d);
  }
  RECUR_CHECK(declared <= limit && nonzero <= kMaxElements, path, ": dataset ", name,
              " declares shape (", shape, ") but stores ", stored,
              " bytes: more data than its storage can hold");
}

// Whether a dataset's filters compress; Error for a filter other than fletcher32, shuffle and
// deflate.
bool uses_deflate(hid_t creation, const std::string& path, const std::string& name) {
  bool deflate = false;
  for (int i = 0; i < H5Pget_nfilters(creation); ++i) {
    unsigned flags = 0, config = 0;
    size_t values = 0;
    const H5Z_filter_t filter = H5Pget_filter2(creation, static_cast<unsigned>(i), &flags, &values,
                                               nullptr, 0, nullptr, &config);
    RECUR_CHECK(filter == H5Z_FILTER_FLETCHER32 || filter == H5Z_FILTER_SHUFFLE ||
                    filter == H5Z_FILTER_DEFLATE,
                path, ": dataset ", name, " uses HDF5 filter ", filter,
                "; recur reads fletcher32, shuffle and deflate only");
    deflate = deflate || filter == H5Z_FILTER_DEFLATE;
  }
  return deflate;
}

Handle open_dataset(hid_t file, const std::string& path, const std::string& name) {
  check_hard_links(file, path, name);
  Handle set(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  RECUR_CHECK(set.ok(), path, ": no dataset ", name);
  Handle creation(H5Dget_create_plist(set.get()), H5Pclose);
  RECUR_CHECK(H5Pget_layout(creation.get()) != H5D_VIRTUAL, path, ": dataset ", name,
              " is a virtual dataset, which reads other files; ", kOnlyThisFile);
  RECUR_CHECK(H5Pget_external_count(creation.get()) == 0, path, ": dataset ", name,
              " keeps its data in external files; ", kOnlyThisFile);
  check_declared_size(set.get(), uses_deflate(creation.get(), path, name), path, name);
  return set;
}

}  // namespace

H5File H5File::create(const std::string& path) {
  silence_hdf5();
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  RECUR_CHECK(id >= 0, "cannot create HDF5 file ", path);
  return H5File(id, path);
}

H5File H5File::open(const std::string& path) {
  silence_hdf5();
  RECUR_CHECK(std::filesystem::is_regular_file(path), "cannot open ", path, ": no such file");
  RECUR_CHECK(H5Fis_hdf5(path.c_str()) > 0, path, " is not an HDF5 file");
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  RECUR_CHECK(id >= 0, "cannot open HDF5 file ", path);
  return H5File(id, path);
}

H5File::H5File(H5File&& other) noexcept : id_(other.id_), path_(std::move(other.path_)) {
  other.id_ = -1;
}

H5File& H5File::operator=(H5File&& other) noexcept {
  std::swap(id_, other.id_);
  std::swap(path_, other.path_);
  return *this;
}

H5File::~H5File() {
  if (id_ >= 0) H5Fclose(id_);
}

void H5File::write_tensor(const std::string& name, const Tensor& on_any_device) {
  const Tensor tensor = on_any_device.to_host();
  std::vector<hsize_t> dims(tensor.shape().dims().begin(), tensor.shape().dims().end());
  if (dims.empty()) dims.push_back(1);
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  // Chunks of at most ~1 MiB along the first dimension; fletcher32 checks each chunk on read.
  std::vector<hsize_t> chunk = dims;
  const hsize_t row_bytes =
      static_cast<hsize_t>(tensor.numel() * static_cast<int64_t>(dtype_size(tensor.dtype()))) /
      std::max<hsize_t>(dims[0], 1);
  chunk[0] = std::clamp<hsize_t>((1u << 20) / std::max<hsize_t>(row_bytes, 1), 1,
                                 std::max<hsize_t>(dims[0], 1));
  Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(props.get(), 0);  // no timestamps: the same content gives the same bytes
  if (tensor.numel() > 0) {
    H5Pset_chunk(props.get(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_fletcher32(props.get());
  }
  Handle links = link_creation_with_parents();
  Handle set(H5Dcreate2(id_, name.c_str(), memory_type(tensor.dtype()), space.get(), links.get(),
                        props.get(), H5P_DEFAULT),
             H5Dclose);
  RECUR_CHECK(set.ok(), "cannot create dataset ", name, " in ", path_);
  const void* data = nullptr;
  switch (tensor.dtype()) {
    case DType::F32:
      data = tensor.data<float>();
      break;
    case DType::F64:
      data = tensor.data<double>();
      break;
    case DType::I32:
      data = tensor.data<int32_t>();
      break;
  }
  RECUR_CHECK(
      H5Dwrite(set.get(), memory_type(tensor.dtype()), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0,
      "cannot write dataset ", name, " to ", path_);
}

void H5File::write_string(const std::string& name, const std::string& text) {
  Handle type = string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle links = link_creation_with_parents();
  Handle set(H5Dcreate2(id_, name.c_str(), type.get(), space.get(), links.get(),
                        untimed_dataset().get(), H5P_DEFAULT),
             H5Dclose);
  RECUR_CHECK(set.ok(), "cannot create dataset ", name, " in ", path_);
  const char* p = text.c_str();
  RECUR_CHECK(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) >= 0,
              "cannot write dataset ", name, " to ", path_);
}

void H5File::write_strings(const std::string& name, const std::vector<std::string>& texts) {
  Handle type = string_type();
  hsize_t n = texts.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle links = link_creation_with_parents();
  Handle set(H5Dcreate2(id_, name.c_str(), type.get(), space.get(), links.get(),
                        untimed_dataset().get(), H5P_DEFAULT),
             H5Dclose);
  RECUR_CHECK(set.ok(), "cannot create dataset ", name, " in ", path_);
  std::vector<const char*> pointers;
  for (const std::string& t : texts)
    pointers.push_back(t.c_str());
  RECUR_CHECK(n == 0 || H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                 pointers.data()) >= 0,
              "cannot write dataset ", name, " to ", path_);
}

Tensor H5File::read_tensor(const std::string& name) const {
  Handle set = open_dataset(id_, path_, name);
  Handle space(H5Dget_space(set.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  Handle type(H5Dget_type(set.get()), H5Tclose);
  DType dtype;
  if (H5Tget_class(type.get()) == H5T_INTEGER) {
    dtype = DType::I32;
  } else if (H5Tget_class(type.get()) == H5T_FLOAT) {
    dtype = H5Tget_size(type.get()) == 8 ? DType::F64 : DType::F32;
  } else {
    fail(path_, ": dataset ", name, " does not hold numbers");
  }
  Tensor t = Tensor::empty(Shape(std::vector<int64_t>(dims.begin(), dims.end())), dtype);
  void* data = nullptr;
  switch (dtype) {
    case DType::F32:
      data = t.data<float>();
      break;
    case DType::F64:
      data = t.data<double>();
      break;
    case DType::I32:
      data = t.data<int32_t>();
      break;
  }
  RECUR_CHECK(H5Dread(set.get(), memory_type(dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0,
              path_, ": cannot read dataset ", name,
              " (damaged file? its checksum does not verify)");
  return t;
}

std::string H5File::read_string(const std::string& name) const {
  std::vector<std::string> all = read_strings(name);
  RECUR_CHECK(all.size() == 1, path_, ": dataset ", name, " is not a single string");
  return all[0];
}

std::vector<std::string> H5File::read_strings(const std::string& name) const {
  Handle set = open_dataset(id_, path_, name);
  Handle space(H5Dget_space(set.get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  Handle type = string_type();
  std::vector<char*> pointers(static_cast<size_t>(n), nullptr);
  RECUR_CHECK(
      n == 0 || H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) >= 0,
      path_, ": cannot read strings from ", name);
  std::vector<std::string> out;
  for (char* p : pointers)
    out.emplace_back(p ? p : "");
  if (n > 0) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, pointers.data());
  return out;
}

void H5File::set_attribute(const std::string& object, const std::string& name,
                           const std::string& value) {
  Handle type = string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate_by_name(id_, object.c_str(), name.c_str(), type.get(), space.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  RECUR_CHECK(attr.ok(), "cannot create attribute ", object, "@", name, " in ", path_);
  const char* p = value.c_str();
  RECUR_CHECK(H5Awrite(attr.get(), type.get(), &p) >= 0, "cannot write attribute ", name);
}

void H5File::set_attribute(const std::string& object, const std::string& name, int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate_by_name(id_, object.c_str(), name.c_str(), H5T_NATIVE_INT64, space.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  RECUR_CHECK(attr.ok(), "cannot create attribute ", object, "@", name, " in ", path_);
  RECUR_CHECK(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value) >= 0, "cannot write attribute ", name);
}

void H5File::set_attribute(const std::string& object, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate_by_name(id_, object.c_str(), name.c_str(), H5T_NATIVE_DOUBLE, space.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  RECUR_CHECK(attr.ok(), "cannot create attribute ", object, "@", name, " in ", path_);
  RECUR_CHECK(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value) >= 0, "cannot write attribute ",
              name);
}

void H5File::set_attribute(const std::string& object, const std::string& name,
                           const std::vector<int64_t>& values) {
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(H5Acreate_by_name(id_, object.c_str(), name.c_str(), H5T_NATIVE_INT64, space.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  RECUR_CHECK(attr.ok(), "cannot create attribute ", object, "@", name, " in ", path_);
  RECUR_CHECK(n == 0 || H5Awrite(attr.get(), H5T_NATIVE_INT64, values.data()) >= 0,
              "cannot write attribute ", name);
}

double H5File::double_attribute(const std::string& object, const std::string& name) const {
  Handle attr(H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  RECUR_CHECK(attr.ok(), path_, ": no attribute ", name, " on ", object);
  double value = 0;
  RECUR_CHECK(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value) >= 0, path_, ": attribute ", name,
              " on ", object, " is not a number");
  return value;
}

std::vector<int64_t> H5File::int_array_attribute(const std::string& object,
                                                 const std::string& name) const {
  Handle attr(H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  RECUR_CHECK(attr.ok(), path_, ": no attribute ", name, " on ", object);
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  std::vector<int64_t> values(static_cast<size_t>(H5Sget_simple_extent_npoints(space.get())));
  RECUR_CHECK(values.empty() || H5Aread(attr.get(), H5T_NATIVE_INT64, values.data()) >= 0, path_,
              ": attribute ", name, " on ", object, " is not a list of integers");
  return values;
}

bool H5File::has_attribute(const std::string& object, const std::string& name) const {
  return H5Aexists_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::string H5File::string_attribute(const std::string& object, const std::string& name) const {
  Handle attr(H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  RECUR_CHECK(attr.ok(), path_, ": no attribute ", name, " on ", object);
  Handle type = string_type();
  char* p = nullptr;
  RECUR_CHECK(H5Aread(attr.get(), type.get(), &p) >= 0, path_, ": attribute ", name, " on ", object,
              " is not a string");
  std::string value = p ? p : "";
  H5free_memory(p);
  return value;
}

int64_t H5File::int_attribute(const std::string& object, const std::string& name) const {
  Handle attr(H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  RECUR_CHECK(attr.ok(), path_, ": no attribute ", name, " on ", object);
  int64_t value = 0;
  RECUR_CHECK(H5Aread(attr.get(), H5T_NATIVE_INT64, &value) >= 0, path_, ": attribute ", name,
              " on ", object, " is not an integer");
  return value;
}

bool H5File::exists(const std::string& name) const {
  return hard_links_exist(id_, path_, name);
}

bool H5File::holds_strings(const std::string& dataset) const {
  Handle set = open_dataset(id_, path_, dataset);
  Handle type(H5Dget_type(set.get()), H5Tclose);
  return H5Tget_class(type.get()) == H5T_STRING;
}

std::vector<std::string> H5File::datasets(const std::string& group) const {
  // Every link under `group`: datasets reached through hard links are listed; any other link
  // (soft, or external to another file) is refused rather than skipped.
  struct Listing {
    std::vector<std::string> names;
    std::string link;
    H5L_type_t type = H5L_TYPE_HARD;
  } listing;
  auto visit = [](hid_t g, const char* name, const H5L_info_t* info, void* out) -> herr_t {
    auto& found = *static_cast<Listing*>(out);
    if (info->type != H5L_TYPE_HARD) {
      found.link = name;
      found.type = info->type;
      return 1;  // stops the walk
    }
    H5O_info_t object;
    if (H5Oget_info_by_name2(g, name, &object, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
    if (object.type == H5O_TYPE_DATASET) found.names.push_back(name);
    return 0;
  };
  RECUR_CHECK(group == "/" || hard_links_exist(id_, path_, group), path_, ": no group ", group);
  Handle g(H5Gopen2(id_, group.c_str(), H5P_DEFAULT), H5Gclose);
  RECUR_CHECK(g.ok(), path_, ": no group ", group);
  RECUR_CHECK(H5Lvisit(g.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &listing) >= 0, path_,
              ": cannot list ", group);
  RECUR_CHECK(
      listing.link.empty(), path_, ": ", group, "/", listing.link, " is ",
      listing.type == H5L_TYPE_EXTERNAL ? "an external link to another file" : "a soft link", "; ",
      kOnlyThisFile);
  std::sort(listing.names.begin(), listing.names.end());
  return listing.names;
}

void H5File::flush() {
  RECUR_CHECK(H5Fflush(id_, H5F_SCOPE_GLOBAL) >= 0, "cannot write ", path_, " (disk full?)");
}

void H5File::close() {
  if (id_ < 0) return;
  const herr_t rc = H5Fclose(id_);
  id_ = -1;
  RECUR_CHECK(rc >= 0, "cannot write ", path_, " (disk full?)");
}

}  // namespace recur
