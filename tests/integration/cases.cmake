# Case studies (configs/*_quick.yaml) end to end on the real shared data, and the jet configs'
# checks on small files in the published layout (tests/integration/cases/).
add_executable(case_trivial_baseline ${CMAKE_CURRENT_LIST_DIR}/cases/trivial_baseline.cpp)
target_link_libraries(case_trivial_baseline PRIVATE snac_io snac_core)
snac_set_warnings(case_trivial_baseline)
foreach(config qubit_quick htru2_quick braggnn_quick quickstart)
    snac_add_integration_test(NAME case_${config}
        COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/cases/case_test.py
                $<TARGET_FILE:case_trivial_baseline> configs/${config}.yaml
        TIMEOUT 300)
endforeach()
# The jet configs without their data: they check, and the error names the fetch command.
snac_add_integration_test(NAME case_jets_missing_data
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cases/jets_missing_data.sh TIMEOUT 120)
# search.baselines: ONNX and architecture files as the study's first trials, marked in the report.
snac_add_integration_test(NAME case_baselines
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cases/baselines.sh TIMEOUT 180)
