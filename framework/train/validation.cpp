#include "train/validation.h"

namespace recur {

std::optional<double> Validation::metric(KeepBest by) const {
  switch (by) {
    case KeepBest::None:
      return std::nullopt;
    case KeepBest::ValidLoss:
      return -loss.loss();
    case KeepBest::ValidScore:
      return score;
  }
  return std::nullopt;
}

std::map<std::string, double> Validation::manifest_figures() const {
  std::map<std::string, double> figures = {{"valid_loss", loss.loss()}};
  if (score) figures["valid_score"] = *score;
  return figures;
}

}  // namespace recur
