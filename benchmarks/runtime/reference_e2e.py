#!/usr/bin/env python3
"""The reference stack of the whole pipeline (benchmarks/runtime/e2e_pipeline.sh): the quick-start
global search with Optuna NSGA-II + PyTorch (reference_optuna.py), the knee selection of snac's
`select` stage, then the local stage the usual PyTorch way (the fake quantization with a
straight-through estimator of benchmarks/local/torch_local.py and torch.nn.utils.prune's global L1
magnitude pruning) on each selected model, at the settings of configs/quickstart.yaml.

Local stage, per selected model and per width W (`precisions: [8, 6]`, integer bits chosen per
tensor like snac's `int_bits: auto`: weights and biases the fewest integer bits that hold their
largest trained magnitude; the input and every layer result the fewest that hold the largest value
of a float forward pass over the first 2,048 training samples, plus one bit of headroom from 8 bits
on, none for tanh): QAT_EPOCHS of QAT from the trained float weights (step 0), then STEPS rounds of
global L1 pruning of RATE of the remaining dense kernels, each followed by PRUNE_EPOCHS of
fine-tuning with a fresh Adam at LR. Batch-norm parameters stay float (their result is quantized).
After each step the validation and test accuracy of the fake-quantized model. Selection per chain:
the sparsest step whose validation accuracy is within TOL of step 0's (snac's rule).

Usage: reference_e2e.py DATA.h5 TRIALS EPOCHS BATCH POPULATION SEED COUNT WIDTHS QAT_EPOCHS STEPS
                        PRUNE_EPOCHS RATE LR TOL OUT.json          (WIDTHS: "8,6")
"""
import copy
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import prune

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "local"))
import reference_optuna as ro  # noqa: E402
from torch_local import effective_weight, fake_quant  # noqa: E402


def knee(points, count):
    """snac's knee rule (src/runtime/select_rules.cpp) on (accuracy max, BOPs min): the Pareto
    front normalised to [0, 1], ranked by distance to the line between the extremes."""
    mins = [(1 - a, b, n) for n, a, b in points]
    front = [p for p in mins if not any(q[0] <= p[0] and q[1] <= p[1] and q[:2] != p[:2]
                                        for q in mins)]
    lo = [min(p[j] for p in front) for j in (0, 1)]
    hi = [max(p[j] for p in front) for j in (0, 1)]
    ranked = []
    for p in front:
        s = sum((p[j] - lo[j]) / (hi[j] - lo[j]) if hi[j] > lo[j] else 0.0 for j in (0, 1))
        ranked.append(((1 - s) / math.sqrt(2), p[2]))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return [n for _, n in ranked[:count]]


def int_bits(m, width, headroom):
    """Fewest integer bits (sign included, ap_fixed's I) whose range holds magnitude m."""
    i = 1 if m <= 0 else max(1, math.ceil(math.log2(m + 1e-12)) + 1)
    return min(width, i + (1 if headroom and width >= 8 else 0))


class QatNet(nn.Module):
    """A float nn.Sequential (Linear, BatchNorm1d, ReLU, Tanh) under fake quantization."""

    def __init__(self, seq, width, xs):
        super().__init__()
        self.seq = seq
        self.width = width
        self.types = {}
        # Ranges of the input and of every module's result over the sample (float forward).
        seq.eval()
        with torch.no_grad():
            h = xs
            self.types["input"] = int_bits(h.abs().max().item(), width, True)
            for k, mod in enumerate(seq):
                h = mod(h)
                self.types[k] = int_bits(h.abs().max().item(), width,
                                         not isinstance(mod, nn.Tanh))
        self.wtypes = {k: (int_bits(m.weight.abs().max().item(), width, False),
                           int_bits(m.bias.abs().max().item(), width, False))
                       for k, m in enumerate(seq) if isinstance(m, nn.Linear)}

    def forward(self, x):
        w = self.width
        x = fake_quant(x, w, self.types["input"])
        for k, mod in enumerate(self.seq):
            if isinstance(mod, nn.Linear):
                wi, bi = self.wtypes[k]
                x = F.linear(x, fake_quant(effective_weight(mod), w, wi),
                             fake_quant(mod.bias, w, bi))
            else:
                x = mod(x)
            x = fake_quant(x, w, self.types[k])
        return x


def local_chain(model, width, data, qat_epochs, steps, prune_epochs, rate, lr, batch):
    xt, yt = data["train"]
    net = QatNet(copy.deepcopy(model), width, xt[:2048])
    dense = [(m, "weight") for m in net.seq if isinstance(m, nn.Linear)]
    rows = []
    for step in range(steps + 1):
        if step > 0:
            prune.global_unstructured(dense, pruning_method=prune.L1Unstructured, amount=rate)
        ro.train_epochs(net, xt, yt, qat_epochs if step == 0 else prune_epochs, batch, lr)
        total = sum(m.weight.numel() for m, _ in dense)
        zeros = sum(int((effective_weight(m) == 0).sum()) for m, _ in dense)
        rows.append({"step": step, "sparsity": zeros / total,
                     "val": ro.accuracy(net, *data["val"]), "test": ro.accuracy(net, *data["test"])})
    return rows


def main():
    a = sys.argv[1:]
    if len(a) != 15:
        sys.exit(__doc__)
    path, out = a[0], a[14]
    trials, epochs, batch, population, seed, count = (int(v) for v in a[1:7])
    widths = [int(v) for v in a[7].split(",")]
    qat_epochs, steps, prune_epochs = int(a[8]), int(a[9]), int(a[10])
    rate, lr, tol = float(a[11]), float(a[12]), float(a[13])
    data, n_in, n_classes = ro.load_data(path)

    t0 = time.time()
    keep = {}
    study = ro.run_search(data, n_in, n_classes, trials, epochs, batch, population, seed, keep)
    t1 = time.time()
    points = [(t.number, t.values[0], t.values[1]) for t in study.trials
              if t.state.name == "COMPLETE"]
    selected = knee(points, count)
    t2 = time.time()
    chains = []
    torch.manual_seed(seed)
    for n in selected:
        model, _, _ = keep[n]
        for w in widths:
            rows = local_chain(model, w, data, qat_epochs, steps, prune_epochs, rate, lr, batch)
            base = rows[0]["val"]
            chosen = max((r for r in rows if r["val"] >= base - tol),
                         key=lambda r: (r["sparsity"], -r["step"]))
            chains.append({"trial": n, "width": w, "steps": rows, "chosen": chosen})
    t3 = time.time()
    json.dump({"global_s": t1 - t0, "select_s": t2 - t1, "local_s": t3 - t2,
               "points": [[a, b] for _, a, b in points], "selected": selected,
               "chains": chains, "threads": torch.get_num_threads()}, open(out, "w"))


if __name__ == "__main__":
    main()
