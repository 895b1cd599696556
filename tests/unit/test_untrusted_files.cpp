// Model files from elsewhere, built with the HDF5 C API to do what recur never writes: each must
// be refused with one clear error before anything is read from another file or allocated for it.
#include <hdf5.h>

#include <filesystem>

#include "checkpoint/model_file.h"
#include "test_util.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

// A model file of one parameter /params/w (4 floats), with `add` adding something hostile.
template <class Add>
std::string hostile_file(const std::string& name, Add add) {
  const fs::path dir = process_temp_dir("untrusted");
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t params = H5Gcreate2(file, "/params", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t four = 4;
  const hid_t space = H5Screate_simple(1, &four, nullptr);
  const hid_t set =
      H5Dcreate2(file, "/params/w", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const float values[4] = {1, 2, 3, 4};
  H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
  add(file);
  H5Dclose(set);
  H5Sclose(space);
  H5Gclose(params);
  H5Fclose(file);
  return path;
}

std::string read_error(const std::string& path) {
  try {
    read_model_parameters(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A dataset of `dims` floats with creation properties `creation`, nothing written.
void add_dataset(hid_t file, const char* name, std::vector<hsize_t> dims, hid_t creation) {
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  H5Dclose(H5Dcreate2(file, name, H5T_NATIVE_FLOAT, space, H5P_DEFAULT, creation, H5P_DEFAULT));
  H5Sclose(space);
}

TEST(UntrustedFiles, APlainFileReads) {
  const std::string path = hostile_file("plain.h5", [](hid_t) {});
  EXPECT_EQ(read_model_parameters(path).at("w").to_vector<float>(),
            (std::vector<float>{1, 2, 3, 4}));
}

// 10^12 floats declared over chunks never written, compressed: 4 TB from a few kB of file.
TEST(UntrustedFiles, AHugeShapeOverLittleStorageIsRefused) {
  const std::string path = hostile_file("huge.h5", [](hid_t file) {
    const hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk[2] = {1, 1000};
    H5Pset_chunk(creation, 2, chunk);
    H5Pset_deflate(creation, 9);
    add_dataset(file, "/params/huge", {1000000000, 1000}, creation);
    H5Pclose(creation);
  });
  EXPECT_EQ(read_error(path), path +
                                  ": dataset /params/huge declares shape (1000000000 x 1000) but "
                                  "stores 0 bytes: more data than its storage can hold");
}

TEST(UntrustedFiles, AnExternalLinkIsRefused) {
  const std::string other = hostile_file("other.h5", [](hid_t) {});
  const std::string path = hostile_file("linked.h5", [&](hid_t file) {
    H5Lcreate_external(other.c_str(), "/params/w", file, "/params/elsewhere", H5P_DEFAULT,
                       H5P_DEFAULT);
  });
  EXPECT_EQ(read_error(path), path +
                                  ": /params/elsewhere is an external link to another file; recur "
                                  "reads only what is stored in the file itself");
}

// A group that is a link is refused where it is looked up, before HDF5 opens the other file.
TEST(UntrustedFiles, AGroupThatLinksToAnotherFileIsRefused) {
  const std::string other = hostile_file("meta.h5", [](hid_t) {});
  const std::string path = hostile_file("linked-meta.h5", [&](hid_t file) {
    H5Lcreate_external(other.c_str(), "/params", file, "/meta", H5P_DEFAULT, H5P_DEFAULT);
  });
  try {
    read_model_file_info(path);
    FAIL() << "a model file whose /meta is another file's was read";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path +
                                         ": /meta is an external link to another file; recur "
                                         "reads only what is stored in the file itself");
  }
}

TEST(UntrustedFiles, ExternalStorageIsRefused) {
  const std::string path = hostile_file("external.h5", [](hid_t file) {
    const hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(creation, "/etc/hostname", 0, 16);
    add_dataset(file, "/params/outside", {4}, creation);
    H5Pclose(creation);
  });
  EXPECT_EQ(read_error(path), path +
                                  ": dataset /params/outside keeps its data in external files; "
                                  "recur reads only what is stored in the file itself");
}

TEST(UntrustedFiles, AVirtualDatasetIsRefused) {
  const std::string other = hostile_file("source.h5", [](hid_t) {});
  const std::string path = hostile_file("virtual.h5", [&](hid_t file) {
    const hsize_t four = 4;
    const hid_t space = H5Screate_simple(1, &four, nullptr);
    const hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_virtual(creation, space, other.c_str(), "/params/w", space);
    const hid_t set = H5Dcreate2(file, "/params/virtual", H5T_NATIVE_FLOAT, space, H5P_DEFAULT,
                                 creation, H5P_DEFAULT);
    H5Dclose(set);
    H5Pclose(creation);
    H5Sclose(space);
  });
  EXPECT_EQ(read_error(path),
            path +
                ": dataset /params/virtual is a virtual dataset, which reads "
                "other files; recur reads only what is stored in the file itself");
}

TEST(UntrustedFiles, ASoftLinkIsRefused) {
  const std::string path = hostile_file("soft.h5", [](hid_t file) {
    H5Lcreate_soft("/params/w", file, "/params/alias", H5P_DEFAULT, H5P_DEFAULT);
  });
  EXPECT_EQ(read_error(path), path +
                                  ": /params/alias is a soft link; recur reads only what is stored "
                                  "in the file itself");
}

TEST(UntrustedFiles, AShapeThatDisagreesWithTheModelIsNamed) {
  const std::string path = hostile_file("shape.h5", [](hid_t) {});
  ParameterStore store;
  store.declare("w", {2, 3}, Init::uniform(1.0));
  store.materialize(DType::F32, 1);
  try {
    assign_parameters(read_model_parameters(path), store, path);
    FAIL() << "a (4) parameter was assigned to a (2, 3) one";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": parameter w has shape (4), the model expects (2, 3)");
  }
}

}  // namespace
}  // namespace recur::test
