#include "kernels/id_groups.h"

#include <algorithm>
#include <numeric>

namespace recur::kernels {

IdGroups group_ids(const int32_t* ids, int64_t n) {
  IdGroups g;
  g.order.resize(static_cast<size_t>(n));
  std::iota(g.order.begin(), g.order.end(), 0);
  std::stable_sort(g.order.begin(), g.order.end(),
                   [&](int32_t a, int32_t b) { return ids[a] < ids[b]; });
  for (int64_t k = 0; k < n; ++k) {
    if (k == 0 || ids[g.order[static_cast<size_t>(k)]] != ids[g.order[static_cast<size_t>(k - 1)]])
      g.starts.push_back(static_cast<int32_t>(k));
  }
  g.starts.push_back(static_cast<int32_t>(n));
  return g;
}

}  // namespace recur::kernels
