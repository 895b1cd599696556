#!/usr/bin/env bash
# Prepares the parallel Bible corpus (KJV, WEB, Reina-Valera 1909) from the
# Debian SWORD modules.  See README.md next to this script and --help.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly PROG=${0##*/}

# Debian packages the script needs (installed with apt-get when missing).
readonly PACKAGES=(diatheke sword-text-kjv sword-text-web sword-text-sparv)
# Translation key -> SWORD module names to try, newest first.
readonly TRANSLATIONS=(kjv web sparv)
declare -A MODULE_CANDIDATES=(
  [kjv]="engKJV2006eb KJV"
  [web]="engWEB2015eb WEB"
  [sparv]="spaRV1909eb SpaRV"
)
declare -A PACKAGE_OF=([kjv]=sword-text-kjv [web]=sword-text-web [sparv]=sword-text-sparv)

# Splits by book (a document is a book); train = all other books.  Every
# split keeps canonical book order.
readonly VALID_BOOKS="Ruth,Ecclesiastes,Hosea,Mark,Philippians"
readonly TEST_BOOKS="Esther,Song of Solomon,Joel,Luke,Colossians"
# The shipped sample of all three translations (sample/, <= 3 MB in all).
readonly SAMPLE_TRAIN_BOOKS="Genesis,Exodus,Leviticus,Numbers,Joshua"
readonly SAMPLE_VALID_BOOKS="Ruth,Ecclesiastes,Philippians"
readonly SAMPLE_TEST_BOOKS="Esther,Joel,Colossians"

