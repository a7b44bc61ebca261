#!/usr/bin/env bash
# Reproducing a trial (issue 12): a global search on MNIST 8x8 with a training gene
# (learning_rate); `snac train --from-trial RUN_DIR N` retrains trials N with the run's config, the
# trial's genes, seed and thread count and must give the study's metrics exactly; the architecture
# file select writes for an off-front trial carries the trial block, so `snac train CONFIG --arch
# FILE` alone gives the same metrics; bad arguments exit 2.
set -euo pipefail
: "${SNAC_BIN:?SNAC_BIN must point at the snac binary}"
: "${SNAC_SOURCE_DIR:?}"
: "${SNAC_DATA_DIR:?}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-retrain-it.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
sed -e "s/trials: 6/trials: 4/" -e "s/epochs: 1/epochs: 2/" \
    "$SNAC_SOURCE_DIR/tests/integration/runtime/tiny.yaml" > tiny.yaml
"$SNAC_BIN" global tiny.yaml --out run --no-progress >global.txt 2>&1 || { cat global.txt; fail "global"; }

study_metric() {  # $1 trial, $2 user attribute
    python3 - run/study.db "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select value_json from trial_user_attributes a join trials t on "
                 "t.trial_id = a.trial_id where t.number = ? and a.key = ?",
                 (int(sys.argv[2]), sys.argv[3])).fetchone()[0])
PY
}
json_get() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

# 1. Every trial retrained from the run: the same metrics, exactly.
for n in 0 3; do
    "$SNAC_BIN" train --from-trial run "$n" >"retrain$n.txt" 2>&1 || { cat "retrain$n.txt"; fail "retrain $n"; }
    grep -q "learning_rate=" "retrain$n.txt" || { cat "retrain$n.txt"; fail "no training gene applied"; }
    [ "$(json_get "run/retrain/$n/metrics.json" reproduced)" = "True" ] \
        || { cat "retrain$n.txt"; fail "trial $n not reproduced"; }
    python3 - "run/retrain/$n/metrics.json" "$(study_metric "$n" test_accuracy)" <<'PY' \
        || fail "trial $n: test accuracy differs from the study"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["metrics"]["test_accuracy"] == float(sys.argv[2]), (m["metrics"], sys.argv[2])
PY
done

# 2. The architecture file select writes carries the trial block; snac train with it alone
#    (the run's config) reproduces the trial.
"$SNAC_BIN" select run --rule list --trials 3 >select.txt 2>&1 || { cat select.txt; fail "select"; }
grep -q "^trial:" run/architectures/global/3.yaml || { cat run/architectures/global/3.yaml; fail "no trial block"; }
grep -q "learning_rate" run/architectures/global/3.yaml || fail "no training gene in the trial block"
threads="$(json_get run/retrain/3/metrics.json threads)"
"$SNAC_BIN" train run/config.yaml --arch run/architectures/global/3.yaml --out arch3 \
    --threads "$threads" >arch3.txt 2>&1 || { cat arch3.txt; fail "train --arch"; }
python3 - arch3/metrics.json run/retrain/3/metrics.json <<'PY' || fail "--arch FILE differs from --from-trial"
import json, sys
a, b = (json.load(open(p))["metrics"] for p in sys.argv[1:3])
for k in ("val_accuracy", "test_accuracy", "test_loss", "train_loss"):
    assert a[k] == b[k], (k, a[k], b[k])
PY

# 3. Bad arguments: exit 2 with the problem named.
set +e
"$SNAC_BIN" train --from-trial run 99 >bad.txt 2>&1; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "trial 99 is not in" bad.txt || { cat bad.txt; fail "missing trial: rc $rc"; }
set +e
"$SNAC_BIN" train tiny.yaml --from-trial run 1 >bad.txt 2>&1; rc=$?
set -e
[ "$rc" -eq 2 ] || { cat bad.txt; fail "CONFIG with --from-trial: rc $rc"; }
echo "ok"
