// The monolingual corpus reader, the token counts a vocabulary is built from, and the encoding of
// the corpus with that vocabulary (characters and words).
#include "data/text_corpus.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace recur;
  const std::string path = fuzz::write_file("corpus.txt", fuzz::as_string(data, size));
  for (TokenizerType type : {TokenizerType::Char, TokenizerType::Word}) {
    fuzz::refused_or_read([&] {
      const TextCorpus corpus = TextCorpus::read(path);
      const Vocab vocab = Vocab::build(count_tokens(path, type, false), {}, type, false);
      TokenSequence::encode(corpus, vocab);
    });
  }
  return 0;
}
