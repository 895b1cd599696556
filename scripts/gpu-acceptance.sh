#!/usr/bin/env bash
# The GPU checks of docs/cuda.md in one run, for a GPU host: kernel, op and model parity against
# the CPU, the CPU-vs-GPU loss curves, NCCL at world size 1, and the benchmarks against PyTorch on
# the same GPU. Each step's log goes to OUT; a summary table is printed at the end (and written to
# OUT/summary.txt); exits 1 when a step failed.
#
#   scripts/gpu-acceptance.sh BIN OUT [TORCH_REF]
#
# BIN holds recur and test_gpu (a bundle's bin/, scripts/gpu-bundle.sh), or is a build folder (recur
# there, the tests in BIN/tests). Run it from the source tree: the loss-curve test reads the
# shipped sample. TORCH_REF is torch_ref.py; without it the benchmarks have no PyTorch column.
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BIN OUT [TORCH_REF]" >&2; exit 2; }
bin=$1 out=$2 torch_ref=${3:-}
mkdir -p "$out"
summary=()

program() {  # BIN/NAME, or BIN/tests/NAME in a build folder
  if [ -x "$bin/$1" ]; then echo "$bin/$1"; else echo "$bin/tests/$1"; fi
}

# step NAME COMMAND...: runs it with its output in OUT/NAME.log and notes pass, skip or fail.
step() {
  local name=$1 start=$SECONDS rc=0
  shift
  "$@" >"$out/$name.log" 2>&1 || rc=$?
  local state=pass
  [ "$rc" -eq 77 ] && state=skip
  [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && state="FAIL ($rc)"
  summary+=("$(printf '%-24s %-10s %4ds' "$name" "$state" $((SECONDS - start)))")
}

# gtest_step NAME BINARY: a step running a gtest binary; one that only skipped counts as a failure
# (on a GPU host every GPU test must run).
gtest_step() {
  step "$1" "$2"
  if [[ ${summary[-1]} == *" pass "* ]] && grep -qE '^\[  PASSED  \] 0 tests' "$out/$1.log"; then
    summary[-1]="$(printf '%-24s %-10s' "$1" "FAIL (all skipped)")"
  fi
}

gtest_counts() {  # gtest's summary counts in a log
  grep -E '^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ tests?' "$out/$1.log"
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >"$out/gpu.txt" 2>&1
gtest_step parity "$(program test_gpu)"
step loss_curves bash tests/e2e/test_gpu_loss_curves.sh "$bin/recur" "$PWD"
bench_args=(--device cuda --rounds 3 --steps 8)
[ -n "$torch_ref" ] && bench_args+=(--torch-ref "$torch_ref")
step bench_gemm "$bin/recur" bench gemm --device cuda --rounds 3 --steps 4
for workload in lm seq2seq transformer; do
  step "bench_$workload" "$bin/recur" bench "$workload" "${bench_args[@]}"
done

{
  echo "GPU: $(cat "$out/gpu.txt")"
  printf '%s\n' "${summary[@]}"
  echo "parity:"
  gtest_counts parity
  echo "loss_curves:"
  grep -E 'largest relative difference|skipped|FAIL' "$out/loss_curves.log"
  grep -h -E '^(gemm|lm|seq2seq|transformer):|^recur |^pytorch|^gemm peak|^ratio' "$out"/bench_*.log
} | tee "$out/summary.txt"
# The exit status: 1 when a step failed.
[[ "${summary[*]}" != *FAIL* ]]
