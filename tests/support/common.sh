# Shared helpers for the shell tests (sourced): `source "$(dirname "$0")/../../support/common.sh" NAME`.
# Requires SNAC_BIN; makes a temporary working directory $work (snac-NAME-it.XXXXXX, removed on
# exit) and changes into it. Scripts that need SNAC_DATA_DIR or SNAC_SOURCE_DIR check them.
set -euo pipefail
: "${SNAC_BIN:?SNAC_BIN must point at the snac binary}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-${1:-test}-it.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_contains FILE TEXT: FILE must contain TEXT (fixed string).
expect_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "'$2' not found in $1"; }; }
# expect_rc WANT CMD...: runs CMD (stdout -> out.txt, stderr -> err.txt), checks its exit code.
expect_rc() {
    local want="$1"; shift
    set +e; "$@" >out.txt 2>err.txt; local rc=$?; set -e
    [ "$rc" -eq "$want" ] || { cat out.txt err.txt; fail "exit code $rc, expected $want: $*"; }
}
# json_get FILE EXPR: a value from a JSON file (python3 is part of the build dependencies).
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# no_temp_files DIR: no leftover temporary files of an atomic write in DIR.
no_temp_files() { ! ls "$1" 2>/dev/null | grep -q '\.tmp\.' || fail "temporary files left in $1: $(ls "$1")"; }
# mnist8x8_data NAME SUBSET: a config's `data:` section for the first SUBSET MNIST test images
# down-sized to 8x8, standardised, split 0.7/0.1/0.2, stored as $work/NAME.h5.
mnist8x8_data() {
    cat <<YAML
data:
  name: $1
  path: $work/$1.h5
  source:
    format: idx
    images: mnist/t10k-images-idx3-ubyte.gz
    labels: mnist/t10k-labels-idx1-ubyte.gz
    resize: [8, 8]
    subset: $2
  normalize: standardize
  split: {train: 0.7, val: 0.1, test: 0.2, seed: 1}
YAML
}
# write_mnist_mlp_config NAME [TRIALS] [PRUNING_STEPS] [EPOCHS] [PRUNING_EPOCHS]: config.yaml for
# `snac run` on MNIST 8x8 (1000 images, data file $work/NAME.h5): MLPs of 1-2 dense layers of 8 or
# 16 relu units, NSGA-II on (accuracy, bops) with TRIALS trials (4) in populations of 4, seed 3,
# EPOCHS (2) training epochs; the knee model; the local stage at 8 bits with PRUNING_STEPS (2)
# steps of PRUNING_EPOCHS (1) epochs; HLS at ap_fixed<16,6> on xcvu13p.
write_mnist_mlp_config() {
    cat > config.yaml <<YAML
$(mnist8x8_data "$1" 1000)
search_space:
  family: mlp
  params:
    n_layers: {int: [1, 2]}
    units_0: [8, 16]
    units_1: {values: [8, 16], when: "n_layers >= 2"}
    activation: [relu]
search:
  objectives: [{metric: accuracy, direction: maximize}, {metric: bops, direction: minimize}]
  trials: ${2:-4}
  population: 4
  seed: 3
train: {epochs: ${4:-2}, batch_size: 64, threads: 1}
select: {rule: knee, count: 1}
local: {enabled: true, precisions: [8], qat_epochs: 1, pruning_steps: ${3:-2}, pruning_epochs: ${5:-1}}
hls: {part: xcvu13p-flga2577-2-e, precision: "ap_fixed<16,6>"}
YAML
}
