#!/usr/bin/env bash
# recur still feeds every rank the batches it fed before prepared token stores existed: the LSTM
# LM and the seq2seq model of tests/fixtures, 30 steps on 1 and on 2 ranks, against the digests
# and losses in tests/fixtures/batches (make-batches.sh). Each step's batch digest on each rank
# must be identical; each rank's loss within 1e-5 relative (the BLAS of another CPU may round
# differently). Both models now read prepared token stores.
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
fixtures=$SOURCE/tests/fixtures/batches
"$fixtures/make-batches.sh" "$RECUR" "$WORK/now" || { fail "make-batches.sh failed"; exit 1; }
for run in lm-1 lm-2 seq2seq-1 seq2seq-2; do
  paste -d' ' "$fixtures/$run.txt" "$WORK/now/$run.txt" | awk -v run="$run" '
    NF != 8 || $1 != $5 || $2 != $6 { print run ": line " NR " is \"" $1 " " $2 "\", expected \"" $5 " " $6 "\""; bad++; next }
    $3 != $7 { print run ": step " $1 " rank " $2 ": batch digest " $7 ", expected " $3; bad++ }
    { d = ($8 - $4) / $4; if (d < 0) d = -d; if (d > 1e-5) { print run ": step " $1 " rank " $2 ": loss " $8 ", expected " $4; bad++ } }
    END { exit bad > 0 }' >&2 || fail "$run: the batches or losses differ from tests/fixtures/batches/$run.txt"
  [ "$(wc -l <"$fixtures/$run.txt")" = "$(wc -l <"$WORK/now/$run.txt")" ] || fail "$run: a different number of steps"
done
[ "$failures" -eq 0 ] || exit 1
echo "batches: $(cat "$WORK"/now/*.txt | wc -l) step-rank digests identical to tests/fixtures/batches"
