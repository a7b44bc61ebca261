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
# Until the search exists: import the quick-start dataset (found in $SNAC_DATA_DIR, written once
# to ./data/mnist8x8.h5 and reused while the config's data section is unchanged) and summarise it.
dataset="$("$build/bin/snac" --quiet data import --config configs/quickstart.yaml)"
echo "quickstart: dataset ready at $dataset"
"$build/bin/snac" data info "$dataset"
