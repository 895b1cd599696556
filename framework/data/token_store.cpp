#include "data/token_store.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/file_hash.h"
#include "core/host.h"

namespace recur {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "recur-token-store";
constexpr int64_t kVersion = 1;
constexpr size_t kWriteBuffer = 1 << 20;

void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  RECUR_CHECK(fd >= 0, "cannot open ", path, " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  RECUR_CHECK(rc == 0, "cannot sync ", path);
}

// Puts the folder `from` where `to` is. Where the filesystem can (local ones), atomically: a
// new name, or an exchange with the old folder, so a reader sees the old store or the new one.
// Elsewhere (NFS, Lustre: no renameat2 flags) the old folder is renamed aside first.
void move_into_place(const std::string& from, const std::string& to) {
  const std::string aside = from + ".old";
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno == EEXIST &&
      ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(from);  // now the old store
    return;
  }
  RECUR_CHECK(errno == EINVAL || errno == ENOSYS, "cannot move ", from, " to ", to, ": ",
              std::strerror(errno));
  std::error_code none;
  fs::rename(to, aside, none);  // fails when there is no old store
  RECUR_CHECK(::rename(from.c_str(), to.c_str()) == 0, "cannot move ", from, " to ", to, ": ",
              std::strerror(errno));
  fs::remove_all(aside, none);
}

}  // namespace

int width_for(uint64_t max) {
  if (max <= 0xffu) return 1;
  if (max <= 0xffffu) return 2;
  if (max <= 0xffffffffu) return 4;
  return 8;
}

uint64_t max_of_width(int width) {
  return width == 8 ? UINT64_MAX : (uint64_t{1} << (8 * width)) - 1;
}

ArrayWriter::ArrayWriter(std::string path, int width) : path_(std::move(path)), width_(width) {
  file_ = std::fopen(path_.c_str(), "wb");
  RECUR_CHECK(file_ != nullptr, "cannot create ", path_);
  buffer_.reserve(kWriteBuffer);
}

ArrayWriter::~ArrayWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void ArrayWriter::push(uint64_t value) {
  RECUR_CHECK(width_ == 8 || value < (uint64_t{1} << (8 * width_)), path_, ": value ", value,
              " does not fit ", width_, " bytes");
  for (int b = 0; b < width_; ++b)
    buffer_.push_back(static_cast<unsigned char>(value >> (8 * b)));  // little-endian
  ++count_;
  if (buffer_.size() + 8 > kWriteBuffer) flush();
}

void ArrayWriter::flush() {
  RECUR_CHECK(std::fwrite(buffer_.data(), 1, buffer_.size(), file_) == buffer_.size(),
              "cannot write ", path_, " (disk full?)");
  buffer_.clear();
}

Json ArrayWriter::finish(const std::string& name) {
  flush();
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  RECUR_CHECK(closed, "cannot write ", path_, " (disk full?)");
  sync_file(path_);
  return Json{{"name", name},
              {"file", fs::path(path_).filename().string()},
              {"width", width_},
              {"count", count_},
              {"hash", hex64(hash_file(path_))}};
}

TokenStoreWriter::TokenStoreWriter(std::string directory)
    : directory_(std::move(directory)),
      temporary_(concat(directory_, ".tmp-", host_name(), "-", ::getpid())) {
  fs::remove_all(temporary_);
  fs::create_directories(temporary_);
}

TokenStoreWriter::~TokenStoreWriter() {
  if (committed_) return;
  arrays_.clear();  // closes the files
  std::error_code ignored;
  fs::remove_all(temporary_, ignored);
}

ArrayWriter& TokenStoreWriter::array(const std::string& name, uint64_t max_value) {
  const int width = width_for(max_value);
  const std::string file = concat(temporary_, "/", name, ".u", 8 * width);
  arrays_.emplace_back(name, std::make_unique<ArrayWriter>(file, width));
  return *arrays_.back().second;
}

void TokenStoreWriter::commit(const Json& meta) {
  Json entries = Json::array();
  for (auto& [name, writer] : arrays_)
    entries.push_back(writer->finish(name));
  const std::string manifest = temporary_ + "/manifest.json";
  {
    std::ofstream out(manifest);
    out << json_document(
        Json{{"format", kFormat}, {"version", kVersion}, {"arrays", entries}, {"meta", meta}});
    RECUR_CHECK(out.flush(), "cannot write ", manifest, " (disk full?)");
  }
  sync_file(manifest);
  sync_file(temporary_);
  move_into_place(temporary_, directory_);
  sync_file(fs::absolute(directory_).parent_path().string());
  committed_ = true;
}

// One array file mapped read-only.
struct TokenStore::Mapping {
  void* address = nullptr;
  size_t bytes = 0;
  UintArray view;

  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (address != nullptr) ::munmap(address, bytes);
  }
};

