# Case studies (configs/*_quick.yaml) end to end on the real shared data, and the jet configs'
# checks on small files in the published layout (tests/integration/cases/).
add_executable(case_trivial_baseline ${CMAKE_CURRENT_LIST_DIR}/cases/trivial_baseline.cpp)
target_link_libraries(case_trivial_baseline PRIVATE snac_io snac_core)
snac_set_warnings(case_trivial_baseline)
add_executable(case_jets_fixture ${CMAKE_CURRENT_LIST_DIR}/cases/jets_fixture.cpp)
target_include_directories(case_jets_fixture PRIVATE ${PROJECT_SOURCE_DIR}/src/io)
target_link_libraries(case_jets_fixture PRIVATE snac_io snac_core hdf5::hdf5)
snac_set_warnings(case_jets_fixture)
# Each runs `snac run` on the quick config (global -> select -> local -> hls -> report).
foreach(config qubit_quick htru2_quick braggnn_quick quickstart)
    snac_add_integration_test(NAME case_${config}
        COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/cases/case_test.py
                $<TARGET_FILE:case_trivial_baseline> configs/${config}.yaml
        TIMEOUT 300)
endforeach()
# The jet quick configs on small files in the published layout (tests/integration/cases/jets_fixture.cpp).
snac_add_integration_test(NAME case_jets_mlp_quick
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cases/jets_end_to_end.sh
            $<TARGET_FILE:case_jets_fixture> $<TARGET_FILE:case_trivial_baseline>
            configs/jets_mlp_quick.yaml
    TIMEOUT 300)
snac_add_integration_test(NAME case_jets_deepsets_quick
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cases/jets_end_to_end.sh
            $<TARGET_FILE:case_jets_fixture> $<TARGET_FILE:case_trivial_baseline>
            configs/jets_deepsets_quick.yaml
    TIMEOUT 300)
# The jet configs without their data: they check, and the error names the fetch command.
snac_add_integration_test(NAME case_jets_missing_data
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cases/jets_missing_data.sh TIMEOUT 120)
# search.baselines: ONNX and architecture files as the study's first trials, marked in the report.
snac_add_integration_test(NAME case_baselines
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cases/baselines.sh TIMEOUT 180)
