#!/usr/bin/env bash
# snac writes a study (then resumes it), Debian's Optuna reads it, `snac study` lists/shows/exports it.
set -euo pipefail
driver="$1"
python="${2:-python3}"
src="${SNAC_SOURCE_DIR:?}"
snac="${SNAC_BIN:?}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
run="$tmp/run"
db="$run/study.db"

"$driver" "$src/configs/jets_mlp.yaml" "$run" 60 "$tmp/front.json"
"$driver" "$src/configs/jets_mlp.yaml" "$run" 100 "$tmp/front.json" --resume | tee "$tmp/resume.txt"
grep -q "resumed 60 trials" "$tmp/resume.txt"
"$python" "$src/tests/integration/search/optuna_compat.py" "$db" jets_mlp "$tmp/front.json" 100

"$snac" study ls "$db" | tee "$tmp/ls.txt"
grep -Eq "^jets_mlp +100 " "$tmp/ls.txt"
"$snac" study show "$run" > "$tmp/show.txt"   # a run directory stands for its study.db
front_count=$("$python" -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$tmp/front.json")
[ "$(grep -c '^\* #' "$tmp/show.txt")" -eq "$front_count" ]
"$snac" study export "$db" --csv "$tmp/trials.csv"
"$python" - "$tmp/trials.csv" "$front_count" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 100, len(rows)
assert sum(r["pareto"] == "true" for r in rows) == int(sys.argv[2])
for col in ("number", "values_accuracy", "params_n_layers", "params_units_7", "user_attrs_bops", "state"):
    assert col in rows[0], col
assert {r["params_activation"] for r in rows} <= {"relu", "tanh", "sigmoid", ""}  # "": baseline
print("csv OK:", len(rows), "rows,", len(rows[0]), "columns")
PY

# Bad input: one clear error, exit code 2, nothing written.
echo "not a database" > "$tmp/bad.db"
set +e
"$snac" study ls "$tmp/bad.db" 2> "$tmp/err.txt"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "not an SQLite database" "$tmp/err.txt"
[ "$(cat "$tmp/bad.db")" = "not a database" ]
set +e
mkdir -p "$tmp/badrun" && cp "$tmp/bad.db" "$tmp/badrun/study.db"
"$driver" "$src/configs/jets_mlp.yaml" "$tmp/badrun" 5 "$tmp/f2.json" --resume 2> "$tmp/err2.txt"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "not an SQLite database" "$tmp/err2.txt"
echo "optuna compatibility: OK"
