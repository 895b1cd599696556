// Prints how far the parameters of model file A are from those of model file B:
// sqrt(sum (a - b)^2 / sum b^2) over every parameter (/params, in path order). For the shell tests
// that compare runs which must agree up to rounding (N ranks against 1).
#include <cmath>
#include <cstdio>

#include "checkpoint/h5.h"

namespace {

std::vector<float> all_parameters(const std::string& path) {
  recur::H5File file = recur::H5File::open(path);
  std::vector<float> all;
  for (const std::string& name : file.datasets("/params")) {
    const std::vector<float> values = file.read_tensor("/params/" + name).to_vector<float>();
    all.insert(all.end(), values.begin(), values.end());
  }
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: params_diff A.h5 B.h5\n");
    return 2;
  }
  try {
    const std::vector<float> a = all_parameters(argv[1]), b = all_parameters(argv[2]);
    RECUR_CHECK(a.size() == b.size(), argv[1], " holds ", a.size(), " values, ", argv[2], " ",
                b.size());
    double difference = 0, norm = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      difference += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
      norm += static_cast<double>(b[i]) * b[i];
    }
    std::printf("%.3e\n", std::sqrt(difference / norm));
  } catch (const recur::Error& e) {
    std::fprintf(stderr, "params_diff: %s\n", e.what());
    return 1;
  }
  return 0;
}
