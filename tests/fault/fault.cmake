# Fault injection (label `fault`; docs/reliability.md): kill -9 at seeded random moments of each
# stage followed by --resume, and a full disk under the run directory. CI kills 23 runs: 8 of
# snac global and 3 of each of snac run's stages (global, select, local, hls, report); the
# >= 20-per-stage campaign is
# `python3 tests/fault/fault_test.py kill9 20 13` and `... pipeline 20 13` (figures in
# docs/reliability.md).
snac_add_integration_test(NAME fault_kill9
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/fault_test.py kill9 8 13 TIMEOUT 900)
set_tests_properties(integration_fault_kill9 PROPERTIES LABELS fault)
snac_add_integration_test(NAME fault_pipeline
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/fault_test.py pipeline 3 13
            global select local hls report TIMEOUT 1200)
set_tests_properties(integration_fault_pipeline PROPERTIES LABELS fault)
snac_add_integration_test(NAME fault_full_disk
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/fault_test.py full_disk TIMEOUT 600)
set_tests_properties(integration_fault_full_disk PROPERTIES LABELS fault SKIP_RETURN_CODE 77)
snac_add_integration_test(NAME fault_full_disk_stages
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/fault_test.py full_disk_stages 0.5 TIMEOUT 900)
set_tests_properties(integration_fault_full_disk_stages PROPERTIES LABELS fault
                     SKIP_RETURN_CODE 77)
