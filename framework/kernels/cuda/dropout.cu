#include "core/philox.h"
#include "kernels/cuda/dropout.h"
#include "kernels/cuda/runtime.h"
#include "kernels/dropout_math.h"

namespace recur::cuda {

namespace {

// One thread per Philox block (four draws) of a row's draws [first, first + steps * width).
template <class T>
__global__ void dropout_mask_kernel(uint32_t k0, uint32_t k1, int64_t steps, int64_t batch,
                                    int64_t width, int64_t batch_offset, int64_t time_offset,
                                    uint32_t threshold, T keep_scale, T* mask) {
  const auto first = static_cast<uint64_t>(time_offset * width);
  const uint64_t last = first + static_cast<uint64_t>(steps * width);
  const uint64_t first_block = first / 4, blocks_per_row = (last + 3) / 4 - first_block;
  const auto total = static_cast<uint64_t>(batch) * blocks_per_row;
  const uint64_t stride = static_cast<uint64_t>(blockDim.x) * gridDim.x;
  for (uint64_t w = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; w < total;
       w += stride) {
    const auto b = static_cast<int64_t>(w / blocks_per_row);
    const uint64_t block = first_block + w % blocks_per_row;
    const auto sub = static_cast<uint64_t>(batch_offset + b);
    const PhiloxBlock bits = philox4x32_10(philox_counter(sub, block), k0, k1);
    for (int lane = 0; lane < 4; ++lane) {
      const uint64_t e = block * 4 + lane;
      if (e < first || e >= last) continue;
      const auto local = static_cast<int64_t>(e - first);
      const int64_t t = local / width, j = local % width;
      mask[(t * batch + b) * width + j] =
          kernels::dropout_mask_value(bits.lane[lane], threshold, keep_scale);
    }
  }
}

}  // namespace

template <class T>
void dropout_mask(const RandomStream& stream, int64_t steps, int64_t batch, int64_t width,
                  int64_t batch_offset, int64_t time_offset, double p, T* mask) {
  if (steps * batch * width == 0) return;
  const uint32_t threshold = kernels::dropout_threshold(p);
  const T keep_scale = kernels::dropout_keep_scale<T>(p);
  const auto key = stream.key();
  const int64_t blocks = batch * ((steps * width + 3) / 4 + 1);
  dropout_mask_kernel<<<blocks_for(blocks), kThreads, 0, compute_stream()>>>(
      key[0], key[1], steps, batch, width, batch_offset, time_offset, threshold, keep_scale, mask);
  check_launch("dropout_mask_kernel");
}

template void dropout_mask<float>(const RandomStream&, int64_t, int64_t, int64_t, int64_t, int64_t,
                                  double, float*);
template void dropout_mask<double>(const RandomStream&, int64_t, int64_t, int64_t, int64_t, int64_t,
                                   double, double*);

}  // namespace recur::cuda
