# Training-engine throughput (owner: nn). Not a test: run benchmarks/nn/run_bench.sh.
add_executable(bench_nn_train ${CMAKE_CURRENT_LIST_DIR}/bench_train.cpp)
target_link_libraries(bench_nn_train PRIVATE snac_nn snac_core)
snac_set_warnings(bench_nn_train)
set_target_properties(bench_nn_train PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

add_executable(bench_peak_fma ${CMAKE_CURRENT_LIST_DIR}/peak_fma.cpp)
snac_set_warnings(bench_peak_fma)
set_target_properties(bench_peak_fma PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
