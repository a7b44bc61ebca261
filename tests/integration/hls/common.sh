# Shared helpers for the hls integration tests (sourced).
source "$(dirname "${BASH_SOURCE[0]}")/../../support/common.sh" hls
: "${SNAC_DATA_DIR:?SNAC_DATA_DIR must point at the shared data}"

# A small MNIST 8x8 config: 3,000 samples, 15 short epochs (about a second per model).
write_config() {
    cat > config.yaml <<YAML
$(mnist8x8_data mnist8x8_hls 3000)
train:
  epochs: 15
  learning_rate: 0.005
  batch_size: 32
hls:
  part: pynq-z2
  precision: ap_fixed<18,8>
YAML
}

# The config and its dataset, imported once per test.
prepare_data() {
    write_config
    "$SNAC_BIN" --quiet data import --config config.yaml -o "$work/mnist8x8_hls.h5" >/dev/null
}
