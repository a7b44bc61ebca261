#!/usr/bin/env bash
# Importing the real tabular sets from flags, as a new user would, then `snac data info`.
source "$(dirname "$0")/../../support/common.sh" data
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
: "${SNAC_SOURCE_DIR:?SNAC_SOURCE_DIR must point at the source tree}"

expect_rc 0 "$SNAC_BIN" data import --format csv --file htru2_pulsar/pulsar_stars.csv.gz \
    --label-column target_class --out htru2.h5
expect_contains out.txt "samples:        17898"
expect_contains out.txt "classification, 2 classes"
expect_contains out.txt "16259"
expect_contains out.txt "1639"
expect_contains out.txt "Mean of the integrated profile"

expect_rc 0 "$SNAC_BIN" data info htru2.h5 --all
expect_contains out.txt "Skewness of the DM-SNR curve"
expect_contains out.txt "split:          train 12529, val 1790, test 3579"

# Another split and normalisation, and the qubit I/Q readout shots.
expect_rc 0 "$SNAC_BIN" data import --format csv --file qubit_readout_iq_q3/q3_iq_fixed.csv.gz \
    --label-column label --name q3 --normalize robust --split 0.8,0.2,0 --seed 7
[ -f data/q3.h5 ] || fail "--name q3 did not write data/q3.h5"
expect_contains out.txt "samples:        49108"
expect_contains out.txt "normalization:  robust"
expect_contains out.txt "split:          train 39286, val 9822, test 0"

# MNIST by flags with a subset, down-sized.
expect_rc 0 "$SNAC_BIN" data import --format idx --images mnist/t10k-images-idx3-ubyte.gz \
    --labels mnist/t10k-labels-idx1-ubyte.gz --resize 8x8 --subset 1000 --out m.h5
expect_contains out.txt "samples:        1000"
expect_contains out.txt "sample shape:   [1, 8, 8]"

# Help texts exist.
expect_rc 0 "$SNAC_BIN" data import --help
expect_contains out.txt "--label-column"
expect_rc 0 "$SNAC_BIN" data info --help
echo "ok"
