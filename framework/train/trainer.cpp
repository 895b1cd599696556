#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "checkpoint/state_io.h"
#include "core/device_counters.h"
#include "core/file_hash.h"
#include "core/log.h"
#include "core/process_stats.h"
#include "core/rng.h"
#include "train/stop_signal.h"

namespace recur {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string figures(const LossTotals& t, bool show_bpc) {
  char buffer[128];
  std::snprintf(buffer, sizeof(buffer), "loss %.4f | ppl %.2f", t.loss(), t.perplexity());
  std::string text = buffer;
  if (show_bpc) {
    std::snprintf(buffer, sizeof(buffer), " | bpc %.4f", t.bits_per_char());
    text += buffer;
  }
  return text;
}

// The ranks whose hash differs from rank 0's, or "".
std::string ranks_differing(Communicator& comm, uint64_t hash) {
  const std::vector<uint64_t> hashes = gather_hashes(comm, hash);
  std::string differing;
  for (size_t r = 1; r < hashes.size(); ++r) {
    if (hashes[r] != hashes[0]) differing += (differing.empty() ? "" : ", ") + std::to_string(r);
  }
  return differing;
}

uint64_t hash_values(const Tensor& values) {
  const Tensor host = values.to_host();
  const auto* bytes = reinterpret_cast<const char*>(
      host.dtype() == DType::F32 ? static_cast<const void*>(host.data<float>())
                                 : static_cast<const void*>(host.data<double>()));
  return hash_name(bytes, static_cast<uint64_t>(host.numel()) * dtype_size(host.dtype()));
}

}  // namespace

const char* stop_reason_text(StopReason reason) {
  switch (reason) {
    case StopReason::MaxSteps:
      return "reached training.max_steps";
    case StopReason::MaxEpochs:
      return "reached training.max_epochs";
    case StopReason::TimeBudget:
      return "reached training.max_minutes";
    case StopReason::EarlyStopping:
      return "early stopping (validation.patience)";
    case StopReason::Signal:
      return "stop signal";
  }
  return "";
}

struct Trainer::Interval {
  StepLoss local;                // this rank's sums, the loss still on the device
  double tokens = 0, chars = 0;  // all ranks
  Tensor sum_sq;                 // the last step's squared gradient norm, on the device
  DeviceCounters in_steps;       // the device counters of the steps (core/device_counters.h)
  double compute_s = 0, exposed_s = 0;
  int64_t steps = 0;
  int64_t skipped = 0;  // of `steps` (training.nonfinite: skip); not in `local` or `sum_sq`
  Clock::time_point start = Clock::now();
};

namespace {

// RECUR_TEST_NAN_GRADIENT=STEP[-LAST]@RANK and RECUR_TEST_DROP_UPDATE=STEP (see Trainer's
// members).
void read_test_seams(int64_t (&nan_steps)[2], int64_t& nan_rank, int64_t& drop_step) {
  if (const char* nan = std::getenv("RECUR_TEST_NAN_GRADIENT")) {
    long long first = 0, last = 0, rank = -1;
    const bool range = std::sscanf(nan, "%lld-%lld@%lld", &first, &last, &rank) == 3;
    RECUR_CHECK(range || std::sscanf(nan, "%lld@%lld", &first, &rank) == 2,
                "RECUR_TEST_NAN_GRADIENT: expected STEP@RANK or FIRST-LAST@RANK, got '", nan, "'");
    nan_steps[0] = first;
    nan_steps[1] = range ? last : first;
    nan_rank = rank;
  }
  if (const char* drop = std::getenv("RECUR_TEST_DROP_UPDATE")) drop_step = std::atoll(drop);
}

}  // namespace

