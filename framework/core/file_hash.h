// A fast 64-bit hash of bytes and of files: checkpoint manifests record one per file, so that a
// truncated or bit-flipped file is found before it is trusted. Not cryptographic.
#pragma once

#include <cstdint>
#include <string>

namespace recur {

uint64_t hash_bytes(const void* data, uint64_t size, uint64_t seed = 0);

// The hash of bytes given in pieces: the same as hash_bytes of them all at once.
class StreamHash {
 public:
  explicit StreamHash(uint64_t seed = 0);
  void add(const void* data, uint64_t size);
  uint64_t finish() const;

 private:
  void block(const unsigned char* p);

  uint64_t lane_[4];
  uint64_t length_ = 0;  // bytes in whole blocks
  unsigned char pending_[32] = {};
  uint64_t pending_size_ = 0;
};
// Hash of a file's content (read in large blocks). Throws Error if it cannot be read.
uint64_t hash_file(const std::string& path);
// 16 lowercase hexadecimal digits.
std::string hex64(uint64_t value);

}  // namespace recur
