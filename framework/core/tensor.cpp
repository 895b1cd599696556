#include "core/tensor.h"

#include <algorithm>

#include "core/device_counters.h"
#include "core/gpu.h"

namespace recur {

Storage::Storage(size_t bytes, Device device) : Storage(bytes, device, allocator_for(device)) {}

Storage::Storage(size_t bytes, Device device, Allocator& allocator)
    : bytes_(bytes), device_(device), allocator_(&allocator) {
  data_ = allocator_->allocate(bytes);
}

Storage::~Storage() {
  allocator_->release(data_, bytes_);
}

namespace {

size_t storage_bytes(const Shape& shape, DType dtype) {
  return std::max<size_t>(1, static_cast<size_t>(shape.numel()) * dtype_size(dtype));
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  Tensor t;
  t.storage_ = std::make_shared<Storage>(storage_bytes(shape, dtype), device);
  t.shape_ = shape;
  t.dtype_ = dtype;
  return t;
}

Tensor Tensor::empty_pinned(const Shape& shape, DType dtype) {
  Tensor t;
  t.storage_ = std::make_shared<Storage>(storage_bytes(shape, dtype), Device::cpu(),
                                         gpu::pinned_host_allocator());
  t.shape_ = shape;
  t.dtype_ = dtype;
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  t.zero();
  return t;
}

Tensor Tensor::full(const Shape& shape, DType dtype, double value, Device device) {
  Tensor t = empty(shape, dtype, device);
  t.fill(value);
  return t;
}

void Tensor::check_access(DType requested, bool host) const {
  RECUR_ASSERT(storage_ != nullptr, "access to an undefined tensor");
  RECUR_ASSERT(requested == dtype_, "tensor is ", dtype_name(dtype_), ", accessed as ",
               dtype_name(requested));
  RECUR_ASSERT(!host || storage_->device().is_cpu(), "host access to a ", storage_->device().str(),
               " tensor");
}

void* Tensor::untyped_device_data() const {
  RECUR_ASSERT(storage_ != nullptr, "access to an undefined tensor");
  return static_cast<char*>(storage_->data()) + offset_ * dtype_size(dtype_);
}

Tensor Tensor::reshape(const Shape& shape) const {
  RECUR_ASSERT(shape.numel() == numel(), "reshape ", shape_.str(), " -> ", shape.str());
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

Tensor Tensor::slice_rows(int64_t begin, int64_t end) const {
  RECUR_ASSERT(rank() >= 1 && 0 <= begin && begin <= end && end <= dim(0), "slice_rows [", begin,
               ", ", end, ") of ", shape_.str());
  std::vector<int64_t> dims = shape_.dims();
  int64_t row = numel() / std::max<int64_t>(1, dims[0]);
  dims[0] = end - begin;
  return view(begin * row, Shape(dims));
}

Tensor Tensor::view(int64_t offset, const Shape& shape) const {
  RECUR_ASSERT(offset >= 0 && offset + shape.numel() <= numel(), "view of ", shape.str(), " at ",
               offset, " in ", shape_.str());
  Tensor t = *this;
  t.offset_ = offset_ + offset;
  t.shape_ = shape;
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape_, dtype_, device());
  t.copy_from(*this);
  return t;
}

void Tensor::copy_from(const Tensor& source) {
  RECUR_ASSERT(source.numel() == numel(), "copy of ", source.shape().str(), " into ", shape_.str());
  if (source.dtype() == dtype_) {
    gpu::copy(untyped_device_data(), device(), source.untyped_device_data(), source.device(),
              static_cast<size_t>(numel()) * dtype_size(dtype_));
    return;
  }
  if (!device().is_cpu() || !source.device().is_cpu()) {
    copy_from(source.on(Device::cpu()).to(dtype_));  // converted on the host
    return;
  }
  RECUR_ASSERT(dtype_ != DType::I32 && source.dtype() != DType::I32, "copy between ",
               dtype_name(source.dtype()), " and ", dtype_name(dtype_));
  if (dtype_ == DType::F32) {
    std::copy_n(source.data<double>(), numel(), data<float>());
  } else {
    std::copy_n(source.data<float>(), numel(), data<double>());
  }
}

Tensor Tensor::to(DType dtype) const {
  Tensor t = empty(shape_, dtype, device());
  t.copy_from(*this);
  return t;
}

Tensor Tensor::to(Device target) const {
  if (target.is_cpu() && !device().is_cpu()) count_host_read();
  Tensor t = empty(shape_, dtype_, target);
  t.copy_from(*this);
  return t;
}

Tensor Tensor::to_host() const {
  if (!device().is_cpu()) return to(Device::cpu());
  count_host_read();
  return *this;
}

void Tensor::fill(double value) {
  if (!device().is_cpu()) {
    gpu::fill(device(), dtype_, untyped_device_data(), static_cast<size_t>(numel()), value);
    return;
  }
  switch (dtype_) {
    case DType::F32:
      std::fill_n(data<float>(), numel(), static_cast<float>(value));
      break;
    case DType::F64:
      std::fill_n(data<double>(), numel(), value);
      break;
    case DType::I32:
      std::fill_n(data<int32_t>(), numel(), static_cast<int32_t>(value));
      break;
  }
}

double Tensor::item(int64_t i) const {
  RECUR_ASSERT(i >= 0 && i < numel(), "item ", i, " of ", shape_.str());
  if (!device().is_cpu()) return view(i, {1}).to(Device::cpu()).host_element(0);
  count_host_read();
  return host_element(i);
}

double Tensor::host_element(int64_t i) const {
  switch (dtype_) {
    case DType::F32:
      return data<float>()[i];
    case DType::F64:
      return data<double>()[i];
    case DType::I32:
      return data<int32_t>()[i];
  }
  return 0.0;
}

}  // namespace recur
