# Shared helpers for the shell tests (sourced): `source "$(dirname "$0")/../../support/common.sh" NAME`.
# Requires SNAC_BIN; makes a temporary working directory $work (snac-NAME-it.XXXXXX, removed on
# exit) and changes into it. Scripts that need SNAC_DATA_DIR or SNAC_SOURCE_DIR check them.
set -euo pipefail
: "${SNAC_BIN:?SNAC_BIN must point at the snac binary}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-${1:-test}-it.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_contains FILE TEXT: FILE must contain TEXT (fixed string).
expect_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "'$2' not found in $1"; }; }
# expect_rc WANT CMD...: runs CMD (stdout -> out.txt, stderr -> err.txt), checks its exit code.
expect_rc() {
    local want="$1"; shift
    set +e; "$@" >out.txt 2>err.txt; local rc=$?; set -e
    [ "$rc" -eq "$want" ] || { cat out.txt err.txt; fail "exit code $rc, expected $want: $*"; }
}
# json_get FILE EXPR: a value from a JSON file (python3 is part of the build dependencies).
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# no_temp_files DIR: no leftover temporary files of an atomic write in DIR.
no_temp_files() { ! ls "$1" 2>/dev/null | grep -q '\.tmp\.' || fail "temporary files left in $1: $(ls "$1")"; }
# mnist8x8_data NAME SUBSET: a config's `data:` section for the first SUBSET MNIST test images
# down-sized to 8x8, standardised, split 0.7/0.1/0.2, stored as $work/NAME.h5.
mnist8x8_data() {
    cat <<YAML
data:
  name: $1
  path: $work/$1.h5
  source:
    format: idx
    images: mnist/t10k-images-idx3-ubyte.gz
    labels: mnist/t10k-labels-idx1-ubyte.gz
    resize: [8, 8]
    subset: $2
  normalize: standardize
  split: {train: 0.7, val: 0.1, test: 0.2, seed: 1}
YAML
}
