# Regression tests for issue 13's defects (tests/integration/reliability/defects_test.py).
foreach(scenario all_fail)
    snac_add_integration_test(NAME reliability_${scenario}
        COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/reliability/defects_test.py ${scenario}
        TIMEOUT 300)
endforeach()
