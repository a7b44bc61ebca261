# Fault injection (label `fault`; docs/reliability.md): kill -9 at seeded random moments of each
# stage followed by --resume, and a full disk under the run directory.
snac_add_integration_test(NAME fault_kill9
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/fault_test.py kill9 20 13 TIMEOUT 900)
set_tests_properties(integration_fault_kill9 PROPERTIES LABELS fault)
snac_add_integration_test(NAME fault_full_disk
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/fault_test.py full_disk TIMEOUT 600)
set_tests_properties(integration_fault_full_disk PROPERTIES LABELS fault SKIP_RETURN_CODE 77)