Trainer::Trainer(TrainingTask& task, ParameterStore& params, Optimizer& optimizer,
                 LrSchedule& schedule, Communicator& comm, const TrainerOptions& options,
                 TrainerOutputs outputs)
    : task_(task),
      params_(params),
      optimizer_(optimizer),
      schedule_(schedule),
      comm_(comm),
      options_(options),
      outputs_(std::move(outputs)),
      reducer_(params, comm, options.bucket_bytes),
      diverged_at_(Tensor::zeros({1}, DType::F64, params.values().device())),
      clipped_steps_(Tensor::zeros({1}, DType::F64, params.values().device())) {
  RECUR_CHECK(options.max_steps > 0 || options.max_epochs > 0 || options.max_minutes > 0,
              "no stopping point: set training.max_steps, training.max_epochs or "
              "training.max_minutes");
  synchronise_start();
  read_test_seams(nan_gradient_steps_, nan_gradient_rank_, drop_update_step_);
  const CheckpointPolicy& policy = options.checkpoint;
  if (!policy.directory.empty()) {
    // The job's token names its temporary checkpoint directories.
    const uint64_t attempt = job_token(comm_);
    if (comm_.is_root()) remove_uncommitted(policy.directory);
    writer_ = std::make_unique<CheckpointWriter>(CheckpointOptions{
        policy.directory, comm_.rank(), comm_.world_size(), hex64(attempt), policy.wait_timeout_s});
  }
}

std::vector<FlatBuffer> Trainer::flat_buffers() const {
  std::vector<FlatBuffer> buffers = {{"params", params_.values()}};
  for (const auto& [name, tensor] : optimizer_.state())
    buffers.push_back({"optim/" + name, tensor});
  return buffers;
}

void Trainer::describe_state(StateVisitor& v) {
  optimizer_.describe_state(v);
  schedule_.describe_state(v);
  v.section("trainer", [&](StateVisitor& t) {
    best_model_.describe_state(t, "best");
    t.field("best_nll", best_validation_.loss.nll);
    t.field("best_tokens", best_validation_.loss.tokens);
    t.field("best_chars", best_validation_.loss.chars);
    t.field("best_score", best_validation_.score);
    t.field("bad_validations", validations_without_improvement_);
    best_checkpoint_.describe_state(t, "best_checkpoint");
    // Absent from the checkpoints of a recur before training.nonfinite: none skipped then.
    std::optional<double> skipped = static_cast<double>(skipped_steps_);
    std::optional<double> in_a_row = static_cast<double>(consecutive_skips_);
    t.field("skipped_steps", skipped);
    t.field("consecutive_skips", in_a_row);
    skipped_steps_ = static_cast<int64_t>(skipped.value_or(0));
    consecutive_skips_ = static_cast<int64_t>(in_a_row.value_or(0));
  });
  task_.describe_state(v);
}

void Trainer::write_checkpoint(int64_t step, bool async,
                               const std::optional<Validation>& validation) {
  const CheckpointPolicy& policy = options_.checkpoint;
  const std::optional<double> metric =
      validation ? validation->metric(policy.keep_best) : std::nullopt;
  if (metric) best_checkpoint_.offer(*metric, step);
  CheckpointRequest request{
      .buffers = flat_buffers(),
      .async = async,
      .keep_last = policy.keep_last,
      .keep_step = policy.keep_best != KeepBest::None ? best_checkpoint_.step : 0};
  request.state.identity = outputs_.identity;
  request.state.step = step;
  StateSaver saver(request.state);
  describe_state(saver);
  if (validation) request.validation = validation->manifest_figures();
  const auto start = Clock::now();
  writer_->write(params_, std::move(request));
  if (async) {
    log::info("checkpoint ", checkpoint_name(step), ": writing in the background");
  } else {
    log::info("checkpoint ", checkpoint_name(step), " written in ", seconds_since(start), " s (",
              policy.directory, ")");
  }
}

void Trainer::restore(const std::string& checkpoint) {
  const TrainingState state = read_training_state(checkpoint);
  std::vector<FlatBuffer> buffers = flat_buffers();
  read_flat_buffers(checkpoint, params_, buffers);
  StateLoader loader(state, checkpoint);
  describe_state(loader);
  first_step_ = state.step + 1;
  if (comm_.world_size() > 1) {
    const std::string differing = ranks_differing(comm_, hash_values(params_.values()));
    RECUR_CHECK(differing.empty(), "rank(s) ", differing, " read different parameters from ",
                checkpoint);
  }
  log::info("resumed from ", checkpoint, " (step ", state.step, ", written by ",
            read_manifest(checkpoint).world_size, " ranks); continuing at step ", first_step_);
}

