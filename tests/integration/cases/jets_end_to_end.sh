#!/usr/bin/env bash
# A jet case-study quick config end to end on small files in the published layout:
# case_jets_fixture writes DATA/jets_constituents_150p/jetImage_*_150p_*.h5 exactly where
# `scripts/fetch_data.sh --dir DATA jets_constituents 150` leaves the real files, then
# case_test.py runs `snac run` on the config with SNAC_DATA_DIR=DATA (all stages, metric above the
# majority class).
# Usage: jets_end_to_end.sh FIXTURE_BIN BASELINE_BIN CONFIG [case_test.py flags]
set -euo pipefail
: "${SNAC_BIN:?}" "${SNAC_SOURCE_DIR:?}"
data="$(mktemp -d "${TMPDIR:-/tmp}/snac-jets-data.XXXXXX")"
trap 'rm -rf "$data"' EXIT
"$1" "$data" 3000 2
SNAC_DATA_DIR="$data" python3 "$SNAC_SOURCE_DIR/tests/integration/cases/case_test.py" "$2" "${@:3}"
