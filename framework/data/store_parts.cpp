#include "data/store_parts.h"

#include <filesystem>

#include "core/error.h"

namespace recur {

namespace {

// Removes the parts' folder when rank 0 is done with it, also after an error.
class PartsFolder {
 public:
  explicit PartsFolder(std::string path) : path_(std::move(path)) {}
  PartsFolder(const PartsFolder&) = delete;
  PartsFolder& operator=(const PartsFolder&) = delete;
  ~PartsFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string part(int index) const { return concat(path_, "/", index); }

 private:
  std::string path_;
};

}  // namespace

void prepare_in_parts(Communicator& comm, const std::string& directory, const StoreParts& parts,
                      const Json& extra) {
  if (comm.world_size() == 1) {
    TokenStoreWriter writer(directory);
    Json meta = parts.write_whole(writer);
    meta.update(extra);
    writer.commit(meta);
    return;
  }
  const std::string folder = directory + ".parts";
  if (comm.is_root()) {
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
  }
  comm.barrier_untimed();
  {
    TokenStoreWriter writer(concat(folder, "/", comm.rank()));
    writer.commit(parts.write_part(comm.rank(), writer));
  }
  comm.barrier_untimed();
  if (comm.is_root()) {
    const PartsFolder written(folder);
    std::vector<TokenStore> stores;
    for (int r = 0; r < comm.world_size(); ++r)
      stores.push_back(TokenStore::open(written.part(r), false));
    TokenStoreWriter writer(directory);
    Json meta = parts.merge(stores, writer);
    meta.update(extra);
    writer.commit(meta);
  }
  comm.barrier_untimed();
}

std::vector<int32_t> share_stale(Communicator& comm, std::vector<int32_t> stale, size_t stores) {
  if (comm.world_size() == 1) return stale;
  comm.barrier_untimed();
  Tensor mask = Tensor::zeros({static_cast<int64_t>(stores)}, DType::I32);
  for (int32_t index : stale)
    mask.data<int32_t>()[index] = 1;
  comm.broadcast(mask, 0);
  stale.clear();
  for (size_t i = 0; i < stores; ++i)
    if (mask.data<int32_t>()[i] != 0) stale.push_back(static_cast<int32_t>(i));
  return stale;
}

}  // namespace recur
