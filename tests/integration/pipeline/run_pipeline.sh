#!/usr/bin/env bash
# `snac run` end to end on MNIST 8x8 (1000 images, 4 trials x 2 epochs, one model, QAT at 8 bits x
# 2 pruning steps): every stage's record, the report and a C-simulated project; --resume after
# completion redoes nothing; an existing run without --resume and a changed local key are refused
# (exit 2, the key named); --from hls re-runs hls and report only; kill -9 in the global and in the
# local stage then --resume completes with every trial / step exactly once; kill -9 in select, hls
# and report then --resume completes without redoing the finished work. Under mpirun -n 3:
# run_mpi.sh (mpi_pipeline_np3).
set -euo pipefail
source "$(dirname "$0")/../../support/common.sh" run
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
write_config() {  # $1 trials, $2 pruning steps, $3 train epochs, $4 pruning epochs
    write_mnist_mlp_config mnist8x8_run "$1" "$2" "$3" "${4:-1}"
}
records() { cat run/stages/*.done | md5sum; }
complete_trials() {  # $1 run dir, $2 study name
    python3 - "$1/study.db" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("select count(*) from trials t join studies s on s.study_id = t.study_id "
               "where s.study_name = ? and t.state = 'COMPLETE'", (sys.argv[2],)).fetchone()[0]
print(n)
PY
}
check_finished() {  # $1 run dir
    for s in global select local hls report; do
        [ -f "$1/stages/$s.done" ] || fail "no $1/stages/$s.done"
    done
    [ -s "$1/report/index.html" ] || fail "no report"
    # The whole test split (200 of 1000 samples) C-simulated, and the firmware's test accuracy
    # EQUAL to the one the local stage measured for the same checkpoint.
    python3 - "$1/hls/summary.csv" <<'PY' || fail "HLS summary"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows, "no design"
for r in rows:
    assert r["status"] == "ok" and r["csim_samples"] == "200" and r["csim_mismatches"] == "0", r
    assert r["metric"] == "accuracy" and r["metric_fixed"] != "", r
    assert float(r["metric_fixed"]) == float(r["metric_fixed_local"]), r
PY
}

# 1. End to end in one process.
write_config 4 2 2
expect_rc 0 "$SNAC_BIN" run config.yaml --out run --no-progress
check_finished run
grep -q "designs (hls/summary.csv)" out.txt || { cat out.txt; fail "no summary"; }
grep -q "C-sim ok (0 mismatches" out.txt || { cat out.txt; fail "no C-sim line in the summary"; }
[ "$(complete_trials run snac)" -eq 4 ] || fail "global trials"
before="$(records)"

# 2. --resume after completion redoes nothing.
expect_rc 0 "$SNAC_BIN" run config.yaml --out run --resume --no-progress
[ "$(grep -c "finished earlier (stages/" err.txt out.txt | awk -F: '{s+=$2} END {print s}')" -eq 5 ] \
    || { cat out.txt err.txt; fail "not every stage skipped"; }
[ "$(records)" = "$before" ] || fail "--resume rewrote a record"

# 3. Refusals: an existing run without --resume; a changed local key, named.
expect_rc 2 "$SNAC_BIN" run config.yaml --out run --no-progress
grep -q -- "--resume" err.txt || { cat err.txt; fail "no --resume hint"; }
write_config 4 3 2
expect_rc 2 "$SNAC_BIN" run config.yaml --out run --resume --no-progress
grep -q "local.pruning_steps" err.txt || { cat err.txt; fail "changed key not named"; }
[ "$(records)" = "$before" ] || fail "a refused run changed a record"

# 4. --from hls re-runs hls and report only.
write_config 4 2 2
g="$(md5sum < run/stages/local.done)"; h="$(cat run/stages/hls.done)"
sleep 1  # finished_at has one-second resolution
expect_rc 0 "$SNAC_BIN" run config.yaml --out run --resume --from hls --no-progress
[ "$(md5sum < run/stages/local.done)" = "$g" ] || fail "--from hls redid local"
[ "$(cat run/stages/hls.done)" != "$h" ] || fail "--from hls did not re-run hls"
grep -q "hls: running" err.txt || { cat err.txt; fail "hls not run"; }
check_finished run

# 5. kill -9 in the global stage, then --resume: every trial exactly once. SNAC_TEST_PAUSE_MS holds
#    each finished trial and local step for 400 ms, so the kill lands mid-stage on a fast machine.
write_config 8 2 30 1
SNAC_TEST_PAUSE_MS=400 "$SNAC_BIN" run config.yaml --out run_kill --no-progress >kill1.txt 2>&1 &
pid=$!
for _ in $(seq 600); do
    n="$( (ls run_kill/checkpoints/global 2>/dev/null || true) | wc -l)"
    [ "$n" -ge 1 ] && break
    sleep 0.05
done
kill -9 "$pid" 2>/dev/null || fail "the global stage ended before the kill"
wait "$pid" || true
[ ! -f run_kill/stages/global.done ] || fail "global.done after a kill in the global stage"
expect_rc 0 "$SNAC_BIN" run config.yaml --out run_kill --resume --until select --no-progress
# The space holds 6 distinct networks: the budget of 8 stops there (exhausted, issue 13).
[ "$(complete_trials run_kill snac)" -eq 6 ] || fail "resumed global: not 6 COMPLETE trials"
[ -f run_kill/stages/select.done ] && [ ! -f run_kill/stages/local.done ] || fail "--until select"

# 6. kill -9 in the local stage (after its first step), then --resume: every step once.
write_config 8 6 30 20
SNAC_TEST_PAUSE_MS=400 "$SNAC_BIN" run config.yaml --out run_kill --resume --no-progress \
    >kill2.txt 2>&1 &
pid=$!
for _ in $(seq 600); do
    ls run_kill/local/*/w8/step01.h5 >/dev/null 2>&1 && break
    sleep 0.05
done
kill -9 "$pid" 2>/dev/null || fail "the local stage ended before the kill"
wait "$pid" || true
[ ! -f run_kill/stages/local.done ] || fail "local.done after a kill in the local stage"
expect_rc 0 "$SNAC_BIN" run config.yaml --out run_kill --resume --no-progress
check_finished run_kill
grep -q "global: finished earlier" err.txt || { cat err.txt; fail "global redone"; }
steps="$(tail -n +2 run_kill/local/summary.csv | cut -d, -f1,2,5 | sort)"
[ "$(echo "$steps" | wc -l)" -eq 7 ] || { echo "$steps"; fail "not 7 local steps"; }
[ "$(echo "$steps" | sort -u | wc -l)" -eq 7 ] || { echo "$steps"; fail "a local step twice"; }

# 6b. kill -9 in the select, hls and report stages, then --resume: it completes, the global and
#     local work is not redone, and the HLS designs recorded before the kill are not rebuilt.
#     SNAC_TEST_PAUSE_MS holds select after writing selected.yaml, each recorded HLS design, and
#     the report after its CSV, so each kill lands inside its stage.
hls_all() {  # every trial of the study 'hls' (one is created per design built)
    python3 - "$1/study.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select count(*) from trials t join studies s on s.study_id = t.study_id "
                 "where s.study_name = 'hls'").fetchone()[0])
