// Prints a hash of every parameter of a model file (/params, in path order): two runs ended with
// the same parameters when their digests agree. For the shell tests.
#include <cstdio>

#include "checkpoint/h5.h"
#include "core/file_hash.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: params_digest MODEL.h5\n");
    return 2;
  }
  try {
    recur::H5File file = recur::H5File::open(argv[1]);
    uint64_t digest = 0;
    for (const std::string& name : file.datasets("/params")) {
      const std::vector<float> values = file.read_tensor("/params/" + name).to_vector<float>();
      digest = recur::hash_bytes(values.data(), values.size() * sizeof(float),
                                 digest ^ recur::hash_bytes(name.data(), name.size()));
    }
    std::printf("%s\n", recur::hex64(digest).c_str());
  } catch (const recur::Error& e) {
    std::fprintf(stderr, "params_digest: %s\n", e.what());
    return 1;
  }
  return 0;
}
