# Regression tests for issue 13's defects (tests/integration/reliability/defects_test.py).
foreach(scenario all_fail)
    snac_add_integration_test(NAME reliability_${scenario}
        COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/reliability/defects_test.py ${scenario}
        TIMEOUT 300)
endforeach()
# Defects 2-4 (exhausted space, refused runs that must not write, failed starts):
# tests/integration/reliability/run_dir_test.py.
foreach(scenario exhausted signal_duplicates locked changed_settings failed_start)
    snac_add_integration_test(NAME reliability_run_dir_${scenario}
        COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/reliability/run_dir_test.py ${scenario}
        TIMEOUT 300)
endforeach()
