#include "train/trainer.h"

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "checkpoint/file_hash.h"
#include "core/log.h"
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
  const Tensor host = values.on(Device::cpu());
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
  LossTotals totals;  // all ranks
  LossTotals local;   // this rank
  double compute_s = 0, comm_s = 0, exposed_s = 0;
  int64_t steps = 0;
  Clock::time_point start = Clock::now();
};

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
      reducer_(params, comm, options.bucket_bytes) {
  RECUR_CHECK(options.max_steps > 0 || options.max_epochs > 0 || options.max_minutes > 0,
              "no stopping point: set training.max_steps, training.max_epochs or "
              "training.max_minutes");
  synchronise_start();
  const CheckpointPolicy& policy = options.checkpoint;
  if (!policy.directory.empty()) {
    // A token of this job, the same on every rank, names its temporary checkpoint directories.
    const auto mine = static_cast<uint64_t>(Clock::now().time_since_epoch().count()) ^
                      static_cast<uint64_t>(::getpid());
    const uint64_t attempt = gather_hashes(comm_, mine)[0];
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

void Trainer::write_checkpoint(int64_t step, bool async,
                               const std::map<std::string, double>& validation) {
  TrainingState state = outputs_.identity;
  state.step = step;
  const LrSchedule::State& schedule = schedule_.state();
  state.scalars = {
      {"optimizer/steps", static_cast<double>(optimizer_.steps())},
      {"schedule/plateau_scale", schedule.plateau_scale},
      {"schedule/best_loss", schedule.best_loss},
      {"schedule/has_best", schedule.has_best ? 1.0 : 0.0},
      {"schedule/bad_validations", static_cast<double>(schedule.bad_validations)},
      {"trainer/has_best", has_best_ ? 1.0 : 0.0},
      {"trainer/best_metric", best_metric_},
      {"trainer/best_nll", best_validation_.nll},
      {"trainer/best_tokens", best_validation_.tokens},
      {"trainer/best_chars", best_validation_.chars},
      {"trainer/best_step", static_cast<double>(best_validation_step_)},
      {"trainer/bad_validations", static_cast<double>(validations_without_improvement_)}};
  if (best_score_) state.scalars["trainer/best_score"] = *best_score_;
  task_.save_state(state);
  const CheckpointPolicy& policy = options_.checkpoint;
  // The keep-best metric of this checkpoint (higher is better), when it was validated.
  std::optional<double> metric;
  for (const auto& [name, value] : validation) {
    if (policy.keep_best == CheckpointPolicy::KeepBest::Loss && name == "valid_loss")
      metric = -value;
    if (policy.keep_best == CheckpointPolicy::KeepBest::Score && name != "valid_loss")
      metric = value;
  }
  if (metric && (best_checkpoint_step_ == 0 || *metric > best_checkpoint_metric_)) {
    best_checkpoint_step_ = step;
    best_checkpoint_metric_ = *metric;
  }
  state.scalars["trainer/best_checkpoint_step"] = static_cast<double>(best_checkpoint_step_);
  state.scalars["trainer/best_checkpoint_metric"] = best_checkpoint_metric_;
  const auto start = Clock::now();
  writer_->write(params_, flat_buffers(), std::move(state), async, validation, policy.keep_last,
                 policy.keep_best != CheckpointPolicy::KeepBest::None ? best_checkpoint_step_ : 0);
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
  const auto& s = state.scalars;
  optimizer_.restore_steps(static_cast<int64_t>(s.at("optimizer/steps")));
  schedule_.restore({s.at("schedule/plateau_scale"), s.at("schedule/best_loss"),
                     s.at("schedule/has_best") != 0,
                     static_cast<int64_t>(s.at("schedule/bad_validations"))});
  has_best_ = s.at("trainer/has_best") != 0;
  best_metric_ = s.at("trainer/best_metric");
  best_validation_ = {s.at("trainer/best_nll"), s.at("trainer/best_tokens"),
                      s.at("trainer/best_chars")};
  if (s.count("trainer/best_score")) best_score_ = s.at("trainer/best_score");
  best_validation_step_ = static_cast<int64_t>(s.at("trainer/best_step"));
  validations_without_improvement_ = static_cast<int64_t>(s.at("trainer/bad_validations"));
  best_checkpoint_step_ = static_cast<int64_t>(s.at("trainer/best_checkpoint_step"));
  best_checkpoint_metric_ = s.at("trainer/best_checkpoint_metric");
  task_.restore_state(state);
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

Trainer::StepResult Trainer::run_step(int64_t step, Interval& interval) {
  params_.zero_grad();
  const auto compute_start = Clock::now();
  const LossTotals local = task_.train_step(step, reducer_);
  interval.compute_s += seconds_since(compute_start);
  const ReducerTimings comm = reducer_.finish();
  interval.comm_s += comm.comm_s;
  interval.exposed_s += comm.exposed_s;

  // One small all-reduce per step: the loss sums and whether any rank was asked to stop.
  Tensor sums = Tensor::from_vector<double>(
      {local.nll, local.tokens, local.chars, StopSignals::received() != 0 ? 1.0 : 0.0}, {4});
  comm_.all_reduce(sums, ReduceOp::Sum, "all-reduce of the step's loss");
  StepResult r;
  r.totals = {sums.item(0), sums.item(1), sums.item(2)};
  r.stop = sums.item(3) > 0;
  interval.local += local;
  interval.totals += r.totals;
  interval.steps += 1;

  r.grad_norm = clip_grad_norm(params_, options_.clip_norm);
  RECUR_CHECK(std::isfinite(r.totals.nll) && std::isfinite(r.grad_norm),
              "training diverged at step ", step, ": loss ", r.totals.loss(), ", gradient norm ",
              r.grad_norm, " (try a lower optimizer.lr or set training.clip_norm)");
  if (writer_) {
    // An asynchronous checkpoint must have copied the parameters before they change.
    checkpoint_stall_s_ += writer_->snapshot_taken();
    writer_->check();
  }
  optimizer_.step(schedule_.lr(step) * task_.lr_scale());
  return r;
}

void Trainer::log_progress(int64_t step, double lr, double grad_norm, Interval& interval,
                           double elapsed) {
  const double seconds = seconds_since(interval.start);
  const double tokens_per_s = interval.totals.tokens / std::max(seconds, 1e-9);
  const double done = progress(step, elapsed);
  const double eta = done > 0 ? elapsed * (1.0 - done) / done : 0.0;
  const double per_step_ms = 1e3 / static_cast<double>(std::max<int64_t>(interval.steps, 1));
  char head[96];
  std::snprintf(head, sizeof(head), "step %7lld | epoch %.2f | ", static_cast<long long>(step),
                task_.epochs_done());
  char tail[160];
  std::snprintf(tail, sizeof(tail), " | lr %.2e | gnorm %.3f | %s tok/s | ETA %s", lr, grad_norm,
                format_rate(tokens_per_s).c_str(), format_duration(eta).c_str());
  log::info(head, figures(interval.totals, options_.show_bpc), tail);
  if (comm_.is_root()) {
    outputs_.metrics.write(JsonLine()
                               .add("type", std::string("train"))
                               .add("step", step)
                               .add("epoch", task_.epochs_done())
                               .add("loss", interval.totals.loss())
                               .add("ppl", interval.totals.perplexity())
                               .add("bpc", interval.totals.bits_per_char())
                               .add("lr", lr)
                               .add("grad_norm", grad_norm)
                               .add("tokens", interval.totals.tokens)
                               .add("tokens_per_s", tokens_per_s)
                               .add("compute_ms", interval.compute_s * per_step_ms)
                               .add("comm_ms", interval.comm_s * per_step_ms)
                               .add("exposed_comm_ms", interval.exposed_s * per_step_ms)
                               .add("elapsed_s", elapsed));
  }
  const TrainingTask::Shard shard = task_.shard();
  outputs_.rank_metrics.write(JsonLine()
                                  .add("type", std::string("rank"))
                                  .add("step", step)
                                  .add("rank", static_cast<int64_t>(comm_.rank()))
                                  .add("first_example", shard.first)
                                  .add("examples", shard.count)
                                  .add("tokens", interval.local.tokens)
                                  .add("loss", interval.local.loss())
                                  .add("compute_ms", interval.compute_s * per_step_ms)
                                  .add("comm_ms", interval.comm_s * per_step_ms)
                                  .add("exposed_comm_ms", interval.exposed_s * per_step_ms));
  interval = Interval{};
}

bool Trainer::validate(int64_t step, TrainResult& result, double elapsed) {
  const auto start = Clock::now();
  const TrainingTask::Validation local = task_.validate();
  Tensor sums =
      Tensor::from_vector<double>({local.loss.nll, local.loss.tokens, local.loss.chars}, {3});
  comm_.all_reduce(sums, ReduceOp::Sum, "all-reduce of the validation loss");
  const double validation_s = seconds_since(start);
  const LossTotals totals{sums.item(0), sums.item(1), sums.item(2)};
  result.last_validation = totals;
  result.last_score = local.score;
  schedule_.on_validation(totals.loss());
  // The task's score decides the best model when it has one, else the loss.
  const double metric = local.score ? *local.score : -totals.loss();
  const bool improved = !has_best_ || metric > best_metric_;
  const std::string score =
      local.score ? concat(" | ", local.score_name, " ", log::fixed(*local.score, 2)) : "";
  log::info("valid   step ", step, " | ", figures(totals, options_.show_bpc), score,
            improved ? " | best so far" : "");
  if (comm_.is_root()) {
    JsonLine line;
    line.add("type", std::string("valid"))
        .add("step", step)
        .add("epoch", task_.epochs_done())
        .add("loss", totals.loss())
        .add("ppl", totals.perplexity())
        .add("bpc", totals.bits_per_char())
        .add("tokens", totals.tokens)
        // Wall time since the start, and the part of it spent training: validation costs differ
        // between models, so comparisons plot against the training time.
        .add("elapsed_s", elapsed + validation_s)
        .add("train_s", elapsed - validation_s_);
    if (local.score) line.add(local.score_name, *local.score);
    outputs_.metrics.write(line);
  }
  validation_s_ += validation_s;
  RECUR_CHECK(std::isfinite(totals.nll), "validation loss is not finite at step ", step);
  if (improved) {
    has_best_ = true;
    best_metric_ = metric;
    best_validation_ = totals;
    best_score_ = local.score;
    best_validation_step_ = step;
    validations_without_improvement_ = 0;
    if (comm_.is_root()) outputs_.save("best", step);
    return false;
  }
  validations_without_improvement_ += 1;
  return options_.patience > 0 && validations_without_improvement_ >= options_.patience;
}

TrainResult Trainer::run() {
  StopSignals signals;
  const auto start = Clock::now();
  auto last_checkpoint = start;
  const CheckpointPolicy& policy = options_.checkpoint;
  TrainResult result;
  Interval interval;
  int64_t step = first_step_ - 1;
  bool validated_last_step = false;
  // A run resumed after its last step (a requeued job that had finished) trains no further.
  const bool finished = options_.max_steps > 0 && step >= options_.max_steps;
  if (finished) log::info("the run already reached training.max_steps (", options_.max_steps, ")");
  for (; !finished;) {
    ++step;
    const StepResult r = run_step(step, interval);
    const double elapsed = seconds_since(start);
    validated_last_step = false;
    if (step % options_.log_every == 0) {
      result.last_train = interval.totals;
      log_progress(step, schedule_.lr(step) * task_.lr_scale(), r.grad_norm, interval, elapsed);
    }
    if (r.stop) {
      result.reason = StopReason::Signal;
      result.stop_signal = StopSignals::received();
      if (writer_) write_checkpoint(step, false, {});
      break;
    }
    std::map<std::string, double> validation;
    if (options_.validate_every > 0 && step % options_.validate_every == 0 &&
        task_.has_validation()) {
      validated_last_step = true;
      const bool stop_early = validate(step, result, elapsed);
      validation["valid_loss"] = result.last_validation.loss();
      if (result.last_score) validation["valid_score"] = *result.last_score;
      if (stop_early) {
        result.reason = StopReason::EarlyStopping;
        break;
      }
    }
    // Rank 0's clock decides the time budget and timed checkpoints, so every rank agrees.
    Tensor clock = Tensor::from_vector<double>(
        {options_.max_minutes > 0 && elapsed >= 60.0 * options_.max_minutes ? 1.0 : 0.0,
         policy.every_minutes > 0 && seconds_since(last_checkpoint) >= 60.0 * policy.every_minutes
             ? 1.0
             : 0.0},
        {2});
    if ((options_.max_minutes > 0 || policy.every_minutes > 0) && comm_.world_size() > 1) {
      comm_.broadcast(clock, 0);
    }
    if (writer_ &&
        ((policy.every_steps > 0 && step % policy.every_steps == 0) || clock.item(1) > 0)) {
      write_checkpoint(step, policy.async, validation);
      last_checkpoint = Clock::now();
    }
    if (options_.max_steps > 0 && step >= options_.max_steps) {
      result.reason = StopReason::MaxSteps;
      break;
    }
    if (options_.max_epochs > 0 && task_.epochs_done() >= options_.max_epochs) {
      result.reason = StopReason::MaxEpochs;
      break;
    }
    if (clock.item(0) > 0) {
      result.reason = StopReason::TimeBudget;
      break;
    }
  }
  if (interval.totals.tokens > 0) result.last_train = interval.totals;
  if (task_.has_validation() && !validated_last_step && result.reason != StopReason::Signal) {
    validate(step, result, seconds_since(start));
  }
  if (writer_) {
    writer_->wait();
    if (policy.async)
      log::info("asynchronous checkpoints: training waited ", checkpoint_stall_s_, " s in total");
  }
  result.steps = step;
  result.seconds = seconds_since(start);
  result.best_validation = best_validation_;
  result.best_score = best_score_;
  result.best_step = best_validation_step_;
  if (comm_.is_root()) {
    outputs_.save("final", step);
    outputs_.metrics.write(JsonLine()
                               .add("type", std::string("end"))
                               .add("step", step)
                               .add("reason", std::string(stop_reason_text(result.reason)))
                               .add("elapsed_s", result.seconds)
                               .add("train_s", result.seconds - validation_s_));
  }
  log::info("stopped after ", step, " steps (", stop_reason_text(result.reason), ") in ",
            format_duration(result.seconds));
  return result;
}

}  // namespace recur
