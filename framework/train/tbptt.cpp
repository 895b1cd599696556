#include "train/tbptt.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/rng.h"

namespace recur {

TbpttSchedule::TbpttSchedule(int64_t last_position, int64_t bptt, bool variable, uint64_t seed)
    : last_position_(last_position), bptt_(bptt), variable_(variable), seed_(seed) {
  RECUR_ASSERT(last_position >= 1 && bptt >= 1, "TbpttSchedule over ", last_position,
               " positions with bptt ", bptt);
}

int64_t TbpttSchedule::window_length(int64_t step) const {
  if (!variable_) return bptt_;
  RandomStream stream(seed_, RngPurpose::Data, static_cast<uint64_t>(step));
  const double bptt = static_cast<double>(bptt_);
  const double base = stream.uniform_f64(0, 0) < 0.95 ? bptt : bptt / 2.0;
  const double drawn = std::round(base + 5.0 * stream.normal(0, 1));
  return std::max<int64_t>(5, static_cast<int64_t>(drawn));
}

TbpttWindow TbpttSchedule::next(int64_t step) {
  TbpttWindow w;
  if (position_ >= last_position_) {
    epoch_ += 1;
    position_ = 0;
  }
  w.starts_epoch = position_ == 0;
  w.position = position_;
  w.steps = std::min(window_length(step), last_position_ - position_);
  position_ += w.steps;
  return w;
}

double TbpttSchedule::lr_scale(const TbpttWindow& w) const {
  return variable_ ? static_cast<double>(w.steps) / static_cast<double>(bptt_) : 1.0;
}

double TbpttSchedule::epochs_done() const {
  return static_cast<double>(epoch_) +
         static_cast<double>(position_) / static_cast<double>(last_position_);
}

void TbpttSchedule::describe_state(StateVisitor& v) {
  int64_t epoch = epoch_, position = position_;
  v.field("epoch", epoch);
  v.field("position", position);
  RECUR_CHECK(epoch >= 0 && position >= 0 && position <= last_position_, "cannot restore data ",
              "position ", position, " of epoch ", epoch, ": the streams have ", last_position_,
              " positions (different data or batch size?)");
  epoch_ = epoch;
  position_ = position;
}

}  // namespace recur
