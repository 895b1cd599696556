#include "checkpoint/model_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "checkpoint/h5.h"

namespace recur {

namespace {
constexpr const char* kFormat = "recur-model";
constexpr int64_t kFormatVersion = 1;
}  // namespace

void sync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  RECUR_CHECK(fd >= 0, "cannot open ", path, " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  RECUR_CHECK(rc == 0, "cannot sync ", path);
}

void save_model_file(const std::string& path, ParameterStore& params, const ModelFileInfo& info) {
  namespace fs = std::filesystem;
  const RunIdentity& identity = info.identity;
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  try {
    H5File file = H5File::create(temporary);
    file.set_attribute("/", "format", kFormat);
    file.set_attribute("/", "format_version", kFormatVersion);
    file.set_attribute("/", "model_type", identity.model_type);
    file.set_attribute("/", "recur_version", identity.recur_version);
    file.set_attribute("/", "step", info.step);
    for (const auto& p : params.parameters()) {
      file.write_tensor("/params/" + p->path(), p->var().value().to_host().to(DType::F32));
    }
    file.write_string("/meta/config", identity.config_yaml);
    file.write_strings("/meta/vocab", identity.vocab);
    file.set_attribute("/meta/vocab", "tokenizer", identity.tokenizer);
    file.set_attribute("/meta/vocab", "lowercase", static_cast<int64_t>(identity.lowercase));
    std::vector<std::string> names, values;
    for (const auto& [name, value] : identity.extra) {
      names.push_back(name);
      values.push_back(value);
    }
    file.write_strings("/meta/texts/names", names);
    file.write_strings("/meta/texts/values", values);
    file.flush();
    file.close();
    sync_path(temporary);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);  // the previous file, if any, stays as it was
    throw;
  }
  fs::rename(temporary, path);
  sync_path(fs::absolute(path).parent_path().string());
}

ModelFileInfo read_model_file_info(const std::string& path) {
  H5File file = H5File::open(path);
  RECUR_CHECK(file.exists("/params") && file.exists("/meta/config"), path,
              " is not a recur model file (no /params or /meta/config)");
  RECUR_CHECK(file.string_attribute("/", "format") == kFormat, path, " is not a recur model file");
  const int64_t version = file.int_attribute("/", "format_version");
  RECUR_CHECK(version == kFormatVersion, path, " has model-file format version ", version,
              "; this recur reads version ", kFormatVersion);
  ModelFileInfo info;
  info.step = file.int_attribute("/", "step");
  RunIdentity& identity = info.identity;
  identity.model_type = file.string_attribute("/", "model_type");
  identity.recur_version = file.string_attribute("/", "recur_version");
  identity.config_yaml = file.read_string("/meta/config");
  identity.vocab = file.read_strings("/meta/vocab");
  identity.tokenizer = file.string_attribute("/meta/vocab", "tokenizer");
  identity.lowercase = file.int_attribute("/meta/vocab", "lowercase") != 0;
  const std::vector<std::string> names = file.read_strings("/meta/texts/names");
  const std::vector<std::string> values = file.read_strings("/meta/texts/values");
  for (size_t i = 0; i < names.size() && i < values.size(); ++i)
    identity.extra[names[i]] = values[i];
  return info;
}

std::map<std::string, Tensor> read_model_parameters(const std::string& path) {
  H5File file = H5File::open(path);
  std::map<std::string, Tensor> params;
  for (const std::string& name : file.datasets("/params"))
    params[name] = file.read_tensor("/params/" + name);
  return params;
}

void assign_parameters(const std::map<std::string, Tensor>& source, ParameterStore& params,
                       const std::string& origin) {
  for (const auto& p : params.parameters()) {
    const auto it = source.find(p->path());
    RECUR_CHECK(it != source.end(), origin, ": parameter ", p->path(),
                " is missing (a different model configuration?)");
    RECUR_CHECK(it->second.shape() == p->shape(), origin, ": parameter ", p->path(), " has shape ",
                it->second.shape().str(), ", the model expects ", p->shape().str());
    Tensor target = p->var().value();
    target.copy_from(it->second);
  }
  for (const auto& [name, tensor] : source) {
    RECUR_CHECK(params.find(name) != nullptr, origin, ": unexpected parameter ", name,
                " (a different model configuration?)");
  }
}

void load_model_parameters(const std::string& path, ParameterStore& params) {
  assign_parameters(read_model_parameters(path), params, path);
}

}  // namespace recur
