// recur's HDF5 readers on valid HDF5 files built from the input: the bytes choose datasets (names,
// shapes up to 2^40 per dimension, element types, layouts, compression, whether data is written),
// attributes (names, types, lengths) and links (soft, external). HDF5 1.10 itself can crash on
// byte-level garbage, which is why the files are valid ones and checkpoint files are checked
// against the manifest's hashes before HDF5 opens them.
//
// The same file is read as a model file (its info and parameters) and as the shard of a
// checkpoint whose manifest has the right sizes and hashes (its parameters, then a deep verify).
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include "checkpoint/checkpoint.h"
#include "checkpoint/model_file.h"
#include "core/file_hash.h"
#include "core/json.h"
#include "fuzz_input.h"

namespace {

using recur::fuzz::refused_or_read;

hid_t element_type(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 5)) {
    case 0:
      return H5Tcopy(H5T_NATIVE_FLOAT);
    case 1:
      return H5Tcopy(H5T_NATIVE_DOUBLE);
    case 2:
      return H5Tcopy(H5T_NATIVE_INT32);
    case 3:
      return H5Tcopy(H5T_NATIVE_UINT64);
    case 4:
      return H5Tcopy(H5T_NATIVE_SCHAR);
    default: {
      const hid_t text = H5Tcopy(H5T_C_S1);
      H5Tset_size(text, H5T_VARIABLE);
      return text;
    }
  }
}

// A name under /params, /meta or the root, from the input (HDF5 refuses some: that is fine).
std::string object_name(FuzzedDataProvider& in) {
  static const char* const kGroups[] = {"/params/", "/meta/", "/", "/params/encoder/", "/tensors/"};
  return kGroups[in.ConsumeIntegralInRange(0, 4)] + in.ConsumeRandomLengthString(24);
}

void add_dataset(hid_t file, hid_t links, FuzzedDataProvider& in) {
  const int rank = in.ConsumeIntegralInRange(0, 3);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  for (hsize_t& d : dims)
    d = in.ConsumeBool() ? in.ConsumeIntegralInRange<hsize_t>(0, 8)
                         : in.ConsumeIntegralInRange<hsize_t>(0, hsize_t{1} << 40);
  const hid_t space =
      rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims.data(), nullptr);
  const hid_t type = element_type(in);
  const hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
  if (rank > 0 && in.ConsumeBool()) {
    std::vector<hsize_t> chunk(dims.size(), 1);
    H5Pset_chunk(creation, rank, chunk.data());
    if (in.ConsumeBool()) H5Pset_deflate(creation, 6);
    if (in.ConsumeBool()) H5Pset_fletcher32(creation);
  }
  const std::string name = object_name(in);
  const hid_t set = H5Dcreate2(file, name.c_str(), type, space, links, creation, H5P_DEFAULT);
  hssize_t points = H5Sget_simple_extent_npoints(space);
  if (set >= 0 && points > 0 && points <= 64 && H5Tget_class(type) != H5T_STRING) {
    const std::string bytes =
        in.ConsumeBytesAsString(static_cast<size_t>(points) * H5Tget_size(type));
    if (bytes.size() == static_cast<size_t>(points) * H5Tget_size(type))
      H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
  }
  if (set >= 0) H5Dclose(set);
  H5Pclose(creation);
  H5Tclose(type);
  H5Sclose(space);
}

