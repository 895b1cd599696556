#include "data/parallel_corpus.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>

#include "core/error.h"
#include "core/rng.h"

namespace recur {

namespace {

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

// Tokenises pairs, keeps those within the maximum length, and counts.
class PairEncoder {
 public:
  PairEncoder(const TextTokenizer& source_tokenizer, const Vocab& source_vocab,
              const TextTokenizer& target_tokenizer, const Vocab& target_vocab, int64_t max_length)
      : source_tokenizer_(source_tokenizer),
        source_vocab_(source_vocab),
        target_tokenizer_(target_tokenizer),
        target_vocab_(target_vocab),
        max_length_(max_length) {}

  struct Pair {
    std::vector<int32_t> source, target;
  };
  // The pair's ids, or nothing when a side is longer than the maximum length.
  std::optional<Pair> encode(const std::string& source, const std::string& target) {
    int64_t source_unknown = 0, target_unknown = 0;
    Pair pair{ids(source_tokenizer_, source_vocab_, source, source_unknown),
              ids(target_tokenizer_, target_vocab_, target, target_unknown)};
    if (max_length_ > 0 && (static_cast<int64_t>(pair.source.size()) > max_length_ ||
                            static_cast<int64_t>(pair.target.size()) > max_length_)) {
      counts_.too_long += 1;
      return std::nullopt;
    }
    counts_.source_tokens += static_cast<int64_t>(pair.source.size());
    counts_.target_tokens += static_cast<int64_t>(pair.target.size());
    counts_.source_unknown += source_unknown;
    counts_.target_unknown += target_unknown;
    kept_ += 1;
    return pair;
  }
  const ParallelCounts& counts() const { return counts_; }
  // Throws Error when every pair was too long.
  void check_kept(const std::string& source_path, const std::string& target_path) const {
    RECUR_CHECK(kept_ > 0, "every sentence pair of ", source_path, " and ", target_path,
                " has a side longer than data.max_length (", max_length_, " tokens)");
  }

