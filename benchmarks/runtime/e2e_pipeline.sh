#!/usr/bin/env bash
# The whole pipeline end to end (issue 15 item 8, docs/performance.md#the-whole-pipeline-end-to-end):
# `snac run` (global + select + local + hls + report) on the quick-start task against the Python
# reference of the same stages at the same settings (reference_e2e.py: Optuna NSGA-II + PyTorch
# global search, snac's knee selection, PyTorch QAT + global magnitude pruning of each selected
# model), for SEEDS (search.seed and the Optuna sampler's seed). Prints one row per stack and seed:
# wall time of global + select + local, the hypervolume of the global front (one function, one
# reference point for all runs: accuracy 0, 1.1 x the largest BOPs seen), the best validation
# accuracy of the global search, and the final metric (per chain the sparsest step within
# local.tolerance of its step 0, snac's rule; the best test accuracy among those designs, snac's
# with the firmware's arithmetic, the reference's with fake quantization in float). snac's hls
# stage (C simulation with g++) has no Python counterpart without hls4ml (not packaged for
# Debian): its time is printed on its own.
# Usage: benchmarks/runtime/e2e_pipeline.sh [SEEDS="1 2 3"]   (needs python3-torch, -optuna, -h5py)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seeds="${1:-1 2 3}"
snac="${SNAC_BIN:-$root/build/bin/snac}"
py="${PYTHON:-/usr/bin/python3}"
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$root/../shared/data}"
[[ -x "$snac" ]] || { echo "build snac first ($snac)" >&2; exit 2; }
"$py" -c 'import torch, optuna, h5py' || { echo "needs python3-torch, -optuna, -h5py (--bench)" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-e2e.XXXXXX")"
if [[ -n "${KEEP:-}" ]]; then echo "work directory: $work (KEEP set)"; else trap 'rm -rf "$work"' EXIT; fi
cd "$work"
cfg="$root/configs/quickstart.yaml"
get() { sed -n "s/^  $1: //p" "$cfg" | head -n 1; }
trials="$(get trials)"; epochs="$(get epochs)"; batch="$(get batch_size)"
population="$(get population)"
count="$(sed -n 's/^select: .*count: \([0-9]*\).*/\1/p' "$cfg")"
widths="$(sed -n 's/^  precisions: \[\(.*\)\]/\1/p' "$cfg" | tr -d ' ')"
qat_epochs="$(get qat_epochs)"; steps="$(get pruning_steps)"; prune_epochs="$(get pruning_epochs)"
# Defaults of the local section the quick start leaves unset (docs/config.md#local), and the
# fine-tuning rate: train.learning_rate's default (local.learning_rate 0).
rate=0.2; tol=0.01; lr=0.001
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "quick start: $trials trials x $epochs epochs, population $population, batch $batch;" \
    "select knee x $count; local widths $widths, qat $qat_epochs epochs, $steps pruning steps" \
    "of $rate x $prune_epochs epoch(s)"
sed -e "s/^  seed: .*/  seed: SEED/" "$cfg" > q.template
sed -e "s/SEED/1/" q.template > q.yaml
"$snac" data import --config q.yaml >/dev/null
for seed in $seeds; do
    sed -e "s/SEED/$seed/" q.template > "q$seed.yaml"
    t0=$(date +%s.%N)
    "$snac" run "q$seed.yaml" --out "snac$seed" --no-progress >"snac$seed.log" 2>&1 ||
        { echo "snac run (seed $seed) failed:" >&2; tail -n 30 "snac$seed.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    echo "$t0 $t1" > "snac$seed.wall"
    "$py" "$root/benchmarks/runtime/reference_e2e.py" data/mnist8x8.h5 "$trials" "$epochs" \
        "$batch" "$population" "$seed" "$count" "$widths" "$qat_epochs" "$steps" \
        "$prune_epochs" "$rate" "$lr" "$tol" "ref$seed.json"
done
"$py" - "$tol" $seeds <<'PY'
import csv, datetime, json, sqlite3, sys, yaml

tol, seeds = float(sys.argv[1]), sys.argv[2:]


def hv(points, ref_bops):
    # (1 - accuracy, bops) minimised; reference (1, ref_bops); 2-D sweep.
    pts = sorted((1 - a, b) for a, b in points if b < ref_bops and a > 0)
    front, best = [], float("inf")
    for x, y in pts:
        if y < best:
            front.append((x, y)); best = y
    return sum(((front[i + 1][0] if i + 1 < len(front) else 1.0) - x) * (ref_bops - y)
               for i, (x, y) in enumerate(front))


def stamp(run, stage):
    """finished_at of a stage record (whole seconds, UTC); PyYAML may already parse it."""
    t = yaml.safe_load(open(f"{run}/stages/{stage}.done"))["finished_at"]
    if not isinstance(t, datetime.datetime):
        t = datetime.datetime.fromisoformat(str(t).replace("Z", "+00:00"))
    return (t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)).timestamp()


rows = []
for s in seeds:
    t0, t1 = (float(v) for v in open(f"snac{s}.wall").read().split())
    db = sqlite3.connect(f"snac{s}/study.db")
    pts = [list(v) for v in db.execute(
        "SELECT a.value, b.value FROM trials t JOIN studies s ON s.study_id=t.study_id "
        "JOIN trial_values a ON a.trial_id=t.trial_id AND a.objective=0 "
        "JOIN trial_values b ON b.trial_id=t.trial_id AND b.objective=1 "
        "WHERE t.state='COMPLETE' AND s.study_name='snac'")]
    # Per chain the sparsest step within tol of its step 0 (validation metric), as the reference.
    chains = {}
    for r in csv.DictReader(open(f"snac{s}/local/summary.csv")):
        chains.setdefault((r["model"], r["precision"]), []).append(r)
    finals = []
    for steps in chains.values():
        base = next(float(r["metric"]) for r in steps if int(r["step"]) == 0)
        ok = [r for r in steps if float(r["metric"]) >= base - tol]
        best = max(ok, key=lambda r: (float(r["sparsity"]), -int(r["step"])))
        finals.append((float(best["test_metric"]), float(best["sparsity"])))
    local_end, hls_end = stamp(f"snac{s}", "local"), stamp(f"snac{s}", "hls")
    rows.append(dict(stack="snac run", seed=s, wall=local_end - t0, hls=hls_end - local_end,
                     total=t1 - t0, pts=pts, finals=finals, chains=len(chains),
                     split=(stamp(f"snac{s}", "global") - t0,
                            local_end - stamp(f"snac{s}", "global"))))
    ref = json.load(open(f"ref{s}.json"))
    rows.append(dict(stack="Optuna+PyTorch", seed=s,
                     wall=ref["global_s"] + ref["select_s"] + ref["local_s"], hls=None,
                     total=None, pts=ref["points"], chains=len(ref["chains"]),
                     finals=[(c["chosen"]["test"], c["chosen"]["sparsity"]) for c in ref["chains"]],
                     split=(ref["global_s"], ref["local_s"])))
def hls_text(r):
    return "n/a" if r["hls"] is None else "%.1f" % r["hls"]


ref_bops = 1.1 * max(b for r in rows for _, b in r["pts"])
print(f"{'stack':16} {'seed':>4} {'global+select+local s':>22} {'trials':>6} {'hypervolume':>12} "
      f"{'best val acc':>12} {'final test acc':>14} {'sparsity':>8} {'chains':>6} {'hls s':>7}")
for r in rows:
    fin = max(r["finals"])
    print(f"{r['stack']:16} {r['seed']:>4} {r['wall']:>22.1f} {len(r['pts']):>6} "
          f"{hv(r['pts'], ref_bops):>12.4g} {max(a for a, _ in r['pts']):>12.4f} "
          f"{fin[0]:>14.4f} {fin[1]:>8.3f} {r['chains']:>6} "
          f"{hls_text(r):>7}")
for stack in ("snac run", "Optuna+PyTorch"):
    rs = [r for r in rows if r["stack"] == stack]
    mean = lambda v: sum(v) / len(v)
    print(f"mean {stack}: wall {mean([r['wall'] for r in rs]):.1f} s, hypervolume "
          f"{mean([hv(r['pts'], ref_bops) for r in rs]):.4g}, final test acc "
          f"{mean([max(r['finals'])[0] for r in rs]):.4f}")
snac_w = sum(r["wall"] for r in rows if r["stack"] == "snac run")
ref_w = sum(r["wall"] for r in rows if r["stack"] != "snac run")
print(f"speed-up of global+select+local: {ref_w / snac_w:.1f}x; reference point: accuracy 0, "
      f"BOPs {ref_bops:.4g}")
for stack in ("snac run", "Optuna+PyTorch"):
    print(f"{stack}: global / select+local s per seed: "
          + ", ".join(f"{r['split'][0]:.1f} / {r['split'][1]:.1f}" for r in rows
                      if r["stack"] == stack))
print("snac run whole (incl. hls and report) s: "
      + ", ".join(f"{r['total']:.1f}" for r in rows if r["total"] is not None))
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
