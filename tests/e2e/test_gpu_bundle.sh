#!/usr/bin/env bash
# The bundle a GPU host runs (scripts/gpu-bundle.sh with recur and the one GPU test binary) stays
# small enough to carry there: its archive is under 40 MB, and the bundled programs start from it.
#
#   test_gpu_bundle.sh BUILD_DIR SOURCE
BUILD=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
limit=40000000
bytes=$("$SOURCE/scripts/gpu-bundle.sh" "$WORK/gpu-bundle" "$BUILD/recur" "$BUILD/tests/test_gpu") ||
  { fail "gpu-bundle.sh failed"; finish; }
echo "archive: $bytes bytes ($(du -sh "$WORK/gpu-bundle" | cut -f1) unpacked)"
[ "$bytes" -lt "$limit" ] || fail "the GPU bundle's archive is $bytes bytes, over $limit"
(source "$WORK/gpu-bundle/env.sh" && recur --version && test_gpu --gtest_list_tests) \
  >"$WORK/start.out" 2>&1 || fail "the bundled programs do not start: $(tail -3 "$WORK/start.out")"
finish
