#!/usr/bin/env bash
# Installs what is missing, builds snac and runs every test (labels unit, mpi, integration,
# fault, slurm), then the sanitizer suite (scripts/sanitize.sh ci): one clang ASan+UBSan build
# runs the unit, integration and mpi tests and every libFuzzer harness (its regression inputs,
# then 15 s from its seeds), and a TSan build runs the runtime tests
# (docs/reliability.md#ci-budget). SNAC_SANITIZERS=fuzz runs only the fuzzers, SNAC_SANITIZERS=0
# skips them (they are skipped too when ctest args are given).
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
case "${SNAC_SANITIZERS:-$([ $# -eq 0 ] && echo 1 || echo 0)}" in
    fuzz) "$root/scripts/sanitize.sh" fuzz ;;
    1|full) "$root/scripts/sanitize.sh" ci ;;
esac
