# Pipeline: the stages on a tiny MNIST 8x8 run, and the report rendered in headless Chromium
# (label browser; the screenshot is kept in <build>/test-artifacts/report/).
snac_add_integration_test(NAME pipeline_report
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/pipeline/report_test.py
            ${CMAKE_BINARY_DIR}/test-artifacts/report
    TIMEOUT 600)
set_tests_properties(integration_pipeline_report PROPERTIES LABELS "integration;browser")
# `snac run`: the pipeline end to end, --resume, refusals, --from, kill -9 + --resume, mpirun -n 3.
snac_add_integration_test(NAME pipeline_run
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/pipeline/run_pipeline.sh
    TIMEOUT 600)
