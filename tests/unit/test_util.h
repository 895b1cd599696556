// Helpers shared by the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
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

// A GPU against the CPU, parametrised by dtype: skips, saying why, where no CUDA device is usable.
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
