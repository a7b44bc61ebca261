# ONNX import, export and predict end to end (owner: onnx). Fixtures come from PyTorch's exporter
# (tests/data/onnx/make_fixtures.py); every exported file passes onnx.checker (python3-onnx).
set(_onnx_dir ${PROJECT_SOURCE_DIR}/tests/integration/onnx)
snac_add_integration_test(NAME onnx_cli COMMAND bash ${_onnx_dir}/cli.sh TIMEOUT 300)
