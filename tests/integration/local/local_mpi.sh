#!/usr/bin/env bash
# `snac local` under mpiexec -n 3 on MNIST 8x8: rank 0 hands the (model, precision) chains to the
# two trainer ranks and writes the study; on an architecture (trained in float first) and on an
# explicit checkpoint; the results equal those of one process on the same checkpoint, step for
# step (nothing depends on which rank ran a chain). Then the TPE stage under mpiexec -n 3: its
# trials run on the trainer ranks (trained_on_rank 1 or 2) while rank 0 writes the study; kill -9
# mid-TPE (the whole job) and --resume: every counted trial COMPLETE exactly once, each trial the
# kill left RUNNING FAIL + snac:interrupted and run again once.
set -euo pipefail
source "$(dirname "$0")/../../support/common.sh" localmpi
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
MPIEXEC="${MPIEXEC:-mpiexec}"
run() { expect_rc "$@"; }
mpi() { "$MPIEXEC" -n 3 --oversubscribe --bind-to none "$@"; }

cat > config.yaml <<YAML
$(mnist8x8_data mnist8x8_local_mpi 1000)
train:
  epochs: 6
  learning_rate: 0.005
  batch_size: 32
  threads: 1
local:
  precisions: [8, [6, 2], 4]
  qat_epochs: 1
  pruning_steps: 2
  pruning_epochs: 1
YAML
cat > mlp.yaml <<'YAML'
input_shape: [64]
layers:
  - {type: dense, units: 32}
  - {type: relu}
  - {type: dense, units: 10}
YAML

# Bad input under mpiexec: rank 0 reports it, exit 2, nothing written.
run 2 mpi "$SNAC_BIN" local run_bad --config config.yaml --checkpoint missing.h5
grep -q "missing.h5 does not exist" err.txt || { cat err.txt; fail "no message for the checkpoint"; }
[ ! -e run_bad/local ] || fail "a bad input left files"

# An architecture, trained in float by rank 0, then 3 chains over 2 trainer ranks.
run 0 mpi "$SNAC_BIN" local run --config config.yaml --arch mlp.yaml
grep -q "to rank 1" err.txt && grep -q "to rank 2" err.txt || { cat err.txt; fail "a trainer rank ran no chain"; }
[ -f run/stages/local.done ] || fail "no stages/local.done"
[ -f run/local/mlp/float.h5 ] || fail "the float weights were not kept"

# An explicit checkpoint, under mpiexec and in one process.
run 0 mpi "$SNAC_BIN" local run_ck --config config.yaml --checkpoint run/local/mlp/float.h5
run 0 "$SNAC_BIN" local run_one --config config.yaml --checkpoint run/local/mlp/float.h5
python3 - run run_ck run_one <<'PY'
import csv, sqlite3, sys
def rows(run):
    return {(r["model"], r["precision"], r["step"]): r
            for r in csv.DictReader(open(run + "/local/summary.csv"))}
a, ck, one = (rows(r) for r in sys.argv[1:])
assert len(a) == 9 and len(ck) == 9, (len(a), len(ck))
for k, r in ck.items():
    for col in ("sparsity", "metric", "test_metric", "bops"):
        assert r[col] == one[k][col], (k, col, r[col], one[k][col])
    assert float(r["metric"]) > 0.3, r
for run in sys.argv[1:3]:
    db = sqlite3.connect(run + "/study.db")
    n = db.execute("select count(*) from trials t join studies s using(study_id) "
                   "where s.study_name like 'local_%' and t.state='COMPLETE'").fetchone()[0]
    assert n == 9, (run, n)
PY

# TPE under mpiexec -n 3: 4 trials in batches of 2 (one per trainer rank). SNAC_TEST_PAUSE_MS holds
# each trainer after a finished trial, so the kill (of the whole job: mpiexec and its ranks, which
# Open MPI puts in process groups of their own) lands mid-TPE on a fast machine.
sed -i 's/^  precisions: .*/  precisions: [8]/; s/^  pruning_steps: .*/  pruning_steps: 1\n  tpe_trials: 4/' \
    config.yaml
SNAC_TEST_PAUSE_MS=400 "$MPIEXEC" -n 3 --oversubscribe --bind-to none \
    "$SNAC_BIN" local run_tpe --config config.yaml --checkpoint run/local/mlp/float.h5 \
    >kill.txt 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    [ -f run_tpe/local/float/tpe/trial1.h5 ] && break
    sleep 0.1
done
kill -9 $(pgrep -P "$pid") "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ -f run_tpe/local/float/tpe/trial1.h5 ] || { cat kill.txt; fail "no TPE trial before the kill"; }
[ ! -f run_tpe/local/summary.csv ] || fail "the killed run reached the chains before the kill"
run 0 mpi "$SNAC_BIN" local run_tpe --config config.yaml --checkpoint run/local/mlp/float.h5 \
    --resume
grep -q "TPE resumes after" err.txt || { cat err.txt; fail "the TPE stage did not resume"; }
python3 - run_tpe <<'PY'
import csv, json, sqlite3, sys
run = sys.argv[1]
db = sqlite3.connect(run + "/study.db")
sid = db.execute("select study_id from studies where study_name='local_tpe_float'").fetchone()[0]
trials = db.execute("select trial_id, number, state from trials where study_id=?", (sid,)).fetchall()
def attrs(table):
    out = {}
    for tid, key, val in db.execute("select trial_id, key, value_json from " + table):
        out.setdefault(tid, {})[key] = json.loads(val)
    return out
user, system = attrs("trial_user_attributes"), attrs("trial_system_attributes")
interrupted = [t for t in trials if system.get(t[0], {}).get("snac:interrupted")]
counted = [t for t in trials if t not in interrupted]
assert len(counted) == 4, trials
assert all(t[2] == "COMPLETE" for t in counted), trials
assert all(t[2] == "FAIL" for t in interrupted), trials
assert sum(1 for t in counted if user[t[0]].get("baseline")) == 1, counted
retried = sorted(int(system[t[0]]["failed_trial"]) for t in trials if "failed_trial" in system.get(t[0], {}))
baselines = [t[1] for t in interrupted if user[t[0]].get("baseline")]
assert retried == sorted(t[1] for t in interrupted if t[1] not in baselines), (retried, interrupted)
ranks = {user[t[0]]["trained_on_rank"] for t in counted}
assert ranks and ranks <= {1, 2}, ranks
rows = list(csv.DictReader(open(run + "/local/summary.csv")))
assert len(rows) == 2 and float(rows[0]["metric"]) > 0.3, rows
PY
echo "local under mpiexec: OK"
