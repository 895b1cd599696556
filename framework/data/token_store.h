// Prepared token stores (docs/data-format.md): a corpus tokenised once into a folder of raw
// little-endian unsigned integer arrays, one file per array, each in the smallest width that holds
// its values, and manifest.json naming them (width, count, content hash) beside what the store was
// made from. Training maps the arrays read-only, so a rank reads (and keeps resident) only the
// pages of the examples it trains on, and ranks on one host share them through the page cache.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"

namespace recur {

// The smallest width in bytes (1, 2, 4 or 8) that holds every value up to `max`.
int width_for(uint64_t max);
// The largest value a width in bytes holds (an array of a merged store keeps its parts' width).
uint64_t max_of_width(int width);

// A read-only view of one array of a store (or of memory the caller keeps alive).
class UintArray {
 public:
  UintArray() = default;
  UintArray(const void* data, int width, int64_t size)
      : data_(static_cast<const unsigned char*>(data)), width_(width), size_(size) {}

  uint64_t operator[](int64_t i) const {
    switch (width_) {
      case 1:
        return data_[i];
      case 2:
        return reinterpret_cast<const uint16_t*>(data_)[i];
      case 4:
        return reinterpret_cast<const uint32_t*>(data_)[i];
      default:
        return reinterpret_cast<const uint64_t*>(data_)[i];
    }
  }
  int64_t size() const { return size_; }
  int width() const { return width_; }
  const void* data() const { return data_; }

 private:
  const unsigned char* data_ = nullptr;
  int width_ = 1;
  int64_t size_ = 0;
};

// Streams the values of one array into its file.
class ArrayWriter {
 public:
  ArrayWriter(std::string path, int width);
  ArrayWriter(const ArrayWriter&) = delete;
  ArrayWriter& operator=(const ArrayWriter&) = delete;
  ~ArrayWriter();

  // Throws Error when `value` does not fit the width.
  void push(uint64_t value);
  // Flushes and closes the file; returns its entry of the manifest.
  Json finish(const std::string& name);

 private:
  void flush();

  std::string path_;
  int width_;
  std::FILE* file_ = nullptr;
  std::vector<unsigned char> buffer_;
  int64_t count_ = 0;
};

// Writes a store into `directory`.tmp-<host>-<pid> and moves it into place on commit (replacing a
// store already there), so that a reader finds either the old store or the whole new one.
class TokenStoreWriter {
 public:
  explicit TokenStoreWriter(std::string directory);
  TokenStoreWriter(const TokenStoreWriter&) = delete;
  TokenStoreWriter& operator=(const TokenStoreWriter&) = delete;
  ~TokenStoreWriter();  // removes an uncommitted temporary folder

  // A new array; values up to `max_value` (its width follows). Valid until commit.
  ArrayWriter& array(const std::string& name, uint64_t max_value);
  // `meta`: what the store was made from (sources, vocabulary, counts), kept in the manifest.
  void commit(const Json& meta);
  // The folder being written: scratch files may go there if they are gone by commit.
  const std::string& temporary() const { return temporary_; }

 private:
  std::string directory_, temporary_;
  std::vector<std::pair<std::string, std::unique_ptr<ArrayWriter>>> arrays_;
  bool committed_ = false;
};

// A store, mapped read-only.
class TokenStore {
 public:
  // Throws Error naming the folder when it is not a store of this format, an array file is
  // missing or has the wrong size (truncated), or, with `verify_hashes`, an array's content does
  // not match its hash (damaged).
  static TokenStore open(const std::string& directory, bool verify_hashes);

  const std::string& directory() const { return directory_; }
  const Json& meta() const { return meta_; }
  bool has(const std::string& name) const;
  // Throws Error naming the store when there is no such array. The view is valid while this
  // store (or a copy of it) lives.
  UintArray array(const std::string& name) const;
  // Drops this process's resident pages of the arrays (they stay in the page cache and are mapped
  // again when read): for a pass over a store larger than memory.
  void release_pages() const;

  struct Mapping;

 private:
  std::string directory_;
  Json meta_;
  std::vector<std::pair<std::string, std::shared_ptr<Mapping>>> arrays_;
};

}  // namespace recur
