#include "language/language_model_data.h"

#include "core/file_hash.h"
#include "core/log.h"

namespace recur {

void LanguageModelDataConfig::describe(ConfigVisitor& v) {
  v.path("train", train, "training text: one sentence per line, an empty line ends a document",
         true);
  v.path("valid", valid, "validation text (same format)", false);
  v.path("test", test, "test text (same format), the default data of recur eval", false);
  v.choice("tokenizer", tokenizer, {{"char", TokenizerType::Char}, {"word", TokenizerType::Word}},
           "char: UTF-8 characters; word: runs of letters and digits, punctuation apart");
  v.field("lowercase", lowercase, "lowercase ASCII letters before tokenising");
  v.path("vocab", vocab, "use this vocabulary file instead of building one from data.train", false);
  v.field("min_frequency", min_frequency, "tokens seen fewer times in data.train become <unk>",
          Bounds::at_least(1));
  v.field("max_vocab", max_vocab, "keep at most this many tokens, specials included (0: all)",
          Bounds::non_negative());
}

TokenSequence encode_file(const std::string& path, const Vocab& vocab) {
  TokenSequence seq = TokenSequence::encode(TextCorpus::read(path), vocab);
  const double unknown = static_cast<double>(seq.unknown) / static_cast<double>(seq.size());
  RECUR_CHECK(unknown <= 0.5, "the vocabulary does not match ", path, ": ", seq.unknown, " of ",
              seq.size(), " tokens (", static_cast<int>(unknown * 100), "%) are not in it (",
              tokenizer_name(vocab.tokenizer()), " tokenizer, ", vocab.size(), " entries)");
  return seq;
}

std::string LanguageModelData::train_hash() const {
  return hex64(hash_bytes(train.ids.data(), train.ids.size() * sizeof(int32_t)));
}

LanguageModelData LanguageModelData::load(const LanguageModelDataConfig& config,
                                          const Vocab* vocab) {
  LanguageModelData data;
  TextCorpus train = TextCorpus::read(config.train);
  if (vocab != nullptr) {
    data.vocab = *vocab;
  } else if (config.vocab.empty()) {
    data.vocab =
        Vocab::build(count_tokens(train, config.tokenizer, config.lowercase),
                     {config.min_frequency, config.max_vocab}, config.tokenizer, config.lowercase);
  } else {
    data.vocab = Vocab::load(config.vocab);
    RECUR_CHECK(data.vocab.tokenizer() == config.tokenizer, "data.vocab: ", config.vocab,
                " was built with the ", tokenizer_name(data.vocab.tokenizer()),
                " tokenizer, but data.tokenizer is ", tokenizer_name(config.tokenizer));
  }
  data.train = encode_file(config.train, data.vocab);
  if (!config.valid.empty()) data.valid = encode_file(config.valid, data.vocab);
  if (!config.test.empty()) data.test = encode_file(config.test, data.vocab);
  log::info("data: vocabulary ", data.vocab.size(), " (", tokenizer_name(config.tokenizer),
            "), train ", data.train.size(), " tokens in ", train.documents.size(),
            " documents, valid ", data.valid.size(), ", test ", data.test.size());
  return data;
}

}  // namespace recur
