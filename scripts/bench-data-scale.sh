#!/usr/bin/env bash
# Start-up and memory against corpus size (docs/benchmarks.md): for each size, a character corpus
# drawn from the KJV sample (datasets/bible/make-large-corpus.sh), `recur prepare` (time, peak
# RSS), then 2 ranks training 20 steps from the prepared store (time from process start to the
# first step, anonymous memory, resident token-store pages and peak RSS per rank). Prints a
# markdown table. Needs about 3 bytes of disk per byte of corpus.
#
#   scripts/bench-data-scale.sh [SIZE_MB ...]          (default: 4 100 1000)
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
recur=${RECUR:-$source_dir/build/recur}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(4 100 1000)

cat >"$work/lm.yaml" <<YAML
model: {type: lstm_lm, embedding_size: 32, hidden_size: 64, layers: 2}
data: {train: $work/corpus.txt, tokenizer: char}
training: {batch_size: 16, bptt: 50, max_steps: 20}
logging: {every_steps: 10}
YAML

# field FIELD RANK: the field of the rank's memory line after its first step.
field() {
  grep '"type": "memory"' "$work/run/metrics.rank$2.jsonl" | head -1 |
    sed -E "s/.*\"$1\": ([0-9.e+-]+).*/\1/" | awk '{ printf "%.1f", $1 }'
}

echo "| corpus | tokens | prepare | prepare peak RSS | first step after start (rank 0, 1) | anonymous MB per rank | token-store MB resident per rank | peak RSS MB per rank |"
echo "|---|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  rm -rf "$work/run" "$work/corpus.txt"
  "$source_dir/datasets/bible/make-large-corpus.sh" "$work/corpus.txt" "$size"
  prepared=$("$recur" prepare --config "$work/lm.yaml" --set "run_dir=$work/run")
  took=$(sed -n 's/.*(\([0-9.]*\) s, peak RSS \([0-9]*\) MB)/\1 s/p' <<<"$prepared")
  peak=$(sed -n 's/.*peak RSS \([0-9]*\) MB)/\1 MB/p' <<<"$prepared")
  "$source_dir/launcher/recur-mpirun" -n 2 -- "$recur" train --config "$work/lm.yaml" \
    --set "run_dir=$work/run" >"$work/train.out" 2>&1
  tokens=$(sed -n 's/.*train \([0-9]*\) tokens.*/\1/p' "$work/train.out" | head -1)
  echo "| ${size} MB | $tokens | $took | $peak | $(field since_start_s 0) s, $(field since_start_s 1) s |" \
    "$(field rss_anon_mb 0), $(field rss_anon_mb 1) | $(field rss_store_mb 0), $(field rss_store_mb 1) |" \
    "$(field peak_rss_mb 0), $(field peak_rss_mb 1) |"
done
