#!/usr/bin/env bash
# Every mistake: exit code 2, one message naming the file and the line or record, a hint, and no
# output file or temporary left behind.
source "$(dirname "$0")/../../support/common.sh" data
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"
: "${SNAC_SOURCE_DIR:?SNAC_SOURCE_DIR must point at the source tree}"
mkdir out

printf 'a,b,y\n1,2,0\n3,4\n' > ragged.csv
expect_rc 2 "$SNAC_BIN" data import --format csv --file "$work/ragged.csv" --label-column y --out out/r.h5
expect_contains err.txt "ragged.csv' line 3: ragged row"
expect_contains err.txt "hint:"

printf 'a,b,y\n1,x,0\n' > text.csv
expect_rc 2 "$SNAC_BIN" data import --format csv --file "$work/text.csv" --label-column y --out out/t.h5
expect_contains err.txt "line 2, column 'b': 'x' is not a number"

expect_rc 2 "$SNAC_BIN" data import --format csv --file htru2_pulsar/pulsar_stars.csv.gz \
    --label-column target --out out/h.h5
expect_contains err.txt "no label column 'target'"
expect_contains err.txt "did you mean 'target_class'"

: > empty.csv
expect_rc 2 "$SNAC_BIN" data import --format csv --file "$work/empty.csv" --label-column y --out out/e.h5
expect_contains err.txt "is empty"

head -c 100000 "$SNAC_DATA_DIR/htru2_pulsar/pulsar_stars.csv.gz" > cut.csv.gz
expect_rc 2 "$SNAC_BIN" data import --format csv --file "$work/cut.csv.gz" --label-column target_class --out out/c.h5
expect_contains err.txt "truncated or corrupt gzip"

expect_rc 2 "$SNAC_BIN" data import --format idx --images mnist/t10k-labels-idx1-ubyte.gz \
    --labels mnist/t10k-images-idx3-ubyte.gz --out out/i.h5
expect_contains err.txt "IDX magic number"
expect_contains err.txt "swapped"

printf '\223NUMPY\001\000v\000{'"'"'descr'"'"': '"'"'<c8'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (1,), }' > c.npy
printf '%*s\n' 60 '' >> c.npy
expect_rc 2 "$SNAC_BIN" data import --format npy --x "$work/c.npy" --y "$work/c.npy" --out out/n.h5
expect_contains err.txt "NPY dtype '<c8'"

expect_rc 2 "$SNAC_BIN" data info ragged.csv
expect_contains err.txt "is not an HDF5 file"
cp "$SNAC_SOURCE_DIR/configs/quickstart.yaml" q.yaml
expect_rc 2 "$SNAC_BIN" data info q.yaml
expect_contains err.txt "is a run configuration"

touch blocker
expect_rc 2 "$SNAC_BIN" data import --format csv --file htru2_pulsar/pulsar_stars.csv.gz \
    --label-column target_class --out blocker/h.h5
expect_contains err.txt "not writable"

expect_rc 2 "$SNAC_BIN" data import
expect_contains err.txt "nothing to import"
expect_rc 2 "$SNAC_BIN" data import --format cvs --file a.csv --label-column y --out out/x.h5
expect_contains err.txt "did you mean 'csv'"

printf 'data:\n  name: x\n  source: {format: csv, file: a.csv, label_colum: y}\n' > bad.yaml
expect_rc 2 "$SNAC_BIN" data import --config bad.yaml
expect_contains err.txt "bad.yaml:3:"
expect_contains err.txt "label_column"

# None of the failures left a file behind.
[ -z "$(ls -A out)" ] || fail "failed imports left files: $(ls -A out)"
[ ! -e data ] || [ -z "$(ls -A data)" ] || fail "failed imports left files in data/: $(ls -A data)"
echo "ok"
