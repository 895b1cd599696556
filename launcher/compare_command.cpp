#include <cstdio>
#include <fstream>

#include "commands.h"
#include "core/error.h"
#include "report/run_comparison.h"

namespace recur::cli {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path);
  file << text;
  RECUR_CHECK(file.good(), "cannot write ", path.string());
}

namespace {

struct CompareArgs {
  std::vector<std::string> runs;
  std::string out;
};

void compare(const CompareArgs& a) {
  std::vector<RunSummary> runs;
  for (const std::string& dir : a.runs)
    runs.push_back(read_run_summary(dir));
  const std::string table = comparison_table(runs);
  std::fputs(table.c_str(), stdout);
  if (a.out.empty()) return;
  const std::filesystem::path out = a.out;
  std::filesystem::create_directories(out);
  const std::string metric = runs[0].metric;
  write_file(out / "comparison.md", table);
  write_file(out / (metric + "-vs-steps.svg"), line_chart_svg(validation_chart(runs, false)));
  write_file(out / (metric + "-vs-time.svg"), line_chart_svg(validation_chart(runs, true)));
  std::fprintf(stderr, "recur: wrote comparison.md, %s-vs-steps.svg and %s-vs-time.svg to %s\n",
               metric.c_str(), metric.c_str(), out.string().c_str());
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "compare finished runs: a table (parameters, tokens/s, time, best validation, test) and "
      "validation curves against steps and training time");
  cmd->add_option("runs", args->runs, "run directories (each holds a metrics.jsonl)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", args->out,
                  "write comparison.md and the two SVG charts into this folder");
  cmd->callback([args] { compare(*args); });
}

}  // namespace recur::cli
