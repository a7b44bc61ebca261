# Sanitizer and fuzzing builds (docs/reliability.md). Included before any target is created, so
# every snac library, test and tool is instrumented the same way.
#   -DSNAC_SANITIZE=address,undefined   ASan + UBSan (any -fsanitize list; "thread" for TSan)
#   -DSNAC_FUZZ=ON                      libFuzzer harnesses in tests/fuzz (clang only); the
#                                       libraries get -fsanitize=fuzzer-no-link (coverage)
# A UBSan finding aborts (-fno-sanitize-recover), so a test with a report fails.
set(SNAC_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined or thread")
option(SNAC_FUZZ "Build the libFuzzer harnesses in tests/fuzz (needs clang)" OFF)

if(SNAC_SANITIZE)
    # -O1 keeps the tests fast enough; line tables (not full -g) give symbolised reports at a
    # fraction of the compile time and object size (scripts/sanitize.sh empties the Debug flags).
    add_compile_options(-fsanitize=${SNAC_SANITIZE} -fno-omit-frame-pointer -O1
                        -gline-tables-only)
    add_link_options(-fsanitize=${SNAC_SANITIZE})
    if(SNAC_SANITIZE MATCHES "undefined")
        add_compile_options(-fno-sanitize-recover=all)
    endif()
endif()
if(SNAC_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "SNAC_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()
