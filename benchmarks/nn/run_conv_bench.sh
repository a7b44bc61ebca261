#!/usr/bin/env bash
# Convolutional training throughput, snac (oneDNN, library-chosen blocked layouts) vs PyTorch
# (Debian python3-torch), single thread, side by side in one run: the MNIST CNN and a BraggNN-sized
# network (11x11 input, 3 conv blocks + MLP head), batch 256 and 1024, Adam + cross-entropy on
# synthetic data. For each trainer it also prints the FLOP rate (FLOPs per training sample from
# flops.py) as a fraction of the core's peak, measured by bench_peak_fma (AVX2 FMA loop). Rates are
# given by wall clock and by process CPU time (the guide on a loaded machine; the peak is CPU time,
# so the fractions of peak use the CPU rates).
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
printf '%-15s %6s %10s %11s %11s %6s %11s %11s %6s %8s %8s\n' model batch MFLOP/samp \
    "snac wall/s" "torch wall/s" ratio "snac cpu/s" "torch cpu/s" ratio "snac %pk" "torch %pk"
pct() { awk -v s="$1" -v f="$2" -v p="$peak" 'BEGIN { printf "%.1f%%", 100 * s * f / (p * 1e9) }'; }
for model in cnn_mnist braggnn_11x11; do
    flops=$("$py" "$here/flops.py" "$here/models/$model.yaml")
    samples="${SAMPLES:-8192}" epochs="${EPOCHS:-3}"
    for batch in 256 1024; do
        s=$("$bench" "$here/models/$model.yaml" "$batch" "$samples" "$epochs" "$threads")
        t=$("$py" "$here/torch_bench.py" "$here/models/$model.yaml" "$batch" "$samples" "$epochs" "$threads")
        ss=$(field samples_per_s <<<"$s") ts=$(field samples_per_s <<<"$t")
        sc=$(field cpu_samples_per_s <<<"$s") tc=$(field cpu_samples_per_s <<<"$t")
        printf '%-15s %6d %10.2f %11.0f %11.0f %5sx %11.0f %11.0f %5sx %8s %8s\n' "$model" "$batch" \
            "$(awk -v f="$flops" 'BEGIN { print f / 1e6 }')" "$ss" "$ts" "$(ratio "$ss" "$ts")" \
            "$sc" "$tc" "$(ratio "$sc" "$tc")" "$(pct "$sc" "$flops")" "$(pct "$tc" "$flops")"
    done
done
echo "load after: $(uptime | sed 's/.*load average://')"
