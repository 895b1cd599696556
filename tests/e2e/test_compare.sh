#!/usr/bin/env bash
# The two language-model families side by side on the shipped sample: a transformer_lm trains,
# evaluates on windows and samples through the LSTM LM's commands; the LSTM's test is reported
# stateful and on windows with reset state; recur compare tabulates and plots both runs.
RECUR=$1 SOURCE=$2
source "$(dirname "$0")/lib.sh"
lstm=$(tiny_config)
sample=$SOURCE/datasets/bible/sample
transformer=$(tiny_transformer_lm_config)

"$RECUR" train --config "$lstm" --set "data.test=$sample/kjv.test.txt" --set training.variable_bptt=false \
  >"$WORK/lstm.out" 2>&1 || fail "lstm training failed"
"$RECUR" train --config "$transformer" >"$WORK/transformer.out" 2>&1 || fail "transformer training failed"
grep -q '^test (final model): loss .* | bpc [0-9.]* | with the state reset in every window: loss .* | bpc [0-9.]*$' \
  "$WORK/lstm.out" || fail "the LSTM's test is not reported both ways"
grep -q '^test (final model, windows): loss .* | bpc [0-9.]*$' "$WORK/transformer.out" || fail "transformer test line"

"$RECUR" eval --checkpoint "$WORK/transformer" >"$WORK/eval.out" || fail "eval failed"
grep -q 'kjv.test.txt: [0-9]* tokens | loss [0-9.]* | ppl [0-9.]* | bpc [0-9.]* (windows of 30)$' "$WORK/eval.out" ||
  fail "transformer eval output"
"$RECUR" sample --checkpoint "$WORK/transformer" --prime "And God" --tokens 50 >"$WORK/sample.out" || fail "sample failed"
head -c 7 "$WORK/sample.out" | grep -q '^And God' || fail "the sample starts with the prime"

"$RECUR" compare "$WORK/run" "$WORK/transformer" --out "$WORK/compare" >"$WORK/table.md" 2>/dev/null || fail "compare failed"
cat "$WORK/table.md"
grep -q '^| run | model | parameters | .* | test bpc | .* | test bpc_windows |$' "$WORK/table.md" &&
  grep -q '^| run | lstm_lm | [0-9.]*M | 1 x [0-9]* | [0-9]* | 40 | .*\( | [0-9.]*\)\{6\} |$' "$WORK/table.md" &&
  grep -q '^| transformer | transformer_lm | .* | 40 | .* | - | - | - | [0-9.]* | [0-9.]* | [0-9.]* |$' "$WORK/table.md" ||
  fail "comparison table"
for f in comparison.md bpc-vs-steps.svg bpc-vs-time.svg; do
  [ -s "$WORK/compare/$f" ] || fail "compare did not write $f"
done
[ "$(grep -c '<polyline' "$WORK/compare/bpc-vs-time.svg")" -eq 2 ] || fail "the chart does not have two lines"
mkdir "$WORK/empty"
expect_error "recur: error: $WORK/empty: no metrics.jsonl (not a run directory?)" "$RECUR" compare "$WORK/empty"
finish
