# Hardware-surrogate throughput (owner: surrogate): estimates per second on one core for a batch
# of 10,000 search-space candidates. Not a test; run build/bin/bench_surrogate.
add_executable(bench_surrogate ${CMAKE_CURRENT_LIST_DIR}/bench_surrogate.cpp)
target_link_libraries(bench_surrogate PRIVATE snac_surrogate snac_nn snac_core benchmark::benchmark)
target_compile_definitions(bench_surrogate PRIVATE
    SNAC_SHARED_DATA_DIR="${SNAC_SHARED_DATA_DIR}")
target_include_directories(bench_surrogate PRIVATE ${PROJECT_SOURCE_DIR}/tests)
snac_set_warnings(bench_surrogate)
set_target_properties(bench_surrogate PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

# bench_estimator_path: estimates/s/core through the runtime's estimator rank (real protocol,
# runtime::detail::Estimator), one candidate per message vs. batched; both cost models.
add_executable(bench_estimator_path ${CMAKE_CURRENT_LIST_DIR}/bench_estimator_path.cpp)
target_link_libraries(bench_estimator_path PRIVATE snac_runtime snac_io snac_search snac_nn
                      snac_surrogate snac_core)
target_include_directories(bench_estimator_path PRIVATE ${PROJECT_SOURCE_DIR}/src/runtime
                           ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
target_compile_definitions(bench_estimator_path PRIVATE SNAC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
snac_set_warnings(bench_estimator_path)
set_target_properties(bench_estimator_path PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
