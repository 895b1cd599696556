#!/usr/bin/env bash
# Loss curves at each training.precision (docs/benchmarks.md): the shipped quick-start character
# LM (configs/lm/sample-char.yaml) and Spanish-English seq2seq (configs/seq2seq/sample-es-en.yaml)
# train STEPS steps (default 500) in fp32, tf32 and bf16 from the same seed, on the device given
# (default cpu, where tf32 and bf16 are emulated). Prints a markdown table: the training loss every
# STEPS/5 steps at each precision, and the largest relative difference from fp32 over all steps.
#
#   scripts/precision-curves.sh [STEPS] [DEVICE]
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
recur=${RECUR:-$source_dir/build/recur}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
steps=${1:-500}
device=${2:-cpu}
every=$((steps / 5))

# losses RUN: "step loss" for every step of a run folder.
losses() {
  grep '"type": "train"' "$1/metrics.jsonl" |
    sed -E 's/.*"step": ([0-9]+),.*"loss": ([-0-9.e+]+).*/\1 \2/' | sort -n
}

echo "| model | precision |$(for s in $(seq "$every" "$every" "$steps"); do printf ' step %d |' "$s"; done) max difference from fp32 |"
echo "|---|---|$(printf -- '---|%.0s' $(seq 1 5))---|"
for model in lm/sample-char seq2seq/sample-es-en; do
  for precision in fp32 tf32 bf16; do
    run=$work/${model//\//-}-$precision
    "$recur" train --config "$source_dir/configs/$model.yaml" --device "$device" \
      --set "training.max_steps=$steps" --set training.max_minutes=0 \
      --set validation.every_steps=0 --set logging.every_steps=1 \
      --set "training.precision=$precision" --set "run_dir=$run" >"$run.log" 2>&1
    losses "$run" >"$run.txt"
    fp32=$work/${model//\//-}-fp32.txt
    picked=$(awk -v every="$every" '$1 % every == 0 { printf " %.4f |", $2 }' "$run.txt")
    worst=$(join <(sort "$run.txt") <(sort "$fp32") |
      awk '{ d = ($2 - $3) / $3; if (d < 0) d = -d; if (d > m) m = d } END { printf "%.2f%%", 100 * m }')
    echo "| ${model#*/} | $precision |$picked $worst |"
  done
done