 private:
  const TextTokenizer& source_tokenizer_;
  const Vocab& source_vocab_;
  const TextTokenizer& target_tokenizer_;
  const Vocab& target_vocab_;
  int64_t max_length_;
  ParallelCounts counts_;
  int64_t kept_ = 0;
};

uint64_t file_size(const std::string& path) {
  struct stat info {};
  RECUR_CHECK(::stat(path.c_str(), &info) == 0, "cannot read data file '", path, "'");
  return static_cast<uint64_t>(info.st_size);
}

}  // namespace

ParallelSkips scan_parallel(
    const std::string& source_path, const std::string& target_path,
    const std::function<void(const std::string& source, const std::string& target)>& visit,
    const std::pair<LineRange, LineRange>& lines) {
  LineReader source(source_path, lines.first), target(target_path, lines.second);
  ParallelSkips skipped;
  bool any = false;
  std::string s, t;
  for (;;) {
    const bool has_source = source.next(s), has_target = target.next(t);
    if (has_source != has_target) {
      const int64_t source_lines = has_source ? source.count_all() : source.line_number();
      const int64_t target_lines = has_target ? target.count_all() : target.line_number();
      fail(source_path, " has ", source_lines, " lines but ", target_path, " has ", target_lines,
           ": a parallel corpus needs one target line per source line");
    }
    if (!has_source) break;
    const bool source_blank = is_blank(s), target_blank = is_blank(t);
    if (source_blank && target_blank) {
      skipped.blank += 1;
    } else if (source_blank || target_blank) {
      skipped.half_empty += 1;
    } else {
      visit(s, t);
      any = true;
    }
  }
  RECUR_CHECK(any || !lines.first.whole(), source_path, " and ", target_path,
              " hold no sentence pair");
  return skipped;
}

std::vector<std::pair<LineRange, LineRange>> split_parallel(const std::string& source_path,
                                                            const std::string& target_path,
                                                            int parts) {
  int64_t source_lines = 0, target_lines = 0;
  const std::vector<LineRange> source = split_lines(source_path, parts, source_lines);
  const std::vector<LineRange> target = split_lines(target_path, parts, target_lines);
  RECUR_CHECK(source_lines == target_lines, source_path, " has ", source_lines, " lines but ",
              target_path, " has ", target_lines,
              ": a parallel corpus needs one target line per source line");
  std::vector<std::pair<LineRange, LineRange>> pairs;
  for (size_t p = 0; p < source.size(); ++p)
    pairs.emplace_back(source[p], target[p]);
  return pairs;
}

ParallelText ParallelText::read(const std::string& source_path, const std::string& target_path) {
  ParallelText text;
  text.source_path = source_path;
  text.target_path = target_path;
  text.skipped = scan_parallel(source_path, target_path,
                               [&](const std::string& source_line, const std::string& target_line) {
                                 text.source.push_back(source_line);
                                 text.target.push_back(target_line);
                               });
  return text;
}

std::vector<int32_t> TokenSpan::to_vector() const {
  std::vector<int32_t> out(static_cast<size_t>(size()));
  for (int64_t i = 0; i < size(); ++i)
    out[static_cast<size_t>(i)] = (*this)[i];
  return out;
}

ParallelData ParallelData::of(const std::vector<std::vector<int32_t>>& source,
                              const std::vector<std::vector<int32_t>>& target) {
  RECUR_CHECK(source.size() == target.size(), "parallel data of ", source.size(), " source and ",
              target.size(), " target sentences");
  // Both sides flattened: ids, and offsets of each sentence's first id (and of the end).
  struct Flat {
    std::vector<int32_t> ids;
    std::vector<uint64_t> offsets{0};
  };
  auto flatten = [](const std::vector<std::vector<int32_t>>& sentences) {
    Flat flat;
    for (const std::vector<int32_t>& s : sentences) {
      flat.ids.insert(flat.ids.end(), s.begin(), s.end());
      flat.offsets.push_back(flat.ids.size());
    }
    return flat;
  };
  auto owner = std::make_shared<std::pair<Flat, Flat>>(flatten(source), flatten(target));
  ParallelData data;
  auto view = [](const Flat& flat) {
    return Side{UintArray(flat.ids.data(), 4, static_cast<int64_t>(flat.ids.size())),
                UintArray(flat.offsets.data(), 8, static_cast<int64_t>(flat.offsets.size()))};
  };
  data.source_ = view(owner->first);
  data.target_ = view(owner->second);
  data.owner_ = std::move(owner);
  return data;
}

ParallelData ParallelData::encode(const ParallelText& text, const TextTokenizer& source_tokenizer,
                                  const Vocab& source_vocab, const TextTokenizer& target_tokenizer,
                                  const Vocab& target_vocab, int64_t max_length,
                                  std::vector<std::string>* references) {
  PairEncoder encoder(source_tokenizer, source_vocab, target_tokenizer, target_vocab, max_length);
  std::vector<std::vector<int32_t>> source, target;
  for (size_t i = 0; i < text.source.size(); ++i) {
    std::optional<PairEncoder::Pair> pair = encoder.encode(text.source[i], text.target[i]);
    if (!pair) continue;
    source.push_back(std::move(pair->source));
    target.push_back(std::move(pair->target));
    if (references) references->push_back(text.target[i]);
  }
  encoder.check_kept(text.source_path, text.target_path);
  ParallelData data = of(source, target);
  data.counts_ = encoder.counts();
  return data;
}

ParallelData ParallelData::mapped(const TokenStore& store) {
  const std::string origin = store.directory() + "/manifest.json";
  const Json& meta = store.meta();
  ParallelData data;
  data.source_ = {store.array("source_ids"), store.array("source_offsets")};
  data.target_ = {store.array("target_ids"), store.array("target_offsets")};
  const auto pairs = json_get<int64_t>(meta, "pairs", origin);
  // Offsets that do not rise from 0 to the number of ids would read past the arrays.
  for (const Side* side : {&data.source_, &data.target_}) {
    const int64_t n = side->offsets.size();
    bool rising = n >= 1 && n - 1 == pairs && side->offsets[0] == 0 &&
                  side->offsets[n - 1] == static_cast<uint64_t>(side->ids.size());
    for (int64_t i = 1; rising && i < n; ++i)
      rising = side->offsets[i - 1] <= side->offsets[i];
    RECUR_CHECK(rising, store.directory(),
                ": offsets, ids and pairs disagree (the store is damaged: prepare the data again)");
  }
  ParallelCounts& c = data.counts_;
  c.too_long = json_get<int64_t>(meta, "too_long", origin);
  c.source_tokens = json_get<int64_t>(meta, "source_tokens", origin);
  c.target_tokens = json_get<int64_t>(meta, "target_tokens", origin);
  c.source_unknown = json_get<int64_t>(meta, "source_unknown", origin);
  c.target_unknown = json_get<int64_t>(meta, "target_unknown", origin);
  data.owner_ = std::make_shared<TokenStore>(store);
  return data;
}

namespace {

// Appends pairs to a store's four arrays.
class PairArrays {
 public:
  // Ids up to the vocabularies' last, offsets up to the sides' token counts (or bounds of them).
  PairArrays(TokenStoreWriter& writer, const Vocab& source_vocab, const Vocab& target_vocab,
             uint64_t max_source_tokens, uint64_t max_target_tokens)
      : source_{writer.array("source_ids", static_cast<uint64_t>(source_vocab.size() - 1)),
                writer.array("source_offsets", max_source_tokens)},
        target_{writer.array("target_ids", static_cast<uint64_t>(target_vocab.size() - 1)),
                writer.array("target_offsets", max_target_tokens)} {
    source_.offsets.push(0);
    target_.offsets.push(0);
  }

