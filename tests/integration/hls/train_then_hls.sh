#!/usr/bin/env bash
# From `snac train` to a verified HLS project: an MLP and a small CNN trained on MNIST 8x8, then
# `snac hls` with the test split as testbench data. The projects must compile with -Werror and
# match snac's fixed-point inference bit for bit; fixed-point accuracy stays near float accuracy.
source "$(dirname "$0")/common.sh"
prepare_data

cat > mlp.yaml <<'YAML'
input_shape: [1, 8, 8]
layers:
  - {type: flatten}
  - {type: dense, units: 32}
  - {type: batchnorm}
  - {type: relu}
  - {type: dense, units: 16}
  - {type: tanh}
  - {type: dense, units: 10}
  - {type: softmax}
YAML
cat > cnn.yaml <<'YAML'
input_shape: [1, 8, 8]
layers:
  - {type: conv2d, filters: 8, kernel: 3, padding: same}
  - {type: relu}
  - {type: maxpool2d, size: 2}
  - {type: conv2d, filters: 8, kernel: 3, padding: same}
  - {type: sigmoid}
  - {type: avgpool2d, size: 2}
  - {type: flatten}
  - {type: dense, units: 10}
  - {type: softmax}
YAML

for arch in mlp cnn; do
    expect_rc 0 "$SNAC_BIN" train config.yaml --arch "$arch.yaml" --out "train_$arch" --seed 3
    [ -f "train_$arch/checkpoint.h5" ] || fail "snac train wrote no checkpoint for $arch"
    expect_rc 0 "$SNAC_BIN" hls "train_$arch/checkpoint.h5" --config config.yaml --out "hls_$arch" \
        --name "$arch" --data "$work/mnist8x8_hls.h5" --samples 400
    expect_contains out.txt "400 samples, 0 mismatches"
    m="hls_$arch/snac_hls.json"
    [ "$(json_get "$m" "d['csim']['mismatches']")" = 0 ] || fail "$arch: mismatches in the manifest"
    [ "$(json_get "$m" "d['csim']['samples']")" = 400 ] || fail "$arch: samples in the manifest"
    [ "$(json_get "$m" "d['settings']['part']")" = xc7z020clg400-1 ] || fail "$arch: part"
    # Fixed-point accuracy within 5 points of float accuracy on the same 400 test samples.
    json_get "$m" "d['csim']['accuracy_float'] - d['csim']['accuracy_fixed'] < 0.05 and d['csim']['accuracy_float'] > 0.5" | grep -q True \
        || fail "$arch: fixed-point accuracy far from float: $(json_get "$m" "d['csim']")"
    for f in build_prj.tcl README.md "firmware/$arch.cpp" firmware/defines.h firmware/parameters.h \
             tb_data/tb_input_features.dat tb_data/csim_results.log "${arch}_test.cpp"; do
        [ -f "hls_$arch/$f" ] || fail "$arch: $f missing"
    done
    expect_contains "hls_$arch/build_prj.tcl" "set part \"xc7z020clg400-1\""
    expect_contains "hls_$arch/build_prj.tcl" "csynth_design"
    # The project's own script reproduces the C simulation.
    (cd "hls_$arch" && sh build_csim.sh) > csim_again.txt 2>&1 || { cat csim_again.txt; fail "build_csim.sh failed"; }
    expect_contains csim_again.txt "SNAC_CSIM samples=400 mismatches=0"
done
