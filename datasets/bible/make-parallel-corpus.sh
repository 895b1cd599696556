#!/usr/bin/env bash
# A large parallel corpus for the data-at-scale tests and figures (docs/data-format.md): verse
# pairs of the shipped sample (Spanish Reina-Valera 1909 -> English World English Bible) drawn at
# random with a fixed seed, PAIRS of them, into OUT.src and OUT.tgt. Nothing is downloaded.
#
#   datasets/bible/make-parallel-corpus.sh OUT PAIRS [SEED]
set -euo pipefail
out=${1:?usage: make-parallel-corpus.sh OUT PAIRS [SEED]} pairs=${2:?number of pairs} seed=${3:-1}
sample=$(dirname "$0")/sample
paste -d '\t' "$sample/sparv.train.txt" "$sample/web.train.txt" |
  awk -F '\t' -v seed="$seed" -v pairs="$pairs" -v src="$out.src" -v tgt="$out.tgt" '
    $1 != "" && $2 != "" { source[n] = $1; target[n++] = $2 }
    END {
      srand(seed)
      for (i = 0; i < pairs; i++) {
        k = int(rand() * n)
        print source[k] >src
        print target[k] >tgt
      }
    }'
