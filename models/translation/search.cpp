#include "translation/search.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "data/vocab.h"
#include "kernels/dispatch.h"

namespace recur {

namespace {

struct Beam {
  Hypothesis hypothesis;
  bool alive = false;
};

struct Candidate {
  double log_prob;
  int64_t parent;  // beam slot
  int32_t token;
};

// One batched search: each sentence's k beam slots (rows b k .. b k + k - 1 of the decoder), the
// hypotheses that ended, and which sentences are done.
class BatchSearch {
 public:
  BatchSearch(const std::vector<std::vector<int32_t>>& sources, const SearchOptions& options)
      : sources_(sources),
        options_(options),
        k_(options.beam),
        beams_(sources.size() * static_cast<size_t>(options.beam)),
        done_(sources.size(), false),
        finished_(sources.size()) {
    for (size_t b = 0; b < sources.size(); ++b) {
      beams_[b * static_cast<size_t>(k_)].alive = true;  // one start per sentence
      max_length_.push_back(
          static_cast<int64_t>(options.max_length_ratio * static_cast<double>(sources[b].size())) +
          10);
    }
  }

  int64_t longest() const { return *std::max_element(max_length_.begin(), max_length_.end()); }

  // Step t over the log-probabilities (B k, V) and, when kept, the attention (B k, S): every
  // sentence's continuations. Writes the slot each new slot continues (`parents`) and its token;
  // returns true once every sentence is done.
  bool step(int64_t t, const float* log_probs, int64_t vocab, const Tensor& attention,
            std::vector<int64_t>& parents, int32_t* tokens) {
    const auto batch = static_cast<int64_t>(sources_.size());
    parents.assign(static_cast<size_t>(batch * k_), 0);
    std::vector<Beam> next(beams_.size());
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t j = 0; j < k_; ++j)
        parents[static_cast<size_t>(b * k_ + j)] = b * k_;  // idle slots
      if (!done_[static_cast<size_t>(b)])
        advance(b, t, candidates(b, log_probs, vocab), attention, parents, tokens, next);
    }
    beams_ = std::move(next);
    return std::all_of(done_.begin(), done_.end(), [](bool d) { return d; });
  }

  // The n best of each sentence, best first.
  std::vector<std::vector<Hypothesis>> results() {
    for (auto& list : finished_) {
      std::stable_sort(list.begin(), list.end(),
                       [](const Hypothesis& x, const Hypothesis& y) { return x.score > y.score; });
      if (static_cast<int64_t>(list.size()) > options_.nbest)
        list.resize(static_cast<size_t>(options_.nbest));
    }
    return std::move(finished_);
  }

 private:
  // The 2k best continuations of sentence b's live beams, best first (sorted as far as kept).
  std::vector<Candidate> candidates(int64_t b, const float* log_probs, int64_t vocab) const {
    std::vector<Candidate> all;
    for (int64_t j = 0; j < k_; ++j) {
      const Beam& beam = beams_[static_cast<size_t>(b * k_ + j)];
      if (!beam.alive) continue;
      const float* row = log_probs + (b * k_ + j) * vocab;
      for (int64_t v = 0; v < vocab; ++v) {
        if (v == Vocab::kPad || v == Vocab::kBos) continue;
        all.push_back({beam.hypothesis.log_prob + row[v], b * k_ + j, static_cast<int32_t>(v)});
      }
    }
    const size_t keep = std::min(all.size(), static_cast<size_t>(2 * k_));
    std::partial_sort(
        all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
        [](const Candidate& x, const Candidate& y) { return x.log_prob > y.log_prob; });
    all.resize(keep);
    return all;
  }

