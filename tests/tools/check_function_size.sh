#!/usr/bin/env bash
# No function over 60 lines in framework/ and models/: clang-tidy's readability-function-size with
# the repository's .clang-tidy, over every C++ file of the compilation database under those two
# folders (headers through the files that include them). First a canary: a 61-line function must
# be reported, so a check that silently stopped working fails too.
#
#   check_function_size.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd) build=$2
for tool in clang-tidy run-clang-tidy; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json" >&2; exit 1; }

canary=$(mktemp -d)
trap 'rm -rf "$canary"' EXIT
{
  echo "int long_function(int x) {"
  for i in $(seq 1 60); do echo "  x += $i;"; done
  echo "  return x;"
  echo "}"
} > "$canary/canary.cpp"
if clang-tidy --quiet --config-file="$src/.clang-tidy" "$canary/canary.cpp" -- -std=c++20 \
    > "$canary/out.txt" 2>&1 || ! grep -q "readability-function-size" "$canary/out.txt"; then
  echo "canary: a 61-line function was not reported; the check is not working:" >&2
  cat "$canary/out.txt" >&2
  exit 1
fi

jobs=$(nproc)
if ! run-clang-tidy -quiet -j "$jobs" -p "$build" "^$src/(framework|models)/.*\.cpp$" \
    > "$canary/all.txt" 2>&1; then
  sed 's/\x1b\[[0-9;]*m//g' "$canary/all.txt" | grep -E "readability-function-size|error:" | sort -u >&2 ||
    cat "$canary/all.txt" >&2
  echo "functions over 60 lines (or clang-tidy errors) above" >&2
  exit 1
fi
echo "check_function_size: every function in framework/ and models/ has at most 60 lines"
