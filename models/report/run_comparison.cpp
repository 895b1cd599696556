#include "report/run_comparison.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include "core/error.h"
#include "core/json.h"
#include "train/metrics.h"

namespace recur {

namespace {

double number(const Json& line, const char* key) {
  const auto it = line.find(key);
  return it != line.end() && it->is_number() ? it->get<double>() : 0.0;
}

// Language models on characters are judged in bits per character, other language models in
// perplexity, translation models in BLEU.
std::string metric_of(const std::filesystem::path& run_dir, const Json& first_valid) {
  if (first_valid.contains("bleu")) return "bleu";
  const std::filesystem::path config = run_dir / "config.yaml";
  if (std::filesystem::exists(config)) {
    const YAML::Node data = YAML::LoadFile(config.string())["data"];
    if (data && data["tokenizer"] && data["tokenizer"].as<std::string>() == "char") return "bpc";
  }
  return "ppl";
}

std::string fixed(double v, int decimals) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.*f", decimals, v);
  return text;
}

std::string metric_title(const std::string& metric) {
  if (metric == "bleu") return "validation BLEU (greedy)";
  if (metric == "bpc") return "validation bits per character";
  return "validation perplexity";
}

}  // namespace

const RunSummary::Point& RunSummary::best() const {
  RECUR_CHECK(!valid.empty(), name, ": the run has no validation results");
  return *std::max_element(valid.begin(), valid.end(), [&](const Point& a, const Point& b) {
    return higher_is_better ? a.value < b.value : a.value > b.value;
  });
}

RunSummary read_run_summary(const std::filesystem::path& run_dir) {
  const std::filesystem::path path = run_dir / "metrics.jsonl";
  std::ifstream in(path);
  RECUR_CHECK(in.good(), run_dir.string(), ": no metrics.jsonl (not a run directory?)");
  RunSummary run;
  run.name = std::filesystem::absolute(run_dir).lexically_normal().filename().string();
  if (run.name.empty()) run.name = std::filesystem::absolute(run_dir).parent_path().filename();
  // A resumed run appends a new part whose clock starts at zero: its times continue the last.
  double part_train = 0, part_elapsed = 0, logged_tokens = 0, logged_seconds = 0;
  double validation_s = 0;                     // of this part, as of its last validation
  std::map<int64_t, RunSummary::Point> valid;  // a step repeated after a resume counts once
  bool started = false;
  std::string line;
  for (int64_t line_number = 1; std::getline(in, line); ++line_number) {
    if (line.empty()) continue;
    const std::string origin = concat(path.string(), ":", line_number);
    const Json item = parse_json(line, origin);
    const auto type = json_get<std::string>(item, "type", origin);
    if (type == "run") {
      started = true;
      run.model_type = json_get<std::string>(item, "model_type", origin);
      run.parameters = json_get<int64_t>(item, "parameters", origin);
      run.ranks = json_get<int64_t>(item, "ranks", origin);
      run.threads_per_rank = json_get<int64_t>(item, "threads_per_rank", origin);
      part_train = run.train_s;
      part_elapsed = run.elapsed_s;
      validation_s = 0;
    } else if (type == "train") {
      run.steps = json_get<int64_t>(item, "step", origin);
      run.elapsed_s = part_elapsed + number(item, "elapsed_s");
      run.train_s = part_train + number(item, "elapsed_s") - validation_s;
      logged_tokens += number(item, "tokens");
      logged_seconds += number(item, "tokens") / std::max(number(item, "tokens_per_s"), 1e-9);
    } else if (type == "valid") {
      if (run.metric.empty()) {
        run.metric = metric_of(run_dir, item);
        run.higher_is_better = run.metric == "bleu";
      }
      const auto step = json_get<int64_t>(item, "step", origin);
      valid[step] = {step, part_train + number(item, "train_s"), number(item, run.metric.c_str())};
      validation_s = number(item, "elapsed_s") - number(item, "train_s");
    } else if (type == "end") {
      run.steps = json_get<int64_t>(item, "step", origin);
      run.train_s = part_train + number(item, "train_s");
      run.elapsed_s = part_elapsed + number(item, "elapsed_s");
    } else if (type == "test") {
      run.test.clear();
      for (const auto& [key, value] : item.items()) {
        if (key != "type") run.test.emplace_back(key, number(item, key.c_str()));
      }
    }
  }
  RECUR_CHECK(started, path.string(),
              ": no run recorded (trained with a recur older than "
              "`recur compare`?)");
  for (const auto& [step, point] : valid)
    run.valid.push_back(point);
  run.tokens_per_s = logged_seconds > 0 ? logged_tokens / logged_seconds : 0.0;
  return run;
}

std::string comparison_table(const std::vector<RunSummary>& runs) {
  RECUR_CHECK(!runs.empty(), "no runs to compare");
  std::vector<std::string> test_keys;
  for (const RunSummary& r : runs) {
    RECUR_CHECK(r.metric == runs[0].metric, "cannot compare ", runs[0].name, " (validation ",
                runs[0].metric, ") with ", r.name, " (validation ", r.metric, ")");
    for (const auto& [key, value] : r.test) {
      if (std::find(test_keys.begin(), test_keys.end(), key) == test_keys.end())
        test_keys.push_back(key);
    }
  }
  std::string table = concat(
      "| run | model | parameters | ranks x threads | tokens/s | steps | "
      "training time | wall time | best valid ",
      runs[0].metric, " (step) |");
  std::string rule = "|---|---|--:|--:|--:|--:|--:|--:|--:|";
  for (const std::string& key : test_keys) {
    table += concat(" test ", key, " |");
    rule += "--:|";
  }
  table += "\n" + rule + "\n";
  const int decimals = runs[0].metric == "bpc" ? 3 : 2;
  for (const RunSummary& r : runs) {
    const RunSummary::Point& best = r.best();
    table += concat("| ", r.name, " | ", r.model_type, " | ",
                    fixed(static_cast<double>(r.parameters) / 1e6, 2), "M | ", r.ranks, " x ",
                    r.threads_per_rank, " | ", fixed(r.tokens_per_s, 0), " | ", r.steps, " | ",
                    format_duration(r.train_s), " | ", format_duration(r.elapsed_s), " | ",
                    fixed(best.value, decimals), " (", best.step, ") |");
    for (const std::string& key : test_keys) {
      const auto it = std::find_if(r.test.begin(), r.test.end(),
                                   [&](const auto& kv) { return kv.first == key; });
      table += it == r.test.end() ? " - |" : concat(" ", fixed(it->second, decimals), " |");
    }
    table += "\n";
  }
  return table;
}

LineChart validation_chart(const std::vector<RunSummary>& runs, bool by_time) {
  RECUR_CHECK(!runs.empty(), "no runs to compare");
  const std::string title = metric_title(runs[0].metric);
  LineChart chart{title + (by_time ? " against training time" : " against steps"),
                  by_time ? "training time (minutes, validation excluded)" : "step",
                  title,
                  {}};
  for (const RunSummary& r : runs) {
    ChartSeries series{r.name, {}};
    for (const RunSummary::Point& p : r.valid) {
      series.points.emplace_back(by_time ? p.train_s / 60.0 : static_cast<double>(p.step), p.value);
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

}  // namespace recur
