// Vocabulary files. An accepted vocabulary must save and load back to the same tokens.
#include <cstdlib>

#include "data/vocab.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace recur;
  const std::string path = fuzz::write_file("vocab.txt", fuzz::as_string(data, size));
  fuzz::refused_or_read([&] {
    const Vocab vocab = Vocab::load(path);
    const std::string again = (fuzz::scratch_dir() / "again.txt").string();
    vocab.save(again);
    if (Vocab::load(again).tokens() != vocab.tokens()) std::abort();
  });
  return 0;
}
