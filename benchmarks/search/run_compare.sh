#!/usr/bin/env bash
# snac's NSGA-II vs. Optuna's NSGAIISampler (Debian python3-optuna) in the same run, then a
# markdown table (median hypervolume per problem and budget, per-trial cost).
#
#   benchmarks/search/run_compare.sh BUILD_DIR [OUT_DIR]
#
# Default (~10 minutes on a 2-core machine): 2,000 evaluations for seeds 0-2, 500 for seeds 3-9.
# FULL=1: 2,000 evaluations for all 10 seeds (~25 minutes here; see docs/performance.md#search).
#   Optuna samples with in-memory storage for the hypervolume runs (storage does not change what
#   its sampler proposes); its per-trial cost with SQLite is measured on short runs.
set -euo pipefail
build="${1:?usage: run_compare.sh BUILD_DIR [OUT_DIR]}"
out="${2:-$(mktemp -d)}"
python="${PYTHON:-/usr/bin/python3}"
here="$(cd "$(dirname "$0")" && pwd)"
bench="$build/benchmarks/bench_search_compare"
problems=zdt1,zdt2,zdt3,dtlz2,jetmlp
mkdir -p "$out/db"
results="$out/results.jsonl"
: > "$results"
start=$(date +%s)

if [ "${FULL:-0}" = 1 ]; then long=0,1,2,3,4,5,6,7,8,9; short=; else long=0,1,2; short=3,4,5,6,7,8,9; fi
echo "== snac (optuna-like, steady-uniform, steady-sbx): seeds $long x 2000${short:+, $short x 500}" >&2
for variant in optuna-like steady-uniform steady-sbx; do
    "$bench" "$problems" "$long" 500,2000 "$out/db" "$variant" >> "$results"
    [ -z "$short" ] || "$bench" "$problems" "$short" 500 "$out/db" "$variant" >> "$results"
done
echo "== optuna NSGAIISampler (in-memory), same seeds and budgets, two processes" >&2
if [ -z "$short" ]; then seeds_a=0,1,2,3,4; budgets_a=500,2000; seeds_b=5,6,7,8,9; budgets_b=500,2000
else seeds_a=$long; budgets_a=500,2000; seeds_b=$short; budgets_b=500; fi
"$python" "$here/optuna_problems.py" "$problems" "$seeds_a" "$budgets_a" memory > "$out/optuna_a.jsonl" &
pid=$!
"$python" "$here/optuna_problems.py" "$problems" "$seeds_b" "$budgets_b" memory > "$out/optuna_b.jsonl"
wait "$pid"
cat "$out/optuna_a.jsonl" "$out/optuna_b.jsonl" >> "$results"
echo "== optuna NSGAIISampler with SQLite storage: per-trial cost on short runs" >&2
"$python" "$here/optuna_problems.py" jetmlp 0 30 "$out/db" | sed 's/"tool": "optuna"/"tool": "optuna-sqlite"/' >> "$results"
"$python" "$here/optuna_problems.py" zdt1 0 10 "$out/db" | sed 's/"tool": "optuna"/"tool": "optuna-sqlite"/' >> "$results"
echo "== done in $(( $(date +%s) - start )) s; results in $results" >&2
"$python" "$here/summarize.py" "$results"
