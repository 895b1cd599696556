#include "translation/translation_task.h"

#include "autograd/ops/loss.h"
#include "train/micro_batches.h"

namespace recur {

namespace {

// Part `index` of `n` of a contiguous list, as even as possible.
std::pair<int64_t, int64_t> part(int64_t size, int64_t index, int64_t n) {
  return {size * index / n, size * (index + 1) / n};
}

std::vector<int64_t> slice(const std::vector<int64_t>& all, std::pair<int64_t, int64_t> range) {
  return {all.begin() + range.first, all.begin() + range.second};
}

}  // namespace

TranslationTask::TranslationTask(const TranslationModel& model, const TranslationData& data,
                                 const ExperimentConfig& config, Communicator& comm)
    : model_(model),
      data_(data),
      config_(config),
      comm_(comm),
      batcher_(data.train, config.training.batch_tokens,
               static_cast<uint64_t>(config.training.seed)) {}

double TranslationTask::epochs_done() const {
  return static_cast<double>(epoch_) +
         static_cast<double>(next_batch_) / static_cast<double>(batcher_.batches());
}

StepLoss TranslationTask::train_step(int64_t step, GradientSync& sync) {
  if (next_batch_ >= batcher_.batches()) {
    epoch_ += 1;
    next_batch_ = 0;
  }
  const std::vector<int64_t>& global = batcher_.batch(epoch_, next_batch_++);
  // This rank's examples: a contiguous part of the global batch, then of it each micro-batch.
  const auto mine = part(static_cast<int64_t>(global.size()), comm_.rank(), comm_.world_size());
  shard_ = {mine.first, mine.second - mine.first};
  const std::vector<int64_t> examples = slice(global, mine);
  const int64_t micro = config_.training.accumulate;
  std::vector<Seq2SeqBatch> batches;
  std::vector<MicroBatch> plan;
  for (int64_t m = 0; m < micro; ++m) {
    const auto range = part(static_cast<int64_t>(examples.size()), m, micro);
    if (range.first == range.second) continue;
    batches.push_back(make_batch(data_.train, slice(examples, range), model_.reverses_source()));
    digest_.add(batches.back().source);
    digest_.add(batches.back().target_in);
    digest_.add(batches.back().target_out);
    plan.push_back({mine.first + range.first, batches.back().target_tokens});
  }
  return train_micro_batches(
      plan, static_cast<uint64_t>(config_.training.seed), step, comm_, sync,
      [&](const ForwardContext& ctx, size_t m, double global_targets) -> MicroBatchLoss {
        const CrossEntropyResult ce =
            cross_entropy(ctx.tape, model_.forward(ctx, batches[m]), batches[m].target_out,
                          {-1, model_.label_smoothing(), global_targets});
        return {ce.loss, StepLoss::of(ce)};
      });
}

LossTotals translation_loss(const TranslationModel& model, const ParallelData& split,
                            int64_t batch_tokens, int rank, int world) {
  const TokenBatcher batches(split, batch_tokens, 0);
  LossTotals totals;
  for (int64_t i = 0; i < batches.batches(); ++i) {
    const std::vector<int64_t>& all = batches.batch(0, i);
    const auto mine = part(static_cast<int64_t>(all.size()), rank, world);
    if (mine.first == mine.second) continue;
    const Seq2SeqBatch batch = make_batch(split, slice(all, mine), model.reverses_source());
    Tape tape(false);
    const ForwardContext ctx = ForwardContext::for_inference(tape, mine.first);
    const CrossEntropyResult ce =
        cross_entropy(tape, model.forward(ctx, batch), batch.target_out, {-1});
    totals += LossTotals::of(ce);
  }
  return totals;
}

LossTotals TranslationTask::loss(const ParallelData& split) const {
  return translation_loss(model_, split, config_.training.batch_tokens, comm_.rank(),
                          comm_.world_size());
}

TranslationTask::Scores TranslationTask::scores(const ParallelData& split,
                                                const std::vector<std::string>& references,
                                                int64_t sentences,
                                                const SearchOptions& options) const {
  const int64_t n = sentences > 0 ? std::min(sentences, split.size()) : split.size();
  std::vector<std::vector<int32_t>> sources;
  std::vector<std::string> refs;
  for (int64_t i = comm_.rank(); i < n; i += comm_.world_size()) {
    sources.push_back(split.source(i).to_vector());
    refs.push_back(references[static_cast<size_t>(i)]);
  }
  const std::vector<std::vector<Translation>> found =
      Translator(model_, data_).translate_ids(sources, options);
  BleuStats bleu;
  ChrfStats chrf;
  for (size_t i = 0; i < found.size(); ++i) {
    const std::string hypothesis = found[i].empty() ? "" : found[i][0].text;
    bleu.add(hypothesis, refs[i]);
    chrf.add(hypothesis, refs[i]);
  }
  // Every statistic adds up over ranks.
  std::vector<double> stats;
  for (double v : bleu.matches)
    stats.push_back(v);
  for (double v : bleu.totals)
    stats.push_back(v);
  stats.push_back(bleu.hypothesis_length);
  stats.push_back(bleu.reference_length);
  for (size_t k = 0; k < 6; ++k) {
    stats.push_back(chrf.matches[k]);
    stats.push_back(chrf.hypothesis_ngrams[k]);
    stats.push_back(chrf.reference_ngrams[k]);
  }
  Tensor all = Tensor::from_vector(stats, {static_cast<int64_t>(stats.size())});
  comm_.all_reduce(all, ReduceOp::Sum, "all-reduce of the BLEU statistics");
  const double* s = all.data<double>();
  for (size_t k = 0; k < 4; ++k) {
    bleu.matches[k] = s[k];
    bleu.totals[k] = s[4 + k];
  }
  bleu.hypothesis_length = s[8];
  bleu.reference_length = s[9];
  for (size_t k = 0; k < 6; ++k) {
    chrf.matches[k] = s[10 + 3 * k];
    chrf.hypothesis_ngrams[k] = s[11 + 3 * k];
    chrf.reference_ngrams[k] = s[12 + 3 * k];
  }
  return {bleu.score(), chrf.score()};
}

Validation TranslationTask::validate() {
  Validation v{loss(data_.valid), std::nullopt, "bleu"};
  if (config_.validation.bleu) {
    SearchOptions greedy;
    greedy.max_length_ratio = config_.decoding.max_length_ratio;
    v.score =
        scores(data_.valid, data_.valid_references, config_.validation.bleu_sentences, greedy).bleu;
  }
  return v;
}

void TranslationTask::describe_state(StateVisitor& v) {
  v.section("data", [&](StateVisitor& d) {
    int64_t batches = batcher_.batches();
    d.field("batches", batches);
    RECUR_CHECK(batches == batcher_.batches(), "the training data make ", batcher_.batches(),
                " batches, the checkpoint's made ", batches,
                " (other data or training.batch_tokens?)");
    d.field("epoch", epoch_);
    d.field("batch", next_batch_);
  });
}

}  // namespace recur
