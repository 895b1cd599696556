// The positions of a batch's ids grouped by id, which the embedding gradient adds up one table row
// at a time: each group is one id's positions, in increasing order, so a row's sum has a fixed
// order (deterministic, no atomics) and distinct rows can be summed in parallel.
#pragma once

#include <cstdint>
#include <vector>

namespace recur::kernels {

struct IdGroups {
  std::vector<int32_t> order;   // (n) the positions, by id, increasing within an id
  std::vector<int32_t> starts;  // (groups + 1) where each id's positions begin in `order`
  int64_t groups() const { return static_cast<int64_t>(starts.size()) - 1; }
};

IdGroups group_ids(const int32_t* ids, int64_t n);

}  // namespace recur::kernels
