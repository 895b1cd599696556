#include "language/language_model_data.h"

#include <filesystem>
#include <optional>

#include "core/file_hash.h"
#include "core/log.h"
#include "data/store_parts.h"
#include "data/store_recipe.h"

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
  v.path("prepared", prepared,
         "the folder of the prepared token stores (empty: <run_dir>/prepared); recur prepares "
         "the texts into it once and again only when they change (docs/data-format.md)",
         false);
  v.field("min_frequency", min_frequency, "tokens seen fewer times in data.train become <unk>",
          Bounds::at_least(1));
  v.field("max_vocab", max_vocab, "keep at most this many tokens, specials included (0: all)",
          Bounds::non_negative());
}

void check_vocab_fits(const std::string& path, const Vocab& vocab, int64_t unknown,
                      int64_t tokens) {
  const double share = static_cast<double>(unknown) / static_cast<double>(tokens);
  RECUR_CHECK(share <= 0.5, "the vocabulary does not match ", path, ": ", unknown, " of ", tokens,
              " tokens (", static_cast<int>(share * 100), "%) are not in it (",
              tokenizer_name(vocab.tokenizer()), " tokenizer, ", vocab.size(), " entries)");
}

TokenSequence encode_file(const std::string& path, const Vocab& vocab) {
  TokenSequence seq = TokenSequence::encode(TextCorpus::read(path), vocab);
  check_vocab_fits(path, vocab, seq.unknown(), seq.size());
  return seq;
}

std::string LanguageModelData::train_hash() const {
  return hex64(train.ids_hash());
}

namespace {

namespace fs = std::filesystem;

// Where the config takes the vocabulary from, part of every store's recipe. A resumed run's
// vocabulary (its checkpoint's) is not part of it: the vocabulary hash decides, so that the stores
// a run prepared stay fresh when it resumes.
Json vocab_recipe(const LanguageModelDataConfig& config) {
  if (!config.vocab.empty()) return Json{{"file", file_stamp(config.vocab)}};
  return Json{{"built_from", file_stamp(config.train)},
              {"min_frequency", config.min_frequency},
              {"max_vocab", config.max_vocab}};
}

// How the store of the text file `text` is made.
Json store_recipe(const LanguageModelDataConfig& config, const std::string& text,
                  const Json& vocab) {
  return Json{{"text", file_stamp(text)},
              {"tokenizer", tokenizer_name(config.tokenizer)},
              {"lowercase", config.lowercase},
              {"vocab", vocab}};
}

Vocab load_vocab_file(const LanguageModelDataConfig& config) {
  Vocab vocab = Vocab::load(config.vocab);
  RECUR_CHECK(vocab.tokenizer() == config.tokenizer, "data.vocab: ", config.vocab,
              " was built with the ", tokenizer_name(vocab.tokenizer()),
              " tokenizer, but data.tokenizer is ", tokenizer_name(config.tokenizer));
  return vocab;
}

// The vocabulary to prepare with (see prepare_language_data).
Vocab prepared_vocab(const LanguageModelDataConfig& config, const Vocab* given,
                     const std::string& folder, bool verify) {
  if (given != nullptr) return *given;
  if (!config.vocab.empty()) return load_vocab_file(config);
  const std::string file = folder + "/vocab.txt";
  if (fs::exists(file)) {
    try {
      Vocab before = Vocab::load(file);
      const Json recipe = store_recipe(config, config.train, vocab_recipe(config));
      if (why_stale(folder + "/train", recipe, vocab_hash(before), verify).empty()) return before;
    } catch (const Error& e) {
      log::warn(e.what(), "; building the vocabulary again");
    }
  }
  return Vocab::build(count_tokens(config.train, config.tokenizer, config.lowercase),
                      {config.min_frequency, config.max_vocab}, config.tokenizer, config.lowercase);
}

// Replaces FOLDER/vocab.txt, the vocabulary of the stores beside it.
void save_vocab(const Vocab& vocab, const std::string& folder) {
  replace_file(folder + "/vocab.txt", [&](const std::string& temporary) { vocab.save(temporary); });
}

// The texts that are configured, by store name.
std::vector<std::pair<std::string, std::string>> configured_texts(
    const LanguageModelDataConfig& config) {
  std::vector<std::pair<std::string, std::string>> texts = {{"train", config.train}};
  if (!config.valid.empty()) texts.emplace_back("valid", config.valid);
  if (!config.test.empty()) texts.emplace_back("test", config.test);
  return texts;
}

// Writes the store of `text` into `store`, alone or with the ranks of `comm`, a part each.
void write_store(Communicator& comm, const std::string& store, const std::string& text,
                 const Vocab& vocab, const Json& recipe) {
  auto checked = [&](Json meta) {
    RECUR_CHECK(meta["tokens"].get<int64_t>() > 0, "data file '", text,
                "' is empty (no non-empty line)");
    check_vocab_fits(text, vocab, meta["unknown"].get<int64_t>(), meta["tokens"].get<int64_t>());
    return meta;
  };
  int64_t lines = 0;
  const std::vector<LineRange> ranges = comm.world_size() > 1
                                            ? split_lines(text, comm.world_size(), lines)
                                            : std::vector<LineRange>{};
  const StoreParts parts{
      [&](TokenStoreWriter& writer) { return checked(write_token_sequence(text, vocab, writer)); },
      [&](int part, TokenStoreWriter& writer) {
        return write_token_sequence(text, vocab, writer, ranges[static_cast<size_t>(part)]);
      },
      [&](const std::vector<TokenStore>& written, TokenStoreWriter& writer) {
        return checked(merge_token_sequences(written, writer));
      }};
  prepare_in_parts(comm, store, parts, Json{{"vocab_hash", vocab_hash(vocab)}, {"recipe", recipe}});
}

}  // namespace

