#include "data/parallel_corpus.h"

#include <algorithm>
#include <fstream>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"

namespace recur {

namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  RECUR_CHECK(in, "cannot read data file '", path, "': no such file or not readable");
  std::vector<std::string> lines;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    try {
      utf8_length(line);
    } catch (const Error& e) {
      fail(path, ":", number, ": ", e.what());
    }
    lines.push_back(std::move(line));
  }
  RECUR_CHECK(!in.bad(), "error reading data file '", path, "'");
  return lines;
}

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

std::vector<int32_t> ids(const TextTokenizer& tokenizer, const Vocab& vocab,
                         const std::string& line, int64_t& unknown) {
  std::vector<int32_t> out;
  for (const Token& t : tokenizer.tokenize(line)) {
    out.push_back(vocab.id(t.text));
    unknown += out.back() == Vocab::kUnk;
  }
  return out;
}

}  // namespace

ParallelText ParallelText::read(const std::string& source_path, const std::string& target_path) {
  std::vector<std::string> source = read_lines(source_path), target = read_lines(target_path);
  RECUR_CHECK(source.size() == target.size(), source_path, " has ", source.size(), " lines but ",
              target_path, " has ", target.size(),
              ": a parallel corpus needs one target line per source line");
  ParallelText text;
  text.source_path = source_path;
  text.target_path = target_path;
  for (size_t i = 0; i < source.size(); ++i) {
    const bool s = is_blank(source[i]), t = is_blank(target[i]);
    if (s && t) {
      text.blank += 1;
    } else if (s || t) {
      text.half_empty += 1;
    } else {
      text.source.push_back(std::move(source[i]));
      text.target.push_back(std::move(target[i]));
    }
  }
  RECUR_CHECK(!text.source.empty(), source_path, " and ", target_path, " hold no sentence pair");
  return text;
}

ParallelData ParallelData::encode(const ParallelText& text, const TextTokenizer& source_tokenizer,
                                  const Vocab& source_vocab, const TextTokenizer& target_tokenizer,
                                  const Vocab& target_vocab, int64_t max_length,
                                  std::vector<std::string>* references) {
  ParallelData data;
  for (size_t i = 0; i < text.source.size(); ++i) {
    int64_t source_unknown = 0, target_unknown = 0;
    std::vector<int32_t> s = ids(source_tokenizer, source_vocab, text.source[i], source_unknown);
    std::vector<int32_t> t = ids(target_tokenizer, target_vocab, text.target[i], target_unknown);
    if (max_length > 0 && (static_cast<int64_t>(s.size()) > max_length ||
                           static_cast<int64_t>(t.size()) > max_length)) {
      data.too_long += 1;
      continue;
    }
    data.source_tokens += static_cast<int64_t>(s.size());
    data.target_tokens += static_cast<int64_t>(t.size());
    data.source_unknown += source_unknown;
    data.target_unknown += target_unknown;
    data.source.push_back(std::move(s));
    data.target.push_back(std::move(t));
    if (references) references->push_back(text.target[i]);
  }
  RECUR_CHECK(data.size() > 0, "every sentence pair of ", text.source_path, " and ",
              text.target_path, " has a side longer than data.max_length (", max_length,
              " tokens)");
  return data;
}

Seq2SeqBatch make_batch(const ParallelData& data, const std::vector<int64_t>& examples,
                        bool reverse_source) {
  Seq2SeqBatch batch;
  const auto rows = static_cast<int64_t>(examples.size());
  int64_t max_source = 1, max_target = 1;
  for (int64_t e : examples) {
    max_source = std::max<int64_t>(
        max_source, static_cast<int64_t>(data.source[static_cast<size_t>(e)].size()));
    max_target = std::max<int64_t>(
        max_target, static_cast<int64_t>(data.target[static_cast<size_t>(e)].size()) + 1);
  }
  batch.source = Tensor::full({max_source, rows}, DType::I32, Vocab::kPad);
  batch.source_lengths = Tensor::empty({rows}, DType::I32);
  batch.target_in = Tensor::full({max_target, rows}, DType::I32, Vocab::kPad);
  batch.target_out = Tensor::full({max_target, rows}, DType::I32, -1);
  int32_t* src = batch.source.data<int32_t>();
  int32_t* tin = batch.target_in.data<int32_t>();
  int32_t* tout = batch.target_out.data<int32_t>();
  for (int64_t b = 0; b < rows; ++b) {
    std::vector<int32_t> s = data.source[static_cast<size_t>(examples[static_cast<size_t>(b)])];
    if (reverse_source) std::reverse(s.begin(), s.end());
    const std::vector<int32_t>& t =
        data.target[static_cast<size_t>(examples[static_cast<size_t>(b)])];
    // An empty source is read as one <unk>: every row must have a position to attend to.
    if (s.empty()) s.push_back(Vocab::kUnk);
    batch.source_lengths.data<int32_t>()[b] = static_cast<int32_t>(s.size());
    for (size_t i = 0; i < s.size(); ++i)
      src[static_cast<int64_t>(i) * rows + b] = s[i];
    tin[b] = Vocab::kBos;
    for (size_t i = 0; i < t.size(); ++i) {
      tin[static_cast<int64_t>(i + 1) * rows + b] = t[i];
      tout[static_cast<int64_t>(i) * rows + b] = t[i];
    }
    tout[static_cast<int64_t>(t.size()) * rows + b] = Vocab::kEos;
    batch.target_tokens += static_cast<int64_t>(t.size()) + 1;
  }
  return batch;
}

TokenBatcher::TokenBatcher(const ParallelData& data, int64_t batch_tokens, uint64_t seed)
    : seed_(seed) {
  RECUR_CHECK(batch_tokens > 0, "training.batch_tokens must be positive");
  std::vector<int64_t> order(static_cast<size_t>(data.size()));
  std::iota(order.begin(), order.end(), 0);
  auto length = [&](int64_t e) {
    return std::max(data.source[static_cast<size_t>(e)].size(),
                    data.target[static_cast<size_t>(e)].size() + 1);
  };
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    const auto la = length(a), lb = length(b);
    if (la != lb) return la < lb;
    return data.source[static_cast<size_t>(a)].size() < data.source[static_cast<size_t>(b)].size();
  });
  std::vector<int64_t> current;
  size_t longest = 0;
  for (int64_t e : order) {
    const size_t l = length(e);
    if (!current.empty() &&
        static_cast<int64_t>((current.size() + 1) * std::max(longest, l)) > batch_tokens) {
      batches_.push_back(std::move(current));
      current.clear();
      longest = 0;
    }
    current.push_back(e);
    longest = std::max(longest, l);
  }
  if (!current.empty()) batches_.push_back(std::move(current));
}

const std::vector<int64_t>& TokenBatcher::batch(int64_t epoch, int64_t index) const {
  if (epoch != permuted_epoch_) {
    // This epoch's order of the batches: sorted by a random key per (epoch, batch).
    RandomStream stream(seed_, RngPurpose::Data, static_cast<uint64_t>(epoch), 1);
    std::vector<uint32_t> keys(batches_.size());
    for (size_t i = 0; i < keys.size(); ++i)
      keys[i] = stream.bits(0, i);
    permutation_.resize(batches_.size());
    std::iota(permutation_.begin(), permutation_.end(), size_t{0});
    std::stable_sort(permutation_.begin(), permutation_.end(),
                     [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    permuted_epoch_ = epoch;
  }
  return batches_[permutation_[static_cast<size_t>(index)]];
}

}  // namespace recur
