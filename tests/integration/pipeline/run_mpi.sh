#!/usr/bin/env bash
# `snac run` under mpiexec -n 3 (rank 0 coordinates, rank 1 trains, rank 2 estimates) on MNIST 8x8,
# end to end with one MPI session for the whole run: the global stage and the local chains
# distributed, the HLS designs built (emit + g++ C simulation) on the estimator rank and recorded
# by rank 0 (hls/summary.csv and the study 'hls' say built_on_rank 2), 0 mismatches, every record
# and the report; every rank exits 0. Then `snac hls RUN_DIR` under mpiexec -n 3 rebuilds the
# designs on the estimator rank alike.
set -euo pipefail
source "$(dirname "$0")/../../support/common.sh" runmpi
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
MPIEXEC="${MPIEXEC:-mpiexec}"
mpi() { "$MPIEXEC" -n 3 --oversubscribe --bind-to none "$@"; }
write_mnist_mlp_config mnist8x8_run_mpi 4 2 2 1
check_hls() {  # every design built on the estimator rank 2, C-simulated on the whole test split
    python3 - run/hls/summary.csv run/study.db <<'PY' || fail "HLS designs"
import csv, json, sqlite3, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows, "no design"
for r in rows:
    assert r["status"] == "ok" and r["csim_samples"] == "200" and r["csim_mismatches"] == "0", r
    assert float(r["metric_fixed"]) == float(r["metric_fixed_local"]), r
    assert r["built_on_rank"] == "2", r
db = sqlite3.connect(sys.argv[2])
ranks = db.execute(
    "select a.value_json from trial_user_attributes a join trials t using(trial_id) join studies s "
    "using(study_id) where s.study_name = 'hls' and t.state = 'COMPLETE' and "
    "a.key = 'built_on_rank' and not exists (select 1 from trial_user_attributes b where "
    "b.trial_id = t.trial_id and b.key = 'superseded')").fetchall()
assert ranks == [("2",)] * len(rows), ranks
PY
}

expect_rc 0 mpi "$SNAC_BIN" run config.yaml --out run --no-progress
for s in global select local hls report; do
    [ -f "run/stages/$s.done" ] || { cat err.txt; fail "no run/stages/$s.done"; }
done
[ -s run/report/index.html ] || fail "no report"
check_hls
expect_contains err.txt "to rank 2"
expect_contains out.txt "C-sim ok (0 mismatches"
n="$(python3 -c "import sqlite3; print(sqlite3.connect('run/study.db').execute(\"select count(*) from trials t join studies s using(study_id) where s.study_name='snac' and t.state='COMPLETE'\").fetchone()[0])")"
[ "$n" -eq 4 ] || fail "not 4 COMPLETE global trials"

# The stage alone under mpiexec: rebuilds every design on the estimator rank.
rm run/stages/hls.done
expect_rc 0 mpi "$SNAC_BIN" hls run
[ -f run/stages/hls.done ] || { cat err.txt; fail "no hls.done after snac hls"; }
expect_contains err.txt "to rank 2"
check_hls
echo "ok"
