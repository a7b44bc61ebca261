#!/usr/bin/env bash
# Installs the Debian packages snac needs to build and test (and, with --bench, to run the
# side-by-side benchmarks against PyTorch/Optuna). Non-interactive, idempotent, quiet when
# everything is already present. Must run as root (or with sudo available).
set -euo pipefail

BUILD_PKGS=(
    build-essential cmake pkg-config
    libopenmpi-dev openmpi-bin
    libhdf5-dev
    libdnnl-dev
    libtbb-dev
    libsqlite3-dev sqlite3
    libgtest-dev libgmock-dev
    libbenchmark-dev
    libyaml-cpp-dev
    libcli11-dev
    nlohmann-json3-dev
    zlib1g-dev
    libonnx-dev libprotobuf-dev python3-onnx python3-numpy
    python3 python3-optuna python3-pandas
    clang libclang-rt-dev libomp-dev   # sanitizer builds and libFuzzer harnesses (scripts/sanitize.sh)
    slurm-wlm munge                    # the one-node Slurm cluster of tests/slurm (label slurm)
    chromium
)
BENCH_PKGS=(python3-torch python3-h5py python3-numpy time)

want=("${BUILD_PKGS[@]}")
for arg in "$@"; do
    case "$arg" in
        --bench) want+=("${BENCH_PKGS[@]}") ;;
        -h|--help)
            echo "usage: scripts/install_deps.sh [--bench]"
            echo "  installs snac's build and test dependencies from Debian's archive;"
            echo "  --bench also installs python3-torch and python3-h5py for the benchmarks."
            exit 0 ;;
        *) echo "install_deps.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
        echo "install_deps.sh: missing packages (${missing[*]}) and not root; run as root or install sudo" >&2
        exit 1
    fi
fi
echo "install_deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
