// Subcommands of `recur`. Each adds itself to the app; its callback runs the command and throws
// recur::Error on bad input (main prints the message and exits 1). A command that ends otherwise
// than with success sets exit_code.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

namespace recur::cli {

void add_train_command(CLI::App& app, int& exit_code);
void add_eval_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_config_command(CLI::App& app);
void add_ckpt_command(CLI::App& app);
void add_translate_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_prepare_command(CLI::App& app);
void add_analyze_command(CLI::App& app);
void add_export_embeddings_command(CLI::App& app);

// Writes `text` to `path`; throws Error when it cannot.
void write_file(const std::filesystem::path& path, const std::string& text);

}  // namespace recur::cli
