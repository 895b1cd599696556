#include <algorithm>
#include <cmath>
#include <cstdio>

#include "commands.h"
#include "core/threads.h"
#include "language/gradient_flow.h"
#include "language/language_model_data.h"
#include "language/language_model_file.h"
#include "lstm_lm/lstm_lm.h"
#include "registry.h"
#include "report/line_chart.h"
#include "word_table.h"

namespace recur::cli {

namespace {

struct GradientArgs {
  std::vector<std::string> checkpoints;
  std::string data, out = "gradient-flow.svg";
  bool fresh = false;
  GradientFlowOptions flow;
};

// The text the windows come from: --data, else the model's validation, test or training text.
std::string text_for(const GradientArgs& a, const ExperimentConfig& config) {
  if (!a.data.empty()) return a.data;
  const auto& data = config.data.as<LanguageModelDataConfig>();
  for (const std::string* path : {&data.valid, &data.test, &data.train}) {
    if (!path->empty()) return *path;
  }
  throw Error("no text to take windows from: pass --data");
}

// "rnn (kjv-rnn)": the cell, or the model type, and the run's folder.
std::string model_label(const LoadedLanguageModel& lm, const std::string& path) {
  const auto* recurrent = dynamic_cast<const LstmLm*>(lm.model.get());
  const std::string what =
      recurrent != nullptr ? cell_name(recurrent->config().cell) : lm.config.model_type().name;
  return concat(what, " (", std::filesystem::path(path).filename().string(), ")");
}

// Model i's line: solid when trained, dashed in the same colour when fresh.
ChartSeries series_of(const std::string& name, const std::vector<double>& norms, size_t model,
                      bool fresh) {
  ChartSeries s{name, {}, static_cast<int>(model), fresh};
  for (size_t i = 0; i < norms.size(); ++i)
    s.points.emplace_back(static_cast<double>(i + 1), norms[i]);
  return s;
}

// One line of the table: the norm at a few distances.
void print_row(const ChartSeries& s) {
  std::printf("%-36s", s.name.c_str());
  for (size_t k : {1, 2, 5, 10, 20, 50, 100}) {
    if (k <= s.points.size()) std::printf(" %10.3e", s.points[k - 1].second);
  }
  std::printf("\n");
}

// The curves of one model: trained, and with --fresh also freshly initialised.
void add_model(const GradientArgs& a, const std::string& path, LineChart& chart) {
  std::unique_ptr<LoadedLanguageModel> lm = load_language_model(path);
  RECUR_CHECK(lm->model->state_layers() > 0, path, " is a ", lm->config.model_type().name,
              " model, which carries no recurrent state: the gradient flow needs a recurrent "
              "language model (lstm_lm)");
  const TokenSequence tokens = encode_file(text_for(a, lm->config), lm->vocab);
  const std::string label = model_label(*lm, path);
  const size_t model = a.fresh ? chart.series.size() / 2 : chart.series.size();
  chart.series.push_back(
      series_of(label + " trained", gradient_flow(*lm->model, tokens, a.flow), model, false));
  if (!a.fresh) return;
  ParameterStore store;
  const std::unique_ptr<LanguageModel> fresh =
      make_language_model(lm->config, lm->vocab.size(), store);
  store.materialize(DType::F32, static_cast<uint64_t>(lm->config.training.seed));
  chart.series.push_back(
      series_of(label + " fresh", gradient_flow(*fresh, tokens, a.flow), model, true));
}

void analyze_gradients(const GradientArgs& a) {
  configure_threads(0, 1);
  LineChart chart{concat("gradient flow over a window of ", a.flow.window),
                  "distance T - t (steps)",
                  "||dL_T / dh_t||",
                  {},
                  true};
  for (const std::string& path : a.checkpoints)
    add_model(a, path, chart);
  std::printf("%-36s", "||dL_T/dh_t|| at distance");
  for (int k : {1, 2, 5, 10, 20, 50, 100}) {
    if (k < a.flow.window) std::printf(" %10d", k);
  }
  std::printf("\n");
  for (const ChartSeries& s : chart.series)
    print_row(s);
  std::fflush(stdout);
  write_file(a.out, line_chart_svg(chart));
  std::fprintf(stderr, "recur: wrote %s\n", a.out.c_str());
}

struct NeighbourArgs {
  std::string checkpoint, side = "target";
  std::vector<std::string> words;
  int64_t count = 8;
};

// One line per word: its nearest words by cosine similarity.
void analyze_neighbours(const NeighbourArgs& a) {
  const WordTable table = read_word_table(a.checkpoint, a.side);
  std::vector<std::string> words = a.words;
  for (std::string& word : words) {
    // A lowercased vocabulary holds "god" for "God", as its tokenizer wrote it.
    if (table.vocab.lowercase()) {
      std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      });
    }
    RECUR_CHECK(table.vocab.id(word) > Vocab::kEos, "\"", word,
                "\" is not a word of the vocabulary of ", a.checkpoint);
  }
  std::printf("%-14s nearest words by cosine similarity\n", "word");
  for (const std::string& word : words) {
    std::printf("%-14s", word.c_str());
    const char* separator = " ";
    for (const Neighbour& n : nearest_words(table, table.vocab.id(word), a.count)) {
      std::printf("%s%s %.3f", separator, n.word.c_str(), n.cosine);
      separator = ", ";
    }
    std::printf("\n");
  }
}

void add_neighbours_command(CLI::App& analyze) {
  auto a = std::make_shared<NeighbourArgs>();
  CLI::App* cmd = analyze.add_subcommand(
      "neighbours",
      "the nearest words of a few words by the cosine similarity of a model's embeddings "
      "(skipgram, or any model's embedding table)");
  cmd->add_option("--checkpoint", a->checkpoint, "model file, run or checkpoint directory")
      ->required();
  cmd->add_option("--words", a->words, "the words, separated by commas")
      ->required()
      ->delimiter(',');
  cmd->add_option("--count", a->count, "neighbours per word")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1000}));
  cmd->add_option("--side", a->side, "a translation model's table: source or target")
      ->capture_default_str()
      ->check(CLI::IsMember({"source", "target"}));
  cmd->callback([a] { analyze_neighbours(*a); });
}

}  // namespace

void add_analyze_command(CLI::App& app) {
  CLI::App* analyze = app.add_subcommand("analyze", "inspect what trained models learned");
  analyze->require_subcommand(1);
  add_neighbours_command(*analyze);
  auto a = std::make_shared<GradientArgs>();
  CLI::App* cmd = analyze->add_subcommand(
      "gradients",
      "vanishing gradients: ||dL_T/dh_t|| against the distance T - t for recurrent language "
      "models, as a table and an SVG chart with one line per model");
  cmd->add_option("--checkpoint", a->checkpoints,
                  "model file, run or checkpoint directory; repeat it to draw several models")
      ->required();
  cmd->add_flag("--fresh", a->fresh,
                "also draw each model with freshly initialised weights (its config's seed)");
  cmd->add_option("--data", a->data,
                  "text to take the windows from (default: the config's valid, test or train)");
  cmd->add_option("--window", a->flow.window, "steps T the model reads before the loss")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{2}, int64_t{100000}));
  cmd->add_option("--sequences", a->flow.sequences, "windows averaged over")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  cmd->add_option("--out", a->out, "the SVG chart")->capture_default_str();
  cmd->callback([a] { analyze_gradients(*a); });
}

}  // namespace recur::cli