void Trainer::synchronise_start() {
  if (comm_.world_size() == 1) return;
  std::string differing = ranks_differing(comm_, reducer_.layout_hash());
  RECUR_CHECK(differing.empty(), "rank(s) ", differing, " build a different model or gradient ",
              "buckets than rank 0 (different configs or recur versions?)");
  comm_.broadcast(params_.values(), 0);
  differing = ranks_differing(comm_, hash_values(params_.values()));
  RECUR_CHECK(differing.empty(), "rank(s) ", differing, " hold different parameters than rank 0 ",
              "after the broadcast");
  log::info("data parallel: ", comm_.description(), "; parameters broadcast from rank 0 and ",
            "verified; ", reducer_.bucket_count(), " gradient buckets");
}

double Trainer::progress(int64_t step, double elapsed) const {
  double p = 0.0;
  if (options_.max_steps > 0)
    p = std::max(p, static_cast<double>(step) / static_cast<double>(options_.max_steps));
  if (options_.max_epochs > 0) p = std::max(p, task_.epochs_done() / options_.max_epochs);
  if (options_.max_minutes > 0) p = std::max(p, elapsed / (60.0 * options_.max_minutes));
  return std::min(p, 1.0);
}

bool Trainer::run_step(int64_t step, Interval& interval) {
  const DeviceCounters counters_before = device_counters();
  params_.zero_grad();
  if (step >= nan_gradient_steps_[0] && step <= nan_gradient_steps_[1] &&
      comm_.rank() == nan_gradient_rank_)
    params_.grads().view(0, {1}).fill(std::nan(""));  // summed into every rank's by the all-reduce
  const auto compute_start = Clock::now();
  const StepLoss local = task_.train_step(step, reducer_);
  interval.compute_s += seconds_since(compute_start);
  interval.exposed_s += reducer_.finish();

  // One small all-reduce of host values per step: the counts and whether any rank was asked to
  // stop. The loss stays on the device until a progress line reads it.
  const StepCounts all = sum_counts_over_ranks(comm_, local, StopSignals::received() != 0,
                                               "all-reduce of the step's counts");
  interval.tokens += all.tokens;
  interval.chars += all.chars;
  interval.steps += 1;

  const Tensor sum_sq =
      clip_grad_norm(params_, options_.clip_norm, step, diverged_at_, &clipped_steps_);
  if (writer_) {
    // An asynchronous checkpoint must have copied the parameters before they change.
    checkpoint_stall_s_ += writer_->snapshot_taken();
    writer_->check();
  }
  const bool skip = step == drop_update_step_ ||
                    (options_.nonfinite == NonFinite::Skip && skip_nonfinite(step, local, sum_sq));
  if (skip) {
    skipped_steps_ += 1;
    interval.skipped += 1;
    diverged_at_.zero();  // clip_grad_norm marked it; the run goes on
  } else {
    consecutive_skips_ = 0;
    interval.local += local;
    interval.sum_sq = sum_sq;
    optimizer_.step(learning_rate(step), diverged_at_);
  }
  interval.in_steps += device_counters() - counters_before;
  return all.any_rank_flagged;
}

double Trainer::learning_rate(int64_t step) const {
  return schedule_.lr(step - skipped_steps_) * task_.lr_scale();
}

bool Trainer::skip_nonfinite(int64_t step, const StepLoss& local, const Tensor& sum_sq) {
  // A NaN on any rank makes the sum NaN; the gradient norm is the same on every rank (it is taken
  // after the all-reduce), so every rank decides alike.
  const LossTotals totals = sum_over_ranks(comm_, local.read(), "all-reduce of the step's loss");
  const double grad_norm = std::sqrt(sum_sq.item());
  if (std::isfinite(totals.nll) && std::isfinite(grad_norm)) return false;
  consecutive_skips_ += 1;
  log::info("step ", step, ": skipped: loss ", totals.loss(), ", gradient norm ", grad_norm, " (",
            consecutive_skips_, " in a row; training.nonfinite: skip)");
  if (comm_.is_root()) {
    outputs_.metrics.write(
        Json{{"type", "skip"}, {"step", step}, {"loss", totals.loss()}, {"grad_norm", grad_norm}});
  }
  RECUR_CHECK(consecutive_skips_ < options_.max_skipped, "training diverged: ", consecutive_skips_,
              " steps in a row up to step ", step,
              " had a non-finite loss or gradient norm (training.max_skipped; try a lower "
              "optimizer.lr or set training.clip_norm)");
  return true;
}

