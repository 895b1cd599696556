#!/usr/bin/env bash
# Installs what is missing (including the SWORD Bibles the data test exports and the SLURM the
# batch-script test runs), builds recur and its tests, and runs every test with ctest; then the
# sanitizer jobs (scripts/test-sanitizers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# The last lines each failed test printed, again at the very end: a CI log that keeps only its head
# and tail then still shows why.
repeat_failures() {
  awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
       /^Output:$/ { getline; n = 0; capture = 1; next }
       /^<end of output>$/ { capture = 0 }
       capture { line[n++ % 30] = $0 }
       /^Test Failed\.$/ {
         print "---- " name ": the last lines it printed"
         for (i = (n > 30 ? n - 30 : 0); i < n; i++) print line[i % 30]
       }' build/Testing/Temporary/LastTest.log
}

scripts/install-deps.sh --data --slurm
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
rc=0
ctest --test-dir build --output-on-failure -j"$(nproc)" || rc=$?
[ "$rc" -eq 0 ] || repeat_failures
# ASan + UBSan and TSan builds of what their tests need, and those tests.
scripts/test-sanitizers.sh || rc=1
exit "$rc"
