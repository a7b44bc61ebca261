# Shared helpers for the hls integration tests (sourced).
set -euo pipefail
: "${SNAC_BIN:?SNAC_BIN must point at the snac binary}"
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-hls-it.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "'$2' not found in $1"; }; }
expect_rc() {
    local want="$1"; shift
    set +e; "$@" >out.txt 2>err.txt; local rc=$?; set -e
    [ "$rc" -eq "$want" ] || { cat out.txt err.txt; fail "exit code $rc, expected $want: $*"; }
}
# json_get FILE EXPR: a value from a JSON file (python3 is part of the build dependencies).
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# A small MNIST 8x8 config: 3,000 samples, 15 short epochs (about a second per model).
write_config() {
    cat > config.yaml <<YAML
data:
  name: mnist8x8_hls
  path: $work/mnist8x8_hls.h5
  source:
    format: idx
    images: mnist/t10k-images-idx3-ubyte.gz
    labels: mnist/t10k-labels-idx1-ubyte.gz
    resize: [8, 8]
    subset: 3000
  normalize: standardize
  split: {train: 0.7, val: 0.1, test: 0.2, seed: 1}
train:
  epochs: 15
  learning_rate: 0.005
  batch_size: 32
hls:
  part: pynq-z2
  precision: ap_fixed<18,8>
YAML
}
