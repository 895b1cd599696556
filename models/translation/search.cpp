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

}  // namespace

std::vector<std::vector<Hypothesis>> beam_search(const TranslationModel& model,
                                                 const std::vector<std::vector<int32_t>>& sources,
                                                 const SearchOptions& options) {
  const auto batch = static_cast<int64_t>(sources.size());
  const int64_t k = options.beam;
  std::vector<std::vector<Hypothesis>> finished(static_cast<size_t>(batch));
  if (batch == 0) return finished;
  // The source batch and its memory, each sentence repeated for its k beams.
  ParallelData data;
  data.source = sources;
  data.target.assign(sources.size(), {});
  std::vector<int64_t> all(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b)
    all[static_cast<size_t>(b)] = b;
  const Seq2SeqBatch source = make_batch(data, all, false);
  Tape tape(false);
  const ForwardContext ctx = ForwardContext::for_inference(tape);
  std::vector<int64_t> expand;
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t j = 0; j < k; ++j)
      expand.push_back(b);
  }
  const std::unique_ptr<IncrementalDecoder> decoder =
      model.start_decoding(ctx, source.source, source.source_lengths, expand);

  std::vector<Beam> beams(static_cast<size_t>(batch * k));
  for (int64_t b = 0; b < batch; ++b)
    beams[static_cast<size_t>(b * k)].alive = true;  // one start per sentence
  std::vector<bool> done(static_cast<size_t>(batch), false);
  std::vector<int64_t> max_length(static_cast<size_t>(batch));
  int64_t longest = 0;
  for (int64_t b = 0; b < batch; ++b) {
    max_length[static_cast<size_t>(b)] =
        static_cast<int64_t>(options.max_length_ratio *
                             static_cast<double>(sources[static_cast<size_t>(b)].size())) +
        10;
    longest = std::max(longest, max_length[static_cast<size_t>(b)]);
  }
  auto normalised = [&](const Hypothesis& h) {
    return h.log_prob / std::pow(static_cast<double>(h.tokens.size() + 1), options.length_penalty);
  };
  Tensor tokens = Tensor::full({batch * k}, DType::I32, Vocab::kBos);
  const int64_t source_length = source.source.dim(0);
  for (int64_t t = 0; t < longest; ++t) {
    const DecoderStep out = decoder->step(tokens, t);
    // The search itself runs on the host.
    const Tensor logits = model.logits(ctx, out.output).value().on(Device::cpu());  // (B k, V)
    const Tensor attention = options.keep_attention && out.attention.defined()
                                 ? out.attention.on(Device::cpu())
                                 : Tensor();  // (B k, S)
    const int64_t vocab = logits.dim(1);
    Tensor log_probs = Tensor::empty(logits.shape(), DType::F32);
    kernels::log_softmax_forward<float>(logits.device(), batch * k, vocab, logits.data<float>(),
                                        log_probs.data<float>());
    const float* lp = log_probs.data<float>();
    std::vector<int64_t> parents(static_cast<size_t>(batch * k));
    std::vector<Beam> next(static_cast<size_t>(batch * k));
    int32_t* next_tokens = tokens.data<int32_t>();
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t j = 0; j < k; ++j)
        parents[static_cast<size_t>(b * k + j)] = b * k;  // idle slots
      if (done[static_cast<size_t>(b)]) continue;
      std::vector<Candidate> candidates;
      for (int64_t j = 0; j < k; ++j) {
        const Beam& beam = beams[static_cast<size_t>(b * k + j)];
        if (!beam.alive) continue;
        const float* row = lp + (b * k + j) * vocab;
        for (int64_t v = 0; v < vocab; ++v) {
          if (v == Vocab::kPad || v == Vocab::kBos) continue;
          candidates.push_back(
              {beam.hypothesis.log_prob + row[v], b * k + j, static_cast<int32_t>(v)});
        }
      }
      const size_t keep = std::min(candidates.size(), static_cast<size_t>(2 * k));
      std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                        candidates.end(), [](const Candidate& x, const Candidate& y) {
                          return x.log_prob > y.log_prob;
                        });
      const bool last = t + 1 >= max_length[static_cast<size_t>(b)];
      int64_t slot = 0;
      for (size_t c = 0; c < keep && slot < k; ++c) {
        const Candidate& cand = candidates[c];
        Hypothesis h = beams[static_cast<size_t>(cand.parent)].hypothesis;
        h.log_prob = cand.log_prob;
        if (attention.defined()) {
          const float* w = attention.data<float>() + cand.parent * source_length;
          h.attention.emplace_back(w, w + sources[static_cast<size_t>(b)].size());
        }
        if (cand.token == Vocab::kEos || last) {
          // A hypothesis ends only if it ranks among the k best continuations: weaker endings
          // would fill the finished list before the good hypotheses complete.
          if (c >= static_cast<size_t>(k)) continue;
          if (cand.token != Vocab::kEos) h.tokens.push_back(cand.token);
          h.score = normalised(h);
          finished[static_cast<size_t>(b)].push_back(std::move(h));
          continue;
        }
        h.tokens.push_back(cand.token);
        const int64_t index = b * k + slot++;
        parents[static_cast<size_t>(index)] = cand.parent;
        next_tokens[index] = cand.token;
        next[static_cast<size_t>(index)] = {std::move(h), true};
      }
      // Done once the best continuation of this step is an ending (nothing alive scores higher)
      // and there are enough endings, at the length limit, or with nothing left alive.
      const bool best_ended = keep > 0 && candidates[0].token == Vocab::kEos;
      const auto ended = static_cast<int64_t>(finished[static_cast<size_t>(b)].size());
      if (last || slot == 0 || (best_ended && ended >= options.nbest))
        done[static_cast<size_t>(b)] = true;
    }
    beams = std::move(next);
    if (std::all_of(done.begin(), done.end(), [](bool d) { return d; })) break;
    decoder->reorder(parents);
  }
  for (auto& list : finished) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Hypothesis& x, const Hypothesis& y) { return x.score > y.score; });
    if (static_cast<int64_t>(list.size()) > options.nbest)
      list.resize(static_cast<size_t>(options.nbest));
  }
  return finished;
}

}  // namespace recur