  // Sentence b takes its best continuations into its k slots of `next`; endings go to finished_.
  void advance(int64_t b, int64_t t, const std::vector<Candidate>& best, const Tensor& attention,
               std::vector<int64_t>& parents, int32_t* tokens, std::vector<Beam>& next) {
    const bool last = t + 1 >= max_length_[static_cast<size_t>(b)];
    std::vector<Hypothesis>& ended = finished_[static_cast<size_t>(b)];
    int64_t slot = 0;
    for (size_t c = 0; c < best.size() && slot < k_; ++c) {
      const Candidate& cand = best[c];
      Hypothesis h = continued(b, cand, attention);
      if (cand.token == Vocab::kEos || last) {
        // A hypothesis ends only if it ranks among the k best continuations: weaker endings
        // would fill the finished list before the good hypotheses complete.
        if (c >= static_cast<size_t>(k_)) continue;
        if (cand.token != Vocab::kEos) h.tokens.push_back(cand.token);
        h.score = h.log_prob /
                  std::pow(static_cast<double>(h.tokens.size() + 1), options_.length_penalty);
        ended.push_back(std::move(h));
        continue;
      }
      h.tokens.push_back(cand.token);
      const int64_t index = b * k_ + slot++;
      parents[static_cast<size_t>(index)] = cand.parent;
      tokens[index] = cand.token;
      next[static_cast<size_t>(index)] = {std::move(h), true};
    }
    // Done once the best continuation of this step is an ending (nothing alive scores higher)
    // and there are enough endings, at the length limit, or with nothing left alive.
    const bool best_ended = !best.empty() && best[0].token == Vocab::kEos;
    if (last || slot == 0 || (best_ended && static_cast<int64_t>(ended.size()) >= options_.nbest))
      done_[static_cast<size_t>(b)] = true;
  }

  // The candidate's parent hypothesis with its new log-probability and, when kept, the attention
  // of this step over sentence b's source.
  Hypothesis continued(int64_t b, const Candidate& cand, const Tensor& attention) const {
    Hypothesis h = beams_[static_cast<size_t>(cand.parent)].hypothesis;
    h.log_prob = cand.log_prob;
    if (attention.defined()) {
      const float* w = attention.data<float>() + cand.parent * attention.dim(1);
      h.attention.emplace_back(w, w + sources_[static_cast<size_t>(b)].size());
    }
    return h;
  }

  const std::vector<std::vector<int32_t>>& sources_;
  const SearchOptions& options_;
  int64_t k_;
  std::vector<Beam> beams_;
  std::vector<bool> done_;
  std::vector<int64_t> max_length_;
  std::vector<std::vector<Hypothesis>> finished_;
};

// The sources as one padded batch.
Seq2SeqBatch source_batch(const std::vector<std::vector<int32_t>>& sources) {
  const ParallelData data =
      ParallelData::of(sources, std::vector<std::vector<int32_t>>(sources.size()));
  std::vector<int64_t> all(sources.size());
  for (size_t b = 0; b < sources.size(); ++b)
    all[b] = static_cast<int64_t>(b);
  return make_batch(data, all, false);
}

}  // namespace

std::vector<std::vector<Hypothesis>> beam_search(const TranslationModel& model,
                                                 const std::vector<std::vector<int32_t>>& sources,
                                                 const SearchOptions& options) {
  if (sources.empty()) return {};
  const auto batch = static_cast<int64_t>(sources.size());
  const int64_t k = options.beam;
  // The source batch and its memory, each sentence repeated for its k beams.
  const Seq2SeqBatch source = source_batch(sources);
  Tape tape(false);
  const ForwardContext ctx = ForwardContext::for_inference(tape);
  std::vector<int64_t> expand;
  for (int64_t b = 0; b < batch; ++b)
    expand.insert(expand.end(), static_cast<size_t>(k), b);
  const std::unique_ptr<IncrementalDecoder> decoder =
      model.start_decoding(ctx, source.source, source.source_lengths, expand);
  BatchSearch search(sources, options);
  Tensor tokens = Tensor::full({batch * k}, DType::I32, Vocab::kBos);
  std::vector<int64_t> parents;
  for (int64_t t = 0; t < search.longest(); ++t) {
    const DecoderStep out = decoder->step(tokens, t);
    // The search itself runs on the host.
    const Tensor logits = model.logits(ctx, out.output).value().to_host();  // (B k, V)
    const Tensor attention = options.keep_attention && out.attention.defined()
                                 ? out.attention.to_host()
                                 : Tensor();  // (B k, S)
    const int64_t vocab = logits.dim(1);
    Tensor log_probs = Tensor::empty(logits.shape(), DType::F32);
    kernels::log_softmax_forward<float>(logits.device(), batch * k, vocab, logits.data<float>(),
                                        log_probs.data<float>());
    if (search.step(t, log_probs.data<float>(), vocab, attention, parents,
                    tokens.data<int32_t>())) {
      break;
    }
    decoder->reorder(parents);
  }
  return search.results();
}

}  // namespace recur
