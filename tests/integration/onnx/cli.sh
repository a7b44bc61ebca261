#!/usr/bin/env bash
# snac inspect/estimate/hls/predict on ONNX models PyTorch exported (GELU pattern included), the
# unsupported-operator error, predict --fixed against the firmware's C simulation and --precision,
# snac export (float + QONNX) of imported, trained and local-stage models through onnx.checker,
# predict's normalisation (raw CSV vs the normalised dataset), and train/local starting from an
# ONNX model's weights.
set -euo pipefail
source "$(dirname "$0")/../../support/common.sh" onnx
: "${SNAC_BIN:?}" "${SNAC_SOURCE_DIR:?}" "${SNAC_DATA_DIR:?}"
fix="$SNAC_SOURCE_DIR/tests/data/onnx"
# Debian's python3 has python3-onnx and numpy (BUILD_PKGS); a developer's PATH may put another first.
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import onnx, numpy' 2>/dev/null; then PY="$p"; break; fi
done
[ -n "$PY" ] || fail "no python3 with the onnx and numpy modules (scripts/install_deps.sh installs them)"

# 1. Import: inspect, estimate and hls accept the PyTorch exports.
"$SNAC_BIN" inspect "$fix/cnn_pool.onnx" > inspect.txt
grep -q "conv2d_0 .*\[4, 10, 10\]" inspect.txt || fail "inspect: conv2d_0 missing: $(cat inspect.txt)"
"$SNAC_BIN" inspect "$fix/deepsets_mean.onnx" --json > ds.json
"$PY" -c "import json,sys; d=json.load(open('ds.json')); assert d['layers'][0]['type']=='deepsets', d" \
    || fail "deepsets pattern not recognised"
"$SNAC_BIN" estimate "$fix/mlp_bn.onnx" --part zcu102 --json > est.json
"$SNAC_BIN" estimate "$fix/mlp_gelu.onnx" --part zcu102 --json > est_gelu.json
"$PY" - <<'PYEOF' || fail "estimate of the imported models"
import json
for f, want in (("est.json", ["dense", "batchnorm", "relu", "dense", "leaky_relu", "dense",
                              "sigmoid", "dense", "softmax"]),
                ("est_gelu.json", ["dense", "gelu", "dense", "batchnorm", "gelu", "dense"])):
    d = json.load(open(f))
    got = [l["type"] for l in d["layers"] if l["type"] != "dropout"]
    assert got == want, (f, got)
    assert all(r["used"] > 0 for r in d["fit"] if r["resource"] in ("LUT", "FF", "DSP")), d["fit"]
PYEOF
# predict --fixed is firmware-exact: on the testbench's inputs it gives the outputs the g++ C
# simulation of the generated firmware printed (tb_data/csim_results.log), value for value.
for m in mlp_bn mlp_gelu; do
    "$SNAC_BIN" hls "$fix/$m.onnx" --out "hls_$m" --samples 20 > hls.txt
    grep -q " 0 mismatches" hls.txt || fail "hls C simulation of the imported $m: $(cat hls.txt)"
    "$PY" -c "
import numpy as np
np.save('tb_$m.npy', np.loadtxt('hls_$m/tb_data/tb_input_features.dat', dtype=np.float32, ndmin=2))"
    "$SNAC_BIN" predict "$fix/$m.onnx" --input "tb_$m.npy" --out "fixed_$m.npy" --fixed --raw -q
    "$PY" - "$m" <<'PYEOF' || fail "predict --fixed differs from the C simulation of $m"
import sys, numpy as np
m = sys.argv[1]
got = np.load("fixed_%s.npy" % m)
csim = np.loadtxt("hls_%s/tb_data/csim_results.log" % m, ndmin=2)
assert got.shape == csim.shape == (20, got.shape[1]), (got.shape, csim.shape)
assert np.array_equal(got, csim), np.abs(got - csim).max()
PYEOF
done

# 2. An unsupported operator: exit 2, the node and its op type named.
set +e
"$SNAC_BIN" inspect "$fix/unsupported_elu.onnx" 2> err.txt
rc=$?
set -e
[ $rc -eq 2 ] || fail "unsupported op exited $rc, expected 2"
grep -q "/1/Elu" err.txt && grep -q "(Elu)" err.txt || fail "error does not name node and op: $(cat err.txt)"

