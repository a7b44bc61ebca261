#!/usr/bin/env bash
# snac train on a real dataset reaches PyTorch's accuracy for the same model, settings and split
# within 1 point. The PyTorch figure is recorded in benchmarks/nn/torch_accuracy.json (re-measure
# with benchmarks/nn/record_torch_accuracy.sh); CI does not need torch.
# Usage: torch_parity.sh NAME   (NAME.yaml and NAME_mlp.yaml in this directory)
set -euo pipefail
name="$1"
here="$SNAC_SOURCE_DIR/tests/integration/nn"
source "$(dirname "$0")/../../support/common.sh" torch
"$SNAC_BIN" train "$here/$name.yaml" --arch "$here/${name}_mlp.yaml" --out out --threads 1
acc=$(sed -n 's/^ *"test_accuracy": \([0-9.eE+-]*\),\{0,1\}$/\1/p' out/metrics.json | head -1)
ref=$(awk -v key="\"$name\":" 'index($0, key) {found=1} found && /test_accuracy_mean/ {
        sub(/.*: */, ""); sub(/,.*/, ""); print; exit }' \
      "$SNAC_SOURCE_DIR/benchmarks/nn/torch_accuracy.json")
[[ -n "$acc" && -n "$ref" ]] || { echo "FAIL: could not read accuracies ($acc, $ref)"; exit 1; }
echo "snac test accuracy $acc, PyTorch (recorded) $ref"
awk -v a="$acc" -v r="$ref" 'BEGIN { exit !(a >= r - 0.01) }' ||
    { echo "FAIL: snac is more than 1 point below PyTorch"; exit 1; }
# The checkpoint is a snac checkpoint whose architecture inspect can read back.
"$SNAC_BIN" inspect out/checkpoint.h5 --json > inspect.json
grep -q '"params"' inspect.json
echo PASS
