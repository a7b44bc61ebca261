# Shared helpers for the data integration tests (sourced).
set -euo pipefail
: "${SNAC_BIN:?SNAC_BIN must point at the snac binary}"
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
: "${SNAC_SOURCE_DIR:?SNAC_SOURCE_DIR must point at the source tree}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-data-it.XXXXXX")"
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
# no_temp_files DIR: no leftover temporary files from an import.
no_temp_files() { ! ls "$1" 2>/dev/null | grep -q '\.tmp\.' || fail "temporary files left in $1: $(ls "$1")"; }
