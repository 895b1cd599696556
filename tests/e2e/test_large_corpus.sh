#!/usr/bin/env bash
# A 50 MB language-model corpus (datasets/bible/make-large-corpus.sh) against the 0.8 MB sample:
# recur prepare's peak memory exceeds the sample's by less than half the corpus (it does not hold
# the text; the CUDA libraries alone, where built in, take about 100 MB); 2 ranks then reach their
# first step within 10 s of starting; each rank's anonymous memory exceeds the sample's run by
# less than 100 MB; each rank keeps resident no more of the token stores than its half of them
# plus 10% (loose after 30 steps: it would catch a rank that reads every stream's windows); and a
# rank waits for rank 0 to prepare longer than the collective timeout without ending the job.
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
"$SOURCE/datasets/bible/make-large-corpus.sh" "$WORK/large.txt" 50

cat >"$WORK/lm.yaml" <<YAML
model: {type: lstm_lm, embedding_size: 32, hidden_size: 64, layers: 2}
data: {train: $WORK/large.txt, tokenizer: char}
training: {batch_size: 16, bptt: 50, max_steps: 30}
logging: {every_steps: 10}
YAML

# prepare_peak CORPUS TEXT: recur prepare's peak RSS in MB.
prepare_peak() {
  local out
  out=$("$RECUR" prepare --config "$WORK/lm.yaml" --set "data.train=$2" --set "run_dir=$WORK/$1") ||
    fail "$1: prepare failed"
  echo "$out" >&2
  sed -n 's/.*peak RSS \([0-9]*\) MB.*/\1/p' <<<"$out"
}
small_text=$SOURCE/datasets/bible/sample/kjv.train.txt
peak=$(prepare_peak large "$WORK/large.txt") small_peak=$(prepare_peak small "$small_text")
[ -n "$peak" ] && [ -n "$small_peak" ] && [ $((peak - small_peak)) -lt 25 ] ||
  fail "prepare held ${peak:-?} MB at its peak on 50 MB of text, ${small_peak:-?} MB on the sample"

# memory FIELD RUN RANK WHEN: the field of the rank's memory line ("first step" or "end"), or
# nothing when there is none.
memory() {
  grep "\"when\": \"$4\"" "$2/metrics.rank$3.jsonl" | sed -E "s/.*\"$1\": ([0-9.e+-]+).*/\1/"
}
for corpus in large small; do
  text=$WORK/large.txt
  [ "$corpus" = small ] && text=$small_text
  "$SOURCE/launcher/recur-mpirun" -n 2 -- "$RECUR" train --config "$WORK/lm.yaml" \
    --set "data.train=$text" --set "run_dir=$WORK/$corpus" >"$WORK/$corpus.out" 2>&1 ||
    { fail "$corpus: training failed"; tail -5 "$WORK/$corpus.out" >&2; exit 1; }
done
# A run that prepares its own store of the large corpus (about 3 s) while the other rank waits,
# with a collective timeout of 1 s: the wait is not a collective that times out.
"$SOURCE/launcher/recur-mpirun" -n 2 -- "$RECUR" train --config "$WORK/lm.yaml" \
  --set "run_dir=$WORK/self-prepared" --set distributed.collective_timeout_s=1 \
  >"$WORK/self-prepared.out" 2>&1 || fail "a run that prepared its data: $(grep -m1 error "$WORK/self-prepared.out")"
grep -q "data: prepared train (new)" "$WORK/self-prepared.out" || fail "the run did not prepare its data"
store_mb=$(($(du -k "$WORK/large/prepared/train" | cut -f1) / 1024))
for rank in 0 1; do
  start=$(memory since_start_s "$WORK/large" $rank "first step")
  anon=$(memory rss_anon_mb "$WORK/large" $rank end)
  small_anon=$(memory rss_anon_mb "$WORK/small" $rank end)
  resident=$(memory rss_store_mb "$WORK/large" $rank end)
  [ -n "$start" ] && [ -n "$anon" ] && [ -n "$small_anon" ] && [ -n "$resident" ] ||
    { fail "rank $rank: a memory line or figure is missing"; continue; }
  echo "rank $rank: first step ${start} s after start; anonymous ${anon} MB (${small_anon} MB on the" \
    "sample); ${resident} MB of the ${store_mb} MB store resident"
  awk -v s="$start" 'BEGIN { exit !(s < 10) }' || fail "rank $rank: first step $start s after start"
  awk -v a="$anon" -v b="$small_anon" 'BEGIN { exit !(a - b < 100) }' ||
    fail "rank $rank: $anon MB anonymous against $small_anon MB on the sample"
  awk -v r="$resident" -v s="$store_mb" 'BEGIN { exit !(r <= s / 2 * 1.1) }' ||
    fail "rank $rank: $resident MB of the $store_mb MB store resident, more than its half + 10%"
done
finish
