#!/usr/bin/env bash
# A design that does not fit the part: `snac run` on MNIST 8x8 with the smallest part snac knows
# (pynq-z2, xc7z020: 220 DSPs), where every network of the space needs more multipliers than
# that at reuse factor 1. The pipeline still completes (the design is C-simulated and correct),
# and the misfit is stated in the terminal summary ("DOES NOT FIT"), on stderr, in
# hls/summary.csv (fits_part=no, an estimate above 100 %), in the study 'hls' and in a warning box
# of the report.
set -euo pipefail
source "$(dirname "$0")/../../support/common.sh" notfit
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
cat > config.yaml <<YAML
$(mnist8x8_data mnist8x8_notfit 1000)
search_space:
  family: mlp
  params:
    n_layers: {int: [1, 1]}
    units_0: [16, 32]
    activation: [relu]
search:
  objectives: [{metric: accuracy, direction: maximize}, {metric: bops, direction: minimize}]
  trials: 2
  population: 2
  seed: 5
train: {epochs: 1, batch_size: 64, threads: 1}
select: {rule: top, count: 1}
hls: {part: pynq-z2, precision: "ap_fixed<16,6>"}
YAML
expect_rc 0 "$SNAC_BIN" run config.yaml --out run --no-progress
expect_contains out.txt "DOES NOT FIT xc7z020clg400-1"
expect_contains err.txt "does not fit xc7z020clg400-1 by the estimate"
python3 - run <<'PY' || fail "summary.csv / study"
import csv, sqlite3, sys
run = sys.argv[1]
rows = list(csv.DictReader(open(run + "/hls/summary.csv")))
assert len(rows) == 1, rows
r = rows[0]
assert r["fits_part"] == "no", r
assert r["status"] == "ok" and r["csim_mismatches"] == "0", r
pct = [float(r[k]) for k in ("est_lut_pct", "est_ff_pct", "est_dsp_pct", "est_bram_pct")]
assert max(pct) > 100.0, pct
db = sqlite3.connect(run + "/study.db")
v = db.execute("select a.value_json from trial_user_attributes a join trials t using(trial_id) "
               "join studies s using(study_id) where s.study_name = 'hls' and "
               "a.key = 'fits_part'").fetchall()
assert v == [("false",)], v
PY
design="$(python3 -c "import csv,sys; print(next(csv.DictReader(open('run/hls/summary.csv')))['design'])")"
expect_contains run/report/index.html "<div class=\"warn\">$design does not fit xc7z020clg400-1"
echo "ok"
