#!/usr/bin/env bash
# Configures and builds snac (Release) into ./build. Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SNAC_BUILD_DIR:-$root/build}"
jobs="${SNAC_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$jobs"
