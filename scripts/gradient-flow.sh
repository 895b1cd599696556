#!/usr/bin/env bash
# The vanishing-gradient picture from real runs (docs/benchmarks.md): the quick-start character LM
# (configs/lm/sample-char.yaml) trains STEPS steps (default 1000) with each cell, vanilla RNN, GRU
# and LSTM, from the same seed and data; then `recur analyze gradients` draws ||dL_T/dh_t||
# against the distance T - t for each trained model and for the same model freshly initialised,
# into OUT (default docs/gradient-flow.svg). Prints the analysis table, and how often gradient
# clipping (training.clip_norm 1.0) scaled the gradients in each run.
#
#   scripts/gradient-flow.sh [STEPS] [OUT]
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
recur=${RECUR:-$source_dir/build/recur}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
steps=${1:-1000}
out=${2:-$source_dir/docs/gradient-flow.svg}

echo "| cell | steps | clipped steps | best validation bpc |"
echo "|---|---|---|---|"
for cell in rnn gru lstm; do
  run=$work/sample-char-$cell
  "$recur" train --config "$source_dir/configs/lm/sample-char.yaml" \
    --set "model.cell=$cell" --set "training.max_steps=$steps" --set training.max_minutes=0 \
    --set "run_dir=$run" >"$run.log" 2>&1
  clipped=$(grep '"type": "end"' "$run/metrics.jsonl" | sed -E 's/.*"clipped_steps": ([0-9.]+).*/\1/')
  bpc=$(grep '"type": "valid"' "$run/metrics.jsonl" | sed -E 's/.*"bpc": ([0-9.]+).*/\1/' | sort -n | head -1)
  awk -v cell="$cell" -v steps="$steps" -v clipped="$clipped" -v bpc="$bpc" 'BEGIN {
    printf "| %s | %d | %d (%.0f%%) | %.3f |\n", cell, steps, clipped, 100 * clipped / steps, bpc }' 
done
echo
"$recur" analyze gradients --fresh --window 100 --sequences 32 --out "$out" \
  --checkpoint "$work/sample-char-rnn" --checkpoint "$work/sample-char-gru" \
  --checkpoint "$work/sample-char-lstm"
