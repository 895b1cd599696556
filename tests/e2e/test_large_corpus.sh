#!/usr/bin/env bash
# Data at scale, the CI variant of issue 17's checks, for a language model and a translation model:
# a 50 MB character corpus (datasets/bible/make-large-corpus.sh) against the 0.8 MB KJV sample, and
# 200,000 verse pairs, 52 MB (make-parallel-corpus.sh), against the sample's 5,547. For each:
# recur prepare's peak memory exceeds the sample's by less than 25 MB (it does not hold the text);
# 2 ranks then reach their first step within 10 s of starting; each rank's anonymous memory exceeds
# the sample's run by less than 100 MB; each rank keeps resident no more of the training store
# than its half of it plus 10% (loose after 30 steps: it would catch a rank that reads every
# example). recur prepare on 2 ranks writes the same training stores as on 1. And a rank waits for rank 0
# to prepare longer than the collective timeout without ending the job.
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
sample=$SOURCE/datasets/bible/sample
"$SOURCE/datasets/bible/make-large-corpus.sh" "$WORK/large.txt" 50
"$SOURCE/datasets/bible/make-parallel-corpus.sh" "$WORK/large" 200000

cat >"$WORK/lm.yaml" <<YAML
model: {type: lstm_lm, embedding_size: 32, hidden_size: 64, layers: 2}
data: {train: $WORK/large.txt, tokenizer: char}
training: {batch_size: 16, bptt: 50, max_steps: 30}
logging: {every_steps: 10}
YAML
cat >"$WORK/seq2seq.yaml" <<YAML
model: {type: seq2seq, embedding_size: 16, encoder_hidden: 16, decoder_hidden: 32}
data: {source_train: $WORK/large.src, target_train: $WORK/large.tgt, tokenizer: char, max_length: 200}
training: {batch_tokens: 1024, max_steps: 30}
validation: {every_steps: 0}
logging: {every_steps: 10}
YAML
# The settings that point each model at the sample instead.
small_lm=(--set "data.train=$sample/kjv.train.txt")
small_seq2seq=(--set "data.source_train=$sample/sparv.train.txt" --set "data.target_train=$sample/web.train.txt")

# prepare_peak MODEL RUN [--set ...]: recur prepare's peak RSS in MB.
prepare_peak() {
  local model=$1 run=$2 out
  shift 2
  out=$("$RECUR" prepare --config "$WORK/$model.yaml" --set "run_dir=$WORK/$run" "$@") ||
    fail "$run: prepare failed"
  echo "$out" >&2
  sed -n 's/.*peak RSS \([0-9]*\) MB.*/\1/p' <<<"$out"
}

# train MODEL RUN [--set ...]: 2 ranks train from the prepared stores.
train() {
  local model=$1 run=$2
  shift 2
  "$SOURCE/launcher/recur-mpirun" -n 2 -- "$RECUR" train --config "$WORK/$model.yaml" \
    --set "run_dir=$WORK/$run" "$@" >"$WORK/$run.out" 2>&1 ||
    { fail "$run: training failed"; tail -5 "$WORK/$run.out" >&2; exit 1; }
}

# memory FIELD RUN RANK WHEN: the field of the rank's memory line ("first step" or "end").
memory() {
  { grep "\"when\": \"$4\"" "$WORK/$2/metrics.rank$3.jsonl" || true; } | sed -E "s/.*\"$1\": ([0-9.e+-]+).*/\1/"
}

# expect_scales MODEL: the checks above for one model's large and small runs.
expect_scales() {
  local model=$1
  local -n small_args=small_$model
  local peak small_peak store_mb start anon small_anon resident
  peak=$(prepare_peak "$model" "$model-large") small_peak=$(prepare_peak "$model" "$model-small" "${small_args[@]}")
  [ -n "$peak" ] && [ -n "$small_peak" ] && [ $((peak - small_peak)) -lt 25 ] ||
    fail "$model: prepare held ${peak:-?} MB at its peak on the large corpus, ${small_peak:-?} MB on the sample"
  train "$model" "$model-large"
  train "$model" "$model-small" "${small_args[@]}"
  store_mb=$(($(du -k "$WORK/$model-large/prepared/train" | cut -f1) / 1024))
  for rank in 0 1; do
    start=$(memory since_start_s "$model-large" $rank "first step")
    anon=$(memory rss_anon_mb "$model-large" $rank end)
    small_anon=$(memory rss_anon_mb "$model-small" $rank end)
    resident=$(memory rss_store_mb "$model-large" $rank end)
    [ -n "$start" ] && [ -n "$anon" ] && [ -n "$small_anon" ] && [ -n "$resident" ] ||
      { fail "$model rank $rank: a memory line or figure is missing"; continue; }
    echo "$model rank $rank: first step ${start} s after start; anonymous ${anon} MB (${small_anon} MB" \
      "on the sample); ${resident} MB of the ${store_mb} MB store resident"
    awk -v s="$start" 'BEGIN { exit !(s < 10) }' || fail "$model rank $rank: first step $start s after start"
    awk -v a="$anon" -v b="$small_anon" 'BEGIN { exit !(a - b < 100) }' ||
      fail "$model rank $rank: $anon MB anonymous against $small_anon MB on the sample"
    awk -v r="$resident" -v s="$store_mb" 'BEGIN { exit !(r <= s / 2 * 1.1) }' ||
      fail "$model rank $rank: $resident MB of the $store_mb MB store resident, more than its half + 10%"
  done
}

# expect_same_in_parts MODEL: recur prepare on 2 ranks, each tokenising half of the text and rank 0
# merging, writes the training store that 1 rank wrote: the same arrays (content hashes) and meta
# (the configs have no validation or test text).
expect_same_in_parts() {
  local out
  out=$("$SOURCE/launcher/recur-mpirun" -n 2 -- "$RECUR" prepare --config "$WORK/$1.yaml" \
    --set "run_dir=$WORK/$1-parts" 2>&1) || { fail "$1: prepare on 2 ranks failed: $out"; return; }
  grep "^recur prepare:" <<<"$out" || true
  python3 - "$WORK/$1-large/prepared/train/manifest.json" "$WORK/$1-parts/prepared/train/manifest.json" <<'PY' ||
import json, sys
one, two = (json.load(open(path)) for path in sys.argv[1:])
sys.exit(0 if one["arrays"] == two["arrays"] and one["meta"] == two["meta"] else 1)
PY
    fail "$1: the store prepared on 2 ranks differs from the one prepared on 1"
}

expect_scales lm
expect_scales seq2seq
expect_same_in_parts lm
expect_same_in_parts seq2seq
# A run that prepares its own store of the large corpus (about 3 s) while the other rank waits,
# with a collective timeout of 1 s: the wait is not a collective that times out.
train lm lm-self-prepared --set distributed.collective_timeout_s=1
grep -q "data: prepared train (new)" "$WORK/lm-self-prepared.out" || fail "the run did not prepare its data"
finish