  template <typename Sentence>  // std::vector<int32_t> or TokenSpan
  void add(const Sentence& source, const Sentence& target) {
    source_.add(source);
    target_.add(target);
    ++pairs_;
  }
  int64_t pairs() const { return pairs_; }

 private:
  struct Side {
    ArrayWriter& ids;
    ArrayWriter& offsets;
    uint64_t end = 0;
    template <typename Sentence>
    void add(const Sentence& sentence) {
      const auto n = static_cast<int64_t>(sentence.size());
      for (int64_t i = 0; i < n; ++i)
        ids.push(static_cast<uint64_t>(sentence[static_cast<size_t>(i)]));
      end += static_cast<uint64_t>(n);
      offsets.push(end);
    }
  };
  Side source_, target_;
  int64_t pairs_ = 0;
};

// One side of a store in text order, read with pread for the copy in length order: that copy
// reads it all over, and a mapping would keep 64 KB resident around every read (the kernel's
// fault-around), which adds up to the whole store.
class SideReader {
 public:
  SideReader(const TokenStore& store, const std::string& side)
      : ids_(store, side + "_ids"), offsets_(store, side + "_offsets") {}

  std::vector<int32_t> sentence(int64_t i) const {
    uint64_t range[2];
    offsets_.read(i, 2, range);
    std::vector<uint64_t> ids(range[1] - range[0]);
    ids_.read(static_cast<int64_t>(range[0]), static_cast<int64_t>(ids.size()), ids.data());
    return {ids.begin(), ids.end()};
  }

 private:
  class File {
   public:
    File(const TokenStore& store, const std::string& name)
        : path_(concat(store.directory(), "/", name, ".u", 8 * store.array(name).width())),
          width_(store.array(name).width()),
          fd_(::open(path_.c_str(), O_RDONLY | O_CLOEXEC)) {
      RECUR_CHECK(fd_ >= 0, "cannot read ", path_);
    }
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    ~File() { ::close(fd_); }

    // Values [first, first + n) into out.
    void read(int64_t first, int64_t n, uint64_t* out) const {
      std::vector<unsigned char> bytes(static_cast<size_t>(n * width_));
      const auto at = static_cast<off_t>(first * width_);
      RECUR_CHECK(
          ::pread(fd_, bytes.data(), bytes.size(), at) == static_cast<ssize_t>(bytes.size()),
          "cannot read ", path_);
      for (int64_t v = 0; v < n; ++v) {
        uint64_t value = 0;
        for (int b = width_ - 1; b >= 0; --b)
          value = value << 8 | bytes[static_cast<size_t>(v * width_ + b)];
        out[v] = value;
      }
    }

