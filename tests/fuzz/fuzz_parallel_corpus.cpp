// The parallel corpus reader: the input is cut at its first NUL byte into the source file and the
// target file.
#include "data/parallel_corpus.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace recur;
  const std::string input = fuzz::as_string(data, size);
  const size_t cut = std::min(input.find('\0'), input.size());
  const std::string source = fuzz::write_file("source.txt", input.substr(0, cut));
  const std::string target =
      fuzz::write_file("target.txt", input.substr(std::min(cut + 1, input.size())));
  fuzz::refused_or_read([&] { ParallelText::read(source, target); });
  return 0;
}
