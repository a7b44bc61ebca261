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
# `snac run` under mpiexec -n 3 (label mpi): one MPI session for the whole run, the HLS designs
# built on the estimator rank; then `snac hls RUN_DIR` under mpiexec -n 3.
add_test(NAME mpi_pipeline_np3 COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/pipeline/run_mpi.sh)
set_tests_properties(mpi_pipeline_np3 PROPERTIES LABELS mpi TIMEOUT 600 PROCESSORS 3
    ENVIRONMENT "${SNAC_TEST_ENV};SNAC_BIN=$<TARGET_FILE:snac>;MPIEXEC=${MPIEXEC_EXECUTABLE}")
# A design that does not fit the part: warned in the summary, summary.csv, the study and the report.
snac_add_integration_test(NAME pipeline_not_fit
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/pipeline/not_fit.sh
    TIMEOUT 300)
