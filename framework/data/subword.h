// Subword units with SentencePiece (Debian's libsentencepiece): a model trained from the training
// text, kept as its serialised bytes so that runs, checkpoints and model files carry it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

class SubwordModel {
 public:
  // Trains a unigram model of `vocab_size` pieces on `sentences` with `threads` threads.
  static SubwordModel train(const std::vector<std::string>& sentences, int vocab_size, int threads);
  // From the bytes train() produced (a saved model). Throws Error on damaged bytes.
  static SubwordModel load(const std::string& bytes);

  SubwordModel(SubwordModel&&) noexcept;
  SubwordModel& operator=(SubwordModel&&) noexcept;
  ~SubwordModel();

  std::vector<std::string> encode(std::string_view text) const;
  std::string decode(const std::vector<std::string>& pieces) const;
  const std::string& bytes() const { return bytes_; }

 private:
  SubwordModel();
  struct Processor;
  std::unique_ptr<Processor> processor_;
  std::string bytes_;
};

// Base64, for keeping binary model bytes in text fields (HDF5 strings, checkpoints).
std::string base64_encode(const std::string& bytes);
std::string base64_decode(const std::string& text);

}  // namespace recur