usage() {
  cat <<EOF
Usage: $PROG [--out DIR] [--sample DIR] [-h|--help]

Exports the King James Version (KJV), the World English Bible (WEB) and the
Spanish Reina-Valera 1909 (RV1909) from the Debian SWORD modules with
diatheke, cleans them to plain UTF-8 text (one verse per line), aligns them
verse by verse and splits them by book into train/valid/test.

Options:
  --out DIR     output directory (default: data/ next to this script,
                $SCRIPT_DIR/data)
  --sample DIR  also write the small sample (as shipped in sample/
                next to this script) to DIR
  -h, --help    show this help and exit

Output files in DIR, for t in kjv, web, sparv and s in train, valid, test:
  t.s.txt      one verse per line, books separated by one empty line
  refs.s.txt   the reference of each line ("Genesis 1:1"); the same line
               number is the same verse in every file of a split
  README       source modules and versions

Splits: valid = ${VALID_BOOKS//,/, }
        test  = ${TEST_BOOKS//,/, }
        train = the other 56 books

Needs the Debian packages
  ${PACKAGES[*]}
which are installed with apt-get if missing (as root only; otherwise the
script names them and stops).  Takes about 20 seconds.
EOF
}

log() { printf '%s\n' "$*"; }
die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

OUT_DIR="$SCRIPT_DIR/data"
SAMPLE_DIR=""
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --out) (($# >= 2)) || die "--out needs a directory"; OUT_DIR=$2; shift 2 ;;
    --out=*) OUT_DIR=${1#--out=}; shift ;;
    --sample) (($# >= 2)) || die "--sample needs a directory"; SAMPLE_DIR=$2; shift 2 ;;
    --sample=*) SAMPLE_DIR=${1#--sample=}; shift ;;
    *) die "unknown argument '$1' (see $PROG --help)" ;;
  esac
done
[[ -n $OUT_DIR ]] || die "--out must not be empty"
if [[ -n $SAMPLE_DIR && $(realpath -m -- "$SAMPLE_DIR") == "$(realpath -m -- "$OUT_DIR")" ]]; then
  die "--sample and --out must be different directories"
fi

# --- dependencies ------------------------------------------------------------

package_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

ensure_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    command -v diatheke >/dev/null 2>&1 \
      || die "diatheke not found and this is not a Debian-based system; install diatheke and the SWORD modules KJV, WEB and SpaRV by hand"
    log "warning: no dpkg-query; assuming diatheke and the SWORD modules are installed"
    return 0
  fi
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    package_installed "$p" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  if ((EUID != 0)); then
    die "missing Debian packages: ${missing[*]} -- run this script as root, or install them first: sudo apt-get install ${missing[*]}"
  fi
  log "Installing ${missing[*]} with apt-get ..."
  local apt_log
  apt_log=$(mktemp "${TMPDIR:-/tmp}/bible-apt.XXXXXX")
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
    >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    rm -f -- "$apt_log"
    die "apt-get could not install ${missing[*]} (output above)"
  fi
  rm -f -- "$apt_log"
  for p in "${missing[@]}"; do
    package_installed "$p" || die "package $p is still not installed after apt-get"
  done
}

ensure_packages
for tool in diatheke perl iconv; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found in PATH"
done
HELPER="$SCRIPT_DIR/sword2txt.pl"
[[ -r $HELPER ]] || die "helper script $HELPER is missing"

# --- SWORD modules -------------------------------------------------------------

# Prints the .conf file of a SWORD module (empty if not found).
module_conf() {
  local module=$1 dir conf datapath=""
  if [[ -r /etc/sword.conf ]]; then
    datapath=$(sed -n 's/^DataPath=//p' /etc/sword.conf | head -n 1)
  fi
  for dir in ${SWORD_PATH:+"$SWORD_PATH"} ${HOME:+"$HOME/.sword"} ${datapath:+"$datapath"} \
    /usr/share/sword /usr/local/share/sword; do
    [[ -d $dir/mods.d ]] || continue
    conf=$(grep -l -i -F -x -- "[$module]" "$dir"/mods.d/*.conf 2>/dev/null | head -n 1 || true)
    if [[ -n $conf ]]; then
      printf '%s\n' "$conf"
      return 0
    fi
  done
  return 0
}

conf_value() { # conf-file key
  [[ -n $1 ]] || return 0
  sed -n "s/^$2=//p" "$1" | head -n 1 | tr -d '\r'
}

mapfile -t INSTALLED_MODULES < <(diatheke -b system -k modulelistnames | tr -d '\r')
declare -A MODULE ENCODING VERSION
for key in "${TRANSLATIONS[@]}"; do
  for name in ${MODULE_CANDIDATES[$key]}; do
    for installed in "${INSTALLED_MODULES[@]}"; do
      if [[ $installed == "$name" ]]; then MODULE[$key]=$name; break 2; fi
    done
  done
  [[ -n ${MODULE[$key]:-} ]] \
    || die "no SWORD module for $key (tried: ${MODULE_CANDIDATES[$key]}); installed modules: ${INSTALLED_MODULES[*]:-none}"
  conf=$(module_conf "${MODULE[$key]}")
  ENCODING[$key]=$(conf_value "$conf" Encoding)
  ENCODING[$key]=${ENCODING[$key]:-Latin-1} # the SWORD default
  VERSION[$key]=$(conf_value "$conf" Version)
done

# --- export ---------------------------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bible-prepare.XXXXXX")
trap 'rm -rf -- "$TMP"' EXIT
START=$SECONDS

log "Exporting with diatheke: kjv=${MODULE[kjv]} web=${MODULE[web]} sparv=${MODULE[sparv]}"
# One diatheke call per module for the whole Bible, raw module markup
# ("internal"), English book names; the three run in parallel.
declare -A PID
for key in "${TRANSLATIONS[@]}"; do
  diatheke -b "${MODULE[$key]}" -f internal -e UTF8 -l en -k Genesis-Revelation \
    >"$TMP/$key.raw" 2>"$TMP/$key.err" &
  PID[$key]=$!
done
for key in "${TRANSLATIONS[@]}"; do
  wait "${PID[$key]}" || die "diatheke failed for ${MODULE[$key]}: $(head -c 300 "$TMP/$key.err")"
  lines=$(wc -l <"$TMP/$key.raw")
  ((lines >= 30000)) || die "diatheke returned only $lines lines for ${MODULE[$key]} (expected a whole Bible)"
  # diatheke converts to UTF-8 (-e UTF8); verify, and convert from the
  # module's declared encoding if that did not happen.
  if ! iconv -f UTF-8 -t UTF-8 "$TMP/$key.raw" >/dev/null 2>&1; then
    case ${ENCODING[$key]^^} in
      UTF-8 | UTF8 | *LATIN*) from=LATIN1 ;; # SWORD's only other encoding
      *) from=${ENCODING[$key]} ;;
    esac
    log "  ${MODULE[$key]}: output is not valid UTF-8, converting from $from"
    iconv -f "$from" -t UTF-8 "$TMP/$key.raw" >"$TMP/$key.conv" \
      || die "cannot convert ${MODULE[$key]} from $from to UTF-8"
    mv -- "$TMP/$key.conv" "$TMP/$key.raw"
  fi
done

# --- clean, align, split ------------------------------------------------------

log "Cleaning (module encodings: kjv=${ENCODING[kjv]} web=${ENCODING[web]} sparv=${ENCODING[sparv]}):"
for key in "${TRANSLATIONS[@]}"; do
  perl "$HELPER" extract "$key" <"$TMP/$key.raw" >"$TMP/$key.tsv" 2>"$TMP/$key.log" &
  PID[$key]=$!
done
for key in "${TRANSLATIONS[@]}"; do
  wait "${PID[$key]}" || die "cleaning ${MODULE[$key]} failed: $(cat "$TMP/$key.log")"
  cat "$TMP/$key.log"
done

mkdir -p "$TMP/out"
build_args=(--kjv "$TMP/kjv.tsv" --web "$TMP/web.tsv" --sparv "$TMP/sparv.tsv"
  --out "$TMP/out" --valid "$VALID_BOOKS" --test "$TEST_BOOKS")
if [[ -n $SAMPLE_DIR ]]; then
  mkdir -p "$TMP/sample"
  build_args+=(--sample "$TMP/sample" --sample-train "$SAMPLE_TRAIN_BOOKS"
    --sample-valid "$SAMPLE_VALID_BOOKS" --sample-test "$SAMPLE_TEST_BOOKS")
fi
perl "$HELPER" build "${build_args[@]}" || die "building the splits failed"

# --- install the results --------------------------------------------------------

package_version() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown
  else
    echo unknown
  fi
}

source_line() { # keys...
  local key parts=()
  for key in "$@"; do
    parts+=("$key = ${MODULE[$key]} ${VERSION[$key]:-?} (Debian ${PACKAGE_OF[$key]} $(package_version "${PACKAGE_OF[$key]}"))")
  done
  local IFS=';'
  printf 'Source: SWORD modules exported with diatheke (Debian diatheke %s):%s.\n' \
    "$(package_version diatheke)" "${parts[*]/#/ }"
}

install_dir() { # from to
  mkdir -p -- "$2" || die "cannot create $2"
  local f
  for f in "$1"/*; do
    cp -- "$f" "$2/" || die "cannot write $2/${f##*/}"
  done
}

{
  source_line kjv web sparv
  printf 'Made by datasets/bible/prepare.sh: one verse per line, KJV verse refs; valid = %s; test = %s; train = the other 56 books.\n' \
    "${VALID_BOOKS//,/, }" "${TEST_BOOKS//,/, }"
} >"$TMP/out/README"
install_dir "$TMP/out" "$OUT_DIR"
log ""
log "Wrote $OUT_DIR"

if [[ -n $SAMPLE_DIR ]]; then
  {
    source_line kjv web sparv
    printf 'Sample made by datasets/bible/prepare.sh --sample (the lines of the full data for these books): train = %s; valid = %s; test = %s.\n' \
      "${SAMPLE_TRAIN_BOOKS//,/, }" "${SAMPLE_VALID_BOOKS//,/, }" "${SAMPLE_TEST_BOOKS//,/, }"
  } >"$TMP/sample/README"
  install_dir "$TMP/sample" "$SAMPLE_DIR"
  log "Wrote $SAMPLE_DIR ($(du -cb "$SAMPLE_DIR"/* | tail -n 1 | cut -f1) bytes)"
fi
log "Done in $((SECONDS - START)) s."
