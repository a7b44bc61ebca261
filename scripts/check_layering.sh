#!/usr/bin/env bash
# The module table of design.md §4 as a test (docs/architecture.md#modules-and-layering):
#   core <- nn, search, surrogate, hls, io <- runtime <- app
# Every rule of the table:
# 1. "may use" (snac modules): which snac modules each module's sources and public headers may
#    include; app uses runtime (and core, which every module uses): every command's work is a
#    runtime driver (include/snac/runtime/*_command.hpp), app maps flags and calls it;
# 2. "may use" (libraries): an allowlist of third-party headers per module — anything not named
#    for the module fails (std and POSIX headers are always allowed). So <mpi.h> only in runtime,
#    oneDNN only in src/nn, hdf5.h / sqlite3.h only in src/io, TBB only in surrogate and runtime,
#    search and hls use no library at all;
# 3. public headers (include/snac) expose only snac's types: no third-party header at all.
# A module's unit tests (tests/unit/<module>) and benchmarks (benchmarks/<module>) follow its
# library rules, plus GoogleTest / Google Benchmark.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
status=0
fail() {
    echo "layering violation: $*" >&2
    status=1
}

# --- 1. snac module dependencies (design.md §4 "may use") -----------------------------------
declare -A uses=(
    [core]="core"
    [nn]="core nn"
    [search]="core search"
    [surrogate]="core nn surrogate"
    [hls]="core nn hls"
    [io]="core io"
    [runtime]="core nn search surrogate hls io runtime"
    [app]="core runtime"
)
for mod in "${!uses[@]}"; do
    dirs=()
    [ -d "src/$mod" ] && dirs+=("src/$mod")
    [ -d "include/snac/$mod" ] && dirs+=("include/snac/$mod")
    [ ${#dirs[@]} -eq 0 ] && continue
    while IFS= read -r hit; do
        [ -z "$hit" ] && continue
        dep="$(sed -E 's/.*#include[[:space:]]*"snac\/([a-z_]+)\/.*/\1/' <<<"$hit")"
        allowed="${uses[$mod]}"
        [[ " $allowed " == *" $dep "* ]] || fail "$mod may not use $dep, in $hit"
    done < <(grep -RnE '#include[[:space:]]*"snac/[a-z_]+/' "${dirs[@]}" 2>/dev/null || true)
done

# --- 2. third-party headers: an allowlist per module (design.md §4 "may use") ---------------
# Beyond the table's libraries: yaml-cpp and nlohmann-json read and write snac's own text formats
# (config, architecture, coefficient and manifest files); CLI11 is the command line; OpenMP is
# oneDNN's threading in nn; zlib, ONNX and protobuf are importers in io.
declare -A libs=(
    [core]='yaml-cpp/'
    [nn]='oneapi/dnnl/|dnnl|omp\.h|yaml-cpp/'
    [search]=''
    [surrogate]='tbb/|oneapi/tbb|nlohmann/'
    [hls]='nlohmann/'
    [io]='hdf5\.h|H5[A-Za-z]*\.h|sqlite3\.h|zlib\.h|onnx/|google/protobuf/|nlohmann/'
    [runtime]='mpi\.h|tbb/|oneapi/tbb|yaml-cpp/|nlohmann/'
    [app]='CLI/|yaml-cpp/|nlohmann/'
)
posix='unistd\.h|fcntl\.h|sys/|sched\.h|time\.h|signal\.h|errno\.h|poll\.h|dirent\.h|spawn\.h|pthread\.h'
harness='gtest/|gmock/|benchmark/'
for mod in "${!libs[@]}"; do
    dirs=()
    for d in "src/$mod" "include/snac/$mod" "tests/unit/$mod" "benchmarks/$mod"; do
        [ -d "$d" ] && dirs+=("$d")
    done
    [ ${#dirs[@]} -eq 0 ] && continue
    allowed="$posix${libs[$mod]:+|${libs[$mod]}}"
    while IFS= read -r hit; do
        [ -z "$hit" ] && continue
        file="${hit%%:*}"
        header="$(sed -E 's/.*<([^>]+)>.*/\1/' <<<"$hit")"
        [[ "$header" != */* && "$header" != *.* ]] && continue  # the C++ standard library
        [[ "$header" =~ ^(assert|math|stdio|stdlib|string|stdint|stddef|limits|float|inttypes)\.h$ ]] && continue
        if [[ "$file" == tests/* || "$file" == benchmarks/* ]] && [[ "$header" =~ ^($harness) ]]; then
            continue
        fi
        [[ "$header" =~ ^($allowed) ]] || fail "$mod may not include <$header>, in $hit"
    done < <(grep -RnE '#[[:space:]]*include[[:space:]]*<[^>]+>' "${dirs[@]}" 2>/dev/null || true)
done

# Within io, ONNX and protobuf stay in the ONNX importer's files.
while IFS= read -r hit; do
    [ -z "$hit" ] && continue
    [[ "${hit%%:*}" == src/io/onnx_* ]] || fail "ONNX/protobuf header outside src/io/onnx_*, in $hit"
done < <(grep -RnE '#[[:space:]]*include[[:space:]]*[<"](onnx/|google/protobuf/)' include src tests benchmarks 2>/dev/null || true)

# --- 3. public headers expose only snac's own types -------------------------------------------
while IFS= read -r hit; do
    [ -z "$hit" ] && continue
    fail "third-party header in a public header: $hit"
done < <(grep -RnE '#[[:space:]]*include[[:space:]]*<(mpi\.h|oneapi/|dnnl|hdf5|H5|sqlite3|zlib|tbb/|yaml-cpp/|nlohmann/|CLI/|omp\.h)' include 2>/dev/null || true)

[ $status -eq 0 ] && echo "layering: ok"
exit $status
