#include "core/threads.h"

#include <cblas.h>
#include <sched.h>

#include "core/error.h"
#include "core/host.h"
#include "core/rng.h"

namespace recur {

namespace {

int g_threads = 1;

std::string blas_description() {
  const char* threading = "sequential";
  switch (openblas_get_parallel()) {
    case 1:
      threading = "pthreads";
      break;
    case 2:
      threading = "OpenMP";
      break;
    default:
      break;
  }
  std::string config = openblas_get_config();
  std::string version = config.substr(0, config.find(' ', config.find(' ') + 1));
  return concat(version, " (", threading, ", ", openblas_get_corename(), ")");
}

}  // namespace

std::string ThreadSetup::str() const {
  return concat(
      threads, " thread", threads == 1 ? "" : "s", " (", cores, " core", cores == 1 ? "" : "s",
      sharing == 1 ? " of its own" : concat(" shared by ", sharing, " ranks"), "; ", blas, ")");
}

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

uint64_t core_set_hash() {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  std::string text = host_name();
  text.append(reinterpret_cast<const char*>(&set), sizeof(set));
  return hash_name(text.data(), text.size());
}

ThreadSetup configure_threads(int requested, int sharing) {
  RECUR_CHECK(requested >= 0, "thread count must be positive or auto, got ", requested);
  ThreadSetup setup;
  setup.cores = available_cores();
  setup.sharing = std::max(1, sharing);
  setup.threads = requested > 0 ? requested : std::max(1, setup.cores / setup.sharing);
  g_threads = setup.threads;
  omp_set_num_threads(setup.threads);
  openblas_set_num_threads(setup.threads);
  setup.blas = blas_description();
  return setup;
}

int num_threads() {
  return g_threads;
}

}  // namespace recur
