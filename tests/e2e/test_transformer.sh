#!/usr/bin/env bash
# The transformer end to end: the reverse task (vocabulary 20, lengths 5-20) trains to >= 99% exact
# match (greedy) on 1000 held-out sequences; beam search keeps it; translate writes the top layer's
# cross-attention as heatmaps.
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
reverse_data
"$RECUR" train --config "$SOURCE/configs/seq2seq/reverse-transformer.yaml" "${REVERSE_DATA[@]}" \
  --set "run_dir=$WORK/reverse" >"$WORK/reverse.out" 2>&1 || { fail "training failed"; cat "$WORK/reverse.out" >&2; }
"$RECUR" eval --checkpoint "$WORK/reverse" >"$WORK/eval.out" || fail "eval failed"
cat "$WORK/eval.out"
exact() { sed -n "s/^$1 *: .*exact match \([0-9.]*\)% (\([0-9]*\) of 1000)$/\2/p" "$WORK/eval.out"; }
greedy=$(exact greedy) beam=$(exact "beam 4")
[ -n "$greedy" ] && [ "$greedy" -ge 990 ] || fail "greedy exact match ${greedy:-?} of 1000, expected at least 990"
[ -n "$beam" ] && [ "$beam" -ge 990 ] || fail "beam 4 exact match ${beam:-?} of 1000, expected at least 990"

head -n 3 "$WORK/data/test.src" | "$RECUR" translate --checkpoint "$WORK/reverse" --attention "$WORK/heat" >"$WORK/hyp.txt" 2>/dev/null
[ "$(head -n 3 "$WORK/data/test.tgt")" = "$(cat "$WORK/hyp.txt")" ] || fail "translate does not reverse the first 3 test sequences"
[ "$(ls "$WORK/heat" | wc -l)" -eq 3 ] && grep -q '<svg' "$WORK/heat/sentence-00001.svg" || fail "no heatmaps"
finish