// An attribute on the root, /meta/vocab or a dataset: an integer list, a double or a string.
void add_attribute(hid_t file, FuzzedDataProvider& in) {
  static const char* const kObjects[] = {"/", "/meta/vocab", "/params/w"};
  static const char* const kNames[] = {
      "format",    "format_version", "step",  "model_type", "recur_version", "tokenizer",
      "lowercase", "global_shape",   "range", "rank",       "world_size"};
  const char* object = kObjects[in.ConsumeIntegralInRange(0, 2)];
  const char* name = kNames[in.ConsumeIntegralInRange(0, 10)];
  H5Adelete_by_name(file, object, name, H5P_DEFAULT);
  const int kind = in.ConsumeIntegralInRange(0, 2);
  const hsize_t n = in.ConsumeIntegralInRange<hsize_t>(0, 4);
  const hid_t space = kind == 0 ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_SCALAR);
  hid_t type = kind == 0   ? H5Tcopy(H5T_NATIVE_INT64)
               : kind == 1 ? H5Tcopy(H5T_NATIVE_DOUBLE)
                           : H5Tcopy(H5T_C_S1);
  if (kind == 2) H5Tset_size(type, H5T_VARIABLE);
  const hid_t attr =
      H5Acreate_by_name(file, object, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (attr >= 0) {
    if (kind == 0) {
      std::vector<int64_t> values(n);
      for (int64_t& v : values)
        v = in.ConsumeIntegral<int64_t>();
      if (n > 0) H5Awrite(attr, type, values.data());
    } else if (kind == 1) {
      const double value = in.ConsumeFloatingPoint<double>();
      H5Awrite(attr, type, &value);
    } else {
      const std::string text = in.ConsumeRandomLengthString(32);
      const char* p = text.c_str();
      H5Awrite(attr, type, &p);
    }
    H5Aclose(attr);
  }
  H5Tclose(type);
  H5Sclose(space);
}

void add_link(hid_t file, hid_t links, FuzzedDataProvider& in) {
  const std::string name = object_name(in);
  if (in.ConsumeBool()) {
    H5Lcreate_soft(object_name(in).c_str(), file, name.c_str(), links, H5P_DEFAULT);
  } else {
    H5Lcreate_external("/etc/hostname", "/x", file, name.c_str(), links, H5P_DEFAULT);
  }
}

void build_file(const std::string& path, FuzzedDataProvider& in) {
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t links = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(links, 1);
  for (int steps = in.ConsumeIntegralInRange(1, 12); steps > 0 && in.remaining_bytes() > 0;
       --steps) {
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0:
      case 1:
        add_dataset(file, links, in);
        break;
      case 2:
        add_attribute(file, in);
        break;
      default:
        add_link(file, links, in);
    }
  }
  H5Pclose(links);
  H5Fclose(file);
}

// A checkpoint folder whose manifest lists `shard` (and state.h5, the same file) with their true
// sizes and hashes, so that the readers get past verification to the HDF5 content.
std::string checkpoint_around(const std::string& shard) {
  namespace fs = std::filesystem;
  const fs::path folder = recur::fuzz::scratch_dir() / "step-00000001";
  fs::create_directories(folder);
  fs::copy_file(shard, folder / "shard-00000-of-00001.h5", fs::copy_options::overwrite_existing);
  fs::copy_file(shard, folder / "state.h5", fs::copy_options::overwrite_existing);
  recur::Json files = recur::Json::array();
  for (const char* name : {"state.h5", "shard-00000-of-00001.h5"}) {
    files.push_back({{"name", name},
                     {"bytes", static_cast<int64_t>(fs::file_size(folder / name))},
                     {"hash", recur::hex64(recur::hash_file((folder / name).string()))}});
  }
  const recur::Json manifest{
      {"format", "recur-checkpoint"}, {"format_version", 1}, {"step", 1}, {"world_size", 1},
      {"recur_version", "fuzz"},      {"files", files}};
  std::ofstream(folder / "manifest.json", std::ios::trunc) << manifest.dump(2);
  return folder.string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  FuzzedDataProvider in(data, size);
  const std::string path = (recur::fuzz::scratch_dir() / "model.h5").string();
  build_file(path, in);
  refused_or_read([&] { recur::read_model_file_info(path); });
  refused_or_read([&] { recur::read_model_parameters(path); });
  const std::string checkpoint = checkpoint_around(path);
  refused_or_read([&] { recur::read_parameters(checkpoint); });
  refused_or_read([&] { recur::read_training_state(checkpoint); });
  refused_or_read([&] { recur::verify_checkpoint(checkpoint, true); });
  return 0;
}
