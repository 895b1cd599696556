#!/usr/bin/env bash
# The sanitizer jobs (scripts/test.sh runs them after the main tests). Each is a clang build of the
# CPU backend with only the targets its tests need (tests/CMakeLists.txt: sanitized_tests):
#
#   address  ASan + UBSan in build-asan: every unit test, the collectives and the gradient reducer
#            on 2 ranks (mpi_collectives_np2), the canaries; the same build's libFuzzer targets
#            (tests/fuzz): each replays its corpus, then fuzzes for 15 s
#   thread   TSan in build-tsan: the reducer and its communication thread on 2 ranks, the
#            asynchronous checkpoint writer (Checkpoint.*), the stop signal in a 2-rank training run
#            with asynchronous checkpoints (e2e_stop_signal), the canary
#
# A sanitizer report fails its test; a canary that passes means a sanitizer is missing.
#   scripts/test-sanitizers.sh [address] [thread]      (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=(address thread)

build() {
  local dir=$1 sanitize=$2
  shift 2
  # -O1: fast to build and still quick to run; -g1: file:line in the reports.
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DRECUR_CUDA=OFF \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -g1" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1" \
    -DRECUR_SANITIZE="$sanitize" "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)" --target sanitized_tests
}

rc=0
for job in "${jobs[@]}"; do
  case "$job" in
    address)
      build build-asan address,undefined -DRECUR_FUZZ=ON || { rc=1; continue; }
      ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -L 'unit|fuzz' || rc=1
      ctest --test-dir build-asan --output-on-failure -R '^(sanitize_canary_.*|mpi_collectives_np2)$' || rc=1
      ;;
    thread)
      build build-tsan thread || { rc=1; continue; }
      ctest --test-dir build-tsan --output-on-failure \
        -R '^(sanitize_canary_thread|Checkpoint\..*|mpi_collectives_np2|e2e_stop_signal)$' || rc=1
      ;;
    *) echo "test-sanitizers.sh: unknown job '$job' (address or thread)" >&2; exit 2 ;;
  esac
done
exit "$rc"
