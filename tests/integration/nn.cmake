# Training engine end to end (owner: nn). Small real data; each test takes seconds.
set(_nn_dir ${PROJECT_SOURCE_DIR}/tests/integration/nn)
snac_add_integration_test(NAME nn_cli COMMAND bash ${_nn_dir}/cli.sh TIMEOUT 300)
snac_add_integration_test(NAME nn_torch_parity_mnist8x8
                          COMMAND bash ${_nn_dir}/torch_parity.sh mnist8x8 TIMEOUT 300)
snac_add_integration_test(NAME nn_torch_parity_htru2
                          COMMAND bash ${_nn_dir}/torch_parity.sh htru2 TIMEOUT 300)
