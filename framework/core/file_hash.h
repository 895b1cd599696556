// A fast 64-bit hash of bytes and of files: checkpoint manifests record one per file, so that a
// truncated or bit-flipped file is found before it is trusted. Not cryptographic.
#pragma once

#include <cstdint>
#include <string>

namespace recur {

uint64_t hash_bytes(const void* data, uint64_t size, uint64_t seed = 0);
// Hash of a file's content (read in large blocks). Throws Error if it cannot be read.
uint64_t hash_file(const std::string& path);
// 16 lowercase hexadecimal digits.
std::string hex64(uint64_t value);

}  // namespace recur
