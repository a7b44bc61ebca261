#!/usr/bin/env python3
"""PyTorch side of the training benchmark (run_bench.sh): the same model (snac architecture file),
synthetic data, optimiser (Adam, lr 1e-3), loss (cross-entropy) and batch size as bench_train.
Prints one JSON line: samples per second excluding the first epoch, and peak RSS.
Usage: torch_bench.py ARCH.yaml BATCH SAMPLES EPOCHS [THREADS]
"""
import json
import resource
import sys
import time

import numpy as np
import torch
import yaml


class DeepSets(torch.nn.Module):
    def __init__(self, phi, rho, aggregate):
        super().__init__()
        self.phi, self.rho, self.aggregate = phi, rho, aggregate

    def forward(self, x):  # x: [batch, elements, features]; phi on all elements at once
        h = self.phi(x.reshape(-1, x.shape[-1])).reshape(x.shape[0], x.shape[1], -1)
        if self.aggregate == "mean":
            h = h.mean(1)
        elif self.aggregate == "sum":
            h = h.sum(1)
        else:
            h = h.max(1).values
        return self.rho(h)


def build(layers, shape):
    mods = []
    shape = list(shape)
    for layer in layers:
        t = layer["type"]
        if t == "dense":
            mods.append(torch.nn.Linear(shape[-1], layer["units"], bias=layer.get("use_bias", True)))
            shape = [layer["units"]]
        elif t == "relu":
            mods.append(torch.nn.ReLU())
        elif t == "batchnorm":
            bn = torch.nn.BatchNorm1d if len(shape) == 1 else torch.nn.BatchNorm2d
            mods.append(bn(shape[0], eps=1e-3, momentum=0.1))
        elif t == "conv2d":
            k = layer.get("kernel", 3)
            mods.append(torch.nn.Conv2d(shape[0], layer["filters"], k))
            shape = [layer["filters"], shape[1] - k + 1, shape[2] - k + 1]
        elif t == "maxpool2d":
            s = layer.get("size", 2)
            mods.append(torch.nn.MaxPool2d(s))
            shape = [shape[0], shape[1] // s, shape[2] // s]
        elif t == "flatten":
            mods.append(torch.nn.Flatten())
            shape = [int(np.prod(shape))]
        elif t == "deepsets":
            phi, width = build(layer["phi"], [shape[1]])
            rho, out = build(layer["rho"], width)
            mods.append(DeepSets(phi, rho, layer.get("aggregate", "mean")))
            shape = out
        else:
            raise SystemExit(f"torch_bench.py: layer type {t} not supported")
    return torch.nn.Sequential(*mods), shape


def main():
    arch_path, batch, samples, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    torch.manual_seed(1)
    with open(arch_path) as f:
        arch = yaml.safe_load(f)
    model, out = build(arch["layers"], arch["input_shape"])
    x = torch.randn(samples, *arch["input_shape"])
    y = torch.randint(0, out[0], (samples,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    timed = cpu = 0.0
    for epoch in range(epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        model.train()
        perm = torch.randperm(samples)
        for i in range(0, samples, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        if epoch > 0:
            timed += time.perf_counter() - t0
            cpu += time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"trainer": "torch", "samples_per_s": round(samples * (epochs - 1) / timed, 1),
                      "cpu_samples_per_s": round(samples * (epochs - 1) / cpu, 1),
                      "peak_rss_mb": round(rss, 1), "final_train_loss": round(float(loss), 5)}))


if __name__ == "__main__":
    main()
