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
# Reproducing a trial: snac train --from-trial and the trial block of architecture files.
snac_add_integration_test(NAME pipeline_retrain
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/pipeline/retrain_trial.sh
    TIMEOUT 300)
# --synth: refused at once without Vitis HLS; a stand-in tool's figures reach summary and report.
snac_add_integration_test(NAME pipeline_synth
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/pipeline/synth.sh
    TIMEOUT 300)
