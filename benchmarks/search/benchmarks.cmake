# Search benchmarks (engineer "search"): programs that print figures, never run by ctest.
add_executable(bench_search_compare ${CMAKE_CURRENT_LIST_DIR}/compare.cpp)
target_link_libraries(bench_search_compare PRIVATE snac_search snac_io snac_core)
snac_set_warnings(bench_search_compare)

add_executable(bench_search_micro ${CMAKE_CURRENT_LIST_DIR}/micro.cpp)
target_link_libraries(bench_search_micro PRIVATE snac_search snac_core benchmark::benchmark)
snac_set_warnings(bench_search_micro)