PY
}
hls_trials() {  # COMPLETE trials of the study 'hls' that a later run may still reuse
    python3 - "$1/study.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select count(*) from trials t join studies s on s.study_id = t.study_id "
                 "where s.study_name = 'hls' and t.state = 'COMPLETE' and not exists (select 1 "
                 "from trial_user_attributes a where a.trial_id = t.trial_id and "
                 "a.key = 'superseded')").fetchone()[0])
PY
}
kill_in_stage() {  # $1 stage to re-run with --from, $2 shell test that is true inside the stage
    SNAC_TEST_PAUSE_MS=3000 "$SNAC_BIN" run config.yaml --out run_kill --resume --from "$1" \
        --no-progress >"kill_$1.txt" 2>&1 &
    local pid=$! hit=0
    for _ in $(seq 1200); do
        if eval "$2"; then hit=1; break; fi
        sleep 0.05
    done
    [ "$hit" -eq 1 ] || { cat "kill_$1.txt"; fail "never inside the $1 stage"; }
    kill -9 "$pid" 2>/dev/null || fail "the $1 stage ended before the kill"
    wait "$pid" || true
    [ ! -f "run_kill/stages/$1.done" ] || fail "$1.done after a kill in the $1 stage"
    expect_rc 0 "$SNAC_BIN" run config.yaml --out run_kill --resume --no-progress
    check_finished run_kill
    grep -q "global: finished earlier" err.txt || { cat err.txt; fail "global redone after $1"; }
    steps="$(tail -n +2 run_kill/local/summary.csv | cut -d, -f1,2,5 | sort)"
    [ "$(echo "$steps" | sort -u | wc -l)" -eq 7 ] || { echo "$steps"; fail "local steps after $1"; }
}
kill_in_stage select 'grep -q "select: running" kill_select.txt'
kill_in_stage report 'grep -q "report: running" kill_report.txt && [ -f run_kill/report/trials.csv ]'
designs="$(tail -n +2 run_kill/hls/summary.csv | wc -l)"
hls_before="$(hls_all run_kill)"
kill_in_stage hls '[ "$(hls_all run_kill)" -gt "$hls_before" ]'
grep -q "finished earlier (study 'hls'); not rebuilt" err.txt \
    || { cat err.txt; fail "a design finished before the kill was rebuilt"; }
[ "$(hls_trials run_kill)" -eq "$designs" ] || fail "hls: not one COMPLETE trial per design"

echo "ok"
