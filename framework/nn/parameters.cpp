#include "nn/parameters.h"

#include "core/rng.h"

namespace recur {

Parameter* ParameterStore::declare(const std::string& path, const Shape& shape, Init init) {
  RECUR_ASSERT(!materialized(), "declaring ", path, " after materialize()");
  RECUR_ASSERT(find(path) == nullptr, "parameter ", path, " declared twice");
  parameters_.push_back(std::make_unique<Parameter>(path, shape, init));
  return parameters_.back().get();
}

void ParameterStore::freeze(const std::string& path) {
  RECUR_ASSERT(!materialized(), "freezing ", path, " after materialize()");
  Parameter* p = find(path);
  RECUR_ASSERT(p != nullptr, "freezing ", path, ", which is not declared");
  p->frozen_ = true;
}

int64_t ParameterStore::parameter_count() const {
  int64_t n = 0;
  for (const auto& p : parameters_)
    n += p->numel();
  return n;
}

Parameter* ParameterStore::find(const std::string& path) const {
  for (const auto& p : parameters_) {
    if (p->path() == path) return p.get();
  }
  return nullptr;
}

namespace {

template <class T>
void initialise(const Parameter& p, uint64_t seed, T* values) {
  const Init& init = p.init();
  RandomStream stream(seed, RngPurpose::Init, hash_name(p.path().data(), p.path().size()));
  for (int64_t i = 0; i < p.numel(); ++i) {
    const uint64_t k = static_cast<uint64_t>(i);
    switch (init.kind) {
      case Init::Kind::Zeros:
        values[i] = T(0);
        break;
      case Init::Kind::Constant:
        values[i] = static_cast<T>(init.scale);
        break;
      case Init::Kind::Uniform:
        values[i] = static_cast<T>(init.scale * (2.0 * stream.uniform_f64(0, k) - 1.0));
        break;
      case Init::Kind::Normal:
        values[i] = static_cast<T>(init.scale * stream.normal(0, k));
        break;
    }
  }
}

}  // namespace

void ParameterStore::materialize(DType dtype, uint64_t seed, Device device) {
  RECUR_ASSERT(!materialized(), "materialize() twice");
  RECUR_ASSERT(dtype == DType::F32 || dtype == DType::F64, "parameters in ", dtype_name(dtype));
  int64_t offset = 0;
  for (bool frozen : {false, true}) {
    for (auto& p : parameters_) {
      if (p->frozen_ != frozen) continue;
      p->offset_ = offset;
      offset += (p->numel() + kAlignment - 1) / kAlignment * kAlignment;
    }
    if (!frozen) trainable_size_ = offset;
  }
  size_ = offset;
  Tensor initial = Tensor::zeros({std::max<int64_t>(size_, 1)}, dtype);
  for (const auto& p : parameters_) {
    Tensor value = initial.view(p->offset_, p->shape_);
    dispatch_float(dtype, [&]<class T>() { initialise<T>(*p, seed, value.data<T>()); });
  }
  values_ = device.is_cpu() ? initial : initial.to(device);
  grads_ = Tensor::zeros(initial.shape(), dtype, device);
  for (size_t i = 0; i < parameters_.size(); ++i) {
    Parameter& p = *parameters_[i];
    p.var_ = p.frozen_ ? Var(values_.view(p.offset_, p.shape_), false)
                       : Var::parameter(values_.view(p.offset_, p.shape_),
                                        grads_.view(p.offset_, p.shape_), static_cast<int32_t>(i));
  }
}

}  // namespace recur
