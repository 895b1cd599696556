#!/usr/bin/env bash
# A large language-model corpus for the data-at-scale tests and figures (docs/data-format.md): the
# verses of the shipped KJV sample drawn at random with a fixed seed, an empty line (a document
# break) every 1000 verses, until the file holds SIZE_MB megabytes. Nothing is downloaded.
#
#   datasets/bible/make-large-corpus.sh OUT SIZE_MB [SEED]
set -euo pipefail
out=${1:?usage: make-large-corpus.sh OUT SIZE_MB [SEED]} size_mb=${2:?size in MB} seed=${3:-1}
sample=$(dirname "$0")/sample/kjv.train.txt
awk -v seed="$seed" -v target=$((size_mb * 1000000)) '
  NF { verse[n++] = $0 }
  END {
    srand(seed)
    while (bytes < target) {
      line = verse[int(rand() * n)]
      print line
      bytes += length(line) + 1
      if (++count % 1000 == 0) { print ""; bytes++ }
    }
  }' "$sample" >"$out"
