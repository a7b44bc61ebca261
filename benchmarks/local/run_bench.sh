#!/usr/bin/env bash
# The local-stage chain, snac vs the usual PyTorch way, in one run (docs/local-search.md#benchmark):
# MNIST 8x8 (t10k, 7,000 training images), MLP 64-64-32-10 trained in float once by snac, then for
# 4 precisions x (QAT + STEPS pruning steps of 0.2): snac local vs torch_local.py (fake
# quantization + STE, torch.nn.utils.prune global L1) from the same float weights with the same
# epochs, batch, Adam rate. Prints per step the sparsity, the test accuracy and the training
# seconds side by side; then QAT vs float training throughput (bench_local_qat).
# Usage: benchmarks/local/run_bench.sh [build-dir]   (needs python3-torch, python3-h5py:
# scripts/install_deps.sh --bench; THREADS=1 by default, STEPS=8)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
snac="$build/bin/snac"
qat="$build/bin/bench_local_qat"
py="${PYTHON:-/usr/bin/python3}"
threads="${THREADS:-1}"
steps="${STEPS:-8}"
data_dir="${SNAC_DATA_DIR:-$here/../../../shared/data}"
[[ -x "$snac" && -x "$qat" ]] || { echo "build snac and bench_local_qat in $build first"; exit 2; }
"$py" -c 'import torch, h5py' || { echo "needs python3-torch and python3-h5py (--bench)"; exit 2; }
export OMP_NUM_THREADS="$threads" SNAC_DATA_DIR="$data_dir"
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-bench-local.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg); threads: $threads"

cat > config.yaml <<YAML
data:
  name: mnist8x8_bench
  path: $work/mnist8x8.h5
  source: {format: idx, images: mnist/t10k-images-idx3-ubyte.gz,
           labels: mnist/t10k-labels-idx1-ubyte.gz, resize: [8, 8]}
  normalize: standardize
  split: {train: 0.7, val: 0.1, test: 0.2, seed: 1}
train: {epochs: 10, batch_size: 128, learning_rate: 0.001, threads: $threads}
local:
  precisions: ["ap_fixed<32,10,AP_RND_CONV,AP_SAT>", "ap_fixed<16,6,AP_RND_CONV,AP_SAT>",
               "ap_fixed<8,3,AP_RND_CONV,AP_SAT>", "ap_fixed<4,2,AP_RND_CONV,AP_SAT>"]
  qat_epochs: 3
  pruning_steps: $steps
  pruning_epochs: 2
YAML
cat > mlp.yaml <<'YAML'
input_shape: [64]
layers:
  - {type: dense, units: 64}
  - {type: relu}
  - {type: dense, units: 32}
  - {type: relu}
  - {type: dense, units: 10}
  - {type: softmax}
YAML

# Whole-program CPU seconds (user + sys) of each side, next to the wall clock: on a loaded machine
# the wall time of both sides stretches with the other processes, their CPU time much less.
t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o snac.cpu "$snac" local run --config config.yaml --arch mlp.yaml \
    >snac.out 2>snac.err || { cat snac.err; exit 1; }
t1=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o torch.cpu "$py" "$here/torch_local.py" "$work/mnist8x8.h5" \
    run/local/mlp/float.h5 "32,10;16,6;8,3;4,2" "$steps" 3 2 0.001 128 0.2 "$threads" >torch.jsonl
t2=$(date +%s.%N)

"$py" - "$t0" "$t1" "$t2" <<'PY'
import csv, json, sqlite3, sys
t0, t1, t2 = (float(v) for v in sys.argv[1:])
snac = {(r["precision"], int(r["step"])): r for r in csv.DictReader(open("run/local/summary.csv"))}
db = sqlite3.connect("run/study.db")
secs = {}
for tid, key, val in db.execute("select trial_id, key, value_json from trial_user_attributes"):
    secs.setdefault(tid, {})[key] = json.loads(val)
step_s = {(a["precision"], a["step"]): a["train_seconds"] for a in secs.values() if "step" in a}
torch = [json.loads(l) for l in open("torch.jsonl")]
label = {"ap_fixed<32,10>": "ap32_10", "ap_fixed<16,6>": "ap16_6", "ap_fixed<8,3>": "ap8_3",
         "ap_fixed<4,2>": "ap4_2"}
print(f"{'precision':16} {'step':>4} {'sparsity':>8} {'snac acc':>9} {'torch acc':>9} "
      f"{'snac s':>8} {'torch s':>8} {'speed-up':>8}")
tot_s = tot_t = 0.0
for t in torch:
    p = label[t["precision"]]
    s = snac[(p, t["step"])]
    ss = step_s[(p, t["step"])]
    tot_s += ss
    tot_t += t["seconds"]
    print(f"{t['precision']:16} {t['step']:>4} {float(s['sparsity']):>8.3f} "
          f"{float(s['test_metric']):>9.3f} {t['test']:>9.3f} {ss:>8.2f} {t['seconds']:>8.2f} "
          f"{t['seconds'] / ss:>7.1f}x")
print(f"training seconds of all steps: snac {tot_s:.1f}, torch {tot_t:.1f} "
      f"({tot_t / tot_s:.1f}x)")
cpu = {k: sum(float(v) for v in open(f"{k}.cpu").read().split()[-2:]) for k in ("snac", "torch")}
print(f"whole programs: snac local {t1 - t0:.1f} s wall, {cpu['snac']:.1f} s CPU (incl. float "
      f"training, firmware-arithmetic evaluation, surrogate, checkpoints); torch_local.py "
      f"{t2 - t1:.1f} s wall, {cpu['torch']:.1f} s CPU (incl. importing torch); CPU ratio "
      f"{cpu['torch'] / cpu['snac']:.1f}x")
print("accuracy: snac = test split with the firmware's arithmetic (FixedModel); torch = test "
      "split of the fake-quantized float model")
PY
echo "QAT vs float training throughput (MNIST 8x8, batch 128, 5 epochs, first excluded):"
"$qat" "$work/mnist8x8.h5" mlp.yaml 128 5 "$threads"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
