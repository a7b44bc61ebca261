#!/usr/bin/env bash
# Re-measures the PyTorch reference accuracies that tests/integration/nn/torch_parity.sh compares
# snac with, and rewrites benchmarks/nn/torch_accuracy.json. Needs python3-torch, python3-h5py,
# python3-yaml. Usage: benchmarks/nn/record_torch_accuracy.sh [path/to/snac]
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
snac="${1:-$src/build/bin/snac}"
py="${PYTHON:-/usr/bin/python3}"
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$src/../shared/data}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
out="$src/benchmarks/nn/torch_accuracy.json"
{
    echo '{'
    echo '  "_comment": "PyTorch test accuracy (Debian python3-torch), mean over seeds 0-4, single thread; re-measure with benchmarks/nn/record_torch_accuracy.sh",'
    sep=""
    for name in htru2 mnist8x8; do
        # snac imports the dataset (same file, same split) as part of a one-epoch run.
        "$snac" -q train "$src/tests/integration/nn/$name.yaml" \
            --arch "$src/tests/integration/nn/${name}_mlp.yaml" --out "run_$name" --epochs 1
        printf '%s  "%s":\n' "$sep" "$name"
        "$py" "$src/benchmarks/nn/torch_accuracy.py" "data/$name.h5" \
            "$src/tests/integration/nn/${name}_mlp.yaml" --epochs 5 --batch-size 128 --lr 1e-3 |
            sed "s/^/  /; s#\"dataset\": \".*\"#\"dataset\": \"$name.h5 (imported by snac from tests/integration/nn/$name.yaml)\"#; s#\"arch\": \".*\"#\"arch\": \"tests/integration/nn/${name}_mlp.yaml\"#"
        sep=","
    done
    echo '}'
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
