// The translation models' prepared data: separate vocabularies per side, or one joint vocabulary
// built from both sides (what shared embeddings need); the stores hold what the text reader
// encodes, are reused while fresh, prepared again when a text or a setting changes, and a damaged
// store is an error, never wrong data.
#include <filesystem>
#include <fstream>

#include "data/vocab.h"
#include "test_util.h"
#include "translation/translation_data.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

class TranslationStores : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = process_temp_dir("translation-data");
    config_.source_train = (dir_ / "src.txt").string();
    config_.target_train = (dir_ / "tgt.txt").string();
    config_.source_valid = (dir_ / "src.valid.txt").string();
    config_.target_valid = (dir_ / "tgt.valid.txt").string();
    config_.tokenizer = TokenizerType::Word;
    write(config_.source_train, "el perro come\n\nla casa grande\nla\nel perro come la casa\n");
    write(config_.target_train, "the dog eats\n\nthe house\n\nthe dog eats the house\n");
    write(config_.source_valid, "la casa\n");
    write(config_.target_valid, "the house\n");
    folder_ = (dir_ / "prepared").string();
    fs::remove_all(folder_);  // another case's
  }
  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string prepare(const TranslationData* given = nullptr, bool verify = false) {
    return prepare_translation_data(config_, given, folder_, 1, verify);
  }
  TranslationData prepared() {
    prepare();
    return TranslationData::open(config_, folder_);
  }

  fs::path dir_;
  std::string folder_;
  TranslationDataConfig config_;
};

std::vector<std::vector<int32_t>> sides(const ParallelData& data, bool source) {
  std::vector<std::vector<int32_t>> out;
  for (int64_t i = 0; i < data.size(); ++i)
    out.push_back((source ? data.source(i) : data.target(i)).to_vector());
  return out;
}

// The arrays a store's manifest lists: names, files, widths, counts and content hashes.
Json manifest_arrays(const std::string& store) {
  std::ifstream in(store + "/manifest.json");
  return Json::parse(in)["arrays"];
}

TEST_F(TranslationStores, JointVocabularyCoversBothSides) {
  const TranslationData separate = prepared();
  EXPECT_EQ(separate.source_vocab.id("dog"), Vocab::kUnk);
  EXPECT_EQ(separate.target_vocab.id("perro"), Vocab::kUnk);
  config_.joint_vocab = true;
  const TranslationData joint = prepared();
  ASSERT_EQ(joint.source_vocab.size(), joint.target_vocab.size());
  for (const char* word : {"perro", "dog", "the", "la"}) {
    EXPECT_NE(joint.source_vocab.id(word), Vocab::kUnk) << word;
    EXPECT_EQ(joint.source_vocab.id(word), joint.target_vocab.id(word)) << word;
  }
  // No word is on both sides: the joint vocabulary holds both sides' words and the 4 specials once.
  EXPECT_EQ(joint.source_vocab.size(),
            separate.source_vocab.size() + separate.target_vocab.size() - 4);
}

TEST_F(TranslationStores, TheStoresHoldWhatTheTextReaderEncodes) {
  config_.max_length = 4;
  EXPECT_EQ(prepare(), "prepared train (new), valid (new) in " + folder_);
  const TranslationData data = TranslationData::open(config_, folder_);
  // The pair with an empty target side is skipped, the 5-word pair is too long.
  std::vector<std::string> references;
  const ParallelData train = ParallelData::encode(
      ParallelText::read(config_.source_train, config_.target_train), *data.source_tokenizer,
      data.source_vocab, *data.target_tokenizer, data.target_vocab, 4);
  ASSERT_EQ(data.train.size(), 2);
  // The training store holds the pairs in the order batches take them: by length.
  std::vector<std::vector<int32_t>> source, target;
  for (uint32_t e : length_order(train)) {
    source.push_back(train.source(e).to_vector());
    target.push_back(train.target(e).to_vector());
  }
  EXPECT_NE(source, sides(train, true));  // "la casa grande" has the shorter target
  EXPECT_EQ(sides(data.train, true), source);
  EXPECT_EQ(sides(data.train, false), target);
  EXPECT_EQ(data.train.counts().too_long, 1);
  EXPECT_EQ(data.train.counts().source_tokens, 6);
  EXPECT_EQ(data.valid_references, std::vector<std::string>{"the house"});
  EXPECT_EQ(sides(data.valid, false),
            (std::vector<std::vector<int32_t>>{
                {data.target_vocab.id("the"), data.target_vocab.id("house")}}));
  EXPECT_EQ(prepare(), folder_ + " is up to date");
}

