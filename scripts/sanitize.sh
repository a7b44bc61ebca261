#!/usr/bin/env bash
# Sanitizer builds (docs/reliability.md#sanitizers), with Debian's clang, -O1 -gline-tables-only:
#   ci          the whole sanitizer suite (scripts/test.sh with SNAC_SANITIZERS=full): asan (one
#               build for the tests and the fuzzers) then tsan. Any report fails the step.
#   asan        build-asan: ASan+UBSan on every target plus the libFuzzer harnesses
#               (-fsanitize=fuzzer-no-link), then the unit, integration and mpi tests
#               ($SNAC_ASAN_TESTS picks them, default: all but the browser, fault and slurm
#               labels) and every fuzzer (label fuzz: its regression inputs, then
#               $SNAC_FUZZ_SECONDS, default 15, from its seeds)
#   tsan        build-tsan: TSan on the runtime library and its unit tests only (in-process
#               transport, coordinator/worker threads, thread pools; the other libraries are
#               compiled plain), then those tests
#   build-asan  only configure and build build-asan (scripts/fuzz.sh uses it)
#   fuzz        build-asan's libraries and harnesses only (no tests), then every fuzzer
# Any sanitizer report fails the test that produced it. Prints the time of each step.
# Usage: scripts/sanitize.sh [ci|asan|tsan|build-asan|fuzz]...   (default: ci)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
supp="$root/tests/sanitizers"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$root/../shared/data}"
# Leak checking stays on; only allocations whose stack passes through Open MPI, PMIx or hwloc (kept
# until exit by MPI_Init's global state) are suppressed (tests/sanitizers/lsan.supp).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$supp/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp}"
jobs="${SNAC_JOBS:-$(nproc)}"
# Debug (assertions on) without Debug's -g: SnacSanitizers.cmake adds -O1 -gline-tables-only.
clang=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug
       -DCMAKE_C_FLAGS_DEBUG= -DCMAKE_CXX_FLAGS_DEBUG=
       -DSNAC_BUILD_BENCHMARKS=OFF -DSNAC_SHARED_DATA_DIR="$SNAC_DATA_DIR")

step() {  # name, command...
    local name="$1" t0=$SECONDS; shift
    "$@"
    echo "sanitize.sh: $name took $((SECONDS - t0)) s" >&2
}

build_asan() {
    local b="${SNAC_ASAN_BUILD_DIR:-$root/build-asan}"
    step "configure+build ASan+UBSan+fuzz" bash -c "cmake -S '$root' -B '$b' ${clang[*]} \
        -DSNAC_SANITIZE=address,undefined -DSNAC_FUZZ=ON >/dev/null && cmake --build '$b' -j $jobs"
}

# The mpi tests under ASan: the transport (every MPI call snac makes), and the global stage on
# 3 ranks (coordinator, estimator, trainer; a failing trial; SIGTERM). Full unwinding makes every
# malloc slow, so not every rank count of every mpi test.
asan_mpi='^mpi_(transport_np[23]|gtest_names_failing_rank_np3|runtime_(basic|failures|sigterm)_np3)$'
run_asan() {
    build_asan
    local b="${SNAC_ASAN_BUILD_DIR:-$root/build-asan}"
    # The browser test needs Chromium; the fault and slurm labels re-run these same code paths
    # many times over and stay with the main build.
    # shellcheck disable=SC2086
    (cd "$b" && step "ASan+UBSan unit+integration tests" \
        ctest -L 'unit|integration' -LE 'browser|fault|slurm|mpi' ${SNAC_ASAN_TESTS:-} \
              -j "${SNAC_TEST_JOBS:-2}" --output-on-failure)
    # MPI ranks (through mpiexec, which passes the environment on): Open MPI's and PMIx's
    # components stay loaded (disable_dlclose) and malloc stacks are unwound in full, so their
    # leaks carry their library names and match tests/sanitizers/lsan.supp; snac's never do.
    (cd "$b" && export OMPI_MCA_mca_base_component_disable_dlclose=1 \
        PMIX_MCA_mca_base_component_disable_dlclose=1 \
        ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" &&
        step "ASan+UBSan mpi tests" ctest -L mpi -R "${SNAC_ASAN_MPI_TESTS:-$asan_mpi}" \
              -j "${SNAC_TEST_JOBS:-2}" --output-on-failure)
    # run_fuzzer.sh's own ASAN_OPTIONS: leaks of the third-party readers' statics are not snac's.
    (cd "$b" && unset ASAN_OPTIONS && export SNAC_FUZZ_SECONDS="${SNAC_FUZZ_SECONDS:-15}" &&
        step "fuzzers ($SNAC_FUZZ_SECONDS s each)" \
        ctest -L fuzz -j "${SNAC_TEST_JOBS:-2}" --output-on-failure)
}

# The harnesses, built with ASan+UBSan over only the libraries they read with (core, nn, io), and
# run for a short budget each. scripts/test.sh runs this in CI.
fuzzers=(config architecture precision import_csv import_idx import_npy dataset_h5 checkpoint_h5
         study)
run_fuzz() {
    local b="${SNAC_ASAN_BUILD_DIR:-$root/build-asan}" targets=()
    for f in "${fuzzers[@]}"; do targets+=("fuzz_$f"); done
    step "configure+build ASan+UBSan fuzz harnesses" bash -c "cmake -S '$root' -B '$b' \
        ${clang[*]} -DSNAC_SANITIZE=address,undefined -DSNAC_FUZZ=ON >/dev/null && \
        cmake --build '$b' -j $jobs --target ${targets[*]}"
    # run_fuzzer.sh's own ASAN_OPTIONS: leaks of the third-party readers' statics are not snac's.
    (cd "$b" && unset ASAN_OPTIONS && export SNAC_FUZZ_SECONDS="${SNAC_FUZZ_SECONDS:-15}" &&
        step "fuzzers ($SNAC_FUZZ_SECONDS s each)" \
        ctest -L fuzz -j "${SNAC_TEST_JOBS:-2}" --output-on-failure)
}

run_tsan() {
    local b="${SNAC_TSAN_BUILD_DIR:-$root/build-tsan}"
    # Only the runtime library and its tests are instrumented (the threads live there); the
    # other libraries are compiled at -O0 without instrumentation and run single-threaded here.
    step "configure+build TSan (runtime tests)" bash -c "cmake -S '$root' -B '$b' ${clang[*]} \
        -DSNAC_SANITIZE=thread '-DSNAC_SANITIZE_ONLY=snac_runtime;test_runtime' >/dev/null && \
        cmake --build '$b' -j $jobs --target test_runtime"
    (cd "$b" && step "TSan runtime tests" ctest -R '^unit_runtime$' --output-on-failure)
}

[ $# -eq 0 ] && set -- ci
for what in "$@"; do
    case "$what" in
        ci) run_asan; run_tsan ;;
        asan) run_asan ;;
        tsan) run_tsan ;;
        build-asan) build_asan ;;
        fuzz) run_fuzz ;;
        *) echo "sanitize.sh: unknown step '$what' (ci, asan, tsan, build-asan, fuzz)" >&2; exit 2 ;;
    esac
done
