#include "data/subword.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <string>
#include <unordered_map>

#include "core/error.h"

namespace recur {

namespace {

// Feeds sentences from memory to the trainer.
class Sentences final : public sentencepiece::SentenceIterator {
 public:
  explicit Sentences(const std::vector<std::string>& sentences) : sentences_(sentences) {}
  bool done() const override { return index_ >= sentences_.size(); }
  void Next() override { ++index_; }
  const std::string& value() const override { return sentences_[index_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& sentences_;
  size_t index_ = 0;
};

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

struct SubwordModel::Processor {
  sentencepiece::SentencePieceProcessor sp;
};

SubwordModel::SubwordModel() : processor_(std::make_unique<Processor>()) {}
SubwordModel::SubwordModel(SubwordModel&&) noexcept = default;
SubwordModel& SubwordModel::operator=(SubwordModel&&) noexcept = default;
SubwordModel::~SubwordModel() = default;

SubwordModel SubwordModel::train(const std::vector<std::string>& sentences, int vocab_size,
                                 int threads) {
  RECUR_CHECK(!sentences.empty(), "no text to train the subword model on");
  Sentences input(sentences);
  std::string bytes;
  // Identity normalisation keeps the text as it is; specials are recur's own, not SentencePiece's.
  // Options as a map: the command-line form logs itself before it reads minloglevel.
  const std::unordered_map<std::string, std::string> options = {
      {"vocab_size", std::to_string(vocab_size)},
      {"model_type", "unigram"},
      {"character_coverage", "1.0"},
      {"normalization_rule_name", "identity"},
      {"num_threads", std::to_string(threads)},
      {"minloglevel", "2"},
      {"hard_vocab_limit", "false"}};
  const auto status = sentencepiece::SentencePieceTrainer::Train(options, &input, &bytes);
  RECUR_CHECK(status.ok(), "training the subword model failed: ", status.ToString());
  return load(bytes);
}

SubwordModel SubwordModel::load(const std::string& bytes) {
  SubwordModel model;
  sentencepiece::util::Status status;
  try {
    status = model.processor_->sp.LoadFromSerializedProto(bytes);
  } catch (const std::exception& e) {
    // Besides its status, SentencePiece throws on some damaged models (an empty piece: its trie
    // builder's "zero-length key"; found by fuzzing).
    fail("damaged subword model: ", e.what());
  }
  RECUR_CHECK(status.ok(), "damaged subword model: ", status.ToString());
  model.bytes_ = bytes;
  return model;
}

std::vector<std::string> SubwordModel::encode(std::string_view text) const {
  std::vector<std::string> pieces;
  const auto status = processor_->sp.Encode(text, &pieces);
  RECUR_CHECK(status.ok(), "subword encoding failed: ", status.ToString());
  return pieces;
}

std::string SubwordModel::decode(const std::vector<std::string>& pieces) const {
  std::string text;
  const auto status = processor_->sp.Decode(pieces, &text);
  RECUR_CHECK(status.ok(), "subword decoding failed: ", status.ToString());
  return text;
}

std::string base64_encode(const std::string& bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size())
      n |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string base64_decode(const std::string& text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* at = std::char_traits<char>::find(kAlphabet, 64, c);
    RECUR_CHECK(at != nullptr, "invalid base64 text");
    buffer = buffer << 6 | static_cast<uint32_t>(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace recur
