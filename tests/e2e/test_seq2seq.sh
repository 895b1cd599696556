#!/usr/bin/env bash
# The attention model end to end: the reverse task (vocabulary 20, lengths 5-20) trains to >= 99%
# exact match (greedy) on 1000 held-out sequences; 2 ranks give the losses of 1 rank; a resumed run
# continues bit-identically; translate writes attention heatmaps.
RECUR=$1 SOURCE=$2 DIGEST=$3
source "$SOURCE/tests/e2e/lib.sh"
reverse_data
config=$SOURCE/configs/seq2seq/reverse.yaml
mpirun_() { "$SOURCE/launcher/recur-mpirun" --oversubscribe "$@"; }

# Training to the target.
"$RECUR" train --config "$config" "${REVERSE_DATA[@]}" --set "run_dir=$WORK/reverse" >"$WORK/reverse.out" 2>&1 ||
  { fail "training failed"; cat "$WORK/reverse.out" >&2; }
"$RECUR" eval --checkpoint "$WORK/reverse" >"$WORK/eval.out" || fail "eval failed"
cat "$WORK/eval.out"
exact=$(sed -n 's/^greedy : .*exact match \([0-9.]*\)% (\([0-9]*\) of 1000)$/\2/p' "$WORK/eval.out")
[ -n "$exact" ] && [ "$exact" -ge 990 ] || fail "exact match ${exact:-?} of 1000, expected at least 990"

# 1 rank and 2 ranks: the same losses (dropout on).
short=(--set training.max_steps=20 --set logging.every_steps=1 --set model.dropout=0.2 --set validation.every_steps=0
       --set data.source_test= --set data.target_test=)
mpirun_ -n 1 -- "$RECUR" train --config "$config" "${REVERSE_DATA[@]}" "${short[@]}" --set "run_dir=$WORK/np1" >/dev/null 2>&1 || fail "1 rank failed"
mpirun_ -n 2 -- "$RECUR" train --config "$config" "${REVERSE_DATA[@]}" "${short[@]}" --set "run_dir=$WORK/np2" >/dev/null 2>&1 || fail "2 ranks failed"
losses() { sed -n 's/.*"type": "train", "step": \([0-9]*\),.*"loss": \([^,]*\),.*/\1 \2/p' "$1/metrics.jsonl"; }
paste <(losses "$WORK/np1") <(losses "$WORK/np2") | awk '
  { n++; d = ($2 - $4) / $2; if (d < 0) d = -d; if (d > worst) worst = d; if ($1 != $3) bad = 1 }
  END { printf "1 vs 2 ranks: %d steps, largest relative loss difference %.2e\n", n, worst; exit (n != 20 || bad || worst > 1e-5) }' ||
  fail "2 ranks do not reproduce 1 rank"

# Resume: 10 + 10 steps against 20 straight, on 2 ranks.
mpirun_ -n 2 -- "$RECUR" train --config "$config" "${REVERSE_DATA[@]}" "${short[@]}" --set training.max_steps=10 \
  --set checkpoint.every_steps=10 --set "run_dir=$WORK/resumed" >/dev/null 2>&1 || fail "first half failed"
mpirun_ -n 2 -- "$RECUR" train --config "$config" "${REVERSE_DATA[@]}" "${short[@]}" --resume auto \
  --set "run_dir=$WORK/resumed" >/dev/null 2>&1 || fail "resumed half failed"
[ "$(losses "$WORK/resumed" | sed -n '11,20p')" = "$(losses "$WORK/np2" | sed -n '11,20p')" ] || fail "resumed losses differ"
[ "$("$DIGEST" "$WORK/resumed/model.h5")" = "$("$DIGEST" "$WORK/np2/model.h5")" ] || fail "resumed parameters differ"
grep -q 'continuing at step 11' "$WORK/resumed/train.rank0.log" || fail "the resumed run did not start at step 11"

# Heatmaps.
head -n 3 "$WORK/data/test.src" | "$RECUR" translate --checkpoint "$WORK/reverse" --attention "$WORK/heat" >"$WORK/hyp.txt" 2>/dev/null
[ "$(wc -l <"$WORK/hyp.txt")" -eq 3 ] || fail "translate printed $(wc -l <"$WORK/hyp.txt") lines"
[ "$(ls "$WORK/heat" | wc -l)" -eq 3 ] && grep -q '<svg' "$WORK/heat/sentence-00001.svg" || fail "no heatmaps"
finish
