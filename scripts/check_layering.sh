#!/usr/bin/env bash
# The module table of design.md §4 as a test (docs/architecture.md#modules-and-layering):
#   core <- nn, search, surrogate, hls, io <- runtime <- app
# 1. which snac modules each module's sources and public headers may include;
# 2. which third-party libraries each module may include (<mpi.h> only in runtime, oneDNN only in
#    src/nn, hdf5.h / sqlite3.h only in src/io, ONNX/protobuf only in src/io/onnx_*, TBB only in surrogate and runtime, ...);
# 3. public headers (include/snac) expose only snac's types: no third-party header at all.
# Tests and benchmarks of a module follow that module's third-party rules.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
status=0
fail() {
    echo "layering violation: $*" >&2
    status=1
}

# --- 1. snac module dependencies (design.md §4 "may use") -----------------------------------
# app: the command line maps flags to options and prints; it reaches the lower modules' types
# (dataset summaries, checkpoints, studies) for printing, so it may include every module.
declare -A uses=(
    [core]="core"
    [nn]="core nn"
    [search]="core search"
    [surrogate]="core nn surrogate"
    [hls]="core nn hls"
    [io]="core io"
    [runtime]="core nn search surrogate hls io runtime"
    [app]="core nn search surrogate hls io runtime"
)
for mod in "${!uses[@]}"; do
    dirs=()
    [ -d "src/$mod" ] && dirs+=("src/$mod")
    [ -d "include/snac/$mod" ] && dirs+=("include/snac/$mod")
    [ ${#dirs[@]} -eq 0 ] && continue
    while IFS= read -r hit; do
        [ -z "$hit" ] && continue
        dep="$(sed -E 's/.*#include[[:space:]]*"snac\/([a-z_]+)\/.*/\1/' <<<"$hit")"
        [[ " ${uses[$mod]} " == *" $dep "* ]] || fail "$mod may not use $dep, in $hit"
    done < <(grep -RnE '#include[[:space:]]*"snac/[a-z_]+/' "${dirs[@]}" 2>/dev/null || true)
done

# --- 2. third-party headers: pattern, paths allowed to include it, description ----------------
check() {
    local pattern="$1" allowed="$2" what="$3"
    while IFS= read -r hit; do
        [ -z "$hit" ] && continue
        file="${hit%%:*}"
        [[ "$file" =~ $allowed ]] || fail "$what in $hit"
    done < <(grep -RnE "#[[:space:]]*include[[:space:]]*[<\"]$pattern" include src tests benchmarks 2>/dev/null || true)
}
check 'mpi\.h[>"]' '^(src/runtime/|tests/mpi/|tests/unit/runtime/|benchmarks/runtime/)' '<mpi.h> outside runtime'
check '(oneapi/dnnl/|dnnl)' '^(src/nn/|benchmarks/nn/)' 'oneDNN header outside src/nn'
check '(hdf5\.h|H5[A-Za-z]*\.h)[>"]' '^(src/io/|tests/unit/io/)' 'hdf5.h outside io'
check 'sqlite3\.h[>"]' '^(src/io/|tests/unit/io/)' 'sqlite3.h outside io'
check 'zlib\.h[>"]' '^(src/io/|tests/unit/io/)' 'zlib.h outside io'
check '(tbb/|oneapi/tbb)' '^(src/surrogate/|src/runtime/|tests/unit/(surrogate|runtime)/|benchmarks/(surrogate|runtime)/)' 'TBB outside surrogate and runtime'
check 'omp\.h[>"]' '^(src/nn/|tests/unit/nn/|benchmarks/nn/)' 'OpenMP outside src/nn'
check 'CLI/' '^src/app/' 'CLI11 outside app'
check '(onnx/|google/protobuf/)' '^src/io/onnx_' 'ONNX/protobuf header outside src/io/onnx_*'

# --- 3. public headers expose only snac's own types -------------------------------------------
while IFS= read -r hit; do
    [ -z "$hit" ] && continue
    fail "third-party header in a public header: $hit"
done < <(grep -RnE '#[[:space:]]*include[[:space:]]*<(mpi\.h|oneapi/|dnnl|hdf5|H5|sqlite3|zlib|tbb/|yaml-cpp/|nlohmann/|CLI/|omp\.h)' include 2>/dev/null || true)

[ $status -eq 0 ] && echo "layering: ok"
exit $status
