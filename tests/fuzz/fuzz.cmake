# libFuzzer harnesses (label `fuzz`; built only with -DSNAC_FUZZ=ON and clang, see
# docs/reliability.md). Each ctest first replays the harness's regression inputs
# (tests/fuzz/regressions/<name>/), then fuzzes for $SNAC_FUZZ_SECONDS (default 20) from its seeds.
# scripts/fuzz.sh runs the same harnesses for longer.
set(SNAC_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})

# snac_add_fuzzer(name SOURCE file LIBS ... [DEFINES ...] SEEDS files-or-dirs...)
function(snac_add_fuzzer name)
    cmake_parse_arguments(ARG "" "SOURCE" "LIBS;DEFINES;SEEDS" ${ARGN})
    add_executable(fuzz_${name} ${SNAC_FUZZ_DIR}/${ARG_SOURCE})
    target_link_libraries(fuzz_${name} PRIVATE ${ARG_LIBS})
    target_include_directories(fuzz_${name} PRIVATE ${SNAC_FUZZ_DIR} ${PROJECT_SOURCE_DIR}/src/io)
    target_compile_definitions(fuzz_${name} PRIVATE ${ARG_DEFINES})
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
    snac_set_warnings(fuzz_${name})
    set_target_properties(fuzz_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    add_test(NAME fuzz_${name}
             COMMAND ${SNAC_FUZZ_DIR}/run_fuzzer.sh $<TARGET_FILE:fuzz_${name}> ${name}
                     ${CMAKE_BINARY_DIR}/fuzz/work ${ARG_SEEDS})
    set_tests_properties(fuzz_${name} PROPERTIES LABELS fuzz TIMEOUT 600
                         ENVIRONMENT "${SNAC_TEST_ENV}")
endfunction()

file(GLOB config_seeds ${PROJECT_SOURCE_DIR}/configs/*.yaml
     ${PROJECT_SOURCE_DIR}/tests/integration/runtime/*.yaml)
file(GLOB arch_seeds ${PROJECT_SOURCE_DIR}/tests/integration/nn/*.yaml)
snac_add_fuzzer(config SOURCE fuzz_config.cpp LIBS snac_core SEEDS ${config_seeds})
snac_add_fuzzer(architecture SOURCE fuzz_architecture.cpp LIBS snac_nn SEEDS ${arch_seeds})
snac_add_fuzzer(precision SOURCE fuzz_precision.cpp LIBS snac_core
                SEEDS ${SNAC_FUZZ_DIR}/seeds/precision)
foreach(format csv idx npy)
    snac_add_fuzzer(import_${format} SOURCE fuzz_import.cpp LIBS snac_io
                    DEFINES SNAC_FUZZ_FORMAT=${format} SEEDS ${SNAC_FUZZ_DIR}/seeds/import_${format})
endforeach()
snac_add_fuzzer(dataset_h5 SOURCE fuzz_hdf5.cpp LIBS snac_io snac_nn hdf5::hdf5
                DEFINES SNAC_FUZZ_HDF5_DATASET SEEDS ${SNAC_FUZZ_DIR}/seeds/hdf5)
snac_add_fuzzer(checkpoint_h5 SOURCE fuzz_hdf5.cpp LIBS snac_io snac_nn hdf5::hdf5
                DEFINES SNAC_FUZZ_HDF5_CHECKPOINT SEEDS ${SNAC_FUZZ_DIR}/seeds/hdf5)
snac_add_fuzzer(study SOURCE fuzz_study.cpp LIBS snac_io SEEDS ${CMAKE_BINARY_DIR}/fuzz/study_seeds)

# Real study files for the study harness's seeds, written by snac's own StudyStore.
add_executable(fuzz_study_seeds ${SNAC_FUZZ_DIR}/make_study_seeds.cpp)
target_link_libraries(fuzz_study_seeds PRIVATE snac_io)
target_link_options(fuzz_study_seeds PRIVATE -fsanitize=fuzzer-no-link)
set_target_properties(fuzz_study_seeds PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
add_custom_command(TARGET fuzz_study_seeds POST_BUILD
                   COMMAND $<TARGET_FILE:fuzz_study_seeds> ${CMAKE_BINARY_DIR}/fuzz/study_seeds)
add_dependencies(fuzz_study fuzz_study_seeds)
