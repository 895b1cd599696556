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

# The first and the last validation loss of a run's metrics: the last must be lower.
valid_loss_fell() {
  grep '"type": "valid"' "$1" | sed -E 's/.*"loss": ([-0-9.e+]+).*/\1/' |
    awk 'NR == 1 { first = $1 } { last = $1 } END { exit !(NR >= 2 && last < first) }'
}

# The best validation bpc of a run as the table prints it: "4.381 (40)".
best_valid_bpc() {
  grep '"type": "valid"' "$1" | sed -E 's/.*"step": ([0-9]+),.*"bpc": ([-0-9.e+]+).*/\2 \1/' |
    sort -g | head -1 | awk '{ printf "%.3f (%d)", $1, $2 }'
}

# The table's rows, cell by cell: 40 steps, a positive speed, the best validation bpc of each run's
# metrics, and test figures where ppl = exp(loss) and bpc = loss / ln 2 (the LSTM has stateful and
# windowed ones, the transformer windowed ones only).
check_comparison_table() {
  awk -F' *[|] *' -v lstm_best="$(best_valid_bpc "$WORK/run/metrics.jsonl")" \
    -v transformer_best="$(best_valid_bpc "$WORK/transformer/metrics.jsonl")" '
    function number(x) { return x ~ /^[0-9]+([.][0-9]+)?$/ }
    function bad(what) { print "comparison table, row " $2 ": " what > "/dev/stderr"; failed = 1 }
    function triple(at, expect_numbers) {
      if (!expect_numbers) {
        if ($at != "-" || $(at + 1) != "-" || $(at + 2) != "-") bad("column " at ": expected -")
        return
      }
      if (!number($at) || !number($(at + 1)) || !number($(at + 2))) { bad("column " at ": not numbers"); return }
      if ((exp($at) - $(at + 1)) ^ 2 > (1e-3 * $(at + 1)) ^ 2) bad("ppl is not exp(loss)")
      if (($at / log(2) - $(at + 2)) ^ 2 > 2e-3 ^ 2) bad("bpc is not loss / ln 2")
    }
    NR <= 2 { next }
    {
      rows++
      best = $2 == "run" ? lstm_best : transformer_best
      if (!number($6) || $6 <= 0) bad("tokens/s " $6)
      if ($7 != 40) bad("steps " $7)
      if ($10 != best) bad("best valid bpc " $10 ", the metrics say " best)
      triple(11, $2 == "run")
      triple(14, 1)
    }
    END { exit failed || rows != 2 }' "$1"
}

"$RECUR" train --config "$lstm" --set "data.test=$sample/kjv.test.txt" --set training.variable_bptt=false \
  --set validation.every_steps=10 >"$WORK/lstm.out" 2>&1 || fail "lstm training failed"
"$RECUR" train --config "$transformer" --set validation.every_steps=10 >"$WORK/transformer.out" 2>&1 ||
  fail "transformer training failed"
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
for run in run transformer; do
  valid_loss_fell "$WORK/$run/metrics.jsonl" || fail "$run: the validation loss did not fall"
done
grep -q '^| run | model | parameters | ranks x threads | tokens/s | steps | training time | wall time | best valid bpc (step) | test loss | test ppl | test bpc | test loss_windows | test ppl_windows | test bpc_windows |$' \
  "$WORK/table.md" || fail "comparison table: header"
check_comparison_table "$WORK/table.md" || fail "comparison table: values"
# Negative control: the same table with its numbers emptied must fail the check.
sed -E '3,$ s/[0-9][0-9.]*//g' "$WORK/table.md" >"$WORK/empty-numbers.md"
check_comparison_table "$WORK/empty-numbers.md" 2>/dev/null &&
  fail "the table check accepts a table without numbers"
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
