#!/usr/bin/env bash
# Runs a libFuzzer target in one of two ways:
#   run.sh replay TARGET CORPUS             every input of CORPUS once (seeds and regressions)
#   run.sh run TARGET CORPUS SECONDS        fuzz for SECONDS, starting from CORPUS (left unchanged:
#                                           new inputs go to a scratch folder)
# Limits: 10 s per input, 2 GB of memory, no single allocation over 256 MB; a finding is written
# to the scratch folder and fails the test, with the line that keeps it as a regression input.
set -euo pipefail
mode=$1 target=$2 corpus=$3 seconds=${4:-15}
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256)
name=$(basename "$corpus")

case "$mode" in
  replay | run) ;;
  *) echo "run.sh: unknown mode '$mode' (replay or run)" >&2; exit 2 ;;
esac
if [ "$mode" = replay ]; then
  mapfile -t inputs < <(find "$corpus" -type f | sort)
  [ ${#inputs[@]} -gt 0 ] || { echo "run.sh: no inputs in $corpus" >&2; exit 1; }
  exec "$target" "${limits[@]}" "${inputs[@]}"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/new" "$scratch/findings"
rc=0
"$target" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$scratch/findings/" "$scratch/new" "$corpus" >"$scratch/log" 2>&1 || rc=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$scratch/log" || true
grep -oE 'cov: [0-9]+ ft: [0-9]+' "$scratch/log" | tail -1 || true
if [ "$rc" -ne 0 ]; then
  tail -60 "$scratch/log"
  for finding in "$scratch"/findings/*; do
    [ -e "$finding" ] || continue
    echo "finding: keep it as a regression input with"
    echo "  echo $(base64 -w0 "$finding") | base64 -d > tests/fuzz/corpus/$name/$(basename "$finding")"
  done
fi
exit "$rc"
