#include <cstdio>
#include <filesystem>

#include "checkpoint/checkpoint.h"
#include "checkpoint/model_file.h"
#include "commands.h"
#include "model_io.h"

namespace recur::cli {

namespace {

namespace fs = std::filesystem;

int64_t directory_bytes(const std::string& path) {
  int64_t bytes = 0;
  for (const auto& entry : fs::directory_iterator(path)) {
    if (entry.is_regular_file()) bytes += static_cast<int64_t>(entry.file_size());
  }
  return bytes;
}

double megabytes(int64_t bytes) {
  return static_cast<double>(bytes) / (1 << 20);
}

// A run directory, its checkpoints folder, or a folder of checkpoints.
std::string checkpoints_folder(const std::string& path) {
  const fs::path nested = fs::path(path) / "checkpoints";
  return fs::is_directory(nested) ? nested.string() : path;
}

void list(const std::string& path) {
  const std::string folder = checkpoints_folder(path);
  const std::vector<CheckpointRef> all = list_checkpoints(folder);
  RECUR_CHECK(!all.empty(), "no committed checkpoint in ", folder);
  std::printf("%-16s %8s %6s %10s %-28s  %s\n", "checkpoint", "step", "ranks", "MB", "validation",
              "status");
  for (const CheckpointRef& c : all) {
    const CheckpointCheck check = verify_checkpoint(c.path, false);
    const CheckpointManifest m = read_manifest(c.path);
    std::string validation;
    for (const auto& [name, value] : m.validation)
      validation += concat(validation.empty() ? "" : " ", name, " ", value);
    std::printf("%-16s %8lld %6d %10.1f %-28s  %s\n", fs::path(c.path).filename().c_str(),
                static_cast<long long>(c.step), m.world_size, megabytes(directory_bytes(c.path)),
                validation.empty() ? "-" : validation.c_str(),
                check.ok ? "ok" : ("damaged: " + check.problem).c_str());
  }
}

void inspect(const std::string& path) {
  RECUR_CHECK(is_checkpoint(path), path,
              " is not a checkpoint directory (it has no manifest.json)");
  const CheckpointManifest m = read_manifest(path);
  const TrainingState state = read_training_state(path);
  std::printf("checkpoint %s\n  step %lld, written by %d rank%s, %s\n", path.c_str(),
              static_cast<long long>(m.step), m.world_size, m.world_size == 1 ? "" : "s",
              m.recur_version.c_str());
  for (const auto& [name, value] : m.validation)
    std::printf("  %s %.6f\n", name.c_str(), value);
  std::printf("files:\n");
  for (const auto& f : m.files) {
    std::printf("  %-28s %12lld bytes  hash %s\n", f.name.c_str(), static_cast<long long>(f.bytes),
                f.hash.c_str());
  }
  std::printf("parameters:\n");
  int64_t total = 0;
  for (const auto& [name, tensor] : read_parameters(path)) {
    std::printf("  %-32s %s\n", name.c_str(), tensor.shape().str().c_str());
    total += tensor.numel();
  }
  std::printf("  (%lld values)\nstate:\n", static_cast<long long>(total));
  for (const auto& [name, value] : state.scalars)
    std::printf("  %-32s %.17g\n", name.c_str(), value);
  for (const auto& [name, tensor] : state.tensors)
    std::printf("  %-32s %s\n", name.c_str(), tensor.shape().str().c_str());
  std::printf("  vocabulary: %zu tokens (%s)\n", state.identity.vocab.size(),
              state.identity.tokenizer.c_str());
}

void verify(const std::string& path) {
  RECUR_CHECK(is_checkpoint(path), path,
              " is not a checkpoint directory (it has no manifest.json)");
  const CheckpointCheck check = verify_checkpoint(path, true);
  RECUR_CHECK(check.ok, "checkpoint ", path, " is damaged: ", check.problem);
  const CheckpointManifest m = read_manifest(path);
  std::printf("ok: %s (step %lld, %zu files, %.1f MB; sizes, hashes and HDF5 checksums verified)\n",
              path.c_str(), static_cast<long long>(m.step), m.files.size(),
              megabytes(directory_bytes(path)));
}

void export_model(const std::string& path, const std::string& out) {
  RECUR_CHECK(is_checkpoint(path), path,
              " is not a checkpoint directory (it has no manifest.json)");
  const CheckpointCheck check = verify_checkpoint(path, false);
  RECUR_CHECK(check.ok, "checkpoint ", path, " is damaged: ", check.problem);
  const ModelSource source = read_model_source(path);
  ParameterStore store;
  for (const auto& [name, tensor] : source.params)
    store.declare(name, tensor.shape(), Init::zeros());
  store.materialize(DType::F32, 0);
  assign_parameters(source.params, store, path);
  save_model(out, source.identity, store, source.step);
  std::printf("wrote %s: %zu parameters of step %lld\n", out.c_str(), source.params.size(),
              static_cast<long long>(source.step));
}

}  // namespace

void add_ckpt_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("ckpt", "list, inspect, verify and export checkpoints");
  cmd->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_subcommand("list", "the checkpoints of a run, newest first, with their status")
      ->callback([path] { list(*path); })
      ->add_option("path", *path, "run directory or checkpoints folder")
      ->required();
  cmd->add_subcommand("inspect", "what a checkpoint holds")
      ->callback([path] { inspect(*path); })
      ->add_option("path", *path, "checkpoint directory")
      ->required();
  cmd->add_subcommand("verify", "check sizes, hashes and every dataset of a checkpoint")
      ->callback([path] { verify(*path); })
      ->add_option("path", *path, "checkpoint directory")
      ->required();
  CLI::App* exp = cmd->add_subcommand(
      "export", "write the parameters as one model file (for eval, sample, h5py)");
  exp->add_option("path", *path, "checkpoint directory")->required();
  exp->add_option("out", *out, "model file to write (.h5)")->required();
  exp->callback([path, out] { export_model(*path, *out); });
}

}  // namespace recur::cli
