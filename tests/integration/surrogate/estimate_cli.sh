#!/usr/bin/env bash
# snac estimate: JSON keys and values, table output, precision flags, and every bad-input error.
set -euo pipefail
: "${SNAC_BIN:?}"
source "$(dirname "$0")/../../support/common.sh" estimate
tmp="$work"

cat > "$tmp/jet.yaml" <<'YAML'
input_shape: [16]
layers:
  - {type: dense, units: 64}
  - {type: relu}
  - {type: dense, units: 32}
  - {type: relu}
  - {type: dense, units: 32}
  - {type: relu}
  - {type: dense, units: 5}
  - {type: softmax}
YAML

"$SNAC_BIN" estimate "$tmp/jet.yaml" --part zcu102 --json > "$tmp/a.json"
python3 - "$tmp/a.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
assert isinstance(e["part"], str) and e["part"] == "xczu9eg-ffvb1156-2-e", e["part"]
assert isinstance(e["reuse_factor"], int) and e["reuse_factor"] == 1
t = e["total"]
for k in ["lut", "ff", "dsp", "bram_18k", "uram", "latency_cycles_min", "latency_cycles_max", "ii_cycles"]:
    assert isinstance(t[k], int) and t[k] >= 0, k
for k in ["lut_pct", "ff_pct", "dsp_pct", "bram_pct", "avg_resource_pct"]:
    assert isinstance(t[k], float), k
assert abs(t["dsp_pct"] - 100.0 * t["dsp"] / 2520) < 1e-9
assert abs(t["avg_resource_pct"] - (t["lut_pct"] + t["ff_pct"] + t["dsp_pct"] + t["bram_pct"]) / 4) < 1e-9
assert isinstance(e["layers"], list) and len(e["layers"]) == 8
assert sum(l["lut"] for l in e["layers"]) == t["lut"]
assert sum(l["dsp"] for l in e["layers"]) == t["dsp"]
assert e["layers"][0]["multipliers"] == 16 * 64
assert e["warnings"] == []
PY

# --weight-precision narrows weights and biases: 6-bit weights need no DSPs, 16-bit ones do.
"$SNAC_BIN" estimate "$tmp/jet.yaml" --part u250 --precision 'ap_fixed<16,6>' \
    --weight-precision 'ap_fixed<6,1>' --json > "$tmp/w6.json"
"$SNAC_BIN" estimate "$tmp/jet.yaml" --part u250 --precision 'ap_fixed<16,6>' --json > "$tmp/w16.json"
python3 - "$tmp/w6.json" "$tmp/w16.json" <<'PY'
import json, sys
w6, w16 = (json.load(open(p))["total"] for p in sys.argv[1:])
assert w6["dsp"] < w16["dsp"], (w6["dsp"], w16["dsp"])
dense = [l for l in json.load(open(sys.argv[1]))["layers"] if l["type"] == "dense"]
assert all(l["dsp"] == 0 for l in dense), dense
PY

# Resource strategy: an invalid reuse factor is corrected with a warning listing the valid ones.
cat > "$tmp/d10.yaml" <<'YAML'
input_shape: [10]
layers:
  - {type: dense, units: 10}
YAML
"$SNAC_BIN" estimate "$tmp/d10.yaml" --part vu13p --strategy resource --reuse-factor 3 --json > "$tmp/rf.json"
python3 - "$tmp/rf.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
assert e["reuse_factor"] == 3 and e["layers"][0]["reuse_factor"] == 2, e["layers"][0]
assert len(e["warnings"]) == 1 and "1, 2, 5, 10, 20, 50, 100" in e["warnings"][0], e["warnings"]
assert e["total"]["ii_cycles"] == 2
PY

# Table output.
"$SNAC_BIN" estimate "$tmp/jet.yaml" --part pynq-z2 > "$tmp/table.txt"
grep -q '^total' "$tmp/table.txt" || fail "no total row"
grep -q '% of part' "$tmp/table.txt" || fail "no percentage row"
grep -q 'xc7z020clg400-1' "$tmp/table.txt" || fail "part not named"

# A snac checkpoint as input (the learned-surrogate file is one: its own MLP is estimated).
D="${SNAC_DATA_DIR}/wa-hls4ml"
"$SNAC_BIN" surrogate fit --records "$D/results_latency.csv" --records "$D/results_resource.csv" \
    --out "$tmp/model.h5" --epochs 20 > /dev/null 2>&1
