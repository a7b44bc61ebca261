#!/usr/bin/env bash
# Installs what is missing, builds snac (Release) and runs the pipeline on the quick-start
# example: the global architecture search on MNIST down-sized to 8x8 (configs/quickstart.yaml:
# MLP space, accuracy vs. BOPs, 24 trials x 5 epochs), then select (knee), the HLS stage (one
# C-simulated project per selected model) and the report.
# Re-running continues the same study (--resume) and reprints the front.
# Usage: scripts/quickstart.sh [RUN_DIR (default runs/quickstart)] [extra snac global flags]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
build="${SNAC_BUILD_DIR:-$root/build}"
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$root/../shared/data}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$root"
run_dir="${1:-runs/quickstart}"
shift $(( $# > 0 ? 1 : 0 ))
"$build/bin/snac" config check configs/quickstart.yaml >/dev/null
echo "quickstart: configuration ok; running the global search into $run_dir"
# The dataset is imported on first use into ./data/mnist8x8.h5. Without mpirun every role runs in
# this process (one trainer per core); 'mpirun -n N build/bin/snac global ...' distributes it.
"$build/bin/snac" global configs/quickstart.yaml --out "$run_dir" --resume "$@"
echo
echo "quickstart: Pareto front (accuracy vs. BOPs) in $(cd "$run_dir" && pwd)/pareto_global.csv:"
cut -d, -f1-4 "$run_dir/pareto_global.csv" | column -t -s, 2>/dev/null || cut -d, -f1-4 "$run_dir/pareto_global.csv"
echo "quickstart: architectures in $run_dir/architectures/global/, checkpoints in $run_dir/checkpoints/global/,"
echo "            study in $run_dir/study.db (optuna.load_study(study_name='snac', storage='sqlite:///$run_dir/study.db'))"
"$build/bin/snac" select "$run_dir"
"$build/bin/snac" hls "$run_dir"
"$build/bin/snac" report "$run_dir" >/dev/null
echo
echo "quickstart: report:       $(cd "$run_dir" && pwd)/report/index.html"
echo "quickstart: HLS projects: $(cd "$run_dir" && pwd)/hls/ (summary.csv; one C-simulated project per model)"
