#!/usr/bin/env python3
"""PyTorch reference accuracy for `snac train` (the comparison in tests/integration/nn.cmake).

Trains the same architecture file with the same settings (Adam, learning rate, batch size, epochs,
cross-entropy) on the same snac HDF5 dataset and split (x is stored already normalised), for several
seeds, and prints the test accuracy of each seed and their mean as JSON. The mean is what
torch_accuracy.json records and what the integration test compares snac's accuracy with.

Usage: torch_accuracy.py DATASET.h5 ARCH.yaml --epochs 5 --batch-size 128 --lr 1e-3 [--seeds 5]
Needs python3-torch, python3-h5py, python3-yaml (Debian packages).
"""
import argparse
import json

import h5py
import numpy as np
import torch
import yaml


def build(arch):
    """torch.nn.Sequential from a snac architecture file (MLP vocabulary)."""
    shape = list(arch["input_shape"])
    width = int(np.prod(shape))
    mods = []
    for layer in arch["layers"]:
        t = layer["type"]
        if t == "flatten":
            mods.append(torch.nn.Flatten())
        elif t == "dense":
            mods.append(torch.nn.Linear(width, layer["units"], bias=layer.get("use_bias", True)))
            width = layer["units"]
        elif t == "relu":
            mods.append(torch.nn.ReLU())
        elif t == "tanh":
            mods.append(torch.nn.Tanh())
        elif t == "sigmoid":
            mods.append(torch.nn.Sigmoid())
        elif t == "batchnorm":
            # Keras-style momentum 0.9 of snac = PyTorch momentum 0.1; epsilon 1e-3 default.
            mods.append(torch.nn.BatchNorm1d(width, eps=layer.get("epsilon", 1e-3),
                                             momentum=1 - layer.get("momentum", 0.9)))
        elif t == "dropout":
            mods.append(torch.nn.Dropout(layer["rate"]))
        elif t == "softmax":
            pass  # CrossEntropyLoss applies log-softmax itself
        else:
            raise SystemExit(f"torch_accuracy.py: layer type {t} is not supported here")
    return torch.nn.Sequential(*mods)


def run(x, y, split, arch, args, seed):
    torch.manual_seed(seed)
    model = build(arch)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    xtr, ytr = x[split["train"]], y[split["train"]]
    gen = torch.Generator().manual_seed(seed)
    for _ in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), args.batch_size):
            idx = perm[i:i + args.batch_size]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(x[split["test"]]).argmax(1)
    return float((pred == y[split["test"]]).float().mean())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dataset")
    p.add_argument("arch")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seeds", type=int, default=5)
    args = p.parse_args()
    torch.set_num_threads(1)
    with h5py.File(args.dataset, "r") as f:
        x = torch.tensor(np.asarray(f["x"], dtype=np.float32))
        y = torch.tensor(np.asarray(f["y"], dtype=np.int64))
        split = {k: torch.tensor(np.asarray(f["split"][k], dtype=np.int64))
                 for k in ("train", "val", "test")}
    with open(args.arch) as f:
        arch = yaml.safe_load(f)
    accs = [run(x, y, split, arch, args, s) for s in range(args.seeds)]
    print(json.dumps({"dataset": args.dataset, "arch": args.arch, "epochs": args.epochs,
                      "batch_size": args.batch_size, "learning_rate": args.lr,
                      "torch_version": torch.__version__, "test_accuracy_per_seed": accs,
                      "test_accuracy_mean": sum(accs) / len(accs)}, indent=2))


if __name__ == "__main__":
    main()