   private:
    std::string path_;
    int width_;
    int fd_;
  };
  File ids_, offsets_;
};

// Copies the pairs of `parts`, in order, into `arrays`.
void concatenate(const std::vector<TokenStore>& parts, PairArrays& arrays) {
  for (const TokenStore& part : parts) {
    const ParallelData data = ParallelData::mapped(part);
    for (int64_t i = 0; i < data.size(); ++i) {
      arrays.add(data.source(i), data.target(i));
      // Read once in order: keep the part's resident pages bounded.
      if ((i + 1) % (int64_t{1} << 16) == 0) part.release_pages();
    }
    part.release_pages();
  }
}

// Copies the pairs of `store` into `arrays` in length_order.
void copy_sorted(const TokenStore& store, PairArrays& arrays) {
  const std::vector<uint32_t> order = length_order(ParallelData::mapped(store));
  store.release_pages();  // the offsets, read once
  const SideReader source(store, "source"), target(store, "target");
  for (uint32_t e : order)
    arrays.add(source.sentence(e), target.sentence(e));
}

// The figures of the parts' metas, summed.
Json sum_of(const std::vector<TokenStore>& parts) {
  Json sum;
  for (const char* key : {"pairs", "too_long", "source_tokens", "target_tokens", "source_unknown",
                          "target_unknown", "blank", "half_empty"}) {
    int64_t total = 0;
    for (const TokenStore& part : parts)
      total += json_get<int64_t>(part.meta(), key, part.directory() + "/manifest.json");
    sum[key] = total;
  }
  return sum;
}

}  // namespace

Json write_parallel_data(const std::string& source_path, const std::string& target_path,
                         const TextTokenizer& source_tokenizer, const Vocab& source_vocab,
                         const TextTokenizer& target_tokenizer, const Vocab& target_vocab,
                         int64_t max_length, TokenStoreWriter& writer,
                         const std::pair<LineRange, LineRange>& lines) {
  // A token stands for at least one byte of its text, but for the word-start mark that
  // SentencePiece may give a line's first word: a file's size + 1 bounds its offsets.
  PairArrays arrays(writer, source_vocab, target_vocab, file_size(source_path) + 1,
                    file_size(target_path) + 1);
  PairEncoder encoder(source_tokenizer, source_vocab, target_tokenizer, target_vocab, max_length);
  const ParallelSkips skipped = scan_parallel(
      source_path, target_path,
      [&](const std::string& source, const std::string& target) {
        const std::optional<PairEncoder::Pair> pair = encoder.encode(source, target);
        if (pair) arrays.add(pair->source, pair->target);
      },
      lines);
  const ParallelCounts& c = encoder.counts();
  return Json{{"pairs", arrays.pairs()},
              {"too_long", c.too_long},
              {"source_tokens", c.source_tokens},
              {"target_tokens", c.target_tokens},
              {"source_unknown", c.source_unknown},
              {"target_unknown", c.target_unknown},
              {"blank", skipped.blank},
              {"half_empty", skipped.half_empty}};
}

Json merge_parallel_data(const std::vector<TokenStore>& parts, const Vocab& source_vocab,
                         const Vocab& target_vocab, bool sort_by_length, TokenStoreWriter& writer) {
  RECUR_CHECK(!parts.empty(), "no parts to merge");
  Json meta = sum_of(parts);
  // The parts' widths: the store is then the one a single part would make, array for array.
  auto arrays_of = [&](TokenStoreWriter& w) {
    return PairArrays(w, source_vocab, target_vocab,
                      max_of_width(parts[0].array("source_offsets").width()),
                      max_of_width(parts[0].array("target_offsets").width()));
  };
  if (!sort_by_length) {
    PairArrays arrays = arrays_of(writer);
    concatenate(parts, arrays);
    return meta;
  }
  meta["sorted_by_length"] = true;
  if (parts.size() == 1) {
    PairArrays arrays = arrays_of(writer);
    copy_sorted(parts[0], arrays);
    return meta;
  }
  // Several parts: one store in text order first, inside the new store's temporary folder.
  const std::string scratch = writer.temporary() + "/text-order";
  {
    TokenStoreWriter text_order(scratch);
    PairArrays arrays = arrays_of(text_order);
    concatenate(parts, arrays);
    text_order.commit(meta);
  }
  {
    PairArrays arrays = arrays_of(writer);
    copy_sorted(TokenStore::open(scratch, false), arrays);
  }
  std::filesystem::remove_all(scratch);
  return meta;
}

Seq2SeqBatch make_batch(const ParallelData& data, const std::vector<int64_t>& examples,
                        bool reverse_source) {
  Seq2SeqBatch batch;
  const auto rows = static_cast<int64_t>(examples.size());
  int64_t max_source = 1, max_target = 1;
  for (int64_t e : examples) {
    max_source = std::max(max_source, data.source_length(e));
    max_target = std::max(max_target, data.target_length(e) + 1);
  }
  batch.source = Tensor::full({max_source, rows}, DType::I32, Vocab::kPad);
  batch.source_lengths = Tensor::empty({rows}, DType::I32);
  batch.target_in = Tensor::full({max_target, rows}, DType::I32, Vocab::kPad);
  batch.target_out = Tensor::full({max_target, rows}, DType::I32, -1);
  int32_t* src = batch.source.data<int32_t>();
  int32_t* tin = batch.target_in.data<int32_t>();
  int32_t* tout = batch.target_out.data<int32_t>();
  for (int64_t b = 0; b < rows; ++b) {
    const int64_t example = examples[static_cast<size_t>(b)];
    std::vector<int32_t> s = data.source(example).to_vector();
    if (reverse_source) std::reverse(s.begin(), s.end());
    const TokenSpan t = data.target(example);
    // An empty source is read as one <unk>: every row must have a position to attend to.
    if (s.empty()) s.push_back(Vocab::kUnk);
    batch.source_lengths.data<int32_t>()[b] = static_cast<int32_t>(s.size());
    for (size_t i = 0; i < s.size(); ++i)
      src[static_cast<int64_t>(i) * rows + b] = s[i];
    tin[b] = Vocab::kBos;
    for (int64_t i = 0; i < t.size(); ++i) {
      tin[(i + 1) * rows + b] = t[i];
      tout[i * rows + b] = t[i];
    }
    tout[t.size() * rows + b] = Vocab::kEos;
    batch.target_tokens += t.size() + 1;
  }
  return batch;
}

std::vector<uint32_t> length_order(const ParallelData& data) {
  RECUR_CHECK(data.size() <= int64_t{UINT32_MAX}, "a split of ", data.size(),
              " sentence pairs: at most 2^32 - 1 are supported");
  std::vector<uint32_t> order(static_cast<size_t>(data.size()));
  std::iota(order.begin(), order.end(), uint32_t{0});
  auto before = [&](uint32_t a, uint32_t b) {
    const int64_t la = data.padded_length(a), lb = data.padded_length(b);
    if (la != lb) return la < lb;
    return data.source_length(a) < data.source_length(b);
  };
  // A prepared training store is in this order already.
  if (!std::is_sorted(order.begin(), order.end(), before))
    std::stable_sort(order.begin(), order.end(), before);
  return order;
}

TokenBatcher::TokenBatcher(const ParallelData& data, int64_t batch_tokens, uint64_t seed)
    : order_(length_order(data)), seed_(seed) {
  RECUR_CHECK(batch_tokens > 0, "training.batch_tokens must be positive");
  starts_.push_back(0);
  int64_t longest = 0, in_batch = 0;
  for (size_t i = 0; i < order_.size(); ++i) {
    const int64_t l = data.padded_length(order_[i]);
    if (in_batch > 0 && (in_batch + 1) * std::max(longest, l) > batch_tokens) {
      starts_.push_back(static_cast<int64_t>(i));
      in_batch = 0;
      longest = 0;
    }
    in_batch += 1;
    longest = std::max(longest, l);
  }
  if (in_batch > 0) starts_.push_back(static_cast<int64_t>(order_.size()));
}

std::vector<int64_t> TokenBatcher::batch(int64_t epoch, int64_t index) const {
  if (epoch != permuted_epoch_) {
    // This epoch's order of the batches: sorted by a random key per (epoch, batch).
    RandomStream stream(seed_, RngPurpose::Data, static_cast<uint64_t>(epoch), 1);
    std::vector<uint32_t> keys(static_cast<size_t>(batches()));
    for (size_t i = 0; i < keys.size(); ++i)
      keys[i] = stream.bits(0, i);
    permutation_.resize(keys.size());
    std::iota(permutation_.begin(), permutation_.end(), size_t{0});
    std::stable_sort(permutation_.begin(), permutation_.end(),
                     [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    permuted_epoch_ = epoch;
  }
  const size_t b = permutation_[static_cast<size_t>(index)];
  return {order_.begin() + starts_[b], order_.begin() + starts_[b + 1]};
}

}  // namespace recur
