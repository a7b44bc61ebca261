# Local stage (owner: local). Not a test: run benchmarks/local/run_bench.sh.
add_executable(bench_local_qat ${CMAKE_CURRENT_LIST_DIR}/bench_qat.cpp)
target_link_libraries(bench_local_qat PRIVATE snac_nn snac_io snac_core)
snac_set_warnings(bench_local_qat)
set_target_properties(bench_local_qat PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
