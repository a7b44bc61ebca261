#!/usr/bin/env bash
# Installs what is missing, builds snac (Release) and runs the main job on the quick-start
# example: MNIST down-sized to 8x8 (configs/quickstart.yaml).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
build="${SNAC_BUILD_DIR:-$root/build}"
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$root/../shared/data}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$root"
"$build/bin/snac" config check configs/quickstart.yaml >/dev/null
echo "quickstart: configuration ok"
