#!/usr/bin/env bash
# End to end against the reference stack: the quick-start global search run by snac (embedded,
# one process) and by Optuna NSGA-II + PyTorch (reference_optuna.py), same space, data, budget,
# epochs, batch size. Prints wall time to N trials and the hypervolume of each front, computed by
# one function with one reference point.
# Usage: benchmarks/runtime/e2e_vs_optuna.sh [TRIALS=24] [EPOCHS=2] [SNAC_BIN]
#   SNAC_MODE=generational runs snac's Optuna-compatible generational NSGA-II instead of the
#   default steady-state one.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
trials="${1:-24}"
epochs="${2:-2}"
snac="${3:-${SNAC_BIN:-$root/build/bin/snac}}"
py="${PYTHON:-/usr/bin/python3}"
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$root/../shared/data}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
sed -e "s/^  trials: .*/  trials: $trials/" -e "s/^  epochs: .*/  epochs: $epochs/" \
    -e "s/^  mode: .*/  mode: ${SNAC_MODE:-steady_state}/" \
    "$root/configs/quickstart.yaml" > q.yaml
population="$(sed -n 's/^  population: //p' q.yaml)"
seed="$(sed -n 's/^  seed: //p' q.yaml)"
batch="$(sed -n 's/^  batch_size: //p' q.yaml)"
# Import the dataset first so neither side's wall time includes it.
"$snac" data import --config q.yaml >/dev/null
rm -rf warm
t0=$(date +%s.%N)
"$snac" global q.yaml --out snac_run --no-progress -q >/dev/null
t1=$(date +%s.%N)
"$py" "$root/benchmarks/runtime/reference_optuna.py" data/mnist8x8.h5 "$trials" "$epochs" "$batch" \
    "$population" "$seed" optuna.json
"$py" - "$t0" "$t1" "$trials" "$epochs" <<'PY'
import json, sqlite3, sys
t0, t1, trials, epochs = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
db = sqlite3.connect("snac_run/study.db")
snac = [list(v) for v in db.execute(
    "SELECT a.value, b.value FROM trials t JOIN trial_values a ON a.trial_id=t.trial_id AND a.objective=0 "
    "JOIN trial_values b ON b.trial_id=t.trial_id AND b.objective=1 WHERE t.state='COMPLETE'")]
ref = json.load(open("optuna.json"))

def hv(points, ref_bops):
    # (1 - accuracy, bops) minimised; reference (1, ref_bops); 2-D sweep.
    pts = sorted((1 - a, b) for a, b in points if b < ref_bops and a > 0)
    front, best = [], float("inf")
    for x, y in pts:
        if y < best:
            front.append((x, y)); best = y
    area, prev_x = 0.0, None
    for i, (x, y) in enumerate(front):
        nx = front[i + 1][0] if i + 1 < len(front) else 1.0
        area += (nx - x) * (ref_bops - y)
    return area

ref_bops = 1.1 * max(b for _, b in snac + ref["points"])
h_snac, h_ref = hv(snac, ref_bops), hv(ref["points"], ref_bops)
w_snac, w_ref = t1 - t0, ref["wall_s"]
print("end to end, quick-start global search: %s trials x %s epochs (MNIST 8x8, 7000 train)" % (trials, epochs))
print("%-28s %10s %10s %14s %12s" % ("stack", "wall s", "trials", "hypervolume", "best acc"))
import os
print("%-28s %10.1f %10d %14.4g %12.4f" % ("snac (%s)" % os.environ.get("SNAC_MODE", "steady_state"), w_snac, len(snac), h_snac,
                                          max(a for a, _ in snac)))
print("%-28s %10.1f %10d %14.4g %12.4f" % ("Optuna NSGA-II + PyTorch", w_ref, len(ref["points"]), h_ref,
                                          max(a for a, _ in ref["points"])))
print("speed-up %.1fx; hypervolume ratio snac/reference %.3f (reference point: accuracy 0, BOPs %.4g)"
      % (w_ref / w_snac, h_snac / h_ref if h_ref else float("nan"), ref_bops))
PY
