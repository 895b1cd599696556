// Tensor: a typed, shaped view of contiguous storage on a device.
//
// Views share storage (a parameter is a view into the model's flat parameter buffer). Tensors are
// always contiguous and row-major; there are no strides, which keeps every kernel simple.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/allocator.h"
#include "core/device.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/shape.h"

namespace recur {

class Storage {
 public:
  Storage(size_t bytes, Device device);
  Storage(size_t bytes, Device device, Allocator& allocator);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Device device() const { return device_; }

 private:
  void* data_;
  size_t bytes_;
  Device device_;
  Allocator* allocator_;
};

class Tensor {
 public:
  Tensor() = default;

  static Tensor empty(const Shape& shape, DType dtype, Device device = Device::cpu());
  // Host memory that a GPU's copy engines reach directly (page-locked, gpu::pinned_host_allocator),
  // for buffers copied to and from a GPU step after step; plain host memory without CUDA.
  static Tensor empty_pinned(const Shape& shape, DType dtype);
  static Tensor zeros(const Shape& shape, DType dtype, Device device = Device::cpu());
  static Tensor full(const Shape& shape, DType dtype, double value, Device device = Device::cpu());
  template <class T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape);

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t dim(int i) const { return shape_[i]; }
  int64_t numel() const { return shape_.numel(); }
  DType dtype() const { return dtype_; }
  Device device() const { return storage_ ? storage_->device() : Device::cpu(); }
  bool shares_storage_with(const Tensor& other) const { return storage_ == other.storage_; }

  template <class T>
  T* data() {
    check_access(dtype_of<T>);
    return static_cast<T*>(storage_->data()) + offset_;
  }
  template <class T>
  const T* data() const {
    check_access(dtype_of<T>);
    return static_cast<const T*>(storage_->data()) + offset_;
  }

  // The elements' address on the tensor's device, for kernels: unlike data(), also for a CUDA
  // tensor, whose memory host code must not touch.
  template <class T>
  T* device_data() {
    check_access(dtype_of<T>, false);
    return static_cast<T*>(storage_->data()) + offset_;
  }
  template <class T>
  const T* device_data() const {
    check_access(dtype_of<T>, false);
    return static_cast<const T*>(storage_->data()) + offset_;
  }

  // The first element's address on the tensor's device, whatever the dtype: for copies and
  // collectives that move bytes.
  void* untyped_device_data() const;

  // Same elements, another shape with the same number of elements.
  Tensor reshape(const Shape& shape) const;
  // Rows [begin, end) along the first dimension.
  Tensor slice_rows(int64_t begin, int64_t end) const;
  // `shape.numel()` elements starting `offset` elements into this tensor, as `shape`.
  Tensor view(int64_t offset, const Shape& shape) const;

  Tensor clone() const;
  // Converts to another floating dtype (a copy, also when the dtype is the same).
  Tensor to(DType dtype) const;
  // A copy on `device` (also when it is this tensor's device). A copy from a GPU to the host is a
  // read of the device and counts as one (core/device_counters.h).
  Tensor to(Device device) const;
  // This tensor when it is on `device` already, else a copy there (for data the host may hold,
  // such as a batch's ids: a copy to the compute device, or to the host from a GPU).
  Tensor on(Device device) const { return this->device() == device ? *this : to(device); }
  // The values of a computed tensor on the host (this tensor when it lives there): a read of the
  // compute device, counted on every build, so that the CPU build counts what a GPU run waits for.
  Tensor to_host() const;
  // Copies `source`'s elements in, converting f32 <-> f64 (on the host: a conversion to or from
  // a device goes through a host copy).
  void copy_from(const Tensor& source);
  void fill(double value);  // on any device
  void zero() { fill(0.0); }

  // The elements of a tensor on the host.
  template <class T>
  std::vector<T> to_vector() const {
    const T* p = data<T>();
    return std::vector<T>(p, p + numel());
  }
  // Element `i`, converted to double: a read of the compute device (counted, and a copy from a
  // GPU), for reporting and tests; host-side data is read through data().
  double item(int64_t i = 0) const;

 private:
  void check_access(DType requested, bool host = true) const;
  double host_element(int64_t i) const;

  std::shared_ptr<Storage> storage_;
  int64_t offset_ = 0;  // in elements
  Shape shape_;
  DType dtype_ = DType::F32;
};

template <class T>
Tensor Tensor::from_vector(const std::vector<T>& values, const Shape& shape) {
  RECUR_CHECK(static_cast<int64_t>(values.size()) == shape.numel(), "from_vector: ", values.size(),
              " values for shape ", shape.str());
  Tensor t = empty(shape, dtype_of<T>);
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}

}  // namespace recur
