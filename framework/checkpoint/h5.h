// A small RAII layer over the HDF5 C API: files, datasets of tensors and strings, attributes.
// Every failure becomes an Error naming the file and the object.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace recur {

class H5File {
 public:
  // Creates (truncates) a file for writing.
  static H5File create(const std::string& path);
  // Opens an existing file read-only; Error if it is missing or not HDF5.
  static H5File open(const std::string& path);

  H5File(H5File&& other) noexcept;
  H5File& operator=(H5File&& other) noexcept;
  ~H5File();

  const std::string& path() const { return path_; }

  // Datasets; intermediate groups are created. Tensors are stored with their shape, chunked, with
  // the fletcher32 checksum filter: a damaged dataset fails to read instead of reading wrong. A
  // tensor on a GPU is copied to the host first.
  void write_tensor(const std::string& name, const Tensor& tensor);
  void write_string(const std::string& name, const std::string& text);
  void write_strings(const std::string& name, const std::vector<std::string>& texts);
  Tensor read_tensor(const std::string& name) const;
  std::string read_string(const std::string& name) const;
  std::vector<std::string> read_strings(const std::string& name) const;

  // Attributes on an object ("/" for the file itself).
  void set_attribute(const std::string& object, const std::string& name, const std::string& value);
  void set_attribute(const std::string& object, const std::string& name, int64_t value);
  void set_attribute(const std::string& object, const std::string& name, double value);
  void set_attribute(const std::string& object, const std::string& name,
                     const std::vector<int64_t>& values);
  std::string string_attribute(const std::string& object, const std::string& name) const;
  int64_t int_attribute(const std::string& object, const std::string& name) const;
  double double_attribute(const std::string& object, const std::string& name) const;
  std::vector<int64_t> int_array_attribute(const std::string& object,
                                           const std::string& name) const;
  bool has_attribute(const std::string& object, const std::string& name) const;

  bool exists(const std::string& name) const;
  bool holds_strings(const std::string& dataset) const;
  // Paths of every dataset under `group`, recursively, sorted.
  std::vector<std::string> datasets(const std::string& group) const;
  // Writes everything to disk (H5Fflush).
  void flush();
  // Closes the file, reporting what could not be written (a full disk shows up here). The
  // destructor closes too, but cannot report.
  void close();

 private:
  H5File(hid_t id, std::string path) : id_(id), path_(std::move(path)) {}
  hid_t id_ = -1;
  std::string path_;
};

}  // namespace recur
