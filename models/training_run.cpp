#include "training_run.h"

#include <unistd.h>

#include <fstream>
#include <optional>

#include "checkpoint/model_file.h"
#include "core/host.h"
#include "core/log.h"
#include "core/threads.h"
#include "data/word_vectors.h"
#include "dist/placement.h"
#include "kernels/matmul_precision.h"
#include "model_io.h"
#include "registry.h"
#include "train/shared_run_dir.h"

namespace recur {

namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  RECUR_CHECK(out.good(), "cannot write ", path.string());
}

// Creates the run directory; refuses one that already holds a trained model unless it may be
// reused; removes an earlier run's results unless they continue.
void prepare_run_directory(ExperimentConfig& config, bool reuse, bool continuing) {
  const fs::path dir = config.run_dir;
  if (!reuse) {
    for (const char* name : {"model.h5", "model.best.h5"}) {
      RECUR_CHECK(!fs::exists(dir / name), "run directory ", dir.string(), " already holds a ",
                  "trained model (", name, "); set another run_dir, pass --overwrite, or --resume");
    }
  }
  fs::create_directories(dir);
  if (!continuing) {
    // Collected first: removing while iterating skips entries.
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with("metrics") || name.starts_with("model.") || name == "checkpoints") {
        stale.push_back(entry.path());
      }
    }
    for (const fs::path& p : stale)
      fs::remove_all(p);
  }
  write_text(dir / "config.yaml", "# " + recur_version_text() + "\n" + config.to_yaml());
  write_text(dir / "VERSION", recur_version_text() + "\n");
}

// The checkpoint to resume from ("" for a new run): rank 0 chooses and verifies it, every rank
// gets its step.
std::string choose_checkpoint(const std::string& resume, const fs::path& directory,
                              Communicator& comm) {
  if (resume.empty()) return "";
  Tensor chosen = Tensor::full({1}, DType::F64, -1.0);
  if (comm.is_root()) {
    if (resume == "auto") {
      for (const CheckpointRef& c : list_checkpoints(directory.string())) {
        const CheckpointCheck check = verify_checkpoint(c.path, false);
        if (check.ok) {
          chosen.fill(static_cast<double>(c.step));
          break;
        }
        log::warn("checkpoint ", c.path, " is damaged (", check.problem,
                  "); falling back to the previous one");
      }
      if (chosen.item() < 0)
        log::info("--resume auto: no checkpoint in ", directory.string(), "; starting a new run");
    } else {
      RECUR_CHECK(is_checkpoint(resume), "cannot resume from ", resume,
                  ": not a checkpoint directory (it has no manifest.json)");
      const CheckpointCheck check = verify_checkpoint(resume, false);
      RECUR_CHECK(check.ok, "cannot resume from ", resume, ": ", check.problem);
      chosen.fill(static_cast<double>(read_manifest(resume).step));
    }
  }
  comm.broadcast(chosen, 0);
  if (chosen.item() < 0) return "";
  return resume == "auto"
             ? (directory / checkpoint_name(static_cast<int64_t>(chosen.item()))).string()
             : resume;
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& c, ParameterStore& store) {
  if (c.type == OptimizerType::Sgd) {
    return std::make_unique<Sgd>(store, SgdOptions{c.momentum, c.weight_decay, c.nesterov});
  }
  return std::make_unique<Adam>(store, AdamOptions{c.betas[0], c.betas[1], c.eps, c.weight_decay,
                                                   c.type == OptimizerType::AdamW});
}

TrainerOptions trainer_options(const ExperimentConfig& c, const ModelJob& job) {
  TrainerOptions o;
  o.max_steps = c.training.max_steps;
  o.max_epochs = c.training.max_epochs;
  o.max_minutes = c.training.max_minutes;
  o.clip_norm = c.training.clip_norm;
  o.nonfinite = c.training.nonfinite;
  o.max_skipped = c.training.max_skipped;
  o.log_every = c.logging.every_steps;
  o.validate_every = c.validation.every_steps;
  o.patience = c.validation.patience;
  o.show_bpc = job.shows_bits_per_char();
  o.bucket_bytes = static_cast<int64_t>(c.distributed.bucket_mb * (1 << 20));
  o.checkpoint.every_steps = c.checkpoint.every_steps;
  o.checkpoint.every_minutes = c.checkpoint.every_minutes;
  o.checkpoint.keep_last = c.checkpoint.keep_last;
  o.checkpoint.keep_best = c.checkpoint.keep_best_by;
  o.checkpoint.async = c.checkpoint.async;
  o.checkpoint.wait_timeout_s = c.distributed.collective_timeout_s;
  return o;
}

}  // namespace

std::unique_ptr<ModelJob> make_job(const ExperimentConfig& config) {
  return config.model_type().family->make_job();
}

