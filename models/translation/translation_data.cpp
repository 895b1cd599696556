#include "translation/translation_data.h"

#include <fstream>

#include "core/log.h"
#include "model_io.h"

namespace recur {

namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  RECUR_CHECK(in, "cannot read ", path.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  RECUR_CHECK(out.good(), "cannot write ", path.string());
}

Vocab build_vocab(const std::vector<std::string>& lines, const TextTokenizer& tokenizer,
                  const TranslationDataConfig& c) {
  std::unordered_map<std::string, int64_t> counts;
  for (const std::string& line : lines) {
    for (const Token& t : tokenizer.tokenize(line))
      counts[t.text] += 1;
  }
  return Vocab::build(counts, {c.min_frequency, c.max_vocab}, tokenizer.type(),
                      tokenizer.lowercase());
}

std::shared_ptr<TextTokenizer> make_tokenizer(TokenizerType type, bool lowercase,
                                              const std::string& subword_bytes) {
  std::shared_ptr<const SubwordModel> subword;
  if (type == TokenizerType::Subword)
    subword = std::make_shared<SubwordModel>(SubwordModel::load(subword_bytes));
  return std::make_shared<TextTokenizer>(type, lowercase, subword);
}

// Pairs of one split, encoded; logs what was skipped. max_length 0: no limit.
ParallelData encode_split(const char* split, const ParallelText& text, const TranslationData& d,
                          int64_t max_length, std::vector<std::string>* references) {
  ParallelData data =
      ParallelData::encode(text, *d.source_tokenizer, d.source_vocab, *d.target_tokenizer,
                           d.target_vocab, max_length, references);
  const std::string too_long =
      max_length > 0 ? concat(", ", data.too_long, " longer than ", max_length, " tokens") : "";
  log::info("data: ", split, " ", data.size(), " pairs (skipped: ", text.half_empty,
            " with an empty side", too_long, "); unknown tokens: source ", data.source_unknown,
            " of ", data.source_tokens, ", target ", data.target_unknown, " of ",
            data.target_tokens);
  return data;
}

}  // namespace

void TranslationDataConfig::describe(ConfigVisitor& v) {
  v.path("source_train", source_train, "training source text, one sentence per line", true);
  v.path("target_train", target_train, "training target text, line i translating source line i",
         true);
  v.path("source_valid", source_valid, "validation source text", false);
  v.path("target_valid", target_valid, "validation target text", false);
  v.path("source_test", source_test, "test source text (recur eval's default)", false);
  v.path("target_test", target_test, "test target text", false);
  v.choice("tokenizer", tokenizer,
           {{"char", TokenizerType::Char},
            {"word", TokenizerType::Word},
            {"subword", TokenizerType::Subword}},
           "char, word, or subword (SentencePiece unigram models trained on the training text)");
  v.field("lowercase", lowercase, "lowercase ASCII letters before tokenising");
  v.field("subword_vocab", subword_vocab, "subword: pieces of each side's SentencePiece model",
          Bounds::at_least(16));
  v.field("joint_vocab", joint_vocab,
          "one subword model and vocabulary built from both sides' training text (needed by "
          "model.share_embeddings)");
  v.field("min_frequency", min_frequency, "tokens seen fewer times in training become <unk>",
          Bounds::at_least(1));
  v.field("max_vocab", max_vocab, "at most this many tokens per side, specials included (0: all)",
          Bounds::non_negative());
  v.field("max_length", max_length,
          "skip training pairs with a side longer than this many tokens (0: no limit)",
          Bounds::non_negative());
}

void TranslationDataConfig::check(ConfigChecker& c) const {
  c.require(source_valid.empty() == target_valid.empty(), "data.target_valid",
            "give both data.source_valid and data.target_valid, or neither");
  c.require(source_test.empty() == target_test.empty(), "data.target_test",
            "give both data.source_test and data.target_test, or neither");
}

std::map<std::string, std::string> TranslationData::identity_extra() const {
  std::map<std::string, std::string> texts = {{"source_vocab", vocab_text(source_vocab)}};
  if (source_tokenizer->subword()) {
    texts["source_subword"] = base64_encode(source_tokenizer->subword()->bytes());
    texts["target_subword"] = base64_encode(target_tokenizer->subword()->bytes());
  }
  return texts;
}

