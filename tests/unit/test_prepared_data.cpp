// A language model's prepared data: the stores hold what the text reader reads, are reused while
// fresh, and are prepared again when the text, the tokenizer or the vocabulary changes or a store
// is damaged.
#include <filesystem>
#include <fstream>

#include "language/language_model_data.h"
#include "test_util.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

class PreparedData : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = process_temp_dir("prepared-data");
    config_.train = (dir_ / "train.txt").string();
    config_.valid = (dir_ / "valid.txt").string();
    write(config_.train, "In the beginning\nGod created\n\nthe heaven\n");
    write(config_.valid, "and the earth\n");
    folder_ = (dir_ / "prepared").string();
  }
  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string prepare(const Vocab* vocab = nullptr, bool verify = false) {
    return prepare_language_data(config_, vocab, folder_, verify);
  }

  fs::path dir_;
  std::string folder_;
  LanguageModelDataConfig config_;
};

std::vector<int32_t> ids_of(const TokenSequence& s) {
  std::vector<int32_t> ids;
  for (int64_t i = 0; i < s.size(); ++i)
    ids.push_back(s.id(i));
  return ids;
}

TEST_F(PreparedData, TheStoresHoldWhatTheTextReaderReads) {
  EXPECT_EQ(prepare(), "prepared train (new), valid (new) in " + folder_);
  const LanguageModelData data = LanguageModelData::open(config_, folder_);
  const TokenSequence train = encode_file(config_.train, data.vocab);
  EXPECT_EQ(ids_of(data.train), ids_of(train));
  for (int64_t i = 0; i < train.size(); ++i)
    EXPECT_EQ(data.train.chars(i), train.chars(i));
  EXPECT_EQ(data.train.ids_hash(), train.ids_hash());
  EXPECT_EQ(ids_of(data.valid), ids_of(encode_file(config_.valid, data.vocab)));
  EXPECT_EQ(data.test.size(), 0);
  EXPECT_EQ(fs::file_size(folder_ + "/train/ids.u8"), static_cast<uintmax_t>(train.size()));
  EXPECT_EQ(prepare(), folder_ + " is up to date");
}

TEST_F(PreparedData, AChangedTextTokenizerOrVocabularyIsPreparedAgain) {
  prepare();
  write(config_.valid, "In the beginning\n");
  EXPECT_EQ(prepare(), "prepared valid (its text changed) in " + folder_);
  config_.tokenizer = TokenizerType::Word;
  EXPECT_EQ(prepare(),
            "prepared train (another tokenizer), valid (another tokenizer) in " + folder_);
  EXPECT_NE(LanguageModelData::open(config_, folder_).vocab.id("created"), Vocab::kUnk);
  // A resumed run brings its checkpoint's vocabulary.
  const Vocab given = Vocab::from_tokens(
      {"<pad>", "<unk>", "<bos>", "<eos>", "the", "In", "beginning", "God", "created", "heaven"},
      TokenizerType::Word, false);
  EXPECT_EQ(prepare(&given),
            "prepared train (another vocabulary), valid (another vocabulary) in " + folder_);
  const LanguageModelData resumed = LanguageModelData::open(config_, folder_);
  EXPECT_EQ(resumed.vocab.tokens(), given.tokens());
  EXPECT_EQ(ids_of(resumed.valid), (std::vector<int32_t>{Vocab::kBos, 5, 4, 6, Vocab::kEos}));
  // Resuming again with that vocabulary, or preparing without one, changes nothing.
  EXPECT_EQ(prepare(&given), folder_ + " is up to date");
  EXPECT_EQ(prepare(), folder_ + " is up to date");
}

TEST_F(PreparedData, ATruncatedStoreIsAnErrorAndPreparedAgain) {
  prepare();
  fs::resize_file(folder_ + "/train/chars.u8", 3);
  try {
    LanguageModelData::open(config_, folder_);
    FAIL() << "a truncated store opened";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              folder_ +
                  "/train/chars.u8: 3 bytes, the manifest says 42 (a truncated or damaged "
                  "store: prepare the data again)");
  }
  EXPECT_EQ(prepare(), "prepared train (damaged: " + folder_ +
                           "/train/chars.u8: 3 bytes, the manifest says 42 (a truncated or "
                           "damaged store: prepare the data again)) in " +
                           folder_);
  EXPECT_NO_THROW(LanguageModelData::open(config_, folder_));
}

TEST_F(PreparedData, DamageOfTheSameSizeIsFoundWithVerify) {
  prepare();
  {
    std::fstream ids(folder_ + "/valid/ids.u8", std::ios::in | std::ios::out | std::ios::binary);
    ids.seekp(2);
    ids.put('\x01');
  }
  EXPECT_EQ(prepare(), folder_ + " is up to date");  // sizes only: a fast start
  const std::string prepared = prepare(nullptr, true);
  EXPECT_TRUE(prepared.starts_with("prepared valid (damaged: " + folder_ +
                                   "/valid/ids.u8: damaged: its content hash is "))
      << prepared;
  EXPECT_EQ(ids_of(LanguageModelData::open(config_, folder_).valid),
            ids_of(encode_file(config_.valid, LanguageModelData::open(config_, folder_).vocab)));
}

// Parts of a text (as the ranks of `recur prepare` under mpirun write them), merged, are the
// store of the whole text: whatever the number of parts, with parts that start right after a
// document break, CRLF line breaks, no line break at the end, and more parts than lines.
TEST_F(PreparedData, PartsMergeIntoTheStoreOfTheWholeText) {
  write(config_.train, "In the\r\nbeginning\n\r\nGod\n\ncreated\nthe heaven\n\n\nand the earth");
  prepare();
  const TokenStore whole = TokenStore::open(folder_ + "/train", false);
  const Vocab vocab = Vocab::load(folder_ + "/vocab.txt");
  for (int n = 1; n <= 12; ++n) {
    int64_t lines = 0;
    const std::vector<LineRange> ranges = split_lines(config_.train, n, lines);
    EXPECT_EQ(lines, 10);
    std::vector<TokenStore> parts;
    for (int p = 0; p < n; ++p) {
      const std::string part = concat(dir_.string(), "/part-", p);
      TokenStoreWriter writer(part);
      writer.commit(
          write_token_sequence(config_.train, vocab, writer, ranges[static_cast<size_t>(p)]));
      parts.push_back(TokenStore::open(part, false));
    }
    const std::string merged = (dir_ / "merged").string();
    TokenStoreWriter writer(merged);
    writer.commit(merge_token_sequences(parts, writer));
    const TokenStore store = TokenStore::open(merged, false);
    for (const char* key : {"tokens", "unknown", "ids_hash", "documents"})
      EXPECT_EQ(store.meta()[key], whole.meta()[key]) << key << " of " << n << " parts";
    EXPECT_EQ(ids_of(TokenSequence::mapped(store)), ids_of(TokenSequence::mapped(whole))) << n;
  }
}

}  // namespace
}  // namespace recur::test
