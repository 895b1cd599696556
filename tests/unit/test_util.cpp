#include "test_util.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <string_view>

#include "core/gpu.h"

namespace recur {

void PrintTo(DType dtype, std::ostream* out) {
  *out << dtype_name(dtype);
}

}  // namespace recur

namespace recur::test {

namespace {

// Removes the folders of process_temp_dir at exit.
class TempDirs {
 public:
  ~TempDirs() {
    std::error_code ignored;
    for (const std::filesystem::path& dir : dirs_)
      std::filesystem::remove_all(dir, ignored);
  }
  void add(const std::filesystem::path& dir) { dirs_.insert(dir); }

 private:
  std::set<std::filesystem::path> dirs_;
};

}  // namespace

std::filesystem::path process_temp_dir(const std::string& name) {
  static TempDirs made;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("recur-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  made.add(dir);
  return dir;
}

std::string gpus_nvidia_smi_lists() {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> listing(::popen("nvidia-smi -L 2>/dev/null", "r"),
                                                          ::pclose);
  std::string gpus;
  char line[512];
  while (listing && std::fgets(line, sizeof(line), listing.get()) != nullptr) {
    std::string_view gpu(line);
    if (!gpu.starts_with("GPU ")) continue;
    if (gpu.ends_with('\n')) gpu.remove_suffix(1);
    gpus += concat(gpus.empty() ? "" : "; ", gpu);
  }
  return gpus;
}

void GpuTest::SetUp() {
  RECUR_SKIP_WITHOUT_GPU();
}

Tensor random_tensor(const Shape& shape, uint64_t tag, double scale, double shift, DType dtype) {
  RandomStream stream(99, RngPurpose::Test, tag);
  Tensor t = Tensor::empty(shape, DType::F64);
  double* p = t.data<double>();
  for (int64_t i = 0; i < t.numel(); ++i)
    p[i] = shift + scale * stream.normal(0, i);
  return dtype == DType::F64 ? t : t.to(dtype);
}

Var random_var(const Shape& shape, uint64_t tag, double scale, bool requires_grad) {
  return Var(random_tensor(shape, tag, scale), requires_grad);
}

Tensor random_ids(const Shape& shape, uint64_t tag, int32_t limit) {
  RandomStream stream(99, RngPurpose::Test, tag, 1);
  Tensor t = Tensor::empty(shape, DType::I32);
  int32_t* p = t.data<int32_t>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    p[i] = static_cast<int32_t>(stream.bits(0, i) % static_cast<uint32_t>(limit));
  }
  return t;
}

void expect_gradients_match(const GradFunction& fn, const std::vector<Var>& inputs,
                            const GradCheckOptions& options) {
  GradCheckResult r = gradcheck(fn, inputs, options);
  std::printf("gradcheck: %lld elements, max relative error %.2e\n",
              static_cast<long long>(r.checked), r.max_error);
  EXPECT_GT(r.checked, 0);
  EXPECT_TRUE(r.ok) << "max relative error " << r.max_error << " at " << r.worst;
}

ParallelData tiny_parallel_data() {
  return ParallelData::of({{4, 5, 6, 7}, {8, 4}, {5, 9, 9}}, {{6, 5}, {7, 8, 4, 4}, {9}});
}

double relative_difference(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.numel(), b.numel());
  double diff = 0.0, norm = 1e-30;
  for (int64_t i = 0; i < a.numel(); ++i) {
    diff = std::max(diff, std::fabs(a.item(i) - b.item(i)));
    norm = std::max(norm, std::fabs(b.item(i)));
  }
  return diff / norm;
}

double norm_relative_error(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.numel(), b.numel());
  const Tensor a64 = a.on(Device::cpu()).to(DType::F64), b64 = b.on(Device::cpu()).to(DType::F64);
  const double* x = a64.data<double>();
  const double* y = b64.data<double>();
  double difference = 0.0, reference = 0.0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    difference += (x[i] - y[i]) * (x[i] - y[i]);
    reference += y[i] * y[i];
  }
  return std::sqrt(difference) / std::max(std::sqrt(reference), 1e-300);
}

}  // namespace recur::test
