#!/usr/bin/env bash
# Test of datasets/bible/prepare.sh: runs it into a temporary directory and
# checks the corpus it writes.  Exit 0 = pass, 1 = fail (with a message),
# 77 = skipped because the Debian packages are missing and we are not root.
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$HERE/../.." && pwd)
PREPARE="$ROOT/datasets/bible/prepare.sh"
SHIPPED_SAMPLE="$ROOT/datasets/bible/sample"
readonly KJV_VERSES=31102     # verses in the KJV versification
readonly MAX_SAMPLE_BYTES=3000000

VALID_BOOKS=("Ruth" "Ecclesiastes" "Hosea" "Mark" "Philippians")
TEST_BOOKS=("Esther" "Song of Solomon" "Joel" "Luke" "Colossians")
declare -A SAMPLE_BOOKS=(
  [train]="Genesis,Exodus,Leviticus,Numbers,Joshua"
  [valid]="Ruth,Ecclesiastes,Philippians"
  [test]="Esther,Joel,Colossians"
)

export LC_ALL=C.UTF-8
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok: %s\n' "$*"; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/test-prepare.XXXXXX")
trap 'rm -rf -- "$TMP"' EXIT
DATA="$TMP/data"
SAMPLE="$TMP/sample"

START=$SECONDS
if ! bash "$PREPARE" --out "$DATA" --sample "$SAMPLE" >"$TMP/log" 2>&1; then
  if grep -q 'missing Debian packages' "$TMP/log"; then
    printf 'SKIP: %s\n' "$(grep 'missing Debian packages' "$TMP/log")"
    exit 77
  fi
  cat "$TMP/log" >&2
  fail "prepare.sh exited with an error"
fi
ok "prepare.sh finished in $((SECONDS - START)) s"
sed -n '/^Summary/,/^ *total/p' "$TMP/log"

# Book name of every line of a refs file ("" for the separator lines).
books_of() { sed -E 's/ [0-9]+:[0-9]+$//' "$1"; }
# The distinct books of a refs file, in order, one per line.
book_list() { books_of "$1" | grep -v '^$' | uniq; }

# Checks one split of a corpus directory: same line count and blank lines in
# all files, one blank line exactly between books, clean text.
check_split() { # dir split keys...
  local dir=$1 split=$2 key
  shift 2
  local refs="$dir/refs.$split.txt"
  [[ -s $refs ]] || fail "$refs is missing or empty"
  local n
  n=$(wc -l <"$refs")
  local blanks
  blanks=$(grep -n '^$' "$refs" | cut -d: -f1 | tr '\n' ' ' || true)
  grep -Eqv '^$|^(1 |2 |3 )?[A-Z][a-z]+( of [A-Z][a-z]+)? [0-9]+:[0-9]+$' "$refs" \
    && fail "$refs has malformed references: $(grep -Ev '^$|^(1 |2 |3 )?[A-Z][a-z]+( of [A-Z][a-z]+)? [0-9]+:[0-9]+$' "$refs" | head -n 3)"
  # Blank lines: never first or last, never two in a row, exactly where the
  # book changes.
  books_of "$refs" | awk -v f="$refs" '
    NR == 1 && $0 == "" { print f ": starts with an empty line"; bad = 1 }
    $0 == "" { if (prev == "") { print f ": two empty lines at " NR; bad = 1 } sep = 1; prev = ""; next }
    { if (book != "" && !sep && $0 != book) { print f ": book changes without an empty line at " NR; bad = 1 }
      if (sep && $0 == book) { print f ": empty line inside " book " at " NR; bad = 1 }
      book = $0; sep = 0; prev = $0 }
    END { if (prev == "") { print f ": ends with an empty line"; bad = 1 } exit bad }' >&2 \
    || fail "bad book separation in $refs"
  for key in "$@"; do
    local f="$dir/$key.$split.txt"
    [[ -f $f ]] || fail "$f is missing"
    [[ $(wc -l <"$f") == "$n" ]] || fail "$f has $(wc -l <"$f") lines, $refs has $n"
    [[ $(grep -n '^$' "$f" | cut -d: -f1 | tr '\n' ' ' || true) == "$blanks" ]] \
      || fail "$f has its empty lines at other positions than $refs"
    iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || fail "$f is not valid UTF-8"
    local bad
    if bad=$(grep -m 1 -nE '^[[:space:]]|[[:space:]]$|[[:space:]]{2}' "$f"); then
      fail "$f has leading, trailing or double whitespace: $bad"
    fi
    # Artefacts of verse numbers, Strong's numbers, markup and footnotes.
    if bad=$(grep -m 1 -n '[][0-9<>{}\\|¶]' "$f"); then
      fail "$f has markup or number artefacts: ${bad:0:120}"
    fi
  done
  printf '%s\n' "$((n - $(grep -c '^$' "$refs" || true)))"
}

# --- full corpus -----------------------------------------------------------------

dropped=$(sed -n 's/^Dropped \([0-9][0-9]*\) of .*/\1/p' "$TMP/log")
[[ -n $dropped ]] || fail "prepare.sh did not report how many verses it dropped"
((dropped < 200)) || fail "prepare.sh dropped $dropped verses (expected a few dozen)"

total=0
for split in train valid test; do
  verses=$(check_split "$DATA" "$split" kjv web sparv)
  ok "$split: $verses verses, kjv/web/sparv/refs aligned line by line"
  total=$((total + verses))
done
((total == KJV_VERSES - dropped)) \
  || fail "$total verses in the splits, expected $KJV_VERSES - $dropped = $((KJV_VERSES - dropped))"
