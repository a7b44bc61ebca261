# Local stage (owner: local): `snac local` end to end on MNIST 8x8, with bad input and kill/resume.
snac_add_integration_test(NAME local_chain
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/local/local_chain.sh
    TIMEOUT 600)
# Under mpiexec -n 3 (label mpi): chains on two trainer ranks, equal to one process's results.
add_test(NAME mpi_local_np3 COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/local/local_mpi.sh)
set_tests_properties(mpi_local_np3 PROPERTIES LABELS mpi TIMEOUT 600 PROCESSORS 3
    ENVIRONMENT "${SNAC_TEST_ENV};SNAC_BIN=$<TARGET_FILE:snac>;MPIEXEC=${MPIEXEC_EXECUTABLE}")
