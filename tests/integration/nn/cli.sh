#!/usr/bin/env bash
# snac inspect and snac train end to end: counts, JSON shape, exit codes, checkpoint round trip.
set -euo pipefail
here="$SNAC_SOURCE_DIR/tests/integration/nn"
source "$(dirname "$0")/../../support/common.sh" nn

# inspect: the Tiny Deep Sets reference model has 573 parameters; JSON has exactly three keys.
"$SNAC_BIN" inspect "$here/tiny_deepsets.yaml" --bits 8 > table.txt
grep -Eq '^total +573 ' table.txt || fail "table total is not 573: $(cat table.txt)"
"$SNAC_BIN" inspect "$here/tiny_deepsets.yaml" --json > tiny.json
grep -q '^  "params": 573,\{0,1\}$' tiny.json || fail "json params"
for k in macs nac snac paper; do grep -q "^    \"$k\": " tiny.json || fail "json bops.$k"; done
[[ $(grep -c '^  "[a-z]*":' tiny.json) == 3 ]] || fail "json top-level keys: $(grep '^  "' tiny.json)"

# Bad input: exit code 2 and a message naming the layer and the fix.
set +e
"$SNAC_BIN" inspect "$here/bad_arch.yaml" 2> err.txt; rc=$?
set -e
[[ $rc == 2 ]] || fail "bad architecture exit code $rc"
grep -q "layer 1 (dense 'dense_0')" err.txt || fail "error does not name the layer: $(cat err.txt)"
grep -q "flatten" err.txt || fail "error has no fix: $(cat err.txt)"
set +e
"$SNAC_BIN" train "$here/htru2.yaml" --arch "$here/mnist8x8_mlp.yaml" --out bad 2> err2.txt; rc=$?
set -e
[[ $rc == 2 ]] || fail "shape mismatch exit code $rc"
grep -q "input_shape" err2.txt || fail "mismatch message: $(cat err2.txt)"

# train twice with the same seed and threads: identical metrics (determinism end to end).
"$SNAC_BIN" train "$here/htru2.yaml" --arch "$here/htru2_mlp.yaml" --out a --epochs 2 --threads 1 --seed 7 > a.log
"$SNAC_BIN" train "$here/htru2.yaml" --arch "$here/htru2_mlp.yaml" --out b --epochs 2 --threads 1 --seed 7 > b.log
grep -q "epoch   2/2" a.log || fail "no per-epoch progress: $(cat a.log)"
diff <(grep -v seconds a/metrics.json | grep -v '^ *[0-9.e-]*,\{0,1\}$') \
     <(grep -v seconds b/metrics.json | grep -v '^ *[0-9.e-]*,\{0,1\}$') || fail "metrics differ"
diff <(grep test_accuracy a/metrics.json) <(grep test_accuracy b/metrics.json) || fail "accuracy differs"
# The checkpoint reads back: same layer table as the architecture file.
"$SNAC_BIN" inspect a/checkpoint.h5 --json > ck.json
"$SNAC_BIN" inspect "$here/htru2_mlp.yaml" --json > arch.json
diff ck.json arch.json || fail "checkpoint architecture differs"
# A diverged training is a status: files written, status "diverged", exit code 1.
set +e
"$SNAC_BIN" train "$here/diverge.yaml" --arch "$here/linear_deep.yaml" --out div --threads 1 \
    > div.log 2> div.err; rc=$?
set -e
[[ $rc == 1 ]] || fail "diverged run exit code $rc"
grep -q '"status": "diverged"' div/metrics.json || fail "no diverged status: $(cat div/metrics.json)"
grep -q "diverged" div.err || fail "no divergence message: $(cat div.err)"
"$SNAC_BIN" inspect div/checkpoint.h5 > /dev/null || fail "diverged checkpoint unreadable"
echo PASS
