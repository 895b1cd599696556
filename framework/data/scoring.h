// Translation metrics computed from their definitions: corpus BLEU with sacreBLEU's defaults
// (13a tokenisation, 4-grams, exponential smoothing) and chrF (character 6-grams, beta 2).
#pragma once

#include <array>
#include <string>
#include <vector>

namespace recur {

// The tokenisation of mteval-v13a, as sacreBLEU's default "13a": punctuation apart, periods and
// commas apart unless next to a digit, a dash apart after a digit.
std::vector<std::string> tokenize_13a(const std::string& text);

// Sufficient statistics: they add up over sentences and over ranks.
struct BleuStats {
  std::array<double, 4> matches{}, totals{};
  double hypothesis_length = 0, reference_length = 0;
  void add(const std::string& hypothesis, const std::string& reference);
  BleuStats& operator+=(const BleuStats& o);
  double score() const;  // 0..100
};

struct ChrfStats {
  std::array<double, 6> matches{}, hypothesis_ngrams{}, reference_ngrams{};
  void add(const std::string& hypothesis, const std::string& reference);
  ChrfStats& operator+=(const ChrfStats& o);
  double score() const;  // 0..100
};

double corpus_bleu(const std::vector<std::string>& hypotheses,
                   const std::vector<std::string>& references);
double corpus_chrf(const std::vector<std::string>& hypotheses,
                   const std::vector<std::string>& references);

}  // namespace recur
