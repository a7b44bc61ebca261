#!/usr/bin/env bash
# The quick-start config finds its raw MNIST files in $SNAC_DATA_DIR, imports them once into
# ./data/mnist8x8.h5, reuses the file afterwards, re-imports when the config's options change,
# and several processes importing at once leave one complete file.
source "$(dirname "$0")/../../support/common.sh" data
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
: "${SNAC_SOURCE_DIR:?SNAC_SOURCE_DIR must point at the source tree}"
cfg="$SNAC_SOURCE_DIR/configs/quickstart.yaml"

expect_rc 0 "$SNAC_BIN" data import --config "$cfg"
[ -f data/mnist8x8.h5 ] || fail "data/mnist8x8.h5 was not created"
expect_contains out.txt "samples:        10000"
expect_contains out.txt "sample shape:   [1, 8, 8]"
expect_contains out.txt "split:          train 7000, val 1000, test 2000"
expect_contains out.txt "normalization:  standardize"
expect_contains err.txt "importing dataset 'mnist8x8'"
no_temp_files data

# Second run: up to date, not imported again.
before="$(stat -c %i:%Y data/mnist8x8.h5)"
expect_rc 0 "$SNAC_BIN" data import --config "$cfg"
grep -q "importing" err.txt && fail "an up-to-date dataset was imported again"
[ "$before" = "$(stat -c %i:%Y data/mnist8x8.h5)" ] || fail "the dataset file was rewritten"

# Info on the file.
expect_rc 0 "$SNAC_BIN" data info data/mnist8x8.h5
expect_contains out.txt "class balance:"
expect_contains out.txt "features (stored values on the training split"
expect_contains out.txt "source:         idx: mnist/t10k-images-idx3-ubyte.gz"

# Changing the split in the config is noticed and the dataset re-imported.
sed 's/seed: 1}/seed: 2}/; s/train: 0.7, val: 0.1, test: 0.2/train: 0.6, val: 0.2, test: 0.2/' "$cfg" > changed.yaml
grep -q "train: 0.6" changed.yaml || fail "could not edit the split of the quick-start config"
expect_rc 0 "$SNAC_BIN" data import --config changed.yaml
expect_contains err.txt "re-importing"
expect_contains out.txt "split:          train 6000, val 2000, test 2000"

# Four processes resolving a fresh dataset at once (as MPI ranks do): all succeed, one file.
sed 's/name: mnist8x8/name: race8x8/' "$cfg" > race.yaml
pids=()
for i in 1 2 3 4; do
    "$SNAC_BIN" --quiet data import --config race.yaml >"race$i.out" 2>"race$i.err" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent import failed: $(cat race*.err)"; done
for i in 1 2 3 4; do expect_contains "race$i.out" "data/race8x8.h5"; done
no_temp_files data
expect_rc 0 "$SNAC_BIN" data info data/race8x8.h5
expect_contains out.txt "samples:        10000"
echo "ok"
