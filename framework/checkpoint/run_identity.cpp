#include "checkpoint/run_identity.h"

namespace recur {

namespace {

constexpr const char* kModelType = "model_type";
constexpr const char* kConfig = "config";
constexpr const char* kTokenizer = "tokenizer";
constexpr const char* kLowercase = "lowercase";
constexpr const char* kRecurVersion = "recur_version";

bool is_identity_text(const std::string& name) {
  return name.find('/') == std::string::npos;
}

std::string take(std::map<std::string, std::string>& texts, const char* name) {
  const auto it = texts.find(name);
  if (it == texts.end()) return "";
  std::string value = std::move(it->second);
  texts.erase(it);
  return value;
}

}  // namespace

std::map<std::string, std::string> identity_texts(const RunIdentity& identity) {
  std::map<std::string, std::string> texts = identity.extra;
  texts[kModelType] = identity.model_type;
  texts[kConfig] = identity.config_yaml;
  texts[kTokenizer] = identity.tokenizer;
  texts[kLowercase] = std::to_string(static_cast<int>(identity.lowercase));
  texts[kRecurVersion] = identity.recur_version;
  return texts;
}

RunIdentity take_identity(std::map<std::string, std::string>& texts,
                          std::vector<std::string> vocab) {
  RunIdentity identity;
  identity.model_type = take(texts, kModelType);
  identity.config_yaml = take(texts, kConfig);
  identity.tokenizer = take(texts, kTokenizer);
  identity.lowercase = take(texts, kLowercase) == "1";
  identity.recur_version = take(texts, kRecurVersion);
  identity.vocab = std::move(vocab);
  for (auto it = texts.begin(); it != texts.end();) {
    if (is_identity_text(it->first)) {
      identity.extra.insert(texts.extract(it++));
    } else {
      ++it;
    }
  }
  return identity;
}

}  // namespace recur
