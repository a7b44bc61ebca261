#!/usr/bin/env bash
# `snac local` end to end on MNIST 8x8: two precisions x (QAT step 0 + 3 pruning steps) from an
# architecture trained in float first; every step's checkpoint, summary.csv, selected.yaml,
# stages/local.done; bad input is exit 2 with nothing written; kill -9 mid-chain then --resume
# gives every (precision, step) exactly once; the TPE stage with a kill -9 mid-TPE.
set -euo pipefail
source "$(dirname "$0")/../../support/common.sh" local
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"

write_config() {  # $1: extra local: keys; $2: precisions; $3: pruning steps
    cat > config.yaml <<YAML
$(mnist8x8_data mnist8x8_local 1000)
train:
  epochs: 8
  learning_rate: 0.005
  batch_size: 32
  threads: 1
local:
  precisions: ${2:-[8, [6, 2]]}
  qat_epochs: 1
  pruning_steps: ${3:-3}
  pruning_epochs: 1
$1
YAML
}
cat > mlp.yaml <<'YAML'
input_shape: [64]
layers:
  - {type: dense, units: 32}
  - {type: relu}
  - {type: dense, units: 10}
YAML

# Bad input: exit 2, nothing written.
write_config "  pruning_rate: 1.5"
expect_rc 2 "$SNAC_BIN" local run_bad --config config.yaml --arch mlp.yaml
grep -q "outside (0, 1)" err.txt || { cat err.txt; fail "no pruning_rate message"; }
[ ! -e run_bad/local ] || fail "a bad config left files"
write_config ""
expect_rc 2 "$SNAC_BIN" local run_none --config config.yaml
grep -q "selected.yaml" err.txt || { cat err.txt; fail "missing-selection message"; }

# A full run.
expect_rc 0 "$SNAC_BIN" local run --config config.yaml --arch mlp.yaml
rows=$(tail -n +2 run/local/summary.csv | wc -l)
[ "$rows" -eq 8 ] || { cat run/local/summary.csv; fail "expected 8 steps, got $rows"; }
for p in w8 q6_2; do
    for s in 00 01 02 03; do [ -f "run/local/mlp/$p/step$s.h5" ] || fail "missing $p step $s"; done
done
grep -q "^stage: local" run/local/selected.yaml || fail "selected.yaml without stage"
grep -q "sparsest step within" run/local/selected.yaml || fail "no per-precision pick"
[ -f run/stages/local.done ] || fail "no stages/local.done"
# Sparsity after 3 steps of 0.2: 1 - 0.8^3 = 0.488 (within rounding).
python3 - run/local/summary.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    want = 1 - 0.8 ** int(r["step"])
    assert abs(float(r["sparsity"]) - want) < 0.01, (r["step"], r["sparsity"])
    assert float(r["metric"]) > 0.5, r  # well above chance (0.1) on the firmware arithmetic
    assert r["integer_bits"] == ("3" if r["precision"] == "q6_2" else "auto"), r
PY
# Existing results need --resume.
expect_rc 2 "$SNAC_BIN" local run --config config.yaml --arch mlp.yaml

# kill -9 mid-chain, then --resume: each (precision, step) exactly once. SNAC_TEST_PAUSE_MS holds
# each finished step, so the kill lands mid-chain on a fast machine.
SNAC_TEST_PAUSE_MS=400 "$SNAC_BIN" local run2 --config config.yaml --arch mlp.yaml >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    [ -f run2/local/mlp/w8/step01.h5 ] && break
    sleep 0.1
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ ! -f run2/stages/local.done ] || fail "the killed run finished before the kill"
expect_rc 0 "$SNAC_BIN" local run2 --config config.yaml --arch mlp.yaml --resume
grep -q "resumes after step" err.txt || { cat err.txt; fail "the chain did not resume"; }
python3 - run2/local/summary.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
keys = [(r["precision"], r["step"]) for r in rows]
assert len(keys) == 8 and len(set(keys)) == 8, keys
PY

# The separated regime: float pruning steps kept, then QAT per step; same sparsities.
write_config "  regime: separated
  sparsity_schedule: polynomial
  final_sparsity: 0.6" "[8]" 2
expect_rc 0 "$SNAC_BIN" local run_sep --config config.yaml --arch mlp.yaml
for s in 01 02; do [ -f "run_sep/local/mlp/w8/float_step$s.h5" ] || fail "no float step $s"; done
python3 - run_sep/local/summary.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 3, rows
# Polynomial to 0.6 in 2 steps: s_1 = 0.6 * (1 - 0.5^3) = 0.525, s_2 = 0.6.
for r, want in zip(rows, (0.0, 0.525, 0.6)):
    assert abs(float(r["sparsity"]) - want) < 0.01, (r["step"], r["sparsity"])
    assert float(r["metric"]) > 0.5, r
PY

# TPE over training settings before the chains: 4 trials (the baseline first), kill -9 mid-TPE,
# --resume: 4 counted trials, one baseline, the chains train with the best trial's settings.
write_config "  tpe_trials: 4" "[8]" 1
SNAC_TEST_PAUSE_MS=400 "$SNAC_BIN" local run3 --config config.yaml --arch mlp.yaml \
    >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    [ -f run3/local/mlp/tpe/trial1.h5 ] && break
    sleep 0.1
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ -f run3/local/mlp/tpe/trial1.h5 ] || fail "no TPE trial checkpoint before the kill"
[ ! -f run3/local/summary.csv ] || fail "the killed run reached the chains before the kill"
expect_rc 0 "$SNAC_BIN" local run3 --config config.yaml --arch mlp.yaml --resume
grep -q "TPE resumes after" err.txt || { cat err.txt; fail "the TPE stage did not resume"; }
grep -q "TPE best is trial" err.txt || { cat err.txt; fail "no TPE best reported"; }
python3 - run3 <<'PY'
import csv, json, sqlite3, sys
run = sys.argv[1]
db = sqlite3.connect(run + "/study.db")
sid = db.execute("select study_id from studies where study_name='local_tpe_mlp'").fetchone()[0]
trials = db.execute("select trial_id, number, state from trials where study_id=?", (sid,)).fetchall()
def attrs_of(table):
    out = {}
    for tid, key, val in db.execute("select trial_id, key, value_json from " + table):
        out.setdefault(tid, {})[key] = json.loads(val)
    return out
attrs, system = attrs_of("trial_user_attributes"), attrs_of("trial_system_attributes")
# The global stage's convention: a trial the kill left RUNNING is FAIL + snac:interrupted and its
# settings run again once as a new trial naming it in failed_trial.
interrupted = [t for t in trials if system.get(t[0], {}).get("snac:interrupted")]
counted = [t for t in trials if t not in interrupted]
assert len(counted) == 4, trials
assert sum(1 for t in counted if attrs[t[0]].get("baseline")) == 1, counted
assert all(t[2] == "COMPLETE" for t in counted), counted
retried = sorted(int(system[t[0]]["failed_trial"]) for t in trials
                 if "failed_trial" in system.get(t[0], {}))
assert retried == sorted(t[1] for t in interrupted if not attrs[t[0]].get("baseline")), retried
assert all(attrs[t[0]]["trained_on_rank"] == 1 for t in counted), counted  # the in-process trainer
params = db.execute("select count(*) from trial_params p join trials t using(trial_id) "
                    "where t.study_id=? and p.param_name='learning_rate'", (sid,)).fetchone()[0]
assert params == len(trials), params
rows = list(csv.DictReader(open(run + "/local/summary.csv")))
assert len(rows) == 2 and float(rows[0]["metric"]) > 0.5, rows
PY
echo "local chain: OK"
