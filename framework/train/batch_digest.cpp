#include "train/batch_digest.h"

#include <vector>

#include "core/file_hash.h"

namespace recur {

void BatchDigest::add(const Tensor& ids) {
  const Tensor host = ids.on(Device::cpu());
  const std::vector<int64_t>& dims = host.shape().dims();
  digest_ = hash_bytes(dims.data(), dims.size() * sizeof(int64_t), digest_);
  digest_ = hash_bytes(host.data<int32_t>(), static_cast<uint64_t>(host.numel()) * sizeof(int32_t),
                       digest_);
}

uint64_t BatchDigest::take() {
  const uint64_t digest = digest_;
  digest_ = 0;
  return digest;
}

}  // namespace recur
