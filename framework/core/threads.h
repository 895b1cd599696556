// Threads of this process. recur's own loops and OpenBLAS share one OpenMP pool whose size is set
// once at start-up, so the process never runs more threads than the cores it was given.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace recur {

struct ThreadSetup {
  int threads = 1;   // threads this process uses
  int cores = 1;     // cores in this process's affinity mask
  int sharing = 1;   // processes of this job whose affinity mask is the same (on this node)
  std::string blas;  // e.g. "OpenBLAS 0.3.21 (OpenMP)"
  std::string str() const;
};

// Cores this process may run on (its CPU affinity mask).
int available_cores();
// A hash of this host's name and this process's affinity mask: ranks with equal values share
// the same cores.
uint64_t core_set_hash();

// Sets the thread count for OpenMP and OpenBLAS. requested == 0 means "auto": the cores of this
// process's affinity mask divided among the `sharing` processes of the job bound to the same cores
// (at least one).
ThreadSetup configure_threads(int requested, int sharing);

int num_threads();

// Runs body(begin, end) over [0, n) in contiguous chunks, one per thread, using no more threads
// than leaves each at least `grain` iterations. Serial inside an enclosing parallel region.
template <class Body>
void parallel_for(int64_t n, int64_t grain, Body&& body) {
  int64_t wanted = grain > 0 ? (n + grain - 1) / grain : n;
  int threads = static_cast<int>(std::min<int64_t>(num_threads(), wanted));
  if (threads <= 1 || omp_in_parallel()) {
    if (n > 0) body(int64_t{0}, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    int64_t t = omp_get_thread_num();
    int64_t chunk = (n + threads - 1) / threads;
    int64_t begin = std::min(n, t * chunk);
    int64_t end = std::min(n, begin + chunk);
    if (begin < end) body(begin, end);
  }
}

}  // namespace recur