std::string prepare_language_data(const LanguageModelDataConfig& config, const Vocab* vocab,
                                  const std::string& folder, bool verify, Communicator* together) {
  SingleProcessCommunicator alone;
  Communicator& comm = together != nullptr ? *together : alone;
  const std::vector<std::pair<std::string, std::string>> texts = configured_texts(config);
  const Json vocab_from = vocab_recipe(config);
  // Rank 0 chooses the vocabulary and finds the stale stores.
  std::optional<Vocab> chosen;
  std::vector<int32_t> stale;
  std::string prepared;  // "train (new), valid (its text changed)"
  if (comm.is_root()) {
    fs::create_directories(folder);
    chosen = prepared_vocab(config, vocab, folder, verify);
    const std::string hash = vocab_hash(*chosen);
    for (size_t i = 0; i < texts.size(); ++i) {
      const auto& [name, text] = texts[i];
      const std::string why =
          why_stale(folder + "/" + name, store_recipe(config, text, vocab_from), hash, verify);
      if (why.empty()) continue;
      stale.push_back(static_cast<int32_t>(i));
      prepared += concat(prepared.empty() ? "" : ", ", name, " (", why, ")");
    }
    if (!stale.empty() || !fs::exists(folder + "/vocab.txt")) save_vocab(*chosen, folder);
  }
  stale = share_stale(comm, stale, texts.size());
  if (!comm.is_root() && !stale.empty()) chosen = Vocab::load(folder + "/vocab.txt");
  for (int32_t i : stale) {
    const auto& [name, text] = texts[static_cast<size_t>(i)];
    write_store(comm, folder + "/" + name, text, *chosen, store_recipe(config, text, vocab_from));
  }
  if (prepared.empty()) return concat(folder, " is up to date");
  return concat("prepared ", prepared, " in ", folder);
}

LanguageModelData LanguageModelData::open(const LanguageModelDataConfig& config,
                                          const std::string& folder) {
  LanguageModelData data;
  data.vocab = Vocab::load(folder + "/vocab.txt");
  const std::string hash = vocab_hash(data.vocab);
  int64_t documents = 0;
  for (const auto& [name, text] : configured_texts(config)) {
    const TokenStore store = TokenStore::open(folder + "/" + name, false);
    RECUR_CHECK(store.meta().value("vocab_hash", "") == hash, store.directory(),
                ": prepared with another vocabulary than ", folder, "/vocab.txt (prepare the data ",
                "again)");
    TokenSequence& seq = name == "train" ? data.train : name == "valid" ? data.valid : data.test;
    seq = TokenSequence::mapped(store);
    if (name == "train") documents = store.meta().value("documents", int64_t{0});
  }
  log::info("data: vocabulary ", data.vocab.size(), " (", tokenizer_name(config.tokenizer),
            "), train ", data.train.size(), " tokens in ", documents, " documents, valid ",
            data.valid.size(), ", test ", data.test.size());
  return data;
}

}  // namespace recur
