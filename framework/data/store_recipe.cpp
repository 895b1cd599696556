#include "data/store_recipe.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/file_hash.h"
#include "core/host.h"
#include "data/token_store.h"

namespace recur {

namespace fs = std::filesystem;

Json file_stamp(const std::string& path) {
  struct stat info {};
  RECUR_CHECK(::stat(path.c_str(), &info) == 0, "cannot read data file '", path,
              "': no such file or not readable");
  return Json{{"path", fs::absolute(path).string()},
              {"size", static_cast<int64_t>(info.st_size)},
              {"mtime_ns", static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 +
                               static_cast<int64_t>(info.st_mtim.tv_nsec)}};
}

std::string vocab_hash(const Vocab& vocab) {
  std::string text = concat(tokenizer_name(vocab.tokenizer()), vocab.lowercase(), "\n");
  for (const std::string& token : vocab.tokens())
    text += token + '\n';
  return hex64(hash_bytes(text.data(), text.size()));
}

std::string why_stale(const std::string& folder, const Json& recipe, const std::string& vocab,
                      bool verify) {
  if (!fs::exists(folder + "/manifest.json")) return "new";
  Json before;
  try {
    before = TokenStore::open(folder, verify).meta();
  } catch (const std::exception& e) {
    return concat("damaged: ", e.what());
  }
  const Json made = before.value("recipe", Json::object());
  auto changed = [&](const std::string& key) {
    return made.value(key, Json()) != recipe.value(key, Json());
  };
  if (changed("text")) return "its text changed";
  if (changed("tokenizer") || changed("lowercase")) return "another tokenizer";
  if (changed("vocab") || before.value("vocab_hash", "") != vocab) return "another vocabulary";
  for (const auto& [key, value] : recipe.items()) {
    if (changed(key)) return concat("another ", key);
  }
  return "";
}

void replace_file(const std::string& path, const std::function<void(const std::string&)>& write) {
  const std::string temporary = concat(path, ".tmp-", host_name(), "-", ::getpid());
  write(temporary);
  fs::rename(temporary, path);
}

}  // namespace recur
