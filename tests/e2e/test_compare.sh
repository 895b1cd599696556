#!/usr/bin/env bash
# The two language-model families side by side on the shipped sample: a transformer_lm trains,
# evaluates on windows and samples through the LSTM LM's commands; the LSTM's test is reported
# stateful and on windows with reset state; recur compare tabulates and plots both runs; the
# LSTM's clipping statistics, and recur analyze gradients on it (and its refusal of the
# transformer).
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
grep -q '^step      40 | .* | gnorm [0-9.]* (clipped [0-9]*%) | ' "$WORK/lstm.out" || fail "progress line: clipping"
grep -q '^gradient clipping scaled the gradients of [0-9]* of 40 steps ([0-9]*%)$' "$WORK/lstm.out" ||
  fail "end line: clipping"
grep -q '"type": "end", .*"clipped_steps": [0-9]*, "steps_this_process": 40}' "$WORK/run/metrics.jsonl" ||
  fail "metrics: clipped steps"
# The progress lines' shares (every 10 steps) add up to the end's count.
awk -F'"clipped_fraction": |"clipped_steps": ' '
  /"type": "train"/ { split($2, f, ","); sum += 10 * f[1] }
  /"type": "end"/ { split($2, c, ","); total = c[1] }
  END { d = sum - total; if (d < -1e-9 || d > 1e-9) { print "shares add to " sum ", the end says " total; exit 1 } }' \
  "$WORK/run/metrics.jsonl" || fail "clipping shares and count disagree"

"$RECUR" analyze gradients --checkpoint "$WORK/run" --fresh --window 30 --sequences 4 \
  --out "$WORK/flow.svg" >"$WORK/flow.out" 2>/dev/null || fail "analyze gradients failed"
cat "$WORK/flow.out"
for which in trained fresh; do
  grep -q "^lstm (run) $which \( *[0-9.]*e[-+][0-9]*\)\{5\}$" "$WORK/flow.out" || fail "gradient flow: $which row"
done
[ "$(grep -c '<polyline' "$WORK/flow.svg")" -eq 2 ] && [ "$(grep -c '<polyline.*stroke-dasharray' "$WORK/flow.svg")" -eq 1 ] ||
  fail "the gradient-flow chart does not have a solid and a dashed line"
expect_error "recur: error: $WORK/transformer is a transformer_lm model, which carries no recurrent state: the gradient flow needs a recurrent language model (lstm_lm)" \
  "$RECUR" analyze gradients --checkpoint "$WORK/transformer"
mkdir "$WORK/empty"
expect_error "recur: error: $WORK/empty: no metrics.jsonl (not a run directory?)" "$RECUR" compare "$WORK/empty"
finish
