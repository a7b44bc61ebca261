#!/usr/bin/env bash
# Fails when a third-party C API header appears outside the module that owns it
# (docs/architecture.md#layering): <mpi.h> only in runtime, oneDNN only in src/nn,
# hdf5.h / sqlite3.h only in src/io, ONNX's protobuf headers only in src/io/onnx_*. Public headers (include/) never include any of them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
status=0
check() {  # pattern, allowed-path-regex, description
    local pattern="$1" allowed="$2" what="$3"
    while IFS= read -r hit; do
        [ -z "$hit" ] && continue
        file="${hit%%:*}"
        if ! [[ "$file" =~ $allowed ]]; then
            echo "layering violation: $what in $hit" >&2
            status=1
        fi
    done < <(grep -RnE "$pattern" include src tests benchmarks 2>/dev/null || true)
}
check '#[[:space:]]*include[[:space:]]*[<"]mpi\.h[>"]' '^(src/runtime/|tests/mpi/|tests/unit/runtime/|benchmarks/runtime/)' '<mpi.h> outside runtime'
check '#[[:space:]]*include[[:space:]]*[<"](oneapi/dnnl/|dnnl)' '^(src/nn/|benchmarks/nn/)' 'oneDNN header outside src/nn'
check '#[[:space:]]*include[[:space:]]*[<"](hdf5\.h|H5[A-Za-z]*\.h)[>"]' '^(src/io/|tests/unit/io/)' 'hdf5.h outside io'
check '#[[:space:]]*include[[:space:]]*[<"]sqlite3\.h[>"]' '^(src/io/|tests/unit/io/)' 'sqlite3.h outside io'
check '#[[:space:]]*include[[:space:]]*[<"](onnx/|google/protobuf/)' '^src/io/onnx_' 'ONNX/protobuf header outside src/io/onnx_*'
# Module dependency direction: core includes nothing of snac's other modules.
while IFS= read -r hit; do
    [ -z "$hit" ] && continue
    echo "layering violation: core depends on another module in $hit" >&2
    status=1
done < <(grep -RnE '#include[[:space:]]*"snac/(nn|search|surrogate|hls|io|runtime)/' include/snac/core src/core 2>/dev/null || true)
for mod in search; do
    while IFS= read -r hit; do
        [ -z "$hit" ] && continue
        echo "layering violation: $mod may use only core, in $hit" >&2
        status=1
    done < <(grep -RnE '#include[[:space:]]*"snac/(nn|surrogate|hls|io|runtime)/' include/snac/$mod src/$mod 2>/dev/null || true)
done
while IFS= read -r hit; do
    [ -z "$hit" ] && continue
    echo "layering violation: only runtime and app may include runtime headers, in $hit" >&2
    status=1
done < <(grep -RnE '#include[[:space:]]*"snac/runtime/' include/snac/{core,nn,search,surrogate,hls,io} src/{core,nn,search,surrogate,hls,io} 2>/dev/null || true)
[ $status -eq 0 ] && echo "layering: ok"
exit $status
