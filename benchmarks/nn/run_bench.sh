#!/usr/bin/env bash
# Training throughput, snac (oneDNN) vs PyTorch (Debian python3-torch), single thread, same models
# (benchmarks/nn/models/*.yaml), same synthetic data sizes, Adam + cross-entropy, batch 256 and 1024.
# Each trainer runs in its own process so that its peak RSS is its own. Prints one table.
# Usage: benchmarks/nn/run_bench.sh [build-dir]     (needs bench_nn_train built in build-dir/bin)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
bench="$build/bin/bench_nn_train"
py="${PYTHON:-/usr/bin/python3}"
threads="${THREADS:-1}"
[[ -x "$bench" ]] || { echo "build bench_nn_train first: cmake --build $build --target bench_nn_train"; exit 2; }
export OMP_NUM_THREADS="$threads"

field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }

printf '%-36s %6s %14s %14s %8s %10s %10s\n' model batch "snac samp/s" "torch samp/s" ratio \
    "snac MB" "torch MB"
for model in mlp_16_64_32_32_5 mlp_16_64_32_32_5_bn mlp_24_120_60_32_64_64_64_32_44_5 \
             cnn_mnist deepsets_8x3; do
    samples=32768 epochs=4
    [[ $model == cnn_mnist ]] && samples=4096 epochs=3
    for batch in 256 1024; do
        s=$("$bench" "$here/models/$model.yaml" "$batch" "$samples" "$epochs" "$threads")
        t=$("$py" "$here/torch_bench.py" "$here/models/$model.yaml" "$batch" "$samples" "$epochs" "$threads")
        ss=$(field samples_per_s <<<"$s") ts=$(field samples_per_s <<<"$t")
        sm=$(field peak_rss_mb <<<"$s") tm=$(field peak_rss_mb <<<"$t")
        printf '%-36s %6d %14.0f %14.0f %7.1fx %10.1f %10.1f\n' "$model" "$batch" "$ss" "$ts" \
            "$(awk -v a="$ss" -v b="$ts" 'BEGIN { print a / b }')" "$sm" "$tm"
    done
done