void Trainer::check_divergence(int64_t step, double loss, double grad_norm) const {
  const double marked = diverged_at_.item();
  RECUR_CHECK(marked == 0.0 && std::isfinite(loss) && std::isfinite(grad_norm),
              "training diverged at step ", marked > 0.0 ? static_cast<int64_t>(marked) : step,
              ": loss ", loss, ", gradient norm ", grad_norm, " (by step ", step,
              "; try a lower optimizer.lr or set training.clip_norm)");
}

void Trainer::check_unlogged_steps(int64_t step, const Interval& interval) {
  // diverged_at_ is the same on every rank (it follows the all-reduced gradients), so either
  // every rank or none takes part in the all-reduce below.
  if (interval.steps == 0 || diverged_at_.item() == 0.0) return;
  const LossTotals totals =
      sum_over_ranks(comm_, interval.local.read(), "all-reduce of the diverged loss");
  check_divergence(step, totals.loss(), std::sqrt(interval.sum_sq.item()));
}

double Trainer::take_clipped_steps() {
  const double total = clipped_steps_.item();
  const double since = total - clipped_reported_;
  clipped_reported_ = total;
  return since;
}

void Trainer::log_progress(int64_t step, Interval& interval, double elapsed) {
  const DeviceCounters counters_before = device_counters();
  const LossTotals local = interval.local.read();
  const LossTotals totals = sum_over_ranks(comm_, local, "all-reduce of the interval's loss");
  const double grad_norm = std::sqrt(interval.sum_sq.item());
  check_divergence(step, totals.loss(), grad_norm);
  const double comm_s = reducer_.take_comm_seconds();
  const double lr = learning_rate(step);
  const double seconds = seconds_since(interval.start);
  const double tokens_per_s = totals.tokens / std::max(seconds, 1e-9);
  const double done = progress(step, elapsed);
  const double eta = done > 0 ? elapsed * (1.0 - done) / done : 0.0;
  const double per_step_ms = 1e3 / static_cast<double>(std::max<int64_t>(interval.steps, 1));
  const double clipped =
      take_clipped_steps() / static_cast<double>(std::max<int64_t>(interval.steps, 1));
  char head[96];
  std::snprintf(head, sizeof(head), "step %7lld | epoch %.2f | ", static_cast<long long>(step),
                task_.epochs_done());
  char tail[192];
  const std::string clip_text =
      options_.clip_norm > 0 ? concat(" (clipped ", std::lround(100 * clipped), "%)") : "";
  std::snprintf(tail, sizeof(tail), " | lr %.2e | gnorm %.3f%s | %s tok/s | ETA %s", lr, grad_norm,
                clip_text.c_str(), format_rate(tokens_per_s).c_str(), format_duration(eta).c_str());
  log::info(head, figures(totals, options_.show_bpc), tail);
  if (comm_.is_root()) {
    outputs_.metrics.write(Json{{"type", "train"},
                                {"step", step},
                                {"epoch", task_.epochs_done()},
                                {"loss", totals.loss()},
                                {"ppl", totals.perplexity()},
                                {"bpc", totals.bits_per_char()},
                                {"lr", lr},
                                {"grad_norm", grad_norm},
                                {"clipped_fraction", clipped},
                                {"skipped_steps", interval.skipped},
                                {"tokens", totals.tokens},
                                {"tokens_per_s", tokens_per_s},
                                {"compute_ms", interval.compute_s * per_step_ms},
                                {"comm_ms", comm_s * per_step_ms},
                                {"exposed_comm_ms", interval.exposed_s * per_step_ms},
                                {"elapsed_s", elapsed}});
  }
  write_rank_metrics(step, interval, local, comm_s, (device_counters() - counters_before).reads);
  interval = Interval{};
}

void Trainer::write_rank_metrics(int64_t step, const Interval& interval, const LossTotals& local,
                                 double comm_s, int64_t log_reads) {
  const double per_step_ms = 1e3 / static_cast<double>(std::max<int64_t>(interval.steps, 1));
  const TrainingTask::Shard shard = task_.shard();
  outputs_.rank_metrics.write(Json{
      {"type", "rank"},
      {"step", step},
      {"rank", static_cast<int64_t>(comm_.rank())},
      {"first_example", shard.first},
      {"examples", shard.count},
      {"tokens", local.tokens},
      {"loss", local.loss()},
      {"batch_digest", hex64(task_.take_batch_digest())},
      {"compute_ms", interval.compute_s * per_step_ms},
      {"comm_ms", comm_s * per_step_ms},
      {"exposed_comm_ms", interval.exposed_s * per_step_ms},
      {"step_host_reads", interval.in_steps.reads},
      {"step_host_syncs", interval.in_steps.synchronisations},
      {"kernel_launches_per_step", static_cast<double>(interval.in_steps.launches) /
                                       static_cast<double>(std::max<int64_t>(interval.steps, 1))},
      {"log_host_reads", log_reads}});
}

