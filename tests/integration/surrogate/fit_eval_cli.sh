#!/usr/bin/env bash
# snac surrogate fit|eval on the real wa-hls4ml pilot data: the shipped coefficients are what
# fitting gives, eval reports all six targets on held-out architectures, bad records are refused.
set -euo pipefail
: "${SNAC_BIN:?}" "${SNAC_SOURCE_DIR:?}" "${SNAC_DATA_DIR:?}"
source "$(dirname "$0")/../../support/common.sh" surrogate
tmp="$work"
D="$SNAC_DATA_DIR/wa-hls4ml"

"$SNAC_BIN" surrogate fit --records "$D/results_latency.csv" --records "$D/results_resource.csv" \
    --out "$tmp/coef.json" > "$tmp/fit.txt" 2>&1
python3 - "$tmp/coef.json" "$SNAC_SOURCE_DIR/share/surrogate/analytical_v1.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
a.pop("provenance"); b.pop("provenance")
assert a == b, "share/surrogate/analytical_v1.json differs from a fresh fit"
PY

"$SNAC_BIN" surrogate eval --records "$D/results_latency.csv" --records "$D/results_resource.csv" \
    > "$tmp/eval.txt" 2>&1
for t in LUT FF DSP BRAM CYCLES II; do
    # train, test, and the test records by strategy (seed 1 holds out Resource records only)
    [ "$(grep -c "^$t " "$tmp/eval.txt")" -eq 3 ] || { cat "$tmp/eval.txt"; fail "no train+test+strategy row for $t"; }
done
grep -q "held-out architectures" "$tmp/eval.txt" || fail "no held-out section"
grep -q "^test, resource strategy" "$tmp/eval.txt" || fail "no per-strategy section"
grep -q "rule4ml v2 GNN" "$tmp/eval.txt" || fail "no published rule4ml figures beside snac's"

"$SNAC_BIN" surrogate eval --records "$D/results_resource.csv" --json --seed 2 > "$tmp/eval.json"
python3 - "$tmp/eval.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
assert e["test_architectures"] == 16 and e["train_architectures"] == 48, e
t = e["test"]["targets"]
assert set(t) == {"LUT", "FF", "DSP", "BRAM", "CYCLES", "II"}
assert t["DSP"]["r2"] > 0.9 and t["CYCLES"]["smape"] < 5, t
assert set(e["test_by_strategy"]) == {"resource"}, e["test_by_strategy"].keys()
PY

# The learned model: fit, then use it for an estimate.
"$SNAC_BIN" surrogate fit --records "$D/results_latency.csv" --records "$D/results_resource.csv" \
    --out "$tmp/model.h5" --epochs 30 > /dev/null 2>&1
[ -f "$tmp/model.h5" ] || fail "no model.h5"
cat > "$tmp/d.yaml" <<'YAML'
input_shape: [64]
layers:
  - {type: dense, units: 32}
YAML
"$SNAC_BIN" estimate "$tmp/d.yaml" --part u250 --model learned --model-file "$tmp/model.h5" --json > "$tmp/l.json"
python3 -c "import json; e=json.load(open('$tmp/l.json')); assert e['model']=='learned' and e['total']['lut']>0, e['total']"

# Records with missing columns: exit 2, columns named; nothing written.
head -c 2000 "$D/results_latency.csv" | sed '1s/,LUT_hls//' > "$tmp/bad.csv"
set +e
"$SNAC_BIN" surrogate fit --records "$tmp/bad.csv" --out "$tmp/bad.json" 2> "$tmp/err.txt"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "missing column: exit $rc"
grep -q "LUT_hls" "$tmp/err.txt" || { cat "$tmp/err.txt"; fail "missing column not named"; }
[ ! -e "$tmp/bad.json" ] || fail "output written despite the error"
echo "fit_eval_cli: ok"
