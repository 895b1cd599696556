// The checkpoint manifest: the input is manifest.json of a checkpoint folder that holds one small
// file, which the manifest may name (or not) with any size and hash. Reading and verifying it
// must stay inside the folder.
#include <cstdlib>

#include "checkpoint/checkpoint.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace recur;
  const std::filesystem::path folder = fuzz::scratch_dir() / "step-00000001";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "state.h5", std::ios::binary | std::ios::trunc) << "not hdf5";
  std::ofstream(folder / "manifest.json", std::ios::binary | std::ios::trunc)
      << fuzz::as_string(data, size);
  fuzz::refused_or_read([&] {
    for (const CheckpointManifest::File& f : read_manifest(folder.string()).files) {
      if (f.name.find('/') != std::string::npos || f.name == "..") std::abort();  // out of it
    }
  });
  fuzz::refused_or_read([&] { verify_checkpoint(folder.string(), false); });
  return 0;
}
