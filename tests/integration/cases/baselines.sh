#!/usr/bin/env bash
# search.baselines: a PyTorch-exported ONNX model and an architecture file are the global study's
# first trials (Optuna reads them as trials without params, the file in system_attrs
# 'snac:baseline'), trained like the others, left out of pareto_global.csv and drawn as marked
# points in the report; a baseline that does not fit the dataset, or more baselines than trials,
# is refused with exit 2 before any study exists.
set -euo pipefail
: "${SNAC_BIN:?}" "${SNAC_SOURCE_DIR:?}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-baselines.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import optuna, numpy' 2>/dev/null; then PY="$p"; break; fi
done
[ -n "$PY" ] || fail "no python3 with optuna and numpy (scripts/install_deps.sh installs them)"

# 16 features, 5 classes: the input and output of the PyTorch fixture mlp_bn.onnx.
"$PY" - <<'PYEOF'
import numpy as np
rng = np.random.default_rng(7)
x = rng.normal(size=(1500, 16)).astype(np.float32)
y = np.argmax(x[:, :5] + 0.3 * rng.normal(size=(1500, 5)), axis=1)
with open("blobs.csv", "w") as f:
    f.write(",".join("f%d" % i for i in range(16)) + ",label\n")
    for r, c in zip(x, y):
        f.write(",".join("%.5f" % v for v in r) + ",%d\n" % c)
PYEOF
mkdir -p cfg/models
cp "$SNAC_SOURCE_DIR/tests/data/onnx/mlp_bn.onnx" cfg/models/
cat > cfg/models/small.yaml <<'YAML'
input_shape: [16]
layers:
  - {type: dense, units: 8}
  - {type: relu}
  - {type: dense, units: 5}
  - {type: softmax}
YAML
cat > cfg/base.yaml <<YAML
data:
  name: blobs
  source: {format: csv, file: $work/blobs.csv, label_column: label}
  normalize: standardize
  split: {train: 0.7, val: 0.15, test: 0.15, seed: 1}
search_space:
  family: mlp
  params:
    n_layers: [1]
    units_0: [2, 4, 8, 16]
    activation: [relu, tanh]
search:
  trials: 6
  population: 4
  seed: 2
  baselines: [models/mlp_bn.onnx, models/small.yaml]
train: {epochs: 5, batch_size: 32, learning_rate: 0.01}
YAML
# Paths resolve against the config's directory, not the working directory.
"$SNAC_BIN" global cfg/base.yaml --out run --no-progress > global.txt 2>&1 ||
    { cat global.txt; fail "snac global with baselines"; }
grep -q "evaluates baseline .*mlp_bn.onnx" global.txt || fail "no baseline line: $(cat global.txt)"
"$SNAC_BIN" report run > /dev/null || fail "snac report"
"$PY" - <<'PYEOF' || fail "study contents"
import csv, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
st = optuna.load_study(study_name="snac", storage="sqlite:///run/study.db")
t = st.get_trials(deepcopy=False)
assert len(t) == 6, len(t)
for n, name in ((0, "mlp_bn.onnx"), (1, "small.yaml")):
    assert t[n].params == {}, t[n].params
    assert t[n].system_attrs["snac:baseline"].endswith("/cfg/models/" + name), t[n].system_attrs
    assert t[n].state == optuna.trial.TrialState.COMPLETE, t[n].state
    # Trained like the others: well above the 5-class chance level of 0.2 (observed 0.73 and 0.78).
    assert len(t[n].values) == 2 and t[n].values[0] > 0.5, t[n].values
assert t[0].user_attrs["params"] != t[1].user_attrs["params"]
assert all(x.params and "snac:baseline" not in x.system_attrs for x in t[2:])
front = [int(r["trial"]) for r in csv.DictReader(open("run/pareto_global.csv"))]
assert front and 0 not in front and 1 not in front, front
rows = {int(r["trial"]): r for r in csv.DictReader(open("run/report/trials.csv"))}
assert rows[0]["baseline"].endswith("mlp_bn.onnx") and rows[1]["baseline"].endswith("small.yaml")
assert all(rows[n]["baseline"] == "" for n in range(2, 6))
html = open("run/report/index.html").read()
assert "mlp_bn (t0 " in html and "small (t1 " in html, "baseline points not labelled"
print("baselines: ok; baseline accuracies", t[0].values[0], t[1].values[0])
PYEOF

# A baseline that does not fit the data: exit 2 naming it, no study.
sed 's/units: 5}/units: 3}/' cfg/models/small.yaml > cfg/models/bad.yaml
sed 's#models/small.yaml#models/bad.yaml#' cfg/base.yaml > cfg/bad.yaml
set +e
"$SNAC_BIN" global cfg/bad.yaml --out run_bad --no-progress > /dev/null 2> err.txt
rc=$?
set -e
[ $rc -eq 2 ] || fail "an unfitting baseline exited $rc, expected 2"
grep -q "bad.yaml' gives output \[3\] but the dataset needs \[5\]" err.txt || fail "$(cat err.txt)"
[ ! -e run_bad/study.db ] || fail "a study was created for a refused baseline"
# More baselines than trials.
sed 's/trials: 6/trials: 1/' cfg/base.yaml > cfg/few.yaml
set +e
"$SNAC_BIN" config check cfg/few.yaml > /dev/null 2> err.txt
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "2 baselines do not fit in 1 trials" err.txt || fail "rc $rc: $(cat err.txt)"
echo "baselines: ok"
