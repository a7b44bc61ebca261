# MPI gtest binaries: tests/mpi/test_*.cpp with the rank-aware main() of tests/support (a failed
# assertion is printed with its rank; rank 0 names the failing ranks; every rank exits 1).
add_executable(test_mpi_transport ${CMAKE_CURRENT_LIST_DIR}/test_mpi_transport.cpp
                                  ${PROJECT_SOURCE_DIR}/tests/support/mpi_gtest_main.cpp)
target_link_libraries(test_mpi_transport PRIVATE snac_runtime GTest::gtest)
target_include_directories(test_mpi_transport PRIVATE ${PROJECT_SOURCE_DIR}/tests)
snac_set_warnings(test_mpi_transport)
snac_add_mpi_test(NAME transport RANKS 2 3 COMMAND $<TARGET_FILE:test_mpi_transport> TIMEOUT 120)

# The harness names the failing rank: rank 1 of 3 fails on purpose; the test passes when the
# summary says so (exit codes are ignored with PASS_REGULAR_EXPRESSION).
add_test(NAME mpi_gtest_names_failing_rank_np3
         COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} 3 ${SNAC_MPIEXEC_FLAGS}
                 $<TARGET_FILE:test_mpi_transport> --gtest_filter=MpiHarness.*)
set_tests_properties(mpi_gtest_names_failing_rank_np3 PROPERTIES LABELS mpi TIMEOUT 120
    PROCESSORS 3 ENVIRONMENT "${SNAC_TEST_ENV};SNAC_MPI_TEST_FAIL_RANK=1"
    PASS_REGULAR_EXPRESSION "MPI tests FAILED on rank\\(s\\): 1 \\(of 3\\)")
