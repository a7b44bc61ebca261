# Runtime: `snac global` end to end in one process (embedded mode) on a tiny MNIST 8x8 search.
# The scenarios live in tests/integration/runtime/global_test.py.
foreach(scenario basic failures sigterm kill9 bad_input optuna duplicates)
    snac_add_integration_test(NAME runtime_${scenario}
        COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/runtime/global_test.py ${scenario}
        TIMEOUT 300)
endforeach()