namespace {

// Where a run starts from besides fresh weights: the checkpoint it resumes or the model it is
// initialised from, either of which gives the run's identity.
struct RunStart {
  std::string resume_from;  // a checkpoint directory, or empty
  std::optional<RunIdentity> identity;
  std::optional<ModelSource> initial;
};

RunStart choose_start(ExperimentConfig& config, Communicator& comm, const RunOptions& options,
                      const fs::path& checkpoints) {
  RECUR_CHECK(options.resume.empty() || options.init_from.empty(),
              "--resume and --init-from exclude each other");
  RunStart start;
  start.resume_from = choose_checkpoint(options.resume, checkpoints, comm);
  if (!start.resume_from.empty()) {
    start.identity = read_training_state(start.resume_from).identity;
    check_resume_compatible(start.identity->config_yaml, config);
  }
  if (!options.init_from.empty()) {
    start.initial = read_model_source(options.init_from);
    const std::string& type = start.initial->identity.model_type;
    RECUR_CHECK(type == config.model_type().name, "--init-from ", options.init_from, " holds a ",
                type, " model, the config a ", config.model_type().name);
    start.identity = start.initial->identity;
  }
  return start;
}

void open_run_log(const ExperimentConfig& config, Communicator& comm, const ThreadSetup& threads) {
  log::open_file((fs::path(config.run_dir) / concat("train.rank", comm.rank(), ".log")).string());
  log::info(recur_version_text(), ": training ", config.model_type().name, " in ", config.run_dir);
  log::info("rank ", comm.rank(), " of ", comm.world_size(), ", pid ", ::getpid(), "; ",
            comm.description());
  log::info("threads: ", threads.str());
}

// Every rank reads the file, so that a bad one ends every rank alike.
void start_from_word_vectors(const ModelJob::PretrainedEmbedding& e, ParameterStore& store) {
  const Parameter* table = store.find(e.parameter);
  RECUR_ASSERT(table != nullptr, "no parameter ", e.parameter, " for the word vectors");
  Tensor weight = table->var().value();  // a view of the flat buffer
  Tensor host = weight.to(Device::cpu());
  const WordVectorCoverage coverage = read_word_vectors(e.file, *e.vocab, host);
  weight.copy_from(host);
  log::info(e.parameter, ": ", coverage.str(e.file, weight.dim(1)));
}

void build_model(ModelJob& job, const ExperimentConfig& config, const RunOptions& options,
                 const RunStart& start, ParameterStore& store) {
  job.build(store);
  store.materialize(DType::F32, static_cast<uint64_t>(config.training.seed), options.device);
  log::info("model: ", store.parameter_count(), " parameters in ", store.parameters().size(),
            " tensors, on ", options.device.str());
  if (start.initial) {
    assign_parameters(start.initial->params, store, options.init_from);
    log::info("initialised the parameters from ", options.init_from, " (step ", start.initial->step,
              ")");
  } else if (start.resume_from.empty()) {  // a resumed run takes the checkpoint's values
    for (const ModelJob::PretrainedEmbedding& e : job.pretrained_embeddings())
      start_from_word_vectors(e, store);
  }
}

// Each rank's host, network namespace and MPI address in its log and metrics; rank 0 also prints
// the hosts (every rank's, in rank order) and their ranks.
void record_placement(Communicator& comm, MetricsFile& rank_metrics,
                      const std::vector<std::string>& hosts) {
  const RankPlacement place = RankPlacement::of_this_process();
  rank_metrics.write(place.json(comm.rank()));
  log::info("placement: host ", place.host, ", network namespace ", place.net_namespace,
            ", MPI address ", place.address.empty() ? "none" : place.address);
  if (comm.is_root()) log::info("hosts: ", hosts_summary(hosts));
}

void write_test_figures(MetricsFile& metrics, const ModelJob::Figures& test) {
  if (test.empty()) return;
  Json line{{"type", "test"}};
  for (const auto& [name, value] : test)
    line[name] = value;
  metrics.write(line);
}

}  // namespace

TrainResult run_training(ExperimentConfig& config, Communicator& comm, const RunOptions& options) {
  const ThreadSetup threads =
      configure_threads(static_cast<int>(config.training.threads), ranks_sharing_my_cores(comm));
  log::enable_console(comm.is_root());
  const fs::path dir = config.run_dir;
  const fs::path checkpoints = dir / "checkpoints";
  const RunStart start = choose_start(config, comm, options, checkpoints);
  if (comm.is_root()) {
    prepare_run_directory(config, options.overwrite || !options.resume.empty(),
                          !start.resume_from.empty());
  }
  comm.barrier();
  const std::vector<std::string> hosts = gather_texts(comm, host_name());
  check_shared_run_dir(comm, config.run_dir, hosts);
  open_run_log(config, comm, threads);

  std::unique_ptr<ModelJob> job = make_job(config);
  job->prepare(config, comm, dir, start.identity ? &*start.identity : nullptr);
  ParameterStore store;
  build_model(*job, config, options, start, store);
  set_matmul_precision(config.training.precision);
  std::unique_ptr<Optimizer> optimizer = make_optimizer(config.optimizer, store);
  LrSchedule schedule(config.schedule.spec(config.optimizer.lr, config.training.max_steps));
  std::unique_ptr<TrainingTask> task = job->task(config, comm);
  MetricsFile metrics;
  if (comm.is_root()) metrics = MetricsFile((dir / "metrics.jsonl").string());
  MetricsFile rank_metrics((dir / concat("metrics.rank", comm.rank(), ".jsonl")).string());
  record_placement(comm, rank_metrics, hosts);
  metrics.write(Json{{"type", "run"},
                     {"model_type", config.model_type().name},
                     {"parameters", store.parameter_count()},
                     {"ranks", static_cast<int64_t>(comm.world_size())},
                     {"threads_per_rank", static_cast<int64_t>(threads.threads)},
                     {"precision", matmul_precision_name(config.training.precision)}});
  const RunIdentity run = job->identity(config);
  auto save = [&](const std::string& which, int64_t step) {
    save_model((dir / (which == "best" ? "model.best.h5" : "model.h5")).string(), run, store, step);
  };
  TrainerOptions trainer_config = trainer_options(config, *job);
  trainer_config.checkpoint.directory = checkpoints.string();
  Trainer trainer(*task, store, *optimizer, schedule, comm, trainer_config,
                  {metrics, rank_metrics, save, run});
  if (!start.resume_from.empty()) trainer.restore(start.resume_from);
  TrainResult result = trainer.run();
  if (result.reason != StopReason::Signal)
    write_test_figures(metrics, job->evaluate_test(config, comm, *task));
  log::close_file();
  return result;
}

}  // namespace recur
