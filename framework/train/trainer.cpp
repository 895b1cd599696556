#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/log.h"

namespace recur {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

LossTotals all_reduce(Communicator& comm, LossTotals totals) {
  double values[3] = {totals.nll, totals.tokens, totals.chars};
  comm.all_reduce_sum(values, 3);
  return {values[0], values[1], values[2]};
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
  }
  return "";
}

struct Trainer::Interval {
  LossTotals totals;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

Trainer::Trainer(TrainingTask& task, ParameterStore& params, Optimizer& optimizer,
                 LrSchedule& schedule, Communicator& comm, const TrainerOptions& options,
                 MetricsFile& metrics, SaveHook save)
    : task_(task),
      params_(params),
      optimizer_(optimizer),
      schedule_(schedule),
      comm_(comm),
      options_(options),
      metrics_(metrics),
      save_(std::move(save)) {
  RECUR_CHECK(options.max_steps > 0 || options.max_epochs > 0 || options.max_minutes > 0,
              "no stopping point: set training.max_steps, training.max_epochs or "
              "training.max_minutes");
}

double Trainer::progress(int64_t step, double elapsed) const {
  double p = 0.0;
  if (options_.max_steps > 0)
    p = std::max(p, static_cast<double>(step) / static_cast<double>(options_.max_steps));
  if (options_.max_epochs > 0) p = std::max(p, task_.epochs_done() / options_.max_epochs);
  if (options_.max_minutes > 0) p = std::max(p, elapsed / (60.0 * options_.max_minutes));
  return std::min(p, 1.0);
}

double Trainer::run_step(int64_t step, LossTotals& totals) {
  params_.zero_grad();
  LossTotals local = task_.train_step(step);
  comm_.all_reduce_sum(params_.grads());
  totals = all_reduce(comm_, local);
  const double grad_norm = clip_grad_norm(params_, options_.clip_norm);
  RECUR_CHECK(std::isfinite(totals.nll) && std::isfinite(grad_norm), "training diverged at step ",
              step, ": loss ", totals.loss(), ", gradient norm ", grad_norm,
              " (try a lower optimizer.lr or set training.clip_norm)");
  const double lr = schedule_.lr(step) * task_.lr_scale();
  optimizer_.step(lr);
  return grad_norm;
}

void Trainer::log_progress(int64_t step, double lr, double grad_norm, Interval& interval,
                           double elapsed) {
  const double seconds = seconds_since(interval.start);
  const double tokens_per_s = interval.totals.tokens / std::max(seconds, 1e-9);
  const double done = progress(step, elapsed);
  const double eta = done > 0 ? elapsed * (1.0 - done) / done : 0.0;
  char head[96];
  std::snprintf(head, sizeof(head), "step %7lld | epoch %.2f | ", static_cast<long long>(step),
                task_.epochs_done());
  char tail[160];
  std::snprintf(tail, sizeof(tail), " | lr %.2e | gnorm %.3f | %s tok/s | ETA %s", lr, grad_norm,
                format_rate(tokens_per_s).c_str(), format_duration(eta).c_str());
  log::info(head, figures(interval.totals, options_.show_bpc), tail);
  metrics_.write(JsonLine()
                     .add("type", std::string("train"))
                     .add("step", step)
                     .add("epoch", task_.epochs_done())
                     .add("loss", interval.totals.loss())
                     .add("ppl", interval.totals.perplexity())
                     .add("bpc", interval.totals.bits_per_char())
                     .add("lr", lr)
                     .add("grad_norm", grad_norm)
                     .add("tokens_per_s", tokens_per_s)
                     .add("elapsed_s", elapsed));
  interval = Interval{};
}

bool Trainer::validate(int64_t step, TrainResult& result) {
  const LossTotals totals = all_reduce(comm_, task_.validate());
  result.last_validation = totals;
  schedule_.on_validation(totals.loss());
  const bool improved =
      result.best_validation.tokens == 0 || totals.loss() < result.best_validation.loss();
  log::info("valid   step ", step, " | ", figures(totals, options_.show_bpc),
            improved ? " | best so far" : "");
  metrics_.write(JsonLine()
                     .add("type", std::string("valid"))
                     .add("step", step)
                     .add("epoch", task_.epochs_done())
                     .add("loss", totals.loss())
                     .add("ppl", totals.perplexity())
                     .add("bpc", totals.bits_per_char())
                     .add("tokens", totals.tokens));
  RECUR_CHECK(std::isfinite(totals.nll), "validation loss is not finite at step ", step);
  if (improved) {
    result.best_validation = totals;
    result.best_step = step;
    validations_without_improvement_ = 0;
    save_("best", step);
    return false;
  }
  validations_without_improvement_ += 1;
  return options_.patience > 0 && validations_without_improvement_ >= options_.patience;
}

TrainResult Trainer::run() {
  const auto start = std::chrono::steady_clock::now();
  TrainResult result;
  Interval interval;
  int64_t step = 0;
  bool validated_last_step = false;
  for (;;) {
    ++step;
    LossTotals totals;
    const double grad_norm = run_step(step, totals);
    interval.totals += totals;
    const double elapsed = seconds_since(start);
    validated_last_step = false;
    if (step % options_.log_every == 0) {
      result.last_train = interval.totals;
      log_progress(step, schedule_.lr(step) * task_.lr_scale(), grad_norm, interval, elapsed);
    }
    if (options_.validate_every > 0 && step % options_.validate_every == 0 &&
        task_.has_validation()) {
      validated_last_step = true;
      if (validate(step, result)) {
        result.reason = StopReason::EarlyStopping;
        break;
      }
    }
    if (options_.max_steps > 0 && step >= options_.max_steps) {
      result.reason = StopReason::MaxSteps;
      break;
    }
    if (options_.max_epochs > 0 && task_.epochs_done() >= options_.max_epochs) {
      result.reason = StopReason::MaxEpochs;
      break;
    }
    if (options_.max_minutes > 0 && elapsed >= 60.0 * options_.max_minutes) {
      result.reason = StopReason::TimeBudget;
      break;
    }
  }
  if (interval.totals.tokens > 0) result.last_train = interval.totals;
  if (task_.has_validation() && !validated_last_step) validate(step, result);
  result.steps = step;
  result.seconds = seconds_since(start);
  save_("final", step);
  log::info("stopped after ", step, " steps (", stop_reason_text(result.reason), ") in ",
            format_duration(result.seconds));
  return result;
}

}  // namespace recur
