#include "language/language_model_task.h"

#include "autograd/ops/loss.h"
#include "train/micro_batches.h"

namespace recur {

StreamRange stream_range(int64_t total, int64_t index, int64_t parts, const char* what,
                         const char* parts_name) {
  RECUR_CHECK(total % parts == 0, what, " (", total, ") must divide by ", parts_name, " (", parts,
              ")");
  const int64_t count = total / parts;
  return {index * count, count};
}

LanguageModelTask::LanguageModelTask(const LanguageModel& model, const LanguageModelData& data,
                                     const TrainingConfig& training,
                                     const ValidationConfig& validation, Communicator& comm,
                                     DType dtype)
    : model_(model),
      data_(data),
      training_(training),
      validation_(validation),
      comm_(comm),
      dtype_(dtype),
      streams_(&data.train, training.batch_size),
      mine_(stream_range(training.batch_size, comm.rank(), comm.world_size(), "training.batch_size",
                         "the number of ranks")),
      schedule_(streams_.last_position(), training.bptt, training.variable_bptt,
                static_cast<uint64_t>(training.seed)),
      states_(static_cast<size_t>(training.accumulate)) {
  stream_range(mine_.count, 0, training.accumulate, "training.batch_size / ranks",
               "training.accumulate");
  if (has_validation()) {
    stream_range(validation.batch_size, 0, comm.world_size(), "validation.batch_size",
                 "the number of ranks");
  }
}

StepLoss LanguageModelTask::train_step(int64_t step, GradientSync& sync) {
  const TbpttWindow w = schedule_.next(step);
  lr_scale_ = schedule_.lr_scale(w);
  std::vector<StreamWindow> windows;
  std::vector<MicroBatch> batches;
  for (int64_t m = 0; m < training_.accumulate; ++m) {
    const StreamRange part =
        stream_range(mine_.count, m, training_.accumulate, "streams", "micro-batches");
    const int64_t first = mine_.first + part.first;
    windows.push_back(streams_.window(w.position, w.steps, first, part.count, dtype_));
    digest_.add(windows.back().inputs);
    digest_.add(windows.back().targets);
    batches.push_back({first, windows.back().targets_counted});
  }
  return train_micro_batches(
      batches, static_cast<uint64_t>(training_.seed), step, comm_, sync,
      [&](const ForwardContext& ctx, size_t m, double global_targets) -> MicroBatchLoss {
        const StreamWindow& window = windows[m];
        RnnState& state = states_[m];
        // Empty: the model's initial state (zeros, or learned ones with their gradient).
        if (w.starts_epoch) state = {};
        LanguageModel::Output out = model_.forward(ctx, window.inputs, state, window.keep);
        CrossEntropyResult ce = cross_entropy(ctx.tape, out.logits, window.targets,
                                              {StreamWindow::kIgnore, 0.0, global_targets});
        state = out.state.detached();
        return {ce.loss, StepLoss::of(ce, static_cast<double>(window.target_chars))};
      });
}

void describe_training_text(StateVisitor& v, const LanguageModelData& data) {
  describe_data_hash(v, data.train_hash(),
                     "data.train: the training text differs from the one the checkpoint was "
                     "trained on; resume needs the same data");
}

Tensor LanguageModelTask::local_state(size_t layer, bool cell) const {
  const int64_t hidden = model_.state_size();
  Tensor rows = Tensor::zeros({mine_.count, hidden}, dtype_);
  const int64_t per = mine_.count / training_.accumulate;
  for (size_t m = 0; m < states_.size(); ++m) {
    const std::vector<Var>& part = cell ? states_[m].c : states_[m].h;
    if (part.empty()) continue;  // before the first step: zeros
    Tensor slot = rows.slice_rows(static_cast<int64_t>(m) * per, static_cast<int64_t>(m + 1) * per);
    slot.copy_from(part[layer].value());
  }
  return rows;
}

void LanguageModelTask::describe_state(StateVisitor& v) {
  v.section("data", [&](StateVisitor& d) {
    describe_training_text(d, data_);
    schedule_.describe_state(d);
  });
  v.section("tbptt", [&](StateVisitor& t) {
    for (size_t layer = 0; layer < static_cast<size_t>(model_.state_layers()); ++layer) {
      describe_carried_state(t, layer, false);
      if (model_.state_has_cell()) describe_carried_state(t, layer, true);
    }
  });
}

void LanguageModelTask::describe_carried_state(StateVisitor& v, size_t layer, bool cell) {
  Tensor all;  // (batch_size, state_size): every global stream, ranks' ranges in rank order
  if (!v.restoring()) {
    all = Tensor::empty({training_.batch_size, model_.state_size()}, dtype_);
    comm_.all_gather(local_state(layer, cell), all);
  }
  v.field(concat(cell ? "c" : "h", "/layer", layer).c_str(), all);
  if (v.restoring()) restore_local_state(all, layer, cell);
}

void LanguageModelTask::restore_local_state(const Tensor& all, size_t layer, bool cell) {
  RECUR_CHECK(all.dim(0) == training_.batch_size, "the checkpoint carries ", all.dim(0),
              " streams, training.batch_size is ", training_.batch_size);
  const int64_t per = mine_.count / training_.accumulate;
  for (size_t m = 0; m < states_.size(); ++m) {
    RnnState& s = states_[m];
    if (s.h.empty()) s = model_.zero_state(per, dtype_);  // on the model's device
    const int64_t first = mine_.first + static_cast<int64_t>(m) * per;
    Var& rows = (cell ? s.c : s.h)[layer];
    rows.mutable_value().copy_from(all.slice_rows(first, first + per));
  }
}

Validation LanguageModelTask::validate() {
  return {evaluate(data_.valid, validation_.batch_size), std::nullopt, ""};
}

LossTotals LanguageModelTask::evaluate(const TokenSequence& sequence, int64_t streams,
                                       bool reset_each_window) const {
  const int64_t bptt = validation_.bptt > 0 ? validation_.bptt : training_.bptt;
  const StreamRange range = stream_range(streams, comm_.rank(), comm_.world_size(),
                                         "validation.batch_size", "the number of ranks");
  return evaluate_language_model(model_, sequence, streams, bptt, range, dtype_, reset_each_window);
}

LossTotals evaluate_language_model(const LanguageModel& model, const TokenSequence& sequence,
                                   int64_t streams, int64_t bptt, const StreamRange& mine,
                                   DType dtype, bool reset_each_window) {
  const TokenStreams eval_streams(&sequence, streams);
  RnnState state;  // the model's initial state
  LossTotals totals;
  for (int64_t position = 0; position < eval_streams.last_position();) {
    const int64_t steps = std::min(bptt, eval_streams.last_position() - position);
    StreamWindow window = eval_streams.window(position, steps, mine.first, mine.count, dtype);
    Tape tape(false);
    ForwardContext ctx = ForwardContext::for_inference(tape, mine.first);
    if (reset_each_window) state = {};
    LanguageModel::Output out = model.forward(ctx, window.inputs, state, window.keep);
    CrossEntropyResult ce =
        cross_entropy(tape, out.logits, window.targets, {StreamWindow::kIgnore});
    totals += LossTotals::of(ce, static_cast<double>(window.target_chars));
    state = out.state;
    position += steps;
  }
  return totals;
}

}  // namespace recur