TranslationData TranslationData::from_identity(const RunIdentity& identity) {
  TranslationData d;
  const auto& t = identity.extra;
  const TokenizerType type = tokenizer_type(identity.tokenizer);
  const bool lowercase = identity.lowercase;
  const bool subword = type == TokenizerType::Subword;
  d.source_tokenizer =
      make_tokenizer(type, lowercase, subword ? base64_decode(t.at("source_subword")) : "");
  d.target_tokenizer =
      make_tokenizer(type, lowercase, subword ? base64_decode(t.at("target_subword")) : "");
  d.source_vocab = vocab_from_text(t.at("source_vocab"), type, lowercase);
  d.target_vocab = vocab_of(identity);
  return d;
}

TranslationData TranslationData::load(const TranslationDataConfig& c, int threads,
                                      Communicator& comm, const fs::path& run_dir,
                                      const RunIdentity* identity) {
  const ParallelText train = ParallelText::read(c.source_train, c.target_train);
  log::info("data: ", c.source_train, ": ", train.source.size(), " pairs, ", train.blank,
            " blank lines");
  TranslationData d;
  const bool subword = c.tokenizer == TokenizerType::Subword;
  if (identity != nullptr) {
    d = from_identity(*identity);
  } else if (comm.is_root()) {
    // Rank 0 builds tokenisers and vocabularies and saves them for the other ranks.
    // A joint vocabulary: both sides tokenised and counted from the text of both.
    std::vector<std::string> both;
    if (c.joint_vocab) {
      both = train.source;
      both.insert(both.end(), train.target.begin(), train.target.end());
    }
    const std::vector<std::string>& source_text = c.joint_vocab ? both : train.source;
    const std::vector<std::string>& target_text = c.joint_vocab ? both : train.target;
    std::string source_bytes, target_bytes;
    if (subword) {
      const auto pieces = static_cast<int>(c.subword_vocab);
      source_bytes = SubwordModel::train(source_text, pieces, threads).bytes();
      target_bytes =
          c.joint_vocab ? source_bytes : SubwordModel::train(target_text, pieces, threads).bytes();
      write_bytes(run_dir / "source.subword", source_bytes);
      write_bytes(run_dir / "target.subword", target_bytes);
    }
    d.source_tokenizer = make_tokenizer(c.tokenizer, c.lowercase, source_bytes);
    d.target_tokenizer = make_tokenizer(c.tokenizer, c.lowercase, target_bytes);
    d.source_vocab = build_vocab(source_text, *d.source_tokenizer, c);
    d.target_vocab = build_vocab(target_text, *d.target_tokenizer, c);
    d.source_vocab.save((run_dir / "source.vocab").string());
    d.target_vocab.save((run_dir / "target.vocab").string());
    comm.barrier_untimed();  // training subword models may take longer than a collective may
  } else {
    comm.barrier_untimed();
    d.source_tokenizer = make_tokenizer(c.tokenizer, c.lowercase,
                                        subword ? read_bytes(run_dir / "source.subword") : "");
    d.target_tokenizer = make_tokenizer(c.tokenizer, c.lowercase,
                                        subword ? read_bytes(run_dir / "target.subword") : "");
    d.source_vocab = Vocab::load((run_dir / "source.vocab").string());
    d.target_vocab = Vocab::load((run_dir / "target.vocab").string());
  }
  log::info("data: vocabularies: source ", d.source_vocab.size(), ", target ",
            d.target_vocab.size(), " (", tokenizer_name(c.tokenizer), ")");
  // Only training pairs are filtered by length: validation and test scores cover every pair.
  d.train = encode_split("train", train, d, c.max_length, nullptr);
  if (!c.source_valid.empty()) {
    d.valid = encode_split("valid", ParallelText::read(c.source_valid, c.target_valid), d, 0,
                           &d.valid_references);
  }
  if (!c.source_test.empty()) {
    d.test = encode_split("test", ParallelText::read(c.source_test, c.target_test), d, 0,
                          &d.test_references);
  }
  return d;
}

}  // namespace recur
