#!/usr/bin/env bash
# Start-up and memory against corpus size (docs/benchmarks.md). For each size, a corpus drawn
# from the shipped Bible sample, `recur prepare` (time, peak RSS), then 2 ranks training 20 steps
# from the prepared store (time from process start to the first step, anonymous memory, resident
# token-store pages and peak RSS per rank). Prints a markdown table. Needs about 3 bytes of disk
# per byte of corpus.
#
#   scripts/bench-data-scale.sh lm [SIZE_MB ...]      character LSTM LM on make-large-corpus.sh
#                                                     (default: 4 100 1000)
#   scripts/bench-data-scale.sh parallel [PAIRS ...]  word-level seq2seq on make-parallel-corpus.sh
#                                                     (default: 15000 385000 5000000: about 4 MB,
#                                                     100 MB and 1.3 GB of text)
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
recur=${RECUR:-$source_dir/build/recur}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kind=${1:?usage: bench-data-scale.sh lm|parallel [SIZE ...]}
shift
sizes=("$@")

case $kind in
  lm)
    [ ${#sizes[@]} -gt 0 ] || sizes=(4 100 1000)
    cat >"$work/config.yaml" <<YAML
model: {type: lstm_lm, embedding_size: 32, hidden_size: 64, layers: 2}
data: {train: $work/corpus.txt, tokenizer: char}
training: {batch_size: 16, bptt: 50, max_steps: 20}
logging: {every_steps: 10}
YAML
    make_corpus() { "$source_dir/datasets/bible/make-large-corpus.sh" "$work/corpus.txt" "$1"; }
    describe() { echo "$1 MB"; }
    count=tokens ;;
  parallel)
    [ ${#sizes[@]} -gt 0 ] || sizes=(15000 385000 5000000)
    cat >"$work/config.yaml" <<YAML
model: {type: seq2seq, embedding_size: 32, encoder_hidden: 32, decoder_hidden: 64}
data: {source_train: $work/corpus.src, target_train: $work/corpus.tgt, tokenizer: word}
training: {batch_tokens: 2048, max_steps: 20}
validation: {every_steps: 0}
logging: {every_steps: 10}
YAML
    make_corpus() { "$source_dir/datasets/bible/make-parallel-corpus.sh" "$work/corpus" "$1"; }
    describe() { echo "$1 pairs, $(($(cat "$work"/corpus.{src,tgt} | wc -c) / 1000000)) MB"; }
    count=pairs ;;
  *) echo "bench-data-scale.sh: lm or parallel, not '$kind'" >&2; exit 2 ;;
esac

# field FIELD RANK: the field of the rank's memory line after its first step.
field() {
  grep '"type": "memory"' "$work/run/metrics.rank$2.jsonl" | head -1 |
    sed -E "s/.*\"$1\": ([0-9.e+-]+).*/\1/" | awk '{ printf "%.1f", $1 }'
}

echo "| corpus | $count | prepare | prepare peak RSS | first step after start (rank 0, 1) | anonymous MB per rank | token-store MB resident per rank | peak RSS MB per rank |"
echo "|---|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  rm -rf "$work/run" "$work"/corpus.*
  make_corpus "$size"
  prepared=$("$recur" prepare --config "$work/config.yaml" --set "run_dir=$work/run")
  took=$(sed -n 's/.*(\([0-9.]*\) s[, ].*/\1 s/p' <<<"$prepared")
  peak=$(sed -n 's/.*peak RSS \([0-9]*\) MB.*/\1 MB/p' <<<"$prepared")
  "$source_dir/launcher/recur-mpirun" -n 2 -- "$recur" train --config "$work/config.yaml" \
    --set "run_dir=$work/run" >"$work/train.out" 2>&1
  trained=$(sed -n -e 's/.*train \([0-9]*\) tokens.*/\1/p' -e 's/.*data: train \([0-9]*\) pairs.*/\1/p' "$work/train.out" | head -1 || true)
  echo "| $(describe "$size") | $trained | $took | $peak | $(field since_start_s 0) s, $(field since_start_s 1) s |" \
    "$(field rss_anon_mb 0), $(field rss_anon_mb 1) | $(field rss_store_mb 0), $(field rss_store_mb 1) |" \
    "$(field peak_rss_mb 0), $(field peak_rss_mb 1) |"
done