# 3. predict: float inference equals PyTorch's recorded outputs within 1e-5 (the *_gelu models hold
# PyTorch's opset-13 GELU pattern; the Deep Sets models pool by mean, sum and max).
models="mlp_bn cnn_pool deepsets_mean mlp_gelu deepsets_sum_gelu deepsets_max_bn cnn_global_avg"
models="$models cnn_global_max"
for m in $models; do
    "$SNAC_BIN" predict "$fix/$m.onnx" --input "$fix/${m}_input.npy" --out "$m.npy" -q
    "$PY" - "$m.npy" "$fix/${m}_output.npy" <<'PYEOF' || fail "predict $m differs from PyTorch"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert a.shape == b.shape and a.dtype == np.float32, (a.shape, b.shape, a.dtype)
err = float(np.abs(a - b).max())
print(sys.argv[1], "max |snac - torch| =", err)
assert err <= 1e-5
PYEOF
done
# Fixed point: firmware arithmetic, close to float at 16 bits, float64 output.
"$SNAC_BIN" predict "$fix/mlp_bn.onnx" --input "$fix/mlp_bn_input.npy" --out fixed.npy --fixed -q
"$PY" -c "
import numpy as np
a, b = np.load('fixed.npy'), np.load('mlp_bn.npy')
assert a.dtype == np.float64 and a.shape == b.shape
assert 0 < np.abs(a - b).max() < 0.05, np.abs(a - b).max()" || fail "fixed-point predict"
# --precision: one type for every tensor; 6 bits are coarser than the default 16, and every output
# is a multiple of the type's LSB (2^-3). Without --fixed it is refused.
"$SNAC_BIN" predict "$fix/mlp_bn.onnx" --input "$fix/mlp_bn_input.npy" --out fixed6.npy --fixed \
    --precision 'ap_fixed<6,3>' -q
"$PY" -c "
import numpy as np
a, f, b = np.load('fixed6.npy'), np.load('fixed.npy'), np.load('mlp_bn.npy')
assert a.shape == b.shape and not np.array_equal(a, f)
assert np.array_equal(a * 8, np.round(a * 8)), a
assert np.abs(a - b).max() > np.abs(f - b).max()" || fail "predict --precision"
set +e
"$SNAC_BIN" predict "$fix/mlp_bn.onnx" --input "$fix/mlp_bn_input.npy" --out nofixed.npy \
    --precision 'ap_fixed<6,3>' -q 2> err.txt
rc=$?
set -e
[ $rc -eq 2 ] && grep -q -- "--fixed" err.txt || fail "--precision without --fixed: rc $rc $(cat err.txt)"
[ ! -e nofixed.npy ] || fail "a refused predict wrote its output"

# 4. Export: imported and trained checkpoints -> ONNX and QONNX, all through the checker.
for m in $models; do
    "$SNAC_BIN" export "$fix/$m.onnx" --onnx "re_$m.onnx" --precision 'ap_fixed<10,4>' -q
    [ -f "re_$m.qonnx.onnx" ] || fail "no QONNX twin for $m"
done
cat > arch.yaml <<'YAML'
input_shape: [8]
layers:
  - {type: dense, units: 8}
  - {type: leaky_relu, alpha: 0.1}
  - {type: dense, units: 2}
  - {type: softmax}
YAML
"$SNAC_BIN" train "$SNAC_SOURCE_DIR/tests/integration/nn/htru2.yaml" --arch arch.yaml --out trained \
    --epochs 1 --threads 1 --seed 3 -q
"$SNAC_BIN" export trained/checkpoint.h5 --onnx trained.onnx -q
[ ! -f trained.qonnx.onnx ] || fail "a float checkpoint got a QONNX file without --precision"
# Every layer type the exporter writes, through the checker: an MLP (no-bias dense, batch norm,
# dropout, identity, tanh, gelu, sigmoid) on HTRU2 and a CNN (stride-2 'same' convolution without
# bias, whose padding is asymmetric) on 8x8 MNIST, one epoch each.
cat > wide.yaml <<'YAML'
input_shape: [8]
layers:
  - {type: dense, units: 12, use_bias: false}
  - {type: batchnorm, epsilon: 0.001}
  - {type: dropout, rate: 0.1}
  - {type: identity}
  - {type: tanh}
  - {type: dense, units: 8}
  - {type: gelu}
  - {type: dense, units: 4}
  - {type: sigmoid}
  - {type: dense, units: 2}
  - {type: softmax}
YAML
"$SNAC_BIN" train "$SNAC_SOURCE_DIR/tests/integration/nn/htru2.yaml" --arch wide.yaml --out wide \
    --epochs 1 --threads 1 --seed 3 -q