ok "KJV verses across splits: $total = $KJV_VERSES - $dropped dropped"

[[ $(book_list "$DATA/refs.valid.txt") == "$(printf '%s\n' "${VALID_BOOKS[@]}")" ]] \
  || fail "valid books are: $(book_list "$DATA/refs.valid.txt" | tr '\n' ',')"
[[ $(book_list "$DATA/refs.test.txt") == "$(printf '%s\n' "${TEST_BOOKS[@]}")" ]] \
  || fail "test books are: $(book_list "$DATA/refs.test.txt" | tr '\n' ',')"
train_books=$(book_list "$DATA/refs.train.txt")
[[ $(wc -l <<<"$train_books") == 56 ]] || fail "train has $(wc -l <<<"$train_books") books, expected 56"
[[ $(head -n 1 <<<"$train_books") == Genesis && $(tail -n 1 <<<"$train_books") == Revelation ]] \
  || fail "train does not run from Genesis to Revelation"
for b in "${VALID_BOOKS[@]}" "${TEST_BOOKS[@]}"; do
  grep -qxF "$b" <<<"$train_books" && fail "$b is in train and in valid/test"
done
ok "splits contain the chosen books (valid: ${VALID_BOOKS[*]}; test: ${TEST_BOOKS[*]})"

line=$(grep -nxF 'John 3:16' "$DATA/refs.train.txt" | cut -d: -f1)
[[ -n $line ]] || fail "John 3:16 not found in refs.train.txt"
kjv=$(sed -n "${line}p" "$DATA/kjv.train.txt")
web=$(sed -n "${line}p" "$DATA/web.train.txt")
sparv=$(sed -n "${line}p" "$DATA/sparv.train.txt")
[[ $kjv == "For God so loved the world"* ]] || fail "KJV John 3:16 is '$kjv'"
[[ $web == *"For God so loved the world"* ]] || fail "WEB John 3:16 is '$web'"
[[ $sparv == *"Porque de tal manera amó Dios al mundo"* ]] || fail "RV1909 John 3:16 is '$sparv'"
ok "John 3:16 is line $line of train in all translations"

line=$(grep -nxF 'Genesis 1:1' "$DATA/refs.train.txt" | cut -d: -f1)
[[ $line == 1 ]] || fail "Genesis 1:1 is not the first line of train"
[[ $(head -n 1 "$DATA/kjv.train.txt") == "In the beginning God created the heaven and the earth." ]] \
  || fail "KJV Genesis 1:1 is '$(head -n 1 "$DATA/kjv.train.txt")'"
[[ $(head -n 1 "$DATA/web.train.txt") == "In the beginning, God created the heavens and the earth." ]] \
  || fail "WEB Genesis 1:1 is '$(head -n 1 "$DATA/web.train.txt")'"
[[ $(head -n 1 "$DATA/sparv.train.txt") == "En el principio crió Dios los cielos y la tierra." ]] \
  || fail "RV1909 Genesis 1:1 is '$(head -n 1 "$DATA/sparv.train.txt")'"
# Verse that RV1909 numbers differently (Hebrew chapter break): must be realigned.
line=$(grep -nxF 'Numbers 13:1' "$DATA/refs.train.txt" | cut -d: -f1)
[[ -n $line && $(sed -n "${line}p" "$DATA/sparv.train.txt") == "Y Jehová habló á Moisés, diciendo:" ]] \
  || fail "RV1909 Numbers 13:1 is not aligned with KJV Numbers 13:1"
ok "Genesis 1:1 and the realigned Numbers 13:1 are right"

[[ -s $DATA/README ]] || fail "README missing in the output directory"
grep -q 'engKJV2006eb\|KJV' "$DATA/README" || fail "README does not name the source modules"

# --- sample ----------------------------------------------------------------------

for dir in "$SAMPLE" "$SHIPPED_SAMPLE"; do
  [[ -d $dir ]] || fail "sample directory $dir is missing"
  bytes=$(cat "$dir"/* | wc -c)
  ((bytes <= MAX_SAMPLE_BYTES)) || fail "$dir holds $bytes bytes (limit $MAX_SAMPLE_BYTES)"
  for split in train valid test; do
    check_split "$dir" "$split" kjv web sparv >/dev/null
    [[ $(book_list "$dir/refs.$split.txt") == "$(tr ',' '\n' <<<"${SAMPLE_BOOKS[$split]}")" ]] \
      || fail "$dir/refs.$split.txt has books $(book_list "$dir/refs.$split.txt" | tr '\n' ',')"
  done
  [[ -z $(find "$dir" -type f ! -name '*.train.txt' ! -name '*.valid.txt' ! -name '*.test.txt' ! -name README) ]] \
    || fail "$dir holds files other than the splits and README"
  ok "sample $dir: $bytes bytes, books as documented"
done
for f in "$SAMPLE"/*.txt; do
  # The sample lines are the full corpus lines of these books.
  base=${f##*/}                  # kjv.train.txt
  full="$DATA/$base"
  extra=$(grep -vxFf "$full" "$f" | head -n 1 || true)
  [[ -z $extra ]] || fail "$f has lines that are not in $full: $extra"
  cmp -s "$f" "$SHIPPED_SAMPLE/$base" \
    || printf 'warning: %s differs from the freshly generated one (other module versions?)\n' "$SHIPPED_SAMPLE/$base"
done
ok "sample lines are lines of the full corpus"

echo "PASS"
