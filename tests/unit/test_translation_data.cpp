// The translation models' data: separate vocabularies per side, or one joint vocabulary built from
// both sides (what shared embeddings need).
#include <filesystem>
#include <fstream>

#include "data/vocab.h"
#include "dist/communicator.h"
#include "test_util.h"
#include "translation/translation_data.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

class ParallelFiles {
 public:
  ParallelFiles()
      : dir_(fs::temp_directory_path() / ("recur-test-s2s-data-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_ / "run");
    std::ofstream(dir_ / "src.txt") << "el perro come\nla casa grande\n";
    std::ofstream(dir_ / "tgt.txt") << "the dog eats\nthe big house\n";
  }
  ~ParallelFiles() { fs::remove_all(dir_); }
  TranslationDataConfig config(bool joint) const {
    TranslationDataConfig c;
    c.source_train = (dir_ / "src.txt").string();
    c.target_train = (dir_ / "tgt.txt").string();
    c.tokenizer = TokenizerType::Word;
    c.joint_vocab = joint;
    return c;
  }
  fs::path run_dir() const { return dir_ / "run"; }

 private:
  fs::path dir_;
};

TEST(TranslationData, JointVocabularyCoversBothSides) {
  const ParallelFiles files;
  SingleProcessCommunicator comm;
  const TranslationData separate =
      TranslationData::load(files.config(false), 1, comm, files.run_dir(), nullptr);
  EXPECT_EQ(separate.source_vocab.id("dog"), Vocab::kUnk);
  EXPECT_EQ(separate.target_vocab.id("perro"), Vocab::kUnk);
  const TranslationData joint =
      TranslationData::load(files.config(true), 1, comm, files.run_dir(), nullptr);
  ASSERT_EQ(joint.source_vocab.size(), joint.target_vocab.size());
  for (const char* word : {"perro", "dog", "the", "la"}) {
    EXPECT_NE(joint.source_vocab.id(word), Vocab::kUnk) << word;
    EXPECT_EQ(joint.source_vocab.id(word), joint.target_vocab.id(word)) << word;
  }
  // No word is on both sides: the joint vocabulary holds both sides' words and the 4 specials once.
  EXPECT_EQ(joint.source_vocab.size(),
            separate.source_vocab.size() + separate.target_vocab.size() - 4);
}

}  // namespace
}  // namespace recur::test
