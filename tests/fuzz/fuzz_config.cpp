// The YAML config reader with its typed checks. An accepted config must write itself out as YAML
// that reads back to the same config.
#include <cstdlib>

#include "experiment.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace recur;
  fuzz::refused_or_read([&] {
    ExperimentConfig config =
        ExperimentConfig::load({"fuzz.yaml", fuzz::as_string(data, size), {}});
    const std::string yaml = config.to_yaml();
    ExperimentConfig again = ExperimentConfig::load({"resolved.yaml", yaml, {}});
    if (again.to_yaml() != yaml) std::abort();  // the written config does not read back
  });
  return 0;
}
