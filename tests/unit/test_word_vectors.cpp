// Word vectors in word2vec and GloVe text (data/word_vectors.h): the round trip, the coverage of a
// vocabulary, and the exact error for each kind of bad file.
#include <fstream>

#include "data/word_vectors.h"
#include "test_util.h"

namespace recur::test {
namespace {

Vocab words(std::vector<std::string> extra) {
  std::vector<std::string> tokens = {"<pad>", "<unk>", "<bos>", "<eos>"};
  tokens.insert(tokens.end(), extra.begin(), extra.end());
  return Vocab::from_tokens(tokens, TokenizerType::Word, false);
}

std::string write_text(const std::string& name, const std::string& text) {
  const std::string path = (process_temp_dir("word-vectors") / name).string();
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& path, int64_t dim) {
  Tensor weight = Tensor::zeros({5, dim}, DType::F32);
  try {
    read_word_vectors(path, words({"light"}), weight);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(WordVectors, RoundTripIsExact) {
  const Vocab vocab = words({"in", "the", "beginning", "God"});
  const Tensor written = random_tensor({8, 5}, 3, 1.0, 0.0, DType::F32);
  const std::string path = (process_temp_dir("word-vectors") / "round.vec").string();
  EXPECT_EQ(write_word_vectors(path, vocab, written), 0);
  Tensor read = Tensor::zeros({8, 5}, DType::F32);
  const WordVectorCoverage c = read_word_vectors(path, vocab, read);
  EXPECT_EQ(read.to_vector<float>(), written.to_vector<float>());
  EXPECT_EQ(c.str("round.vec", 5),
            "8 of 8 tokens found in round.vec (word2vec text, 5 dimensions, 8 vectors)");
}

TEST(WordVectors, GloveFillsTheTokensItHasAndLeavesTheOthers) {
  const std::string path =
      write_text("glove.txt", "the 1 2 3\nsea 4 5 6\nlight -0.5 1e-3 7\nthe 9 9 9\n");
  const Vocab vocab = words({"the", "light", "darkness"});
  Tensor weight = Tensor::full({7, 3}, DType::F64, 0.25);
  const WordVectorCoverage c = read_word_vectors(path, vocab, weight);
  EXPECT_EQ(c.str("glove.txt", 3),
            "2 of 7 tokens found in glove.txt (GloVe text, 3 dimensions, 4 vectors)");
  const std::vector<double> v = weight.to_vector<double>();
  EXPECT_EQ(std::vector<double>(v.begin() + 12, v.begin() + 18),
            (std::vector<double>{1, 2, 3, -0.5, 1e-3, 7}));  // the first "the" wins
  EXPECT_EQ(v[18], 0.25);                                    // darkness: not in the file
  EXPECT_EQ(v[0], 0.25);                                     // <pad>
}

// Tabs, CRLF line ends, a byte-order mark and words with spaces (a few in GloVe's largest files).
TEST(WordVectors, ReadsTabsCrlfAByteOrderMarkAndWordsWithSpaces) {
  const std::string path = write_text("mixed.vec",
                                      "\xEF\xBB\xBF"
                                      "3 2\r\nlight\t1\t2\r\nat name@domain.com 3 4\r\n"
                                      "sea 5 6\r\n");
  const Vocab vocab = words({"sea", "light", "at name@domain.com"});
  Tensor weight = Tensor::zeros({7, 2}, DType::F64);
  EXPECT_EQ(read_word_vectors(path, vocab, weight).str("mixed.vec", 2),
            "3 of 7 tokens found in mixed.vec (word2vec text, 2 dimensions, 3 vectors)");
  EXPECT_EQ(weight.to_vector<double>(),
            (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 1, 2, 3, 4}));
}

TEST(WordVectors, TokensWithWhitespaceAreLeftOutOfTheFile) {
  const Vocab chars = Vocab::from_tokens({"<pad>", "<unk>", "<bos>", "<eos>", "a", " "},
                                         TokenizerType::Char, false);
  const std::string path = (process_temp_dir("word-vectors") / "chars.vec").string();
  EXPECT_EQ(write_word_vectors(path, chars, Tensor::zeros({6, 2}, DType::F32)), 1);
  std::ifstream in(path);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "5 2");
}

TEST(WordVectors, BadFilesAreRefusedNamingFileAndLine) {
  const std::string missing = (process_temp_dir("word-vectors") / "missing.vec").string();
  EXPECT_EQ(error_of(missing, 3), missing + ": cannot open the word vectors");
  const std::string dims = write_text("dims.vec", "2 4\nlight 1 2 3 4\n");
  EXPECT_EQ(error_of(dims, 3),
            dims + ":1: vectors of 4 dimensions; the model's embedding size is 3");
  const std::string glove_dims = write_text("dims.txt", "light 1 2 3 4\nsea 1 2 3 4\n");
  EXPECT_EQ(error_of(glove_dims, 3),
            glove_dims + ":1: vectors of 4 dimensions; the model's embedding size is 3");
  const std::string short_line = write_text("short.txt", "light 1 2 3\nsea 1 2\n");
  EXPECT_EQ(error_of(short_line, 3),
            short_line + ":2: 2 values, expected 3 (the model's embedding size)");
  const std::string word = write_text("word.txt", "light 1 2 3\n\nsea 1 x1 3\n");
  EXPECT_EQ(error_of(word, 3), word + ":3: \"x1\" is not a finite number");
  const std::string nan = write_text("nan.txt", "light 1 nan 3\n");
  EXPECT_EQ(error_of(nan, 3), nan + ":1: \"nan\" is not a finite number");
  const std::string count = write_text("count.vec", "5 3\nlight 1 2 3\nsea 1 2 3\n");
  EXPECT_EQ(error_of(count, 3), count + ": the header announces 5 vectors, the file has 2");
  const std::string empty = write_text("empty.txt", "\n");
  EXPECT_EQ(error_of(empty, 3), empty + ": no word vectors");
}

}  // namespace
}  // namespace recur::test