TEST_F(TranslationStores, AChangedTextOrSettingIsPreparedAgain) {
  prepare();
  write(config_.target_valid, "the houses\n");
  EXPECT_EQ(prepare(), "prepared valid (its text changed) in " + folder_);
  config_.max_length = 3;
  EXPECT_EQ(prepare(), "prepared train (another max_length) in " + folder_);
  config_.min_frequency = 2;
  EXPECT_EQ(prepare(),
            "prepared train (another vocabulary), valid (another vocabulary) in " + folder_);
  EXPECT_EQ(TranslationData::open(config_, folder_).source_vocab.id("grande"), Vocab::kUnk);
  // A resumed run brings its checkpoint's tokenisers and vocabularies; they stay fresh after.
  config_.min_frequency = 1;
  const TranslationData given = prepared();
  config_.min_frequency = 2;
  EXPECT_EQ(prepare(&given),
            "prepared train (another vocabulary), valid (another vocabulary) in " + folder_);
  EXPECT_NE(TranslationData::open(config_, folder_).source_vocab.id("grande"), Vocab::kUnk);
  EXPECT_EQ(prepare(&given), folder_ + " is up to date");
}

TEST_F(TranslationStores, ADamagedStoreIsAnErrorAndPreparedAgain) {
  prepare();
  fs::resize_file(folder_ + "/train/target_ids.u8", 2);
  EXPECT_THROW(TranslationData::open(config_, folder_), Error);
  EXPECT_TRUE(prepare().starts_with("prepared train (damaged: " + folder_ +
                                    "/train/target_ids.u8: 2 bytes, the manifest says "));
  // Offsets that do not rise are refused when the store is opened, even with the right sizes.
  {
    std::fstream offsets(folder_ + "/train/source_offsets.u8",
                         std::ios::in | std::ios::out | std::ios::binary);
    offsets.seekp(1);
    offsets.put('\x7f');
  }
  try {
    TranslationData::open(config_, folder_);
    FAIL() << "a store with damaged offsets opened";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), folder_ +
                                         "/train: offsets, ids and pairs disagree (the store "
                                         "is damaged: prepare the data again)");
  }
  EXPECT_TRUE(prepare(nullptr, true).starts_with("prepared train (damaged: "));
  EXPECT_EQ(TranslationData::open(config_, folder_).train.size(), 3);
}

// Parts of the texts, merged (and sorted), are the store of the whole texts, for any number of
// parts, more parts than lines included.
TEST_F(TranslationStores, PartsMergeIntoTheStoreOfTheWholeTexts) {
  prepare();
  const TranslationData data = TranslationData::open(config_, folder_);
  for (int n = 1; n <= 7; ++n) {
    const auto ranges = split_parallel(config_.source_train, config_.target_train, n);
    std::vector<TokenStore> parts;
    for (int p = 0; p < n; ++p) {
      const std::string part = concat(dir_.string(), "/part-", p);
      TokenStoreWriter writer(part);
      writer.commit(
          write_parallel_data(config_.source_train, config_.target_train, *data.source_tokenizer,
                              data.source_vocab, *data.target_tokenizer, data.target_vocab,
                              config_.max_length, writer, ranges[static_cast<size_t>(p)]));
      parts.push_back(TokenStore::open(part, false));
    }
    const std::string merged = (dir_ / "merged").string();
    TokenStoreWriter writer(merged);
    writer.commit(merge_parallel_data(parts, data.source_vocab, data.target_vocab, true, writer));
    const ParallelData store = ParallelData::mapped(TokenStore::open(merged, false));
    EXPECT_EQ(sides(store, true), sides(data.train, true)) << n << " parts";
    EXPECT_EQ(sides(store, false), sides(data.train, false)) << n << " parts";
    // In text order (validation, test): the arrays one writer of the whole texts writes.
    const std::string whole = (dir_ / "whole").string(), unsorted = (dir_ / "unsorted").string();
    {
      TokenStoreWriter one(whole), merged_in_order(unsorted);
      one.commit(write_parallel_data(
          config_.source_train, config_.target_train, *data.source_tokenizer, data.source_vocab,
          *data.target_tokenizer, data.target_vocab, config_.max_length, one));
      merged_in_order.commit(
          merge_parallel_data(parts, data.source_vocab, data.target_vocab, false, merged_in_order));
    }
    EXPECT_EQ(manifest_arrays(whole), manifest_arrays(unsorted)) << n << " parts";
  }
}

TEST(TokenBatcher, BatchesComeFromLengthsAlone) {
  // Lengths (max of source, target + 1): 5, 3, 4, 2; batches of at most 8 padded tokens.
  const ParallelData data =
      ParallelData::of({{4, 5, 6, 7, 8}, {4, 5}, {4}, {4}}, {{4}, {4, 5}, {4, 5, 6}, {4}});
  const TokenBatcher batcher(data, 8, 7);
  ASSERT_EQ(batcher.batches(), 3);
  std::vector<std::vector<int64_t>> all;
  for (int64_t b = 0; b < 3; ++b)
    all.push_back(batcher.batch(0, b));
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::vector<int64_t>>{{0}, {2}, {3, 1}}));
}

}  // namespace
}  // namespace recur::test