bool Trainer::validation_due(int64_t step) const {
  return options_.validate_every > 0 && step % options_.validate_every == 0 &&
         task_.has_validation();
}

Validation Trainer::validate(int64_t step, double elapsed) {
  const auto start = Clock::now();
  Validation v = task_.validate();
  v.loss = sum_over_ranks(comm_, v.loss, "all-reduce of the validation loss");
  const double validation_s = seconds_since(start);
  schedule_.on_validation(v.loss.loss());
  const bool improved = best_model_.offer(v.metric(), step);
  log_validation(step, v, improved, elapsed, validation_s);
  validation_s_ += validation_s;
  RECUR_CHECK(std::isfinite(v.loss.nll), "validation loss is not finite at step ", step);
  if (improved) {
    best_validation_ = v;
    validations_without_improvement_ = 0;
    if (comm_.is_root()) outputs_.save("best", step);
  } else {
    validations_without_improvement_ += 1;
  }
  return v;
}

void Trainer::log_validation(int64_t step, const Validation& v, bool improved, double elapsed,
                             double validation_s) {
  const std::string score =
      v.score ? concat(" | ", v.score_name, " ", log::fixed(*v.score, 2)) : "";
  log::info("valid   step ", step, " | ", figures(v.loss, options_.show_bpc), score,
            improved ? " | best so far" : "");
  if (!comm_.is_root()) return;
  // Wall time since the start, and the part of it spent training: validation costs differ
  // between models, so comparisons plot against the training time.
  Json line{{"type", "valid"},
            {"step", step},
            {"epoch", task_.epochs_done()},
            {"loss", v.loss.loss()},
            {"ppl", v.loss.perplexity()},
            {"bpc", v.loss.bits_per_char()},
            {"tokens", v.loss.tokens},
            {"elapsed_s", elapsed + validation_s},
            {"train_s", elapsed - validation_s_}};
  if (v.score) line[v.score_name] = *v.score;
  outputs_.metrics.write(line);
}

Trainer::RootClock Trainer::read_root_clock(double elapsed) const {
  const CheckpointPolicy& policy = options_.checkpoint;
  const bool timed = options_.max_minutes > 0 || policy.every_minutes > 0;
  Tensor flags = Tensor::from_vector<double>(
      {options_.max_minutes > 0 && elapsed >= 60.0 * options_.max_minutes ? 1.0 : 0.0,
       policy.every_minutes > 0 && seconds_since(last_checkpoint_) >= 60.0 * policy.every_minutes
           ? 1.0
           : 0.0},
      {2});
  if (timed && comm_.world_size() > 1) comm_.broadcast(flags, 0);
  return {flags.data<double>()[0] > 0, flags.data<double>()[1] > 0};
}

std::optional<StopReason> Trainer::limit_reached(int64_t step, const RootClock& clock) const {
  if (options_.max_steps > 0 && step >= options_.max_steps) return StopReason::MaxSteps;
  if (options_.max_epochs > 0 && task_.epochs_done() >= options_.max_epochs) {
    return StopReason::MaxEpochs;
  }
  if (clock.out_of_time) return StopReason::TimeBudget;
  return std::nullopt;
}

