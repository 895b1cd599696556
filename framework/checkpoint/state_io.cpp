#include "checkpoint/state_io.h"

#include "core/error.h"

namespace recur {

void StateKeys::section(const char* name, const std::function<void(StateVisitor&)>& body) {
  const std::string outer = prefix_;
  prefix_ += std::string(name) + "/";
  body(*this);
  prefix_ = outer;
}

void StateSaver::field(const char* name, double& value) {
  state_.scalars[key(name)] = value;
}

void StateSaver::field(const char* name, int64_t& value) {
  state_.scalars[key(name)] = static_cast<double>(value);
}

void StateSaver::field(const char* name, bool& value) {
  state_.scalars[key(name)] = value ? 1.0 : 0.0;
}

void StateSaver::field(const char* name, std::optional<double>& value) {
  if (value) state_.scalars[key(name)] = *value;
}

void StateSaver::field(const char* name, std::string& value) {
  state_.texts[key(name)] = value;
}

void StateSaver::field(const char* name, Tensor& value) {
  state_.tensors[key(name)] = value;
}

double StateLoader::scalar(const std::string& k) const {
  const auto it = state_.scalars.find(k);
  RECUR_CHECK(it != state_.scalars.end(), origin_, " has no ", k,
              " (a checkpoint of another model type or recur version?)");
  return it->second;
}

void StateLoader::field(const char* name, double& value) {
  value = scalar(key(name));
}

void StateLoader::field(const char* name, int64_t& value) {
  value = static_cast<int64_t>(scalar(key(name)));
}

void StateLoader::field(const char* name, bool& value) {
  value = scalar(key(name)) != 0;
}

void StateLoader::field(const char* name, std::optional<double>& value) {
  const auto it = state_.scalars.find(key(name));
  value = it == state_.scalars.end() ? std::nullopt : std::optional<double>(it->second);
}

void StateLoader::field(const char* name, std::string& value) {
  const auto it = state_.texts.find(key(name));
  RECUR_CHECK(it != state_.texts.end(), origin_, " has no ", key(name));
  value = it->second;
}

void StateLoader::field(const char* name, Tensor& value) {
  const auto it = state_.tensors.find(key(name));
  RECUR_CHECK(it != state_.tensors.end(), origin_, " has no ", key(name));
  if (!value.defined()) {
    value = it->second;
    return;
  }
  RECUR_CHECK(value.shape() == it->second.shape(), origin_, ": ", key(name), " has shape ",
              it->second.shape().str(), ", this run needs ", value.shape().str());
  value.copy_from(it->second);
}

}  // namespace recur
