#!/usr/bin/env bash
# Files written by an earlier recur still load. tests/fixtures/c55de0f holds a model file and a
# 2-rank checkpoint of a tiny LSTM LM and of a tiny seq2seq model, written by recur at c55de0f
# (tests/fixtures/make-fixtures.sh), with what that version computed from them: the checkpoints
# verify, the model files and the seq2seq checkpoint evaluate to the same test losses, and the LM
# resumed from its checkpoint on 1 rank trains to the losses of the 2-rank run that wrote it.
RECUR=$1 SOURCE=$2
source "$(dirname "$0")/lib.sh"
FIXTURES=$SOURCE/tests/fixtures/c55de0f
sample=$SOURCE/datasets/bible/sample

expected() { sed -n "s#^$1 ##p" "$FIXTURES/expected.txt"; }
# close ACTUAL EXPECTED RELATIVE_TOLERANCE
close() {
  python3 -c 'import sys; a, b, t = map(float, sys.argv[1:]); sys.exit(not abs(a - b) <= t * abs(b))' "$@"
}
loss_of() { sed -n 's/.*| loss \([0-9.]*\) .*/\1/p' | head -n 1; }

for model in lm seq2seq; do
  "$RECUR" ckpt verify "$FIXTURES/$model/checkpoints/step-00000020" >/dev/null ||
    fail "$model: the old checkpoint does not verify"
done

# Evaluation prints 4 decimals: a tolerance of 2e-4 relative covers the rounding.
loss=$("$RECUR" eval --checkpoint "$FIXTURES/lm/model.h5" --data "$sample/kjv.test.txt" | loss_of)
close "$loss" "$(expected lm_test_loss)" 2e-4 ||
  fail "old LM model file: test loss $loss, that version computed $(expected lm_test_loss)"
for source in model.h5 checkpoints/step-00000020; do
  loss=$("$RECUR" eval --checkpoint "$FIXTURES/seq2seq/$source" --source "$sample/sparv.test.txt" \
    --target "$sample/web.test.txt" --beam 1 | loss_of)
  want=$(expected "seq2seq_test_loss $source")
  close "$loss" "$want" 2e-4 || fail "old seq2seq $source: test loss $loss, that version computed $want"
done

# Resume the old checkpoint (written by 2 ranks) on 1 rank: world-size invariance makes the losses
# checkable against the uninterrupted 2-rank run.
mkdir -p "$WORK/lm/checkpoints"
cp -r "$FIXTURES/lm/checkpoints/step-00000020" "$WORK/lm/checkpoints/"
"$RECUR" train --config "$SOURCE/tests/fixtures/lm.yaml" --resume auto --set "run_dir=$WORK/lm" \
  --set "data.train=$sample/kjv.valid.txt" --set "data.valid=$sample/kjv.test.txt" \
  >"$WORK/resume.out" 2>&1 || { fail "resuming the old LM checkpoint failed"; cat "$WORK/resume.out" >&2; }
grep -q "resumed from .*step-00000020 (step 20, written by 2 ranks)" "$WORK/resume.out" ||
  fail "the resumed run did not start from the old checkpoint"
while read -r step want; do
  got=$(grep '"type": "train"' "$WORK/lm/metrics.jsonl" | grep "\"step\": $step," |
    sed 's/.*"loss": \([^,]*\),.*/\1/')
  close "${got:-nan}" "$want" 1e-5 || fail "step $step after resuming: loss ${got:-none}, that version computed $want"
done < <(expected lm_train_loss)
finish
