#!/usr/bin/env bash
# Question answering through the command line: datasets/babi/generate.py writes the stories (its
# last-place baseline stays at most 50% on task 1); a DMN trains on 2 ranks with validation
# accuracy; recur eval reports the accuracy of the test stories and writes episode heatmaps; a
# story file that does not parse, or an answer the vocabulary lacks, ends training with one message
# naming the file and line.
RECUR=$1 SOURCE=$2
source "$(dirname "$0")/lib.sh"

python3 "$SOURCE/datasets/babi/generate.py" --out "$WORK/babi" --tasks 1 --train 300 --valid 50 \
  --test 50 >"$WORK/generate.out" || fail "the generator failed"
baseline=$(sed -E 's/.*mentioned: ([0-9.]+)%$/\1/' "$WORK/generate.out")
awk -v b="$baseline" 'BEGIN { exit !(b <= 50) }' || fail "last-place baseline $baseline% > 50%"
cat >"$WORK/dmn.yaml" <<YAML
model: {type: dmn, embedding_size: 16, hidden_size: 16, passes: 2}
data: {train: $WORK/babi/task1.train.txt, valid: $WORK/babi/task1.valid.txt, test: $WORK/babi/task1.test.txt}
training: {batch_size: 20, max_steps: 60}
optimizer: {type: adam, lr: 0.005}
validation: {every_steps: 30, batch_size: 20}
logging: {every_steps: 30}
run_dir: $WORK/dmn
YAML
"$SOURCE/launcher/recur-mpirun" --oversubscribe -n 2 -- "$RECUR" train --config "$WORK/dmn.yaml" \
  >"$WORK/train.out" 2>&1 || fail "DMN training failed"
grep -qE '^valid   step 60 \| loss [0-9.]+ \| ppl [0-9.]+ \| accuracy [0-9.]+' "$WORK/train.out" ||
  fail "no validation accuracy"
grep -qE '^test \(final model\): accuracy [0-9.]+% of [0-9]+ questions' "$WORK/train.out" ||
  fail "no test accuracy"
"$RECUR" eval --checkpoint "$WORK/dmn" --attention "$WORK/heat" >"$WORK/eval.out" 2>/dev/null ||
  fail "recur eval failed"
questions=$(grep -c "?" "$WORK/babi/task1.test.txt")
grep -qE "^$WORK/babi/task1.test.txt: accuracy [0-9.]+% \([0-9]+ of $questions questions\) \| loss [0-9.]+$" \
  "$WORK/eval.out" || fail "eval: $(cat "$WORK/eval.out")"
[ "$(ls "$WORK/heat" | wc -l)" = 5 ] || fail "heatmaps: $(ls "$WORK/heat")"
grep -q '>pass 2</text>' "$WORK/heat/question-00001.svg" || fail "no pass 2 column in the heatmap"

"$RECUR" train --config "$WORK/dmn.yaml" --set model.passes=0 --set training.max_steps=2 \
  --set "run_dir=$WORK/question-only" >"$WORK/question-only.out" 2>&1 ||
  fail "the question-only baseline failed"

printf '1 Mary moved to the kitchen.\n3 Where is Mary?\tkitchen\t1\n' >"$WORK/gap.txt"
expect_error "recur: error: $WORK/gap.txt:2: line ID 3 follows 1 (a story's lines are numbered from 1)" \
  "$RECUR" train --config "$WORK/dmn.yaml" --set "data.valid=$WORK/gap.txt" --set "run_dir=$WORK/bad"
printf '1 Mary moved to the kitchen.\n2 Where is Mary?\tattic\t1\n' >"$WORK/attic.txt"
expect_error "recur: error: $WORK/attic.txt:2: the answer \"attic\" is not in the vocabulary of the training stories" \
  "$RECUR" train --config "$WORK/dmn.yaml" --set "data.test=$WORK/attic.txt" --set "run_dir=$WORK/bad"
[ ! -e "$WORK/bad/model.h5" ] || fail "a refused run wrote a model"
finish