namespace {

// The manifest's entry of one array.
struct ArrayEntry {
  std::string name, file, path, hash;
  int width = 1;
  int64_t count = 0;
  size_t bytes = 0;
};

ArrayEntry parse_entry(const Json& entry, const std::string& directory) {
  const std::string manifest = directory + "/manifest.json";
  ArrayEntry a;
  a.name = json_get<std::string>(entry, "name", manifest);
  a.file = json_get<std::string>(entry, "file", manifest);
  a.path = directory + "/" + a.file;
  a.width = json_get<int>(entry, "width", manifest);
  a.count = json_get<int64_t>(entry, "count", manifest);
  a.hash = json_get<std::string>(entry, "hash", manifest);
  RECUR_CHECK((a.width == 1 || a.width == 2 || a.width == 4 || a.width == 8) && a.count >= 0 &&
                  a.count <= (int64_t{1} << 56) && a.file.find('/') == std::string::npos,
              manifest, ": array ", a.name, " has width ", a.width, ", count ", a.count,
              " and file ", a.file);
  a.bytes = static_cast<size_t>(a.count) * static_cast<size_t>(a.width);
  return a;
}

// Maps an array file of the store folder open as `folder` (the same folder the manifest was read
// from, also while another process replaces the store), checking its size and, with
// `verify_hash`, its content.
std::shared_ptr<TokenStore::Mapping> map_array(int folder, const ArrayEntry& a, bool verify_hash) {
  const int fd = ::openat(folder, a.file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  RECUR_CHECK(fd >= 0 || errno != ELOOP, a.path,
              ": a symbolic link (a store's arrays are files of its own folder)");
  RECUR_CHECK(fd >= 0, a.path, ": missing (prepare the data again)");
  struct stat info {};
  const bool sized = ::fstat(fd, &info) == 0;
  const auto actual = static_cast<size_t>(info.st_size);
  void* address = sized && actual == a.bytes && a.bytes > 0
                      ? ::mmap(nullptr, a.bytes, PROT_READ, MAP_SHARED, fd, 0)
                      : nullptr;
  const int map_error = errno;
  ::close(fd);  // a mapping keeps the file open
  RECUR_CHECK(sized && actual == a.bytes, a.path, ": ", actual, " bytes, the manifest says ",
              a.bytes, " (a truncated or damaged store: prepare the data again)");
  RECUR_CHECK(address != MAP_FAILED, "cannot map ", a.path, ": ", std::strerror(map_error));
  auto mapping = std::make_shared<TokenStore::Mapping>();
  mapping->address = address;
  mapping->bytes = a.bytes;
  mapping->view = UintArray(address, a.width, a.count);
  if (verify_hash) {
    const std::string hash = hex64(hash_bytes(address, a.bytes));
    RECUR_CHECK(hash == a.hash, a.path, ": damaged: its content hash is ", hash,
                ", the manifest says ", a.hash, " (prepare the data again)");
  }
  return mapping;
}

std::string read_all(int fd) {
  std::string text;
  char buffer[1 << 16];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0)
    text.append(buffer, static_cast<size_t>(n));
  return text;
}

// The manifest of the store folder open as `folder`.
Json read_manifest(int folder, const std::string& directory) {
  const std::string manifest = directory + "/manifest.json";
  const int fd = ::openat(folder, "manifest.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  RECUR_CHECK(fd >= 0, directory, ": not a prepared token store (no manifest.json)");
  const std::string text = read_all(fd);
  ::close(fd);
  const Json doc = parse_json(text, manifest);
  const std::string format = json_get<std::string>(doc, "format", manifest);
  const auto version = json_get<int64_t>(doc, "version", manifest);
  RECUR_CHECK(format == kFormat && version == kVersion, manifest, ": ", format, " version ",
              version, "; this recur reads ", kFormat, " version ", kVersion);
  RECUR_CHECK(doc.contains("arrays") && doc["arrays"].is_array() && doc.contains("meta"), manifest,
              ": no arrays or meta");
  return doc;
}

}  // namespace

TokenStore TokenStore::open(const std::string& directory, bool verify_hashes) {
  // Everything is read through one descriptor of the folder: a store that another process
  // replaces meanwhile is read whole, the old one or the new one.
  const int folder = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  RECUR_CHECK(folder >= 0, directory, ": not a prepared token store (no manifest.json)");
  TokenStore store;
  try {
    const Json doc = read_manifest(folder, directory);
    store.directory_ = directory;
    store.meta_ = doc["meta"];
    for (const Json& entry : doc["arrays"]) {
      const ArrayEntry a = parse_entry(entry, directory);
      store.arrays_.emplace_back(a.name, map_array(folder, a, verify_hashes));
    }
  } catch (...) {
    ::close(folder);
    throw;
  }
  ::close(folder);
  return store;
}

bool TokenStore::has(const std::string& name) const {
  for (const auto& [n, mapping] : arrays_)
    if (n == name) return true;
  return false;
}

UintArray TokenStore::array(const std::string& name) const {
  for (const auto& [n, mapping] : arrays_)
    if (n == name) return mapping->view;
  throw Error(concat(directory_, ": the store has no array '", name, "'"));
}

void TokenStore::release_pages() const {
  for (const auto& [name, mapping] : arrays_) {
    if (mapping->address != nullptr) ::madvise(mapping->address, mapping->bytes, MADV_DONTNEED);
  }
}

}  // namespace recur
