// recur: train, evaluate and sample sequence models.
#include <sys/stat.h>

#include <cstdio>
#include <exception>

#include "commands.h"
#include "core/error.h"
#include "model_io.h"

int main(int argc, char** argv) {
  // Files recur writes are 0644 and folders 0755, less what the umask takes away: never group- or
  // world-writable, whatever creates them (HDF5, streams, mkdir), even under umask 000.
  ::umask(::umask(0) | 022);
  CLI::App app("recur: data-parallel training of recurrent and attention sequence models");
  app.require_subcommand(1);
  app.set_version_flag("--version", recur::recur_version_text());
  int exit_code = 0;
  recur::cli::add_train_command(app, exit_code);
  recur::cli::add_eval_command(app);
  recur::cli::add_sample_command(app);
  recur::cli::add_bench_command(app);
  recur::cli::add_config_command(app);
  recur::cli::add_ckpt_command(app);
  recur::cli::add_translate_command(app);
  recur::cli::add_compare_command(app);
  recur::cli::add_prepare_command(app);
  recur::cli::add_analyze_command(app);
  recur::cli::add_export_embeddings_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const recur::Error& e) {
    std::fprintf(stderr, "recur: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recur: error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
