# snac_set_warnings(target): the warning set every snac target builds clean with.
function(snac_set_warnings target)
    # -Wno-restrict: GCC 12 reports false positives inside std::string concatenation (GCC bug 105651).
    # Both are GCC spellings; clang (sanitizer/fuzz builds) gets its nearest equivalent.
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
                           $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local -Wno-restrict>
                           $<$<CXX_COMPILER_ID:Clang>:-Wshadow-uncaptured-local>)
    if(SNAC_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

# snac_add_module(name PUBLIC_DEPS ... PRIVATE_DEPS ...)
# One static library per module: sources are src/<name>/*.cpp (globbed so that parallel work on
# separate files never edits a shared list), public headers under include/snac/<name>/.
function(snac_add_module name)
    cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
    file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
    if(NOT srcs)
        set(srcs ${PROJECT_SOURCE_DIR}/cmake/empty.cpp)
    endif()
    add_library(snac_${name} STATIC ${srcs})
    target_include_directories(snac_${name}
        PUBLIC ${PROJECT_SOURCE_DIR}/include
        PRIVATE ${PROJECT_SOURCE_DIR}/src/${name} ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(snac_${name} PUBLIC ${ARG_PUBLIC_DEPS} Threads::Threads
                          PRIVATE ${ARG_PRIVATE_DEPS})
    set_target_properties(snac_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    snac_set_warnings(snac_${name})
endfunction()

# Environment every MPI launch needs here: root in containers/CI, and more ranks than cores.
set(SNAC_MPIEXEC_FLAGS --oversubscribe --bind-to none CACHE STRING "Extra mpiexec flags for tests")
set(SNAC_TEST_ENV
    "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1;SNAC_DATA_DIR=${SNAC_SHARED_DATA_DIR};OMP_NUM_THREADS=1")

# snac_add_unit_test(module [EXTRA_LIBS ...]): one gtest binary per module from tests/unit/<module>/.
function(snac_add_unit_test module)
    cmake_parse_arguments(ARG "" "" "EXTRA_LIBS" ${ARGN})
    file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/unit/${module}/*.cpp)
    if(NOT srcs)
        return()
    endif()
    add_executable(test_${module} ${srcs})
    target_link_libraries(test_${module} PRIVATE snac_${module} ${ARG_EXTRA_LIBS}
                          GTest::gtest GTest::gtest_main)
    target_include_directories(test_${module} PRIVATE ${PROJECT_SOURCE_DIR}/src/${module}
                               ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
    target_compile_definitions(test_${module} PRIVATE
        SNAC_SOURCE_DIR="${PROJECT_SOURCE_DIR}" SNAC_SHARED_DATA_DIR="${SNAC_SHARED_DATA_DIR}")
    snac_set_warnings(test_${module})
    add_test(NAME unit_${module} COMMAND test_${module})
    set_tests_properties(unit_${module} PROPERTIES LABELS unit TIMEOUT 900
                         ENVIRONMENT "${SNAC_TEST_ENV}")
endfunction()

# snac_add_mpi_test(NAME n RANKS 2 3 4 COMMAND exe args... [TIMEOUT s])
# Registers one ctest per rank count, each run under mpiexec with a timeout, label `mpi`.
function(snac_add_mpi_test)
    cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "RANKS;COMMAND" ${ARGN})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 600)
    endif()
    foreach(n IN LISTS ARG_RANKS)
        add_test(NAME mpi_${ARG_NAME}_np${n}
                 COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${n} ${SNAC_MPIEXEC_FLAGS}
                         ${ARG_COMMAND})
        set_tests_properties(mpi_${ARG_NAME}_np${n} PROPERTIES LABELS mpi TIMEOUT ${ARG_TIMEOUT}
                             ENVIRONMENT "${SNAC_TEST_ENV}" PROCESSORS ${n})
    endforeach()
endfunction()

# snac_add_integration_test(NAME n COMMAND ... [TIMEOUT s]): the snac binary end to end.
function(snac_add_integration_test)
    cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "COMMAND" ${ARGN})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 900)
    endif()
    add_test(NAME integration_${ARG_NAME} COMMAND ${ARG_COMMAND})
    set_tests_properties(integration_${ARG_NAME} PROPERTIES LABELS integration
                         TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT
                         "${SNAC_TEST_ENV};SNAC_BIN=$<TARGET_FILE:snac>;SNAC_SOURCE_DIR=${PROJECT_SOURCE_DIR};MPIEXEC=${MPIEXEC_EXECUTABLE}")
endfunction()
