#!/usr/bin/env bash
# Installs what is missing, builds snac and runs every test (labels unit, mpi, integration,
# fault, slurm); with SNAC_SANITIZERS=1 also the sanitizer builds: ASan+UBSan (unit,
# integration, a short run of every fuzzer) and TSan (runtime tests); see docs/reliability.md.
# Usage: scripts/test.sh [ctest args for the main build, e.g. -L unit]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh" -DSNAC_WERROR=ON
build="${SNAC_BUILD_DIR:-$root/build}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$root/../shared/data}"
cd "$build"
if [ $# -gt 0 ]; then
    ctest --output-on-failure -j "${SNAC_TEST_JOBS:-2}" "$@"
else
    ctest --output-on-failure -j "${SNAC_TEST_JOBS:-2}" -LE slurm
    # The one-node Slurm tests run alone (they start their own cluster).
    ctest --output-on-failure -L slurm
fi
if [ "${SNAC_SANITIZERS:-0}" = 1 ]; then
    "$root/scripts/sanitize.sh" asan tsan
fi
