#include "kernels/cpu/dropout.h"

#include "core/threads.h"
#include "kernels/dropout_math.h"

namespace recur::cpu {

template <class T>
void dropout_mask(const RandomStream& stream, int64_t steps, int64_t batch, int64_t width,
                  int64_t batch_offset, int64_t time_offset, double p, T* mask) {
  const uint32_t threshold = kernels::dropout_threshold(p);
  const T keep_scale = kernels::dropout_keep_scale<T>(p);
  const int64_t per_row = steps * width;
  parallel_for(batch, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const auto sub = static_cast<uint64_t>(batch_offset + b);
      const auto first = static_cast<uint64_t>(time_offset * width);
      const uint64_t last = first + static_cast<uint64_t>(per_row);
      for (uint64_t e = first; e < last;) {
        const auto bits = stream.block(sub, e / 4);  // draws e / 4 * 4 .. + 3
        do {
          const auto local = static_cast<int64_t>(e - first);
          const int64_t t = local / width, j = local % width;
          mask[(t * batch + b) * width + j] =
              kernels::dropout_mask_value(bits[e % 4], threshold, keep_scale);
          ++e;
        } while (e < last && e % 4 != 0);
      }
    }
  });
}

template void dropout_mask<float>(const RandomStream&, int64_t, int64_t, int64_t, int64_t, int64_t,
                                  double, float*);
template void dropout_mask<double>(const RandomStream&, int64_t, int64_t, int64_t, int64_t, int64_t,
                                   double, double*);

}  // namespace recur::cpu
