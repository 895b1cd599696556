#include "lstm_lm/lm_task.h"

#include "autograd/ops/loss.h"

namespace recur {

StreamRange stream_range(int64_t total, int rank, int world) {
  RECUR_CHECK(total % world == 0, "the batch size (", total, " streams) must divide by the number ",
              "of ranks (", world, ")");
  const int64_t count = total / world;
  return {rank * count, count};
}

LmTask::LmTask(const LstmLm& model, const LmData& data, const TrainingConfig& training,
               const ValidationConfig& validation, const Communicator& comm, DType dtype)
    : model_(model),
      data_(data),
      training_(training),
      validation_(validation),
      rank_(comm.rank()),
      world_size_(comm.world_size()),
      dtype_(dtype),
      streams_(&data.train, training.batch_size),
      schedule_(streams_.last_position(), training.bptt, training.variable_bptt,
                static_cast<uint64_t>(training.seed)) {
  stream_range(training.batch_size, rank_, world_size_);
  if (has_validation()) stream_range(validation.batch_size, rank_, world_size_);
}

LossTotals LmTask::train_step(int64_t step) {
  const TbpttWindow w = schedule_.next(step);
  lr_scale_ = schedule_.lr_scale(w);
  const StreamRange mine = stream_range(training_.batch_size, rank_, world_size_);
  if (w.starts_epoch) state_ = model_.zero_state(mine.count, dtype_);
  StreamWindow window = streams_.window(w.position, w.steps, mine.first, mine.count, dtype_);
  // Normalised by the targets of all ranks: the ranks' gradients sum to the exact average.
  const double global_targets = static_cast<double>(streams_.count_targets(w.position, w.steps));

  Tape tape;
  ForwardContext ctx{tape, true, static_cast<uint64_t>(training_.seed), step, mine.first};
  LstmLm::Output out = model_.forward(ctx, window.inputs, state_, window.keep);
  CrossEntropyResult ce =
      cross_entropy(tape, out.logits, window.targets, {StreamWindow::kIgnore, 0.0, global_targets});
  if (global_targets > 0) tape.backward(ce.loss);
  state_ = out.state.detached();
  return {ce.totals.nll, static_cast<double>(ce.totals.count),
          static_cast<double>(window.target_chars)};
}

LossTotals LmTask::validate() {
  return evaluate(data_.valid, validation_.batch_size);
}

LossTotals LmTask::evaluate(const TokenSequence& sequence, int64_t streams) const {
  const int64_t bptt = validation_.bptt > 0 ? validation_.bptt : training_.bptt;
  return evaluate_lm(model_, sequence, streams, bptt, stream_range(streams, rank_, world_size_),
                     dtype_);
}

LossTotals evaluate_lm(const LstmLm& model, const TokenSequence& sequence, int64_t streams,
                       int64_t bptt, const StreamRange& mine, DType dtype) {
  const TokenStreams eval_streams(&sequence, streams);
  RnnState state = model.zero_state(mine.count, dtype);
  LossTotals totals;
  for (int64_t position = 0; position < eval_streams.last_position();) {
    const int64_t steps = std::min(bptt, eval_streams.last_position() - position);
    StreamWindow window = eval_streams.window(position, steps, mine.first, mine.count, dtype);
    Tape tape(false);
    ForwardContext ctx{tape, false, 0, 0, mine.first};
    LstmLm::Output out = model.forward(ctx, window.inputs, state, window.keep);
    CrossEntropyResult ce =
        cross_entropy(tape, out.logits, window.targets, {StreamWindow::kIgnore});
    totals += {ce.totals.nll, static_cast<double>(ce.totals.count),
               static_cast<double>(window.target_chars)};
    state = out.state;
    position += steps;
  }
  return totals;
}

}  // namespace recur
