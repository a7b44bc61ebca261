#!/usr/bin/env bash
# Determinism (same checkpoint and flags -> byte-identical project), output directory safety,
# hostile names, strict precision parsing, reuse-factor correction warnings.
source "$(dirname "$0")/common.sh"
prepare_data
cat > mlp.yaml <<'YAML'
input_shape: [1, 8, 8]
layers:
  - {type: flatten}
  - {type: dense, units: 12, name: "evil\"; system(\"rm -rf /\"); //"}
  - {type: relu}
  - {type: dense, units: 10}
YAML
expect_rc 0 "$SNAC_BIN" train config.yaml --arch mlp.yaml --out train --epochs 1 --seed 5
ck=train/checkpoint.h5

# Determinism: two emissions are byte-identical.
expect_rc 0 "$SNAC_BIN" hls "$ck" --out a --no-csim --name det --samples 50
expect_rc 0 "$SNAC_BIN" hls "$ck" --out b --no-csim --name det --samples 50
diff -r a b > diff.txt || { head -40 diff.txt; fail "two emissions differ"; }
# An existing snac project is replaced.
expect_rc 0 "$SNAC_BIN" hls "$ck" --out a --no-csim --name det --samples 50
diff -r a b > diff.txt || fail "re-emission into an existing project differs"

# A non-snac, non-empty directory is refused without --force and left untouched.
mkdir mine && echo precious > mine/notes.txt
expect_rc 2 "$SNAC_BIN" hls "$ck" --out mine --no-csim
expect_contains err.txt "not a snac HLS project"
expect_contains err.txt "--force"
[ "$(cat mine/notes.txt)" = precious ] && [ "$(ls mine | wc -l)" = 1 ] || fail "mine/ was modified"
expect_rc 0 "$SNAC_BIN" hls "$ck" --out mine --no-csim --force --samples 20
[ "$(cat mine/notes.txt)" = precious ] || fail "--force removed the user's file"
# mine/ now holds a snac project plus a user file: still refused without --force, never wiped.
expect_rc 2 "$SNAC_BIN" hls "$ck" --out mine --no-csim --samples 20
[ "$(cat mine/notes.txt)" = precious ] || fail "a re-emission removed the user's file"
# A snac project with vendor build output in it is not wiped either.
mkdir -p a/det_prj && echo log > a/det_prj/vitis_hls.log
expect_rc 2 "$SNAC_BIN" hls "$ck" --out a --no-csim --name det --samples 50
[ -f a/det_prj/vitis_hls.log ] || fail "vendor output was removed"

# Hostile project and layer names: sanitized, and the project still compiles and matches.
expect_rc 0 "$SNAC_BIN" hls "$ck" --out hostile --name '../x"; rm -rf / #$(id)' --samples 100
expect_contains out.txt "100 samples, 0 mismatches"
expect_contains err.txt "sanitized to 'x_rm_rf_id'"
[ -f hostile/firmware/x_rm_rf_id.cpp ] || fail "sanitized top-level file missing: $(ls hostile/firmware)"
[ ! -e x ] && [ ! -e ../x ] || fail "a path escaped the output directory"

# A trained ConvAttn + layer-norm model: per-layer precisions address the block's parts (as the
# local stage writes them) and the layer norm; C simulation matches FixedModel bit for bit.
cat > att.yaml <<'YAML'
input_shape: [1, 8, 8]
layers:
  - {type: conv2d, filters: 4, kernel: 3}
  - {type: conv_attention, hidden: 2, name: att}
  - {type: flatten}
  - {type: dense, units: 16}
  - {type: layernorm, name: ln}
  - {type: relu}
  - {type: dense, units: 10}
YAML
expect_rc 0 "$SNAC_BIN" train config.yaml --arch att.yaml --out train_att --epochs 1 --seed 5
expect_rc 0 "$SNAC_BIN" hls train_att/checkpoint.h5 --out att --samples 50 \
    --precision 'att/softmax:result=ap_fixed<18,6>' --precision 'att/query:weight=ap_fixed<12,4>' \
    --precision 'ln:accum=ap_fixed<24,10>'
expect_contains out.txt "50 samples, 0 mismatches"
grep -q "typedef ap_fixed<12,4> weight" att/firmware/defines.h || fail "att/query's weight type missing"
expect_rc 2 "$SNAC_BIN" hls train_att/checkpoint.h5 --out att_bad --no-csim \
    --precision 'att/nosuch:result=ap_fixed<18,6>'
expect_contains err.txt "att/softmax"

# Strict precision parsing and unknown layers: exit 2, nothing written.
expect_rc 2 "$SNAC_BIN" hls "$ck" --out badp --precision 'ap_fixed<16,6,AP_ROUND>'
[ ! -e badp ] || fail "a project was written despite a bad precision"
expect_rc 2 "$SNAC_BIN" hls "$ck" --out badl --precision 'nosuch:accum=ap_fixed<24,12>'
expect_contains err.txt "nosuch"
[ ! -e badl ] || fail "a project was written despite an unknown layer"

# Resource strategy with an invalid reuse factor: corrected with a warning listing valid values,
# and still bit-exact.
expect_rc 0 "$SNAC_BIN" hls "$ck" --out res --strategy resource --reuse-factor 7 --samples 100 \
    --precision 'accum=ap_fixed<24,10,AP_RND,AP_SAT>'
expect_contains err.txt "valid"
expect_contains out.txt "100 samples, 0 mismatches"
grep -q '"strategy": "resource"' res/snac_hls.json || fail "resource strategy not recorded"
