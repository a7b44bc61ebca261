#!/usr/bin/env bash
# Installs what is missing, builds snac (Release) and runs the whole pipeline in one command,
# `snac run configs/quickstart.yaml --out RUN_DIR --resume`, on MNIST down-sized to 8x8: the global
# architecture search (MLP space, accuracy vs. BOPs, 24 trials x 5 epochs), select (knee), the local
# stage (2 models x QAT at 8 and 6 bits x 2 pruning steps), the HLS stage (one C-simulated project per chosen
# design) and the report. Re-running skips the finished stages (--resume) and reprints the summary.
# Usage: scripts/quickstart.sh [RUN_DIR (default runs/quickstart)] [extra snac run flags]
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
echo "quickstart: configuration ok; running the pipeline into $run_dir"
# The dataset is imported on first use into ./data/mnist8x8.h5. Without mpirun every role runs in
# this process (one trainer per core); 'mpirun -n N build/bin/snac run ...' distributes the global
# stage.
"$build/bin/snac" run configs/quickstart.yaml --out "$run_dir" --resume "$@"
abs="$(cd "$run_dir" && pwd)"
echo
echo "quickstart: report:       $abs/report/index.html"
echo "quickstart: HLS projects: $abs/hls/ (summary.csv; one C-simulated project per design)"
echo "quickstart: Pareto front: $abs/pareto_global.csv; study: $abs/study.db"
