// The subword model loader (SentencePiece's serialised model, as model files and checkpoints carry
// it), then encoding and decoding a sentence with what it accepted.
#include "data/subword.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace recur;
  fuzz::refused_or_read([&] {
    const SubwordModel model = SubwordModel::load(fuzz::as_string(data, size));
    model.decode(model.encode("En el principio creó Dios los cielos y la tierra."));
  });
  return 0;
}
