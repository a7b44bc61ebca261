#!/usr/bin/env python3
"""The local-stage chain the usual PyTorch way, for benchmarks/local/run_bench.sh.

For each precision ap_fixed<W,I>: fake quantization with a straight-through estimator on weights,
biases, the input and every dense result (round half to even, saturate, zero gradient beyond the
range: the casts snac's QAT applies), QAT from the same trained float weights for QAT_EPOCHS, then
STEPS rounds of torch.nn.utils.prune.global_unstructured (L1, RATE of the remaining weights) each
followed by PRUNE_EPOCHS of fine-tuning with a fresh Adam. Prints one JSON line per step with the
training seconds of the step and the validation/test accuracy of the fake-quantized model.

Usage: torch_local.py DATASET.h5 FLOAT_CHECKPOINT.h5 PRECISIONS STEPS QAT_EPOCHS PRUNE_EPOCHS
                      LR BATCH RATE [THREADS]       PRECISIONS: "16,6;8,3" (W,I pairs)
Only dense/relu/softmax networks (the benchmark's model).
"""
import json
import sys
import time

import h5py
import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.utils import prune


def fake_quant(x, width, integer):
    step = 2.0 ** -(width - integer)
    lo, hi = -(2.0 ** (integer - 1)), 2.0 ** (integer - 1) - step
    xc = torch.clamp(x, lo, hi)  # gradient 1 inside the range, 0 beyond (saturation)
    return xc + (torch.round(xc / step) * step - xc).detach()


def effective_weight(lin):
    """weight_orig x weight_mask once torch.nn.utils.prune has reparametrised the layer (the
    module's own pre-forward hook computes the same; F.linear here bypasses it)."""
    return lin.weight_orig * lin.weight_mask if hasattr(lin, "weight_mask") else lin.weight


class Mlp(torch.nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.kinds = []
        self.dense = torch.nn.ModuleList()
        for kind, arrays in layers:
            if kind == "dense":
                k = torch.tensor(np.asarray(arrays["kernel"]))
                lin = torch.nn.Linear(k.shape[0], k.shape[1])
                with torch.no_grad():
                    lin.weight.copy_(k.t())
                    lin.bias.copy_(torch.tensor(np.asarray(arrays["bias"])))
                self.dense.append(lin)
            elif kind not in ("relu", "softmax"):
                sys.exit(f"torch_local.py: layer type {kind} not handled")
            self.kinds.append(kind)
        self.q = None

    def forward(self, x):
        q = (lambda t: fake_quant(t, *self.q)) if self.q else (lambda t: t)
        x = q(x)
        d = 0
        for kind in self.kinds:
            if kind == "dense":
                lin = self.dense[d]
                d += 1
                x = q(F.linear(x, q(effective_weight(lin)), q(lin.bias)))
            elif kind == "relu":
                x = torch.relu(x)
        return x  # logits; softmax is folded into the loss


def load_checkpoint(path):
    layers = []
    with h5py.File(path, "r") as f:
        g = f["layers"]
        for name in sorted(g.keys()):  # NNN_<name> groups in network order (and `order`)
            grp = g[name]
            if not isinstance(grp, h5py.Group):
                continue
            kind = grp.attrs["type"]
            kind = kind.decode() if isinstance(kind, bytes) else str(kind)
            layers.append((kind, {k: grp[k][...] for k in ("kernel", "bias") if k in grp}))
    return layers


def main():
    a = sys.argv[1:]
    if len(a) < 9:
        sys.exit(__doc__)
    data_path, ck_path, precs = a[0], a[1], a[2]
    steps, qat_epochs, prune_epochs = int(a[3]), int(a[4]), int(a[5])
    lr, batch, rate = float(a[6]), int(a[7]), float(a[8])
    torch.set_num_threads(int(a[9]) if len(a) > 9 else 1)
    torch.manual_seed(1)
    with h5py.File(data_path, "r") as f:
        x = torch.tensor(f["x"][...]).reshape(f["x"].shape[0], -1)
        y = torch.tensor(f["y"][...]).long()
        split = {s: torch.tensor(f["split"][s][...]) for s in ("train", "val", "test")}
    layers = load_checkpoint(ck_path)
    xtr, ytr = x[split["train"]], y[split["train"]]

    def accuracy(model, s):
        with torch.no_grad():
            return (model(x[split[s]]).argmax(1) == y[split[s]]).float().mean().item()

    def train(model, epochs):
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        t0 = time.perf_counter()
        for _ in range(epochs):
            perm = torch.randperm(len(xtr))
            for i in range(0, len(xtr), batch):
                idx = perm[i:i + batch]
                opt.zero_grad()
                F.cross_entropy(model(xtr[idx]), ytr[idx]).backward()
                opt.step()
        return time.perf_counter() - t0

    for prec in precs.split(";"):
        w, i = (int(v) for v in prec.split(","))
        model = Mlp(layers)
        model.q = (w, i)
        params = [(lin, "weight") for lin in model.dense]
        for step in range(steps + 1):
            if step > 0:
                prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=rate)
            seconds = train(model, qat_epochs if step == 0 else prune_epochs)
            total = sum(lin.weight.numel() for lin in model.dense)
            zeros = sum(int((effective_weight(lin) == 0).sum()) for lin in model.dense)
            print(json.dumps({"precision": f"ap_fixed<{w},{i}>", "step": step,
                              "sparsity": zeros / total, "val": accuracy(model, "val"),
                              "test": accuracy(model, "test"), "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
