#include "embedding/word_vector_task.h"

#include <algorithm>

#include "train/micro_batches.h"

namespace recur {

namespace {

bool has_words(const TokenSequence& text) {
  for (int64_t i = 0; i < text.size(); ++i) {
    if (text.id(i) > Vocab::kEos) return true;
  }
  return false;
}

}  // namespace

WordVectorTask::WordVectorTask(const WordVectorModel& model, const LanguageModelData& data,
                               const TrainingConfig& training, Communicator& comm, DType dtype)
    : model_(model),
      data_(data),
      training_(training),
      comm_(comm),
      dtype_(dtype),
      sampler_(model.sampling(), data.train, data.vocab.size(),
               static_cast<uint64_t>(training.seed)),
      stream_length_(data.train.size() / training.batch_size),
      mine_(stream_range(training.batch_size, comm.rank(), comm.world_size(), "training.batch_size",
                         "the number of ranks")) {
  RECUR_CHECK(stream_length_ > 0, "training.batch_size (", training.batch_size,
              ") is larger than the training text (", data.train.size(), " tokens)");
  stream_range(mine_.count, 0, training.accumulate, "training.batch_size / ranks",
               "training.accumulate");
  RECUR_CHECK(data.valid.size() == 0 || has_words(data.valid),
              "data.valid: no word of the vocabulary occurs in it (every token is <unk>)");
}

std::vector<int64_t> WordVectorTask::centres_at(int64_t step, int64_t first, int64_t count) const {
  const int64_t position = (step - 1) % stream_length_;
  std::vector<int64_t> centres;
  for (int64_t stream = first; stream < first + count; ++stream)
    centres.push_back(stream * stream_length_ + position);
  return centres;
}

StepLoss WordVectorTask::train_step(int64_t step, GradientSync& sync) {
  last_step_ = step;
  const auto epoch = static_cast<uint64_t>((step - 1) / stream_length_);
  std::vector<ContextBatch> batches;
  std::vector<MicroBatch> micro_batches;
  for (int64_t m = 0; m < training_.accumulate; ++m) {
    const StreamRange part =
        stream_range(mine_.count, m, training_.accumulate, "streams", "micro-batches");
    const int64_t first = mine_.first + part.first;
    batches.push_back(
        sampler_.batch(data_.train, centres_at(step, first, part.count), epoch, dtype_));
    digest_.add(batches.back().centres);
    digest_.add(batches.back().candidates);
    micro_batches.push_back({first, batches.back().pairs});
  }
  return train_micro_batches(
      micro_batches, static_cast<uint64_t>(training_.seed), step, comm_, sync,
      [&](const ForwardContext& ctx, size_t m, double global_pairs) -> MicroBatchLoss {
        NegativeSamplingResult r = model_.loss(ctx.tape, batches[m], global_pairs);
        return {r.loss, {r.nll, static_cast<double>(r.pairs), 0.0}};
      });
}

double WordVectorTask::epochs_done() const {
  return static_cast<double>(last_step_) / static_cast<double>(stream_length_);
}

Validation WordVectorTask::validate() {
  return {evaluate(data_.valid), std::nullopt, ""};
}

LossTotals WordVectorTask::evaluate(const TokenSequence& text) const {
  const int64_t size = text.size(), ranks = comm_.world_size();
  const int64_t begin = size * comm_.rank() / ranks, end = size * (comm_.rank() + 1) / ranks;
  LossTotals totals;
  for (int64_t first = begin; first < end; first += training_.batch_size) {
    std::vector<int64_t> centres(static_cast<size_t>(std::min(training_.batch_size, end - first)));
    for (size_t k = 0; k < centres.size(); ++k)
      centres[k] = first + static_cast<int64_t>(k);
    const ContextBatch b = sampler_.batch(text, centres, 0, dtype_);
    Tape tape(false);
    const NegativeSamplingResult r = model_.loss(tape, b, 0.0);
    totals += {r.nll.item(), static_cast<double>(r.pairs), 0.0};
  }
  return totals;
}

void WordVectorTask::describe_state(StateVisitor& v) {
  v.section("data", [&](StateVisitor& d) { describe_training_text(d, data_); });
}

}  // namespace recur
