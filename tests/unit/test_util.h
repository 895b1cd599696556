// Helpers shared by the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "core/gpu.h"
#include "data/parallel_corpus.h"

namespace recur {

// For gtest's listing of tests parametrised by dtype: "f32", not a byte dump.
void PrintTo(DType dtype, std::ostream* out);

}  // namespace recur

namespace recur::test {

// A tensor of normal(0, scale) + shift values, drawn from the test stream `tag`.
Tensor random_tensor(const Shape& shape, uint64_t tag, double scale = 1.0, double shift = 0.0,
                     DType dtype = DType::F64);
Var random_var(const Shape& shape, uint64_t tag, double scale = 1.0, bool requires_grad = true);
// i32 ids uniform in [0, limit).
Tensor random_ids(const Shape& shape, uint64_t tag, int32_t limit);

// Three sentence pairs of different lengths over ids 4-9 (a padded batch for translation models).
ParallelData tiny_parallel_data();

// Runs gradcheck and reports the worst element on failure.
void expect_gradients_match(const GradFunction& fn, const std::vector<Var>& inputs,
                            const GradCheckOptions& options = {});

// max |a - b| / max(max |b|, tiny)
double relative_difference(const Tensor& a, const Tensor& b);
// ||a - b||_2 / ||b||_2 over tensors with the same number of elements, on any devices (the GPU
// parity bound).
double norm_relative_error(const Tensor& a, const Tensor& b);

// A fresh folder of this test process under the temporary folder, removed when the process ends:
// ctest runs every test case as its own process, in parallel, so a folder shared between cases
// would let one case overwrite a file another is reading.
std::filesystem::path process_temp_dir(const std::string& name);

// The GPUs `nvidia-smi -L` lists ("GPU 0: NVIDIA H200 (UUID: ...)", joined by "; "); empty
// without nvidia-smi or GPUs.
std::string gpus_nvidia_smi_lists();

// In a GPU test: skips it, saying why, where no CUDA device is usable; fails it where nvidia-smi
// lists a GPU that the runtime cannot use (a broken driver, library or build must not pass as a
// skip).
#define RECUR_SKIP_WITHOUT_GPU()                                                                \
  do {                                                                                          \
    if (::recur::gpu::availability().devices > 0) break;                                        \
    const std::string listed = ::recur::test::gpus_nvidia_smi_lists();                          \
    if (!listed.empty()) {                                                                      \
      FAIL() << "nvidia-smi lists " << listed                                                   \
             << " but the CUDA runtime cannot use it: " << ::recur::gpu::availability().reason; \
    }                                                                                           \
    GTEST_SKIP() << "no CUDA device: " << ::recur::gpu::availability().reason;                  \
  } while (false)

// A GPU against the CPU, parametrised by dtype: skips or fails as RECUR_SKIP_WITHOUT_GPU.
class GpuTest : public ::testing::TestWithParam<DType> {
 protected:
  void SetUp() override;
  DType dtype() const { return GetParam(); }
  static Device gpu() { return Device::cuda(0); }
  Tensor random(const Shape& shape, uint64_t tag, double scale = 1.0, double shift = 0.0) const {
    return random_tensor(shape, tag, scale, shift, dtype());
  }
};

}  // namespace recur::test
