# HLS: emission + C simulation time per project, C-simulation and snac fixed-point inferences/s.
if(TARGET benchmark::benchmark)
    add_executable(bench_hls ${CMAKE_CURRENT_LIST_DIR}/bench_hls.cpp)
    target_link_libraries(bench_hls PRIVATE snac_hls snac_nn snac_core benchmark::benchmark)
    target_include_directories(bench_hls PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit/hls)
    snac_set_warnings(bench_hls)
endif()
