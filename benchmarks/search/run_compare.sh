#!/usr/bin/env bash
# snac's NSGA-II vs. Optuna's NSGAIISampler (Debian python3-optuna) in the same run, then a
# markdown table (median hypervolume per problem and budget, per-trial cost).
#
#   benchmarks/search/run_compare.sh BUILD_DIR [OUT_DIR]
#
# Budgets that fit in ~10 minutes on a 2-core machine (see docs/performance.md#search):
#   500 evaluations: 10 seeds (0-9); 2,000 evaluations: 3 seeds (0-2), both tools.
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

echo "== snac (optuna-like, steady-uniform, steady-sbx), seeds 0-2 x 2000, 3-9 x 500" >&2
for variant in optuna-like steady-uniform steady-sbx; do
    "$bench" "$problems" 0,1,2 500,2000 "$out/db" "$variant" >> "$results"
    "$bench" "$problems" 3,4,5,6,7,8,9 500 "$out/db" "$variant" >> "$results"
done
echo "== optuna NSGAIISampler (in-memory), same seeds and budgets" >&2
"$python" "$here/optuna_problems.py" "$problems" 0,1,2 500,2000 memory >> "$results"
"$python" "$here/optuna_problems.py" "$problems" 3,4,5,6,7,8,9 500 memory >> "$results"
echo "== optuna NSGAIISampler with SQLite storage: per-trial cost on short runs" >&2
"$python" "$here/optuna_problems.py" jetmlp 0 30 "$out/db" | sed 's/"tool": "optuna"/"tool": "optuna-sqlite"/' >> "$results"
"$python" "$here/optuna_problems.py" zdt1 0 10 "$out/db" | sed 's/"tool": "optuna"/"tool": "optuna-sqlite"/' >> "$results"
echo "== done in $(( $(date +%s) - start )) s; results in $results" >&2
"$python" "$here/summarize.py" "$results"
