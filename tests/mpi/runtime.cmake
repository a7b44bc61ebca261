# Runtime under mpiexec: the scenario script launches `mpiexec -n N snac global ...` itself and
# then checks the study, so each test is registered here with the `mpi` label directly (one ctest
# per rank count, PROCESSORS N) rather than through snac_add_mpi_test, which would run N copies
# of the checking script.
function(snac_runtime_mpi_test scenario)
    foreach(n IN LISTS ARGN)
        add_test(NAME mpi_runtime_${scenario}_np${n}
                 COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/integration/runtime/global_test.py
                         ${scenario} ${n})
        set_tests_properties(mpi_runtime_${scenario}_np${n} PROPERTIES LABELS mpi TIMEOUT 300
            PROCESSORS ${n}
            ENVIRONMENT "${SNAC_TEST_ENV};SNAC_BIN=$<TARGET_FILE:snac>;MPIEXEC=${MPIEXEC_EXECUTABLE}")
    endforeach()
endfunction()

snac_runtime_mpi_test(basic 1 2 3 4)
snac_runtime_mpi_test(failures 2 3)
snac_runtime_mpi_test(sigterm 3)
snac_runtime_mpi_test(kill9 3)
# These two launch their own rank counts (1 and 3; 2 with 0 trainers).
snac_runtime_mpi_test(generational 3)
snac_runtime_mpi_test(bad_roles 2)
