#!/usr/bin/env bash
# The jet case-study configs (paper and quick, MLP and Deep Sets) pass `snac config check`, and
# without their data every stage that needs it stops with exit 2 naming the exact
# scripts/fetch_data.sh command that writes the file where snac looks first.
set -euo pipefail
source "$(dirname "$0")/../../support/common.sh" jets
: "${SNAC_BIN:?}" "${SNAC_SOURCE_DIR:?}"
mkdir empty
for c in jets_mlp jets_deepsets jets_mlp_quick jets_deepsets_quick; do
    cp "$SNAC_SOURCE_DIR/configs/$c.yaml" .
    "$SNAC_BIN" config check "$c.yaml" > check.txt || fail "config check $c"
    grep -q "jets_constituents_150p" check.txt || fail "$c: resolved config lacks the data directory"
    set +e
    SNAC_DATA_DIR="$work/empty" "$SNAC_BIN" global "$c.yaml" --out "run_$c" --no-progress \
        > out.txt 2> err.txt
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || { cat out.txt err.txt; fail "$c: exit $rc without data, expected 2"; }
    grep -qF "scripts/fetch_data.sh --dir $work/empty jets_constituents 150" err.txt ||
        { cat err.txt; fail "$c: the error does not name the fetch command"; }
    [ ! -e "data/$c.h5" ] || fail "$c: a dataset was written without data"
done
echo ok
