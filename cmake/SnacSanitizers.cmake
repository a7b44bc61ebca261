# Sanitizer and fuzzing builds (docs/reliability.md). Included before any target is created, so
# every snac library, test and tool is instrumented the same way.
#   -DSNAC_SANITIZE=address,undefined   ASan + UBSan (any -fsanitize list; "thread" for TSan)
#   -DSNAC_SANITIZE_ONLY="a;b"          instrument only these targets (the TSan build: the runtime
#                                       library and its tests; the rest is compiled plain and only
#                                       linked with the sanitizer's run-time library)
#   -DSNAC_FUZZ=ON                      libFuzzer harnesses in tests/fuzz (clang only); the
#                                       libraries get -fsanitize=fuzzer-no-link (coverage)
# A UBSan finding aborts (-fno-sanitize-recover), so a test with a report fails.
set(SNAC_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined or thread")
option(SNAC_FUZZ "Build the libFuzzer harnesses in tests/fuzz (needs clang)" OFF)

set(SNAC_SANITIZE_ONLY "" CACHE STRING "Targets to instrument (default: every target)")
if(SNAC_SANITIZE)
    # -O1 keeps the tests fast enough; line tables (not full -g) give symbolised reports at a
    # fraction of the compile time and object size (scripts/sanitize.sh empties the Debug flags).
    set(SNAC_SANITIZE_FLAGS -fsanitize=${SNAC_SANITIZE} -fno-omit-frame-pointer -O1
        -gline-tables-only)
    if(SNAC_SANITIZE MATCHES "undefined")
        list(APPEND SNAC_SANITIZE_FLAGS -fno-sanitize-recover=all)
    endif()
    if(NOT SNAC_SANITIZE_ONLY)
        add_compile_options(${SNAC_SANITIZE_FLAGS})
    endif()
    add_link_options(-fsanitize=${SNAC_SANITIZE})
endif()

# Called once every target exists (end of the top-level CMakeLists.txt).
function(snac_apply_sanitize_only)
    if(NOT SNAC_SANITIZE OR NOT SNAC_SANITIZE_ONLY)
        return()
    endif()
    foreach(t IN LISTS SNAC_SANITIZE_ONLY)
        if(NOT TARGET ${t})
            message(FATAL_ERROR "SNAC_SANITIZE_ONLY: no target '${t}'")
        endif()
        target_compile_options(${t} PRIVATE ${SNAC_SANITIZE_FLAGS})
    endforeach()
endfunction()
if(SNAC_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "SNAC_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()
