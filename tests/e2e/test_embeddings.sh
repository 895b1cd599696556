#!/usr/bin/env bash
# Word vectors through the command line: recur export-embeddings writes a trained LM's table
# (leaving out the space token, which the format cannot hold); a new run starts from them
# (model.pretrained_embeddings) and reports its coverage; a run on 2 ranks that freezes them ends
# with the same table (exported again: byte-identical); a bad file, or freezing tied embeddings,
# ends training with one message, before anything is written. Skip-gram trained on 2 ranks gives
# vectors that a word-level LM starts from, and recur analyze neighbours searches.
RECUR=$1 SOURCE=$2
source "$(dirname "$0")/lib.sh"
config=$(tiny_config)

"$RECUR" train --config "$config" >"$WORK/train.out" 2>&1 || fail "training failed"
"$RECUR" export-embeddings --checkpoint "$WORK/run" --out "$WORK/emb.vec" 2>"$WORK/export.err" ||
  fail "export failed"
[ "$(cat "$WORK/export.err")" = "recur: wrote $WORK/emb.vec (left out 1 token with whitespace, which the format cannot hold)" ] ||
  fail "export message: $(cat "$WORK/export.err")"
tokens=$(($(grep -c '' "$WORK/run/vocab.txt") - 1))  # vocab.txt: a header line, then the tokens
[ "$(head -1 "$WORK/emb.vec")" = "$((tokens - 1)) 16" ] || fail "header: $(head -1 "$WORK/emb.vec")"

"$RECUR" train --config "$config" --set "model.pretrained_embeddings=$WORK/emb.vec" \
  --set "run_dir=$WORK/pretrained" --set training.max_steps=2 >"$WORK/pretrained.out" 2>&1 ||
  fail "training from word vectors failed"
grep -q "^embedding/weight: $((tokens - 1)) of $tokens tokens found in $WORK/emb.vec (word2vec text, 16 dimensions, $((tokens - 1)) vectors)$" \
  "$WORK/pretrained.out" || fail "coverage message"

"$SOURCE/launcher/recur-mpirun" --oversubscribe -n 2 -- "$RECUR" train --config "$config" \
  --set "model.pretrained_embeddings=$WORK/emb.vec" --set model.freeze_embeddings=true \
  --set "run_dir=$WORK/frozen" >"$WORK/frozen.out" 2>&1 || fail "training with frozen embeddings failed"
"$RECUR" export-embeddings --checkpoint "$WORK/frozen" --out "$WORK/frozen.vec" 2>/dev/null ||
  fail "export of the frozen run failed"
cmp -s "$WORK/emb.vec" "$WORK/frozen.vec" || fail "frozen embeddings changed in training"
grep -q '^step      40 |' "$WORK/frozen.out" || fail "the frozen run did not train 40 steps"

cat >"$WORK/skipgram.yaml" <<YAML
model: {type: skipgram, embedding_size: 16, window: 3, negatives: 3}
data: {train: $SOURCE/datasets/bible/sample/kjv.valid.txt, lowercase: true}
training: {batch_size: 64, max_steps: 100}
optimizer: {type: adam, lr: 0.01}
logging: {every_steps: 50}
run_dir: $WORK/skipgram
YAML
"$SOURCE/launcher/recur-mpirun" --oversubscribe -n 2 -- "$RECUR" train \
  --config "$WORK/skipgram.yaml" >"$WORK/skipgram.out" 2>&1 || fail "skip-gram training failed"
grep -q '^step     100 |' "$WORK/skipgram.out" || fail "skip-gram did not train 100 steps"
"$RECUR" export-embeddings --checkpoint "$WORK/skipgram" --out "$WORK/skipgram.vec" 2>/dev/null ||
  fail "export of the skip-gram vectors failed"
words=$(($(grep -c '' "$WORK/skipgram/vocab.txt") - 1))
[ "$(head -1 "$WORK/skipgram.vec")" = "$words 16" ] || fail "skip-gram header: $(head -1 "$WORK/skipgram.vec")"
"$RECUR" train --config "$config" --set data.tokenizer=word --set data.lowercase=true \
  --set "model.pretrained_embeddings=$WORK/skipgram.vec" --set "run_dir=$WORK/from-skipgram" \
  --set training.max_steps=2 >"$WORK/from-skipgram.out" 2>&1 || fail "training from skip-gram vectors failed"
[ "$words" = 1427 ] || fail "the sample's lowercase words: $words, not 1427"
grep -q "^embedding/weight: 1,427 of 1,427 tokens found in $WORK/skipgram.vec (word2vec text, 16 dimensions, 1,427 vectors)$" \
  "$WORK/from-skipgram.out" || fail "coverage of the skip-gram vectors"
"$RECUR" analyze neighbours --checkpoint "$WORK/skipgram" --words lord,god --count 3 >"$WORK/neighbours.out" ||
  fail "recur analyze neighbours failed"
[ "$(grep -cE '^(lord|god) +[^ ]+ [-0-9.]+, [^ ]+ [-0-9.]+, [^ ]+ [-0-9.]+$' "$WORK/neighbours.out")" = 2 ] ||
  fail "neighbours: $(cat "$WORK/neighbours.out")"
expect_error "recur: error: training.batch_size (20000) is larger than the training text (12343 tokens)" \
  "$RECUR" train --config "$WORK/skipgram.yaml" --set training.batch_size=20000 --set "run_dir=$WORK/bad"
expect_error "recur: error: \"xyzzy\" is not a word of the vocabulary of $WORK/skipgram" \
  "$RECUR" analyze neighbours --checkpoint "$WORK/skipgram" --words lord,xyzzy

printf '2 8\nthe 1 2 3 4 5 6 7 8\nand 1 2 3 4 5 6 7 8\n' >"$WORK/dims.vec"
expect_error "recur: error: $WORK/dims.vec:1: vectors of 8 dimensions; the model's embedding size is 16" \
  "$RECUR" train --config "$config" --set "model.pretrained_embeddings=$WORK/dims.vec" --set "run_dir=$WORK/bad"
[ ! -e "$WORK/bad/model.h5" ] || fail "a refused run wrote a model"
expect_error "recur: error: $WORK/none.vec: cannot open the word vectors" \
  "$RECUR" train --config "$config" --set "model.pretrained_embeddings=$WORK/none.vec" --set "run_dir=$WORK/bad"
expect_error "recur: error: invalid config: --set model.freeze_embeddings=true: model.freeze_embeddings: cannot freeze tied embeddings: they are also the output layer, which must train (set model.tie_embeddings: false)" \
  "$RECUR" train --config "$config" --set model.hidden_size=16 --set model.tie_embeddings=true \
  --set model.freeze_embeddings=true --set "run_dir=$WORK/bad"
finish
