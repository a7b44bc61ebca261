# Regression tests for issue 13's defects (tests/integration/reliability/defects_test.py).
foreach(scenario all_fail paths messages messages_hls)
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
# Defect 5: Ctrl-C / SIGTERM in every command (tests/integration/reliability/interrupt_test.py).
foreach(scenario train surrogate hls run second local local_second)
    snac_add_integration_test(NAME interrupt_${scenario}
        COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/reliability/interrupt_test.py ${scenario}
        TIMEOUT 600)
endforeach()
foreach(scenario mpirun mpirun_drain)
    add_test(NAME mpi_interrupt_${scenario}
             COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/reliability/interrupt_test.py ${scenario})
    set_tests_properties(mpi_interrupt_${scenario} PROPERTIES LABELS mpi TIMEOUT 600 PROCESSORS 2
                         ENVIRONMENT "${SNAC_TEST_ENV};MPIEXEC=${MPIEXEC_EXECUTABLE};SNAC_BIN=$<TARGET_FILE:snac>;SNAC_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endforeach()
