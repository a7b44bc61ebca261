#!/usr/bin/env bash
# Convolutional training throughput, snac (oneDNN, library-chosen blocked layouts) vs PyTorch
# (Debian python3-torch), single thread, side by side in one run: the MNIST CNN and a BraggNN-sized
# network (11x11 input, 3 conv blocks + MLP head), batch 256 and 1024, Adam + cross-entropy on
# synthetic data. For each trainer it also prints the FLOP rate (FLOPs per training sample from
# flops.py) as a fraction of the core's peak, measured by bench_peak_fma (AVX2 FMA loop).
# Usage: benchmarks/nn/run_conv_bench.sh [build-dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
bench="$build/bin/bench_nn_train"
peak_bin="$build/bin/bench_peak_fma"
py="${PYTHON:-/usr/bin/python3}"
threads="${THREADS:-1}"
for b in "$bench" "$peak_bin"; do
    [[ -x "$b" ]] || { echo "build it first: cmake --build $build --target bench_nn_train bench_peak_fma"; exit 2; }
done
"$py" -c 'import torch' 2>/dev/null || { echo "$py has no torch (apt-get install python3-torch)"; exit 2; }
export OMP_NUM_THREADS="$threads"

field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')   load:$(uptime | sed 's/.*load average://')"
peak=$("$peak_bin" | field peak_gflops)
echo "single-thread peak (AVX2 FMA loop, CPU time): $peak GFLOP/s"
printf '%-15s %6s %10s %12s %12s %7s %9s %9s\n' model batch MFLOP/samp "snac samp/s" \
    "torch samp/s" ratio "snac %pk" "torch %pk"
for model in cnn_mnist braggnn_11x11; do
    flops=$("$py" "$here/flops.py" "$here/models/$model.yaml")
    samples="${SAMPLES:-8192}" epochs="${EPOCHS:-3}"
    for batch in 256 1024; do
        s=$("$bench" "$here/models/$model.yaml" "$batch" "$samples" "$epochs" "$threads")
        t=$("$py" "$here/torch_bench.py" "$here/models/$model.yaml" "$batch" "$samples" "$epochs" "$threads")
        ss=$(field samples_per_s <<<"$s") ts=$(field samples_per_s <<<"$t")
        printf '%-15s %6d %10.2f %12.0f %12.0f %6sx %8.1f%% %8.1f%%\n' "$model" "$batch" \
            "$(awk -v f="$flops" 'BEGIN { print f / 1e6 }')" "$ss" "$ts" "$(ratio "$ss" "$ts")" \
            "$(awk -v s="$ss" -v f="$flops" -v p="$peak" 'BEGIN { print 100 * s * f / (p * 1e9) }')" \
            "$(awk -v s="$ts" -v f="$flops" -v p="$peak" 'BEGIN { print 100 * s * f / (p * 1e9) }')"
    done
done
echo "load after: $(uptime | sed 's/.*load average://')"
