#include "data/scoring.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "data/tokenizer.h"

namespace recur {

namespace {

// The punctuation class of mteval-v13a: space ! " # $ % & ( ) * + / : ; < = > ? @ [ \ ] ^ _ ` { | }
// ~
bool punctuation_13a(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

bool digit(char c) {
  return c >= '0' && c <= '9';
}

std::vector<std::string> split_spaces(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

template <class Gram>
std::map<Gram, int> count(const std::vector<Gram>& grams) {
  std::map<Gram, int> counts;
  for (const Gram& g : grams)
    counts[g] += 1;
  return counts;
}

template <class Gram>
double clipped_matches(const std::map<Gram, int>& hypothesis,
                       const std::map<Gram, int>& reference) {
  double matches = 0;
  for (const auto& [gram, n] : hypothesis) {
    const auto it = reference.find(gram);
    if (it != reference.end()) matches += std::min(n, it->second);
  }
  return matches;
}

std::vector<std::string> word_ngrams(const std::vector<std::string>& words, size_t n) {
  std::vector<std::string> grams;
  for (size_t i = 0; i + n <= words.size(); ++i) {
    std::string g;
    for (size_t k = 0; k < n; ++k)
      g += (k ? " " : "") + words[i + k];
    grams.push_back(std::move(g));
  }
  return grams;
}

// Code points of the text without whitespace.
std::vector<std::string> characters(const std::string& text) {
  std::vector<std::string> out;
  for (const Token& t : tokenize(TokenizerType::Char, text, false)) {
    if (t.text != " " && t.text != "\t") out.push_back(t.text);
  }
  return out;
}

std::vector<std::string> char_ngrams(const std::vector<std::string>& chars, size_t n) {
  std::vector<std::string> grams;
  for (size_t i = 0; i + n <= chars.size(); ++i) {
    std::string g;
    for (size_t k = 0; k < n; ++k)
      g += chars[i + k];
    grams.push_back(std::move(g));
  }
  return grams;
}

}  // namespace

std::vector<std::string> tokenize_13a(const std::string& text) {
  // Punctuation apart.
  std::string padded = " ";
  for (char c : text) {
    if (punctuation_13a(c) && c != ' ') {
      padded += ' ';
      padded += c;
      padded += ' ';
    } else {
      padded += c;
    }
  }
  padded += ' ';
  // Periods and commas apart unless a digit is on both sides ("([^0-9])([.,])" and
  // "([.,])([^0-9])" in mteval); a dash apart after a digit ("([0-9])(-)").
  std::string out;
  for (size_t i = 0; i < padded.size(); ++i) {
    const char c = padded[i];
    const char before = i > 0 ? padded[i - 1] : ' ';
    const char after = i + 1 < padded.size() ? padded[i + 1] : ' ';
    if (c == '.' || c == ',') {
      const bool split_before = !digit(before), split_after = !digit(after);
      if (split_before || split_after) {
        out += ' ';
        out += c;
        out += ' ';
        continue;
      }
    } else if (c == '-' && digit(before)) {
      out += ' ';
      out += c;
      out += ' ';
      continue;
    }
    out += c;
  }
  return split_spaces(out);
}

void BleuStats::add(const std::string& hypothesis, const std::string& reference) {
  const std::vector<std::string> hyp = tokenize_13a(hypothesis), ref = tokenize_13a(reference);
  hypothesis_length += static_cast<double>(hyp.size());
  reference_length += static_cast<double>(ref.size());
  for (size_t n = 1; n <= 4; ++n) {
    const std::vector<std::string> h = word_ngrams(hyp, n);
    matches[n - 1] += clipped_matches(count(h), count(word_ngrams(ref, n)));
    totals[n - 1] += static_cast<double>(h.size());
  }
}

BleuStats& BleuStats::operator+=(const BleuStats& o) {
  for (size_t n = 0; n < 4; ++n) {
    matches[n] += o.matches[n];
    totals[n] += o.totals[n];
  }
  hypothesis_length += o.hypothesis_length;
  reference_length += o.reference_length;
  return *this;
}

double BleuStats::score() const {
  if (hypothesis_length == 0) return 0.0;
  // sacreBLEU's "exp" smoothing: the k-th order without a match counts as 1 / 2^k matches.
  double log_sum = 0, smooth = 1;
  for (size_t n = 0; n < 4; ++n) {
    if (totals[n] == 0) return 0.0;
    double precision = matches[n] / totals[n];
    if (matches[n] == 0) {
      smooth *= 2;
      precision = 1.0 / (smooth * totals[n]);
    }
    log_sum += std::log(precision);
  }
  const double brevity = hypothesis_length < reference_length
                             ? std::exp(1.0 - reference_length / hypothesis_length)
                             : 1.0;
  return 100.0 * brevity * std::exp(log_sum / 4.0);
}

void ChrfStats::add(const std::string& hypothesis, const std::string& reference) {
  const std::vector<std::string> hyp = characters(hypothesis), ref = characters(reference);
  for (size_t n = 1; n <= 6; ++n) {
    const std::vector<std::string> h = char_ngrams(hyp, n), r = char_ngrams(ref, n);
    matches[n - 1] += clipped_matches(count(h), count(r));
    hypothesis_ngrams[n - 1] += static_cast<double>(h.size());
    reference_ngrams[n - 1] += static_cast<double>(r.size());
  }
}

ChrfStats& ChrfStats::operator+=(const ChrfStats& o) {
  for (size_t n = 0; n < 6; ++n) {
    matches[n] += o.matches[n];
    hypothesis_ngrams[n] += o.hypothesis_ngrams[n];
    reference_ngrams[n] += o.reference_ngrams[n];
  }
  return *this;
}

double ChrfStats::score() const {
  // Precision and recall averaged over the orders, then F-beta with beta = 2 (recall weighs 4x).
  double precision = 0, recall = 0;
  int orders = 0;
  for (size_t n = 0; n < 6; ++n) {
    if (hypothesis_ngrams[n] == 0 || reference_ngrams[n] == 0) continue;
    precision += matches[n] / hypothesis_ngrams[n];
    recall += matches[n] / reference_ngrams[n];
    orders += 1;
  }
  if (orders == 0) return 0.0;
  precision /= orders;
  recall /= orders;
  constexpr double kBeta2 = 4.0;
  const double denominator = kBeta2 * precision + recall;
  return denominator > 0 ? 100.0 * (1 + kBeta2) * precision * recall / denominator : 0.0;
}

double corpus_bleu(const std::vector<std::string>& hypotheses,
                   const std::vector<std::string>& references) {
  RECUR_CHECK(hypotheses.size() == references.size(), hypotheses.size(), " hypotheses for ",
              references.size(), " references");
  BleuStats stats;
  for (size_t i = 0; i < hypotheses.size(); ++i)
    stats.add(hypotheses[i], references[i]);
  return stats.score();
}

double corpus_chrf(const std::vector<std::string>& hypotheses,
                   const std::vector<std::string>& references) {
  RECUR_CHECK(hypotheses.size() == references.size(), hypotheses.size(), " hypotheses for ",
              references.size(), " references");
  ChrfStats stats;
  for (size_t i = 0; i < hypotheses.size(); ++i)
    stats.add(hypotheses[i], references[i]);
  return stats.score();
}

}  // namespace recur
