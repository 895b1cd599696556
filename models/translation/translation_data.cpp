#include "translation/translation_data.h"

#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "core/file_hash.h"
#include "core/log.h"
#include "core/rng.h"
#include "data/store_parts.h"
#include "data/store_recipe.h"
#include "data/subword.h"
#include "model_io.h"

namespace recur {

namespace fs = std::filesystem;

namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  RECUR_CHECK(in, "cannot read ", path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void save_bytes(const std::string& path, const std::string& bytes) {
  replace_file(path, [&](const std::string& temporary) {
    std::ofstream out(temporary, std::ios::binary);
    out << bytes;
    RECUR_CHECK(out.good(), "cannot write ", temporary);
  });
}

std::shared_ptr<TextTokenizer> make_tokenizer(TokenizerType type, bool lowercase,
                                              const std::string& subword_bytes) {
  std::shared_ptr<const SubwordModel> subword;
  if (type == TokenizerType::Subword)
    subword = std::make_shared<SubwordModel>(SubwordModel::load(subword_bytes));
  return std::make_shared<TextTokenizer>(type, lowercase, subword);
}

// At most `cap` lines, each line read equally likely to be kept (reservoir sampling, from a fixed
// seed); all lines, in their order, when there are no more.
class LineSample {
 public:
  LineSample(int64_t cap, uint64_t side) : cap_(cap), stream_(0, RngPurpose::Data, side, 2) {}

  void add(const std::string& line) {
    if (static_cast<int64_t>(lines.size()) < cap_) {
      lines.push_back(line);
    } else {
      const uint64_t draw =
          (uint64_t{stream_.bits(0, 2 * seen_)} << 32) | stream_.bits(0, 2 * seen_ + 1);
      const uint64_t slot = draw % (seen_ + 1);
      if (slot < static_cast<uint64_t>(cap_)) lines[slot] = line;
    }
    ++seen_;
  }
  std::vector<std::string> lines;

 private:
  int64_t cap_;
  uint64_t seen_ = 0;
  RandomStream stream_;
};

// Subword models of both sides trained on samples of the training texts: (source, target) bytes.
std::pair<std::string, std::string> train_subword_models(const TranslationDataConfig& c,
                                                         int threads) {
  LineSample source(c.subword_sample, 0), target(c.subword_sample, 1);
  scan_parallel(c.source_train, c.target_train, [&](const std::string& s, const std::string& t) {
    source.add(s);
    target.add(t);
  });
  const auto pieces = static_cast<int>(c.subword_vocab);
  log::info("data: training subword models on ", source.lines.size(), " + ", target.lines.size(),
            " lines");
  if (c.joint_vocab) {
    // One model of both sides' text.
    source.lines.insert(source.lines.end(), target.lines.begin(), target.lines.end());
    std::string joint = SubwordModel::train(source.lines, pieces, threads).bytes();
    return {joint, joint};
  }
  return {SubwordModel::train(source.lines, pieces, threads).bytes(),
          SubwordModel::train(target.lines, pieces, threads).bytes()};
}

// The tokenisers and vocabularies built from the training texts; a joint vocabulary counts the
// tokens of both sides.
TranslationData build_vocabularies(const TranslationDataConfig& c, int threads) {
  std::pair<std::string, std::string> subword;
  if (c.tokenizer == TokenizerType::Subword) subword = train_subword_models(c, threads);
  TranslationData d;
  d.source_tokenizer = make_tokenizer(c.tokenizer, c.lowercase, subword.first);
  d.target_tokenizer = make_tokenizer(c.tokenizer, c.lowercase, subword.second);
  std::unordered_map<std::string, int64_t> source_counts, target_counts;
  auto& target_into = c.joint_vocab ? source_counts : target_counts;
  scan_parallel(c.source_train, c.target_train, [&](const std::string& s, const std::string& t) {
    for (const Token& token : d.source_tokenizer->tokenize(s))
      source_counts[token.text] += 1;
    for (const Token& token : d.target_tokenizer->tokenize(t))
      target_into[token.text] += 1;
  });
  const Vocab::Options options{c.min_frequency, c.max_vocab};
  d.source_vocab = Vocab::build(source_counts, options, c.tokenizer, c.lowercase);
  d.target_vocab = c.joint_vocab ? d.source_vocab
                                 : Vocab::build(target_counts, options, c.tokenizer, c.lowercase);
  return d;
}

// A hash of both tokenisers and vocabularies: every store records the one it was encoded with.
std::string vocabularies_hash(const TranslationData& d) {
  std::string text = vocab_hash(d.source_vocab) + vocab_hash(d.target_vocab);
  for (const auto* tokenizer : {d.source_tokenizer.get(), d.target_tokenizer.get()}) {
    if (tokenizer->subword() == nullptr) continue;
    const std::string& bytes = tokenizer->subword()->bytes();
    text += hex64(hash_bytes(bytes.data(), bytes.size()));
  }
  return hex64(hash_bytes(text.data(), text.size()));
}

void save_vocabularies(const TranslationData& d, const std::string& folder) {
  if (d.source_tokenizer->subword() != nullptr) {
    save_bytes(folder + "/source.subword", d.source_tokenizer->subword()->bytes());
    save_bytes(folder + "/target.subword", d.target_tokenizer->subword()->bytes());
  }
  for (const auto& named :
       {std::pair{"source.vocab", &d.source_vocab}, std::pair{"target.vocab", &d.target_vocab}}) {
    const Vocab* vocab = named.second;
    replace_file(folder + "/" + named.first,
                 [&](const std::string& temporary) { vocab->save(temporary); });
  }
}

TranslationData load_vocabularies(const TranslationDataConfig& c, const std::string& folder) {
  const bool subword = c.tokenizer == TokenizerType::Subword;
  TranslationData d;
  d.source_tokenizer = make_tokenizer(c.tokenizer, c.lowercase,
                                      subword ? read_bytes(folder + "/source.subword") : "");
  d.target_tokenizer = make_tokenizer(c.tokenizer, c.lowercase,
                                      subword ? read_bytes(folder + "/target.subword") : "");
  d.source_vocab = Vocab::load(folder + "/source.vocab");
  d.target_vocab = Vocab::load(folder + "/target.vocab");
  return d;
}

// How the tokenisers and vocabularies are built, part of every store's recipe (a resumed run's
// are not: the vocabularies' hash decides, so that the stores a run prepared stay fresh).
Json vocabularies_recipe(const TranslationDataConfig& c) {
  Json recipe{{"built_from", Json::array({file_stamp(c.source_train), file_stamp(c.target_train)})},
              {"joint_vocab", c.joint_vocab},
              {"min_frequency", c.min_frequency},
              {"max_vocab", c.max_vocab}};
  if (c.tokenizer == TokenizerType::Subword) {
    recipe["subword_vocab"] = c.subword_vocab;
    recipe["subword_sample"] = c.subword_sample;
  }
  return recipe;
}

// A configured split: its store's name, its texts, and how it is stored. Only training pairs are
// filtered by length (validation and test scores cover every pair) and sorted by length (a global
// batch is then one range of the store, and a rank's part of it a range too).
struct Split {
  std::string name, source, target;
  int64_t max_length;
  bool sort_by_length;
};

std::vector<Split> configured_splits(const TranslationDataConfig& c) {
  std::vector<Split> splits = {{"train", c.source_train, c.target_train, c.max_length, true}};
  if (!c.source_valid.empty())
    splits.push_back({"valid", c.source_valid, c.target_valid, 0, false});
  if (!c.source_test.empty()) splits.push_back({"test", c.source_test, c.target_test, 0, false});
  return splits;
}

Json store_recipe(const TranslationDataConfig& c, const Split& split, const Json& vocabularies) {
  return Json{{"text", Json::array({file_stamp(split.source), file_stamp(split.target)})},
              {"tokenizer", tokenizer_name(c.tokenizer)},
              {"lowercase", c.lowercase},
              {"vocab", vocabularies},
              {"max_length", split.max_length}};
}

// The tokenisers and vocabularies to prepare with (see prepare_translation_data).
TranslationData prepared_vocabularies(const TranslationDataConfig& c, const TranslationData* given,
                                      const std::string& folder, int threads, bool verify) {
  if (given != nullptr) return *given;
  if (fs::exists(folder + "/source.vocab")) {
    try {
      TranslationData before = load_vocabularies(c, folder);
      const Json recipe = store_recipe(c, configured_splits(c)[0], vocabularies_recipe(c));
      // (A train store stale only for its length limit was made with these vocabularies too.)
      const std::string why =
          why_stale(folder + "/train", recipe, vocabularies_hash(before), verify);
      if (why.empty() || why == "another max_length") return before;
    } catch (const Error& e) {
      log::warn(e.what(), "; building the vocabularies again");
    }
  }
  return build_vocabularies(c, threads);
}

// Throws Error when the whole texts of a split kept no pair.
void check_kept(const Split& split, const Json& meta) {
  RECUR_CHECK(meta["pairs"].get<int64_t>() + meta["too_long"].get<int64_t>() > 0, split.source,
              " and ", split.target, " hold no sentence pair");
  RECUR_CHECK(meta["pairs"].get<int64_t>() > 0, "every sentence pair of ", split.source, " and ",
              split.target, " has a side longer than data.max_length (", split.max_length,
              " tokens)");
}

// Writes the store of a split into `store`, alone or with the ranks of `comm`, a part each.
void write_store(Communicator& comm, const std::string& store, const Split& split,
                 const TranslationData& d, const Json& recipe) {
  auto write = [&](TokenStoreWriter& writer, const std::pair<LineRange, LineRange>& lines) {
    return write_parallel_data(split.source, split.target, *d.source_tokenizer, d.source_vocab,
                               *d.target_tokenizer, d.target_vocab, split.max_length, writer,
                               lines);
  };
  auto merge = [&](const std::vector<TokenStore>& parts, TokenStoreWriter& writer) {
    Json meta =
        merge_parallel_data(parts, d.source_vocab, d.target_vocab, split.sort_by_length, writer);
    check_kept(split, meta);
    return meta;
  };
  // Alone: the whole split in text order, then sorted from there (a part of its own).
  auto whole = [&](TokenStoreWriter& writer) {
    if (!split.sort_by_length) {
      Json meta = write(writer, {});
      check_kept(split, meta);
      return meta;
    }
    const std::string text_order = writer.temporary() + "/text-order";
    {
      TokenStoreWriter part(text_order);
      part.commit(write(part, {}));
    }
    Json meta = merge({TokenStore::open(text_order, false)}, writer);
    fs::remove_all(text_order);
    return meta;
  };
  const std::vector<std::pair<LineRange, LineRange>> ranges =
      comm.world_size() > 1 ? split_parallel(split.source, split.target, comm.world_size())
                            : std::vector<std::pair<LineRange, LineRange>>{};
  const StoreParts parts{whole,
                         [&](int part, TokenStoreWriter& writer) {
                           return write(writer, ranges[static_cast<size_t>(part)]);
                         },
                         merge};
  prepare_in_parts(comm, store, parts,
                   Json{{"vocab_hash", vocabularies_hash(d)}, {"recipe", recipe}});
}

// Logs what a split holds and what was skipped.
void log_split(const std::string& name, const ParallelData& data, const Json& meta,
               int64_t max_length) {
  const ParallelCounts& c = data.counts();
  const std::string too_long =
      max_length > 0 ? concat(", ", c.too_long, " longer than ", max_length, " tokens") : "";
  log::info("data: ", name, " ", data.size(),
            " pairs (skipped: ", meta.value("half_empty", int64_t{0}), " with an empty side",
            too_long, "); unknown tokens: source ", c.source_unknown, " of ", c.source_tokens,
            ", target ", c.target_unknown, " of ", c.target_tokens);
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
  v.field("subword_sample", subword_sample,
          "subword: train each SentencePiece model on at most this many lines of its side's "
          "training text, sampled evenly with a fixed seed (all of them when there are fewer)",
          Bounds::at_least(1));
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
  v.path("prepared", prepared,
         "the folder of the prepared token stores (empty: <run_dir>/prepared); recur prepares "
         "the texts into it once and again only when they change (docs/data-format.md)",
         false);
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

std::string prepare_translation_data(const TranslationDataConfig& config,
                                     const TranslationData* given, const std::string& folder,
                                     int threads, bool verify, Communicator* together) {
  SingleProcessCommunicator alone;
  Communicator& comm = together != nullptr ? *together : alone;
  const std::vector<Split> splits = configured_splits(config);
  const Json vocabularies = vocabularies_recipe(config);
  // Rank 0 chooses the tokenisers and vocabularies and finds the stale stores.
  TranslationData chosen;
  std::vector<int32_t> stale;
  std::string prepared;  // "train (new), valid (its text changed)"
  if (comm.is_root()) {
    fs::create_directories(folder);
    chosen = prepared_vocabularies(config, given, folder, threads, verify);
    const std::string hash = vocabularies_hash(chosen);
    for (size_t i = 0; i < splits.size(); ++i) {
      const Split& split = splits[i];
      const std::string why = why_stale(folder + "/" + split.name,
                                        store_recipe(config, split, vocabularies), hash, verify);
      if (why.empty()) continue;
      stale.push_back(static_cast<int32_t>(i));
      prepared += concat(prepared.empty() ? "" : ", ", split.name, " (", why, ")");
    }
    if (!stale.empty() || !fs::exists(folder + "/source.vocab")) save_vocabularies(chosen, folder);
  }
  stale = share_stale(comm, stale, splits.size());
  if (!comm.is_root() && !stale.empty()) chosen = load_vocabularies(config, folder);
  for (int32_t i : stale) {
    const Split& split = splits[static_cast<size_t>(i)];
    write_store(comm, folder + "/" + split.name, split, chosen,
                store_recipe(config, split, vocabularies));
  }
  if (prepared.empty()) return concat(folder, " is up to date");
  return concat("prepared ", prepared, " in ", folder);
}

TranslationData TranslationData::open(const TranslationDataConfig& config,
                                      const std::string& folder) {
  TranslationData d = load_vocabularies(config, folder);
  const std::string hash = vocabularies_hash(d);
  log::info("data: vocabularies: source ", d.source_vocab.size(), ", target ",
            d.target_vocab.size(), " (", tokenizer_name(config.tokenizer), ")");
  for (const Split& split : configured_splits(config)) {
    const TokenStore store = TokenStore::open(folder + "/" + split.name, false);
    RECUR_CHECK(store.meta().value("vocab_hash", "") == hash, store.directory(),
                ": prepared with other vocabularies than those in ", folder,
                " (prepare the data again)");
    ParallelData& data = split.name == "train" ? d.train : split.name == "valid" ? d.valid : d.test;
    data = ParallelData::mapped(store);
    RECUR_CHECK(data.size() > 0, store.directory(), ": no sentence pairs (prepare the data again)");
    if (split.name == "train") {
      log::info("data: ", split.source, ": ", data.size() + data.counts().too_long, " pairs, ",
                store.meta().value("blank", int64_t{0}), " blank lines");
    } else {
      // Scores compare with the target lines of every pair (small splits, read as text).
      auto& references = split.name == "valid" ? d.valid_references : d.test_references;
      references = ParallelText::read(split.source, split.target).target;
      RECUR_CHECK(static_cast<int64_t>(references.size()) == data.size(), store.directory(), ": ",
                  data.size(), " pairs, but ", split.source, " and ", split.target, " hold ",
                  references.size(), " (prepare the data again)");
    }
    log_split(split.name, data, store.meta(), split.max_length);
  }
  return d;
}

}  // namespace recur