"$SNAC_BIN" estimate "$tmp/model.h5" --part u55c --json > "$tmp/ck.json"
python3 -c "import json,sys; e=json.load(open('$tmp/ck.json')); assert e['layers'][0]['name']=='dense_0', e['layers'][0]"

# A run configuration gives the defaults (hls: and surrogate: sections); flags override.
mkdir -p "$tmp/cfgdir"
cp "$tmp/model.h5" "$tmp/cfgdir/hw.h5"
cat > "$tmp/cfgdir/run.yaml" <<'YAML'
data: {name: htru2}
hls: {part: pynq-z2, precision: "ap_fixed<12,4>", reuse_factor: 2, strategy: resource}
surrogate: {model: learned, file: hw.h5}
YAML
"$SNAC_BIN" estimate "$tmp/jet.yaml" --config "$tmp/cfgdir/run.yaml" --json > "$tmp/c1.json"
"$SNAC_BIN" estimate "$tmp/jet.yaml" --config "$tmp/cfgdir/run.yaml" --part u250 --model analytical \
    --reuse-factor 1 --json > "$tmp/c2.json"
python3 - "$tmp/c1.json" "$tmp/c2.json" <<'PY'
import json, sys
c1, c2 = (json.load(open(p)) for p in sys.argv[1:])
assert c1["part"] == "xc7z020clg400-1" and c1["model"] == "learned" and c1["reuse_factor"] == 2, c1
assert c1["strategy"] == "resource"
assert c2["part"] == "xcu250-figd2104-2L-e" and c2["model"] == "analytical" and c2["reuse_factor"] == 1, c2
PY

# Bad input: exit code 2 and a message naming the problem.
expect_usage() {  # expect_usage PATTERN -- args...
    local pattern=$1; shift
    set +e
    "$SNAC_BIN" "$@" > "$tmp/out.txt" 2> "$tmp/err.txt"
    local rc=$?
    set -e
    [ "$rc" -eq 2 ] || { cat "$tmp/err.txt"; fail "exit $rc (want 2): $*"; }
    grep -q -- "$pattern" "$tmp/err.txt" || { cat "$tmp/err.txt"; fail "no '$pattern' for: $*"; }
}
expect_usage "unknown FPGA part" estimate "$tmp/jet.yaml" --part xc7k325t
expect_usage "xcu55c-fsvh2892-2L-e" estimate "$tmp/jet.yaml" --part xc7k325t
expect_usage "64" estimate "$tmp/jet.yaml" --part u250 --precision 'ap_fixed<65,6>'
expect_usage "ap_fixed" estimate "$tmp/jet.yaml" --part u250 --weight-precision 'ap_fixd<8,1>'
expect_usage "below 1" estimate "$tmp/jet.yaml" --part u250 --reuse-factor 0
expect_usage "strategy" estimate "$tmp/jet.yaml" --part u250 --strategy fast
expect_usage "does not exist" estimate "$tmp/nothing.yaml" --part u250
expect_usage "does not exist" estimate "$tmp/jet.yaml" --part u250 --model learned --model-file "$tmp/none.h5"
expect_usage "part" estimate "$tmp/jet.yaml"
expect_usage "io-type" estimate "$tmp/jet.yaml" --part u250 --io-type axi
# --model learned without a file uses the shipped model (share/surrogate/learned_v1.h5).
"$SNAC_BIN" estimate "$tmp/jet.yaml" --part u250 --model learned --json > "$tmp/shipped.json"
python3 -c "import json,sys; e=json.load(open(sys.argv[1])); assert e['model']=='learned' and e['total']['lut']>0, e" "$tmp/shipped.json"
cat > "$tmp/att.yaml" <<'YAML'
input_shape: [4, 8, 8]
layers:
  - {type: conv_attention, hidden: 4}
  - {type: flatten}
  - {type: dense, units: 2}
YAML
# ConvAttn is estimated as the parts of its kernel (docs/surrogate.md).
"$SNAC_BIN" estimate "$tmp/att.yaml" --part u250 > "$tmp/att.txt" || fail "conv_attention not estimated"
grep -q "conv_attention" "$tmp/att.txt" || fail "the estimate does not list the conv_attention parts"
echo "estimate_cli: ok"
