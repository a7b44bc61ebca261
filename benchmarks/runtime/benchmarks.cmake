# Runtime benchmarks (programs that print figures; not tests). See docs/performance.md#runtime.
#   bench_runtime_capacity   coordinator CPU per trial with instant trainers (in-process or MPI)
#   bench_runtime_des        discrete-event simulation: the real coordinator with 1k-100k virtual trainers
#   bench_runtime_messages   Google Benchmark: message encode/decode and in-process round trip
#   e2e_vs_optuna.sh         snac global vs. Optuna NSGA-II + PyTorch on the same search
#   scaling.sh               trials per hour for 1, 2, 4 ... ranks (mpiexec or srun)
#   threads_launchers.sh     the quick-start search embedded, under mpirun -n 2 and srun -n 2:
#                            snac's thread choice, oversubscription warnings, trials/hour
#   e2e_pipeline.sh          the whole `snac run` vs Optuna + PyTorch global search and PyTorch
#                            QAT + pruning (reference_e2e.py), 3 seeds
add_executable(bench_runtime_capacity ${CMAKE_CURRENT_LIST_DIR}/coordinator_capacity.cpp)
target_link_libraries(bench_runtime_capacity PRIVATE snac_runtime snac_io snac_search snac_nn
                      snac_surrogate snac_core)
target_include_directories(bench_runtime_capacity PRIVATE ${PROJECT_SOURCE_DIR}/src/runtime
                           ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(bench_runtime_capacity PRIVATE SNAC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
snac_set_warnings(bench_runtime_capacity)
set_target_properties(bench_runtime_capacity PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

if(TARGET benchmark::benchmark)
    add_executable(bench_runtime_messages ${CMAKE_CURRENT_LIST_DIR}/bench_messages.cpp)
    target_link_libraries(bench_runtime_messages PRIVATE snac_runtime snac_core benchmark::benchmark)
    snac_set_warnings(bench_runtime_messages)
    set_target_properties(bench_runtime_messages PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endif()

# bench_runtime_des: discrete-event simulation of the real coordinator with 1k-100k virtual trainers.
add_executable(bench_runtime_des ${CMAKE_CURRENT_LIST_DIR}/coordinator_des.cpp)
target_link_libraries(bench_runtime_des PRIVATE snac_runtime snac_io snac_search snac_nn
                      snac_surrogate snac_core)
target_include_directories(bench_runtime_des PRIVATE ${PROJECT_SOURCE_DIR}/src/runtime
                           ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(bench_runtime_des PRIVATE SNAC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
snac_set_warnings(bench_runtime_des)
set_target_properties(bench_runtime_des PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