"$SNAC_BIN" export wide/checkpoint.h5 --onnx wide.onnx --precision 'ap_fixed<12,4>' -q
cat > mnist.yaml <<YAML
$(mnist8x8_data onnx_mnist 300)
train: {epochs: 1, batch_size: 32, learning_rate: 0.01}
YAML
cat > cnn.yaml <<'YAML'
input_shape: [1, 8, 8]
layers:
  - {type: conv2d, filters: 3, kernel: 3, stride: 2, padding: same, use_bias: false}
  - {type: batchnorm}
  - {type: relu}
  - {type: conv2d, filters: 4, kernel: 2, padding: valid}
  - {type: maxpool2d, size: 3}
  - {type: flatten}
  - {type: dense, units: 10}
  - {type: softmax}
YAML
"$SNAC_BIN" train mnist.yaml --arch cnn.yaml --out cnn --threads 1 --seed 3 -q
"$SNAC_BIN" export cnn/checkpoint.h5 --onnx cnn.onnx --precision 'ap_fixed<12,4>' -q
for m in wide cnn; do  # the export predicts what the checkpoint predicts
    data="$("$PY" -c "import json; print(json.load(open('$m/metrics.json'))['dataset'])")"
    "$SNAC_BIN" predict "$m.onnx" --input "$data" --out "${m}_onnx.npy" --split test -q
    "$SNAC_BIN" predict "$m/checkpoint.h5" --input "$data" --out "${m}_h5.npy" --split test -q
    cmp -s "${m}_onnx.npy" "${m}_h5.npy" || fail "$m: the ONNX export predicts differently"
