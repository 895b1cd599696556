#!/usr/bin/env bash
# Interleaved A/B of two recur binaries on the training benchmarks: "is B slower than A?".
#
#   scripts/bench-ab.sh A_RECUR B_RECUR [ROUNDS] [WORKLOADS...]
#
# Each round runs `recur bench WORKLOAD --rounds 1` with A and with B, alternating which goes
# first, so that a machine that drifts (other tenants, clocks) weighs on both alike. Prints every
# round's tokens/s, the medians and B/A. Run it on an otherwise idle machine.
set -euo pipefail
a=${1:?usage: bench-ab.sh A_RECUR B_RECUR [ROUNDS] [WORKLOADS...]}
b=${2:?usage: bench-ab.sh A_RECUR B_RECUR [ROUNDS] [WORKLOADS...]}
rounds=${3:-5}
shift $(($# < 3 ? $# : 3))
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(lm seq2seq transformer)

# tokens/s and matrix-product FLOPs per token of one benchmark round.
measure() {
  "$1" bench "$2" --rounds 1 --steps "$3" 2>/dev/null | grep '^{' |
    sed -E 's/.*"tokens_per_s": ([0-9.]+), "gflops": ([0-9.]+).*/\1 \2/' |
    awk '{ printf "%.1f %.2f\n", $1, $2 * 1e3 / $1 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for workload in "${workloads[@]}"; do
  steps=4
  [ "$workload" = lm ] && steps=8
  : >"/tmp/bench-ab-$$-a" && : >"/tmp/bench-ab-$$-b"
  for ((r = 1; r <= rounds; r++)); do
    order=(a b)
    ((r % 2 == 0)) && order=(b a)
    for side in "${order[@]}"; do
      binary=$a
      [ "$side" = b ] && binary=$b
      measure "$binary" "$workload" "$steps" >>"/tmp/bench-ab-$$-$side"
    done
    printf '%s round %d: A %s tok/s, B %s tok/s\n' "$workload" "$r" \
      "$(tail -1 /tmp/bench-ab-$$-a | cut -d' ' -f1)" "$(tail -1 /tmp/bench-ab-$$-b | cut -d' ' -f1)"
  done
  median_a=$(cut -d' ' -f1 "/tmp/bench-ab-$$-a" | median)
  median_b=$(cut -d' ' -f1 "/tmp/bench-ab-$$-b" | median)
  printf '%s: median A %s, B %s tok/s, B/A %.4f; MFLOP/token A %s, B %s\n' "$workload" \
    "$median_a" "$median_b" "$(awk -v a="$median_a" -v b="$median_b" 'BEGIN { print b / a }')" \
    "$(head -1 /tmp/bench-ab-$$-a | cut -d' ' -f2)" "$(head -1 /tmp/bench-ab-$$-b | cut -d' ' -f2)"
  rm -f "/tmp/bench-ab-$$-a" "/tmp/bench-ab-$$-b"
done
