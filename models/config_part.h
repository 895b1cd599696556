// One typed config struct whose type is chosen while the config is read: the model section (its
// struct depends on model.type) or the data section (it depends on the model type's family).
// Copies are deep, so an ExperimentConfig stays a plain value.
#pragma once

#include <any>
#include <typeinfo>
#include <utility>

#include "core/error.h"

namespace recur {

class ConfigPart {
 public:
  ConfigPart() = default;
  template <class T>
  explicit ConfigPart(T value) : value_(std::move(value)) {}

  // The struct, which must be a T: anything else is a bug in a registry entry.
  template <class T>
  const T& as() const {
    const T* value = std::any_cast<T>(&value_);
    RECUR_ASSERT(value != nullptr, "the config section holds a ", value_.type().name(), ", not a ",
                 typeid(T).name());
    return *value;
  }
  template <class T>
  T& as() {
    return const_cast<T&>(std::as_const(*this).as<T>());
  }
  // The struct if it is a T, else nullptr (a section whose struct depends on the model type).
  template <class T>
  const T* get_if() const {
    return std::any_cast<T>(&value_);
  }

 private:
  std::any value_;
};

}  // namespace recur