std::optional<StopReason> Trainer::train_one_step(int64_t step, Interval& interval,
                                                  std::optional<Validation>& validation) {
  const bool stop_signal = run_step(step, interval);
  const double elapsed = seconds_since(start_);
  if (step == first_step_) record_memory(step, "first step");
  if (step % options_.log_every == 0 && interval.skipped == interval.steps) {
    // No loss or gradient norm to show (training.nonfinite: skip).
    log::info("step ", step, " | the ", interval.steps, " steps since the last line were skipped");
    interval = Interval{};
  } else if (step % options_.log_every == 0) {
    log_progress(step, interval, elapsed);
  }
  validation.reset();
  if (stop_signal) {
    if (writer_) {
      check_unlogged_steps(step, interval);
      write_checkpoint(step, false, std::nullopt);
    }
    return StopReason::Signal;
  }
  if (validation_due(step)) {
    validation = validate(step, elapsed);
    if (options_.patience > 0 && validations_without_improvement_ >= options_.patience) {
      return StopReason::EarlyStopping;
    }
  }
  // Rank 0's clock decides the time budget and timed checkpoints, so every rank agrees.
  const RootClock clock = read_root_clock(elapsed);
  const CheckpointPolicy& policy = options_.checkpoint;
  if (writer_ &&
      ((policy.every_steps > 0 && step % policy.every_steps == 0) || clock.checkpoint_due)) {
    check_unlogged_steps(step, interval);
    write_checkpoint(step, policy.async, validation);
    last_checkpoint_ = Clock::now();
  }
  return limit_reached(step, clock);
}

void Trainer::record_memory(int64_t step, const char* when) {
  const ProcessMemory memory = process_memory();
  const double since_start = seconds_since_process_start();
  outputs_.rank_metrics.write(Json{{"type", "memory"},
                                   {"step", step},
                                   {"when", when},
                                   {"since_start_s", std::round(since_start * 1000) / 1000},
                                   {"rss_anon_mb", memory.anon_mb},
                                   {"rss_file_mb", memory.file_mb},
                                   {"peak_rss_mb", memory.peak_mb},
                                   {"rss_store_mb", memory.store_mb}});
  log::info(when, " (step ", step, ") ", std::round(since_start * 100) / 100,
            " s after the process started; memory: ", static_cast<int64_t>(memory.anon_mb),
            " MB anonymous, ", static_cast<int64_t>(memory.file_mb), " MB file-backed (",
            std::round(memory.store_mb * 10) / 10, " MB of token stores), peak ",
            static_cast<int64_t>(memory.peak_mb), " MB");
}

TrainResult Trainer::run() {
  StopSignals signals;
  start_ = last_checkpoint_ = Clock::now();
  int64_t step = first_step_ - 1;
  std::optional<StopReason> reason;
  // A run resumed after its last step (a requeued job that had finished) trains no further.
  if (options_.max_steps > 0 && step >= options_.max_steps) {
    log::info("the run already reached training.max_steps (", options_.max_steps, ")");
    reason = StopReason::MaxSteps;
  }
  Interval interval;
  std::optional<Validation> validation;  // of the last step run, if it validated
  while (!reason)
    reason = train_one_step(++step, interval, validation);
  check_unlogged_steps(step, interval);
  return finish(step, *reason, validation.has_value());
}

TrainResult Trainer::finish(int64_t step, StopReason reason, bool validated_last_step) {
  TrainResult result{step, reason, reason == StopReason::Signal ? StopSignals::received() : 0, 0};
  if (task_.has_validation() && !validated_last_step && reason != StopReason::Signal) {
    validate(step, seconds_since(start_));
  }
  if (writer_) {
    writer_->wait();
    if (options_.checkpoint.async)
      log::info("asynchronous checkpoints: training waited ", checkpoint_stall_s_, " s in total");
  }
  result.seconds = seconds_since(start_);
  record_memory(step, "end");
  const double clipped = clipped_steps_.item();
  const int64_t steps_here = step - first_step_ + 1;
  if (options_.clip_norm > 0 && steps_here > 0) {
    log::info("gradient clipping scaled the gradients of ", clipped, " of ", steps_here, " steps (",
              std::lround(100 * clipped / static_cast<double>(steps_here)), "%)");
  }
  if (comm_.is_root()) {
    outputs_.save("final", step);
    outputs_.metrics.write(Json{{"type", "end"},
                                {"step", step},
                                {"reason", stop_reason_text(reason)},
                                {"elapsed_s", result.seconds},
                                {"train_s", result.seconds - validation_s_},
                                {"skipped_steps", skipped_steps_},
                                {"clipped_steps", static_cast<int64_t>(clipped)},
                                {"steps_this_process", steps_here}});
  }
  if (skipped_steps_ > 0) {
    log::info("skipped ", skipped_steps_, " steps whose loss or gradient norm was not finite");
  }
  log::info("stopped after ", step, " steps (", stop_reason_text(reason), ") in ",
            format_duration(result.seconds));
  return result;
}

}  // namespace recur
