# Hardware-surrogate throughput (owner: surrogate): estimates per second on one core for a batch
# of 10,000 search-space candidates. Not a test; run build/bin/bench_surrogate.
add_executable(bench_surrogate ${CMAKE_CURRENT_LIST_DIR}/bench_surrogate.cpp)
target_link_libraries(bench_surrogate PRIVATE snac_surrogate snac_nn snac_core benchmark::benchmark)
target_compile_definitions(bench_surrogate PRIVATE
    SNAC_SHARED_DATA_DIR="${SNAC_SHARED_DATA_DIR}")
snac_set_warnings(bench_surrogate)
set_target_properties(bench_surrogate PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