done
"$PY" "$SNAC_SOURCE_DIR/tests/integration/onnx/check_onnx.py" ./*.onnx || fail "onnx.checker"

# 5. predict applies the stored normalisation to raw samples (CSV), not to a snac dataset (stored
# normalised); --raw skips it. The checkpoint and its ONNX export predict the same.
h5="$("$PY" -c "import json; print(json.load(open('trained/metrics.json'))['dataset'])")"
"$PY" - "$SNAC_DATA_DIR/htru2_pulsar/pulsar_stars.csv.gz" <<'PYEOF'
import csv, gzip, sys
rows = list(csv.reader(gzip.open(sys.argv[1], "rt")))
with open("raw.csv", "w", newline="") as f:
    w = csv.writer(f)
    for r in rows:
        w.writerow(r[:-1])  # the features; target_class is the last column
PYEOF
"$SNAC_BIN" predict trained/checkpoint.h5 --input "$h5" --out from_dataset.npy -q
"$SNAC_BIN" predict trained.onnx --input "$h5" --out from_onnx.npy -q
"$SNAC_BIN" predict trained/checkpoint.h5 --input raw.csv --out from_csv.npy > csv.log
grep -q "standardize (stored with the model)" csv.log || fail "normalisation not reported: $(cat csv.log)"
"$SNAC_BIN" predict trained/checkpoint.h5 --input raw.csv --out from_csv_raw.npy --raw -q
"$PY" - <<'PYEOF' || fail "predict normalisation"
import numpy as np
ds, onnx_, csv_, raw = (np.load(f + ".npy") for f in ("from_dataset", "from_onnx", "from_csv", "from_csv_raw"))
assert np.array_equal(ds, onnx_), "checkpoint and its ONNX export differ"
assert ds.shape == csv_.shape, (ds.shape, csv_.shape)
print("max |raw csv normalised - dataset| =", float(np.abs(ds - csv_).max()))
assert np.abs(ds - csv_).max() <= 1e-5
assert np.abs(ds - raw).max() > 1e-2, "--raw changed nothing"
PYEOF

# 6. snac train --arch MODEL.onnx starts from the model's weights: with a vanishing learning rate
# the result predicts what the ONNX model predicts; from random weights it would not. (No batch
# norm here: its moving statistics would move even without a learning rate.)
sed 's/learning_rate: 0.001/learning_rate: 1.0e-12/' "$SNAC_SOURCE_DIR/tests/integration/nn/htru2.yaml" \
    > frozen.yaml
grep -q "1.0e-12" frozen.yaml || fail "could not write the frozen config"
"$SNAC_BIN" train frozen.yaml --arch trained.onnx --out tuned --epochs 1 --threads 1 > tuned.log
grep -q "from its weights" tuned.log || fail "train did not start from the weights: $(cat tuned.log)"
"$SNAC_BIN" predict tuned/checkpoint.h5 --input "$h5" --out tuned.npy -q
"$PY" - <<'PYEOF' || fail "training from the ONNX weights"
import numpy as np
a, b = np.load("tuned.npy"), np.load("from_onnx.npy")
print("max |tuned - onnx| =", float(np.abs(a - b).max()))
assert np.abs(a - b).max() < 1e-5
PYEOF
# 7. snac local --checkpoint MODEL.onnx: the ONNX model's weights are the float start of the chain.
cp "$SNAC_SOURCE_DIR/tests/integration/nn/htru2.yaml" local.yaml
cat >> local.yaml <<'YAML'
search_space: {family: mlp, params: {units_0: [8]}}
local: {enabled: true, precisions: [8], qat_epochs: 1, pruning_steps: 1, pruning_epochs: 1}
YAML
"$SNAC_BIN" local run_local --config local.yaml --checkpoint trained.onnx > local.log 2>&1 ||
    { cat local.log; fail "snac local on an ONNX model"; }
[ "$(tail -n +2 run_local/local/summary.csv | wc -l)" -eq 2 ] || fail "local: $(cat run_local/local/summary.csv)"
[ -f run_local/local/trained/w8/step01.h5 ] || fail "local: no step 1 checkpoint of the ONNX model"
# 8. A pruned, quantization-aware checkpoint of the local stage exports as float ONNX plus QONNX
# without --precision: one Quant per input/weight/bias/result whose scale 2^-(W-I) and bit width W
# are the ap_fixed<W,I> types of that layer in the checkpoint's hls_settings; both pass the checker.
"$SNAC_BIN" export run_local/local/trained/w8/step01.h5 --onnx step01.onnx -q
[ -f step01.qonnx.onnx ] || fail "no QONNX file for the local stage's checkpoint"
"$PY" "$SNAC_SOURCE_DIR/tests/integration/onnx/check_onnx.py" step01.onnx step01.qonnx.onnx ||
    fail "onnx.checker on the local stage's export"
"$PY" - <<'PYEOF' || fail "QONNX bit widths and scales of the local stage's checkpoint"
import math, re, onnx
from onnx import numpy_helper
m = onnx.load("step01.qonnx.onnx")
meta = {p.key: p.value for p in m.metadata_props}["snac.attribute.hls_settings"]
def fixed(text):  # ap_fixed<W,I,...> -> (W, I, quantization mode)
    w, i, *rest = re.match(r'ap_u?fixed<([^>]*)>', text).group(1).split(",")
    return int(w), int(i), (rest[0] if rest else "AP_TRN")
types = {}
for line in meta.splitlines():
    g = re.match(r'\s*(\w+): \{weight: "([^"]+)", bias: "([^"]+)", result: "([^"]+)"', line)
    if g:
        types[g.group(1)] = dict(zip(("weight", "bias", "result"), map(fixed, g.groups()[1:])))
    g = re.match(r'input: "([^"]+)"', line)
    if g:
        types["input"] = {"result": fixed(g.group(1))}
init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
seen = set()
for n in m.graph.node:
    if n.op_type != "Quant":
        continue
    name = n.name[:-len("_quant")]
    kind = "result"
    for k, suffix in (("weight", "_kernel"), ("bias", "_bias")):
        if name.endswith(suffix):
            kind, name = k, name[:-len(suffix)]
    w, i, mode = types[name if name in types else "default"][kind]
    scale, bits = float(init[n.input[1]]), float(init[n.input[3]])
    assert scale == 2.0 ** -(w - i) and bits == w, (n.name, scale, bits, w, i)
    assert math.log2(scale) == round(math.log2(scale)), (n.name, scale)
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
    assert attrs["rounding_mode"] == {"AP_RND_CONV": b"ROUND", "AP_TRN": b"FLOOR"}[mode], attrs
    seen.add(n.name)
want = {"input_quant", "dense_0_kernel_quant", "dense_0_bias_quant", "dense_0_quant",
        "leaky_relu_0_quant", "dense_1_kernel_quant", "dense_1_bias_quant", "dense_1_quant",
        "softmax_0_quant"}
assert seen == want, seen
# The layers' types differ (per-layer precisions, not one type for all).
assert len({float(init[n.input[1]]) for n in m.graph.node if n.op_type == "Quant"}) > 2
print("qonnx of the local stage's checkpoint:", len(seen), "Quant nodes as in hls_settings")
PYEOF
echo "onnx cli: ok"
