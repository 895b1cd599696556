// Tokenisers, vocabulary, corpora and truncated-BPTT streams.
#include <filesystem>
#include <fstream>

#include "data/subword.h"
#include "data/text_corpus.h"
#include "data/token_streams.h"
#include "test_util.h"
#include "train/tbptt.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path dir = process_temp_dir("data");
  const fs::path path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::vector<std::string> texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens)
    out.push_back(t.text);
  return out;
}

int32_t total_chars(const std::vector<Token>& tokens) {
  int32_t n = 0;
  for (const Token& t : tokens)
    n += t.chars;
  return n;
}

TEST(Tokenizer, CharactersAreCodePoints) {
  auto tokens = tokenize(TokenizerType::Char, "Amó a Dios", false);
  EXPECT_EQ(texts(tokens),
            (std::vector<std::string>{"A", "m", "ó", " ", "a", " ", "D", "i", "o", "s"}));
  EXPECT_EQ(total_chars(tokens), 10);
  EXPECT_EQ(texts(tokenize(TokenizerType::Char, "AbC", true)),
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Tokenizer, WordsSplitPunctuationAndKeepCharacterCounts) {
  const std::string line = "  In the beginning, God's word: light.";
  auto tokens = tokenize(TokenizerType::Word, line, false);
  EXPECT_EQ(texts(tokens), (std::vector<std::string>{"In", "the", "beginning", ",", "God's", "word",
                                                     ":", "light", "."}));
  EXPECT_EQ(total_chars(tokens), utf8_length(line));
  EXPECT_EQ(detokenize(TokenizerType::Word, texts(tokens)), "In the beginning, God's word: light.");
  EXPECT_EQ(detokenize(TokenizerType::Char, {"a", " ", "ó"}), "a ó");
}

TEST(Tokenizer, InvalidUtf8IsAnError) {
  EXPECT_THROW(tokenize(TokenizerType::Char, std::string("ab\xff"), false), Error);
  EXPECT_THROW(utf8_length(std::string("\xc3")), Error);
}

std::vector<std::string> sample_lines(const std::string& file) {
  std::ifstream in(std::string(RECUR_SOURCE_DIR) + "/datasets/bible/sample/" + file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

TEST(Subword, TrainsOnVersesAndDetokenisesExactly) {
  const std::vector<std::string> verses = sample_lines("sparv.valid.txt");  // 411 Spanish verses
  ASSERT_GT(verses.size(), 400u);
  const SubwordModel model = SubwordModel::train(verses, 500, 1);
  const SubwordModel reloaded = SubwordModel::load(base64_decode(base64_encode(model.bytes())));
  const TextTokenizer tokenizer(TokenizerType::Subword, false,
                                std::make_shared<SubwordModel>(SubwordModel::load(model.bytes())));
  size_t pieces = 0, characters = 0;
  for (const std::string& verse : verses) {
    const std::vector<std::string> encoded = model.encode(verse);
    EXPECT_EQ(model.decode(encoded), verse);
    EXPECT_EQ(reloaded.encode(verse), encoded);
    const std::vector<Token> tokens = tokenizer.tokenize(verse);
    EXPECT_EQ(tokenizer.detokenize(texts(tokens)), verse);
    EXPECT_EQ(total_chars(tokens), static_cast<int32_t>(utf8_length(verse)));
    pieces += encoded.size();
    characters += utf8_length(verse);
  }
  // Subwords of a 500-piece model: fewer pieces than characters, more than words (~1 per 6).
  EXPECT_LT(pieces * 2, characters);
  EXPECT_GT(pieces * 8, characters);
}

TEST(Subword, DamagedModelBytesAreAnError) {
  try {
    SubwordModel::load("not a model");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("damaged subword model: ", 0), 0u) << e.what();
  }
}

TEST(Vocab, MostFrequentFirstWithSpecialsAndLimits) {
  std::unordered_map<std::string, int64_t> counts = {{"b", 5}, {"a", 5}, {"c", 9}, {"d", 1}};
  Vocab v = Vocab::build(counts, {2, 0}, TokenizerType::Word, false);
  EXPECT_EQ(v.tokens(),
            (std::vector<std::string>{"<pad>", "<unk>", "<bos>", "<eos>", "c", "a", "b"}));
  EXPECT_EQ(v.id("d"), Vocab::kUnk);
  EXPECT_EQ(Vocab::build(counts, {1, 5}, TokenizerType::Word, false).size(), 5);
}

TEST(Vocab, SaveLoadRoundTripsAwkwardTokens) {
  Vocab v = Vocab::from_tokens({"<pad>", "<unk>", "<bos>", "<eos>", " ", "\\", "\t", "x"},
                               TokenizerType::Char, true);
  const std::string path = write_temp("vocab.txt", "");
  v.save(path);
  Vocab w = Vocab::load(path);
  EXPECT_EQ(w.tokens(), v.tokens());
  EXPECT_EQ(w.tokenizer(), TokenizerType::Char);
  EXPECT_TRUE(w.lowercase());
}

TEST(Vocab, LoadRejectsWhatIsNotAVocabulary) {
  try {
    Vocab::load(write_temp("not-vocab.txt", "hello\nworld\n"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not-vocab.txt:1: not a recur vocabulary"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(Vocab::load("/nonexistent/vocab.txt"), Error);
  for (const char* size : {"-5", "99999999999", "4"}) {
    const std::string path = write_temp(
        "sized.txt", concat("# recur vocabulary v1 tokenizer=char lowercase=false size=", size,
                            "\n<pad>\n<unk>\n<bos>\n<eos>\nx\n"));
    try {
      Vocab::load(path);
      FAIL() << "size=" << size << " was accepted for 5 tokens";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()),
                concat(path, ":1: the header says size=", size, " but the file lists 5 tokens"));
    }
  }
}

TEST(TextCorpus, EmptyLinesSeparateDocuments) {
  TextCorpus c = TextCorpus::read(write_temp("docs.txt", "a b\nc\n\n\nd\r\n"));
  ASSERT_EQ(c.documents.size(), 2u);
  EXPECT_EQ(c.documents[0], (std::vector<std::string>{"a b", "c"}));
  EXPECT_EQ(c.documents[1], (std::vector<std::string>{"d"}));
}

TEST(TextCorpus, BadFilesGiveOneClearError) {
  auto message = [](const std::string& path) {
    try {
      TextCorpus::read(path);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string empty = write_temp("empty.txt", "\n\n");
  EXPECT_EQ(message(empty), "data file '" + empty + "' is empty (no non-empty line)");
  EXPECT_EQ(message("/nonexistent/x.txt"),
            "cannot read data file '/nonexistent/x.txt': no such file or not readable");
  const std::string bad = write_temp("bad.txt", "fine\nbad \xfe here\n");
  EXPECT_EQ(message(bad).substr(0, bad.size() + 3), bad + ":2:");
}

TEST(TokenSequence, DocumentsStartWithBosAndLinesEndWithEos) {
  TextCorpus c = TextCorpus::read(write_temp("seq.txt", "ab\n\nc\n"));
  Vocab v = Vocab::build(count_tokens(c.path, TokenizerType::Char, false), {}, TokenizerType::Char,
                         false);
  TokenSequence s = TokenSequence::encode(c, v);
  const int32_t a = v.id("a"), b = v.id("b"), cc = v.id("c");
  std::vector<int32_t> ids, chars;
  for (int64_t i = 0; i < s.size(); ++i) {
    ids.push_back(s.id(i));
    chars.push_back(s.chars(i));
  }
  EXPECT_EQ(ids,
            (std::vector<int32_t>{Vocab::kBos, a, b, Vocab::kEos, Vocab::kBos, cc, Vocab::kEos}));
  EXPECT_EQ(chars, (std::vector<int32_t>{0, 1, 1, 1, 0, 1, 1}));
}

TEST(TokenStreams, WindowsResetAtDocumentsAndIgnoreBosTargets) {
  // Two streams of 6: stream 0 = [B 4 5 E B 6], stream 1 = [7 E B 8 9 E]
  const TokenSequence s =
      TokenSequence::of({2, 4, 5, 3, 2, 6, 7, 3, 2, 8, 9, 3}, {0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1});
  TokenStreams streams(&s, 2);
  EXPECT_EQ(streams.length(), 6);
  StreamWindow w = streams.window(1, 4, 0, 2, DType::F32);
  // inputs (t, b): stream0 positions 1..4 = 4 5 E B; stream1 = E B 8 9
  EXPECT_EQ(w.inputs.to_vector<int32_t>(), (std::vector<int32_t>{4, 3, 5, 2, 3, 8, 2, 9}));
  EXPECT_EQ(w.targets.to_vector<int32_t>(), (std::vector<int32_t>{5, -1, 3, 8, -1, 9, 6, 3}));
  EXPECT_EQ(w.keep.to_vector<float>(), (std::vector<float>{1, 1, 1, 0, 1, 1, 0, 1}));
  EXPECT_EQ(w.targets_counted, 6);
  EXPECT_EQ(streams.count_targets(1, 4), 6);
  StreamWindow right = streams.window(1, 4, 1, 1, DType::F32);
  EXPECT_EQ(right.inputs.to_vector<int32_t>(), (std::vector<int32_t>{3, 2, 8, 9}));
  EXPECT_THROW(TokenStreams(&s, 7), Error);
}

TEST(TbpttSchedule, WalksTheStreamsThenStartsANewEpoch) {
  TbpttSchedule fixed(10, 4, false, 1);
  std::vector<std::pair<int64_t, int64_t>> windows;
  for (int64_t step = 1; step <= 4; ++step) {
    TbpttWindow w = fixed.next(step);
    windows.emplace_back(w.position, w.steps);
    EXPECT_EQ(w.starts_epoch, step == 1 || step == 4);
  }
  EXPECT_EQ(windows, (std::vector<std::pair<int64_t, int64_t>>{{0, 4}, {4, 4}, {8, 2}, {0, 4}}));
  EXPECT_NEAR(fixed.epochs_done(), 1.4, 1e-12);

  TbpttSchedule a(100000, 70, true, 3), b(100000, 70, true, 3);
  int64_t shorter = 0;
  for (int64_t step = 1; step <= 400; ++step) {
    TbpttWindow wa = a.next(step), wb = b.next(step);
    EXPECT_EQ(wa.steps, wb.steps);
    EXPECT_GE(wa.steps, 5);
    shorter += wa.steps < 50;
  }
  EXPECT_GT(shorter, 5);  // about 5% of windows are near bptt / 2
  EXPECT_LT(shorter, 45);
}

}  // namespace
}  // namespace recur::test
