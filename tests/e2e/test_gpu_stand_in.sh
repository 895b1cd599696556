#!/usr/bin/env bash
# A GPU that nvidia-smi lists but the CUDA runtime cannot use (a broken driver, a missing library,
# a build without CUDA) fails the GPU checks instead of passing them as skips: with a stand-in
# nvidia-smi on PATH that lists an H200, the GPU test binary, the loss-curve test and
# scripts/gpu-acceptance.sh report failures naming the listed GPU; without it, the binary skips.
# Skipped (exit 77) where a real nvidia-smi lists a GPU: the stand-in cannot pretend there is none.
#
#   test_gpu_stand_in.sh BUILD_DIR SOURCE
BUILD=$1 SOURCE=$2 RECUR=$1/recur
source "$SOURCE/tests/e2e/lib.sh"
if nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  echo "skipped: this machine's nvidia-smi lists a GPU"
  exit 77
fi
mkdir -p "$WORK/stand-in"
cat >"$WORK/stand-in/nvidia-smi" <<'SH'
#!/bin/sh
case "$*" in
  *-L*) echo "GPU 0: NVIDIA H200 (UUID: GPU-00000000-0000-0000-0000-stand-in)" ;;
  *) echo "NVIDIA H200, 570.00, 143771 MiB" ;;
esac
SH
chmod +x "$WORK/stand-in/nvidia-smi"
listed="nvidia-smi lists GPU 0: NVIDIA H200 (UUID: GPU-00000000-0000-0000-0000-stand-in) but"

for binary in test_gpu; do
  "$BUILD/tests/$binary" >"$WORK/$binary.plain" 2>&1 || fail "$binary failed without a GPU: $(tail -3 "$WORK/$binary.plain")"
  grep -qE '^\[  SKIPPED \] [1-9]' "$WORK/$binary.plain" || fail "$binary skipped nothing without a GPU"
  PATH=$WORK/stand-in:$PATH "$BUILD/tests/$binary" >"$WORK/$binary.out" 2>&1 &&
    fail "$binary passed with a listed GPU that it cannot use"
  grep -qF "$listed the CUDA runtime cannot use it" "$WORK/$binary.out" ||
    fail "$binary did not name the listed GPU: $(grep -m1 -A2 'Failure' "$WORK/$binary.out")"
done

rc=0
PATH=$WORK/stand-in:$PATH bash "$SOURCE/tests/e2e/test_gpu_loss_curves.sh" "$RECUR" "$SOURCE" \
  >"$WORK/curves.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "the loss-curve test exited $rc with a listed GPU (expected 1)"
grep -qF "$listed recur cannot use it" "$WORK/curves.out" || fail "loss curves: $(tail -2 "$WORK/curves.out")"

(cd "$SOURCE" && PATH=$WORK/stand-in:$PATH bash scripts/gpu-acceptance.sh "$BUILD" "$WORK/acceptance") \
  >"$WORK/acceptance.out" 2>&1 && fail "gpu-acceptance.sh exited 0 with a listed GPU that it cannot use"
for name in parity loss_curves; do
  grep -qE "^$name +FAIL" "$WORK/acceptance/summary.txt" ||
    fail "gpu-acceptance.sh did not fail $name: $(grep "^$name" "$WORK/acceptance/summary.txt")"
done
finish
