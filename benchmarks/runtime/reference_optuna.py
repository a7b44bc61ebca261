#!/usr/bin/env python3
"""The reference stack for the end-to-end benchmark: the quick-start global search written with
Optuna's NSGA-II (Debian's python3-optuna) and PyTorch (python3-torch), as SNAC-Pack runs it.

Same space as configs/quickstart.yaml (n_layers 1-3; units 8/16/32/64; relu|tanh; batchnorm;
log-uniform learning rate), same data (the snac HDF5 dataset with its train/val split), same
budget, epochs, batch size and optimiser (Adam); objectives: validation accuracy (max) and BOPs
(min, the `paper` convention at 32 bits, which is what snac's quick start uses).

Usage: reference_optuna.py DATA.h5 TRIALS EPOCHS BATCH POPULATION SEED OUT.json
"""
import json
import math
import sys
import time

import h5py
import numpy as np
import optuna
import torch
import torch.nn as nn


def bops_paper(layers, bits=32):
    """BOPs of dense layers (fan-in n, fan-out m): m*n*(b_a*b_w + b_a + b_w + log2 n)."""
    return sum(m * n * (bits * bits + 2 * bits + math.log2(n)) for n, m in layers)


def load_data(path):
    """The snac HDF5 dataset, flattened, with its stored split (train/val/test)."""
    with h5py.File(path, "r") as f:
        x = np.asarray(f["x"], dtype=np.float32).reshape(len(f["y"]), -1)
        y = np.asarray(f["y"], dtype=np.int64)
        split = {s: np.asarray(f["split/" + s]) for s in ("train", "val", "test")}
    return {s: (torch.from_numpy(x[i]), torch.from_numpy(y[i])) for s, i in split.items()}, \
        x.shape[1], int(y.max()) + 1


def train_epochs(model, xt, yt, epochs, batch, lr, opt=None):
    """Adam (a fresh one unless given), shuffled mini-batches, cross-entropy."""
    opt = opt or torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return opt


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def run_search(data, n_in, n_classes, trials, epochs, batch, population, seed, keep=None):
    """The global search; `keep` (a dict) receives trial number -> (model, BOPs, lr)."""
    xt, yt = data["train"]
    xv, yv = data["val"]

    def objective(trial):
        n_layers = trial.suggest_int("n_layers", 1, 3)
        units = [trial.suggest_categorical("units_%d" % i, [8, 16, 32, 64]) for i in range(n_layers)]
        activation = trial.suggest_categorical("activation", ["relu", "tanh"])
        batchnorm = trial.suggest_categorical("batchnorm", [False, True])
        lr = trial.suggest_float("learning_rate", 0.0003, 0.01, log=True)
        torch.manual_seed(trial.number)
        mods, dense, width = [], [], n_in
        for u in units:
            mods.append(nn.Linear(width, u))
            dense.append((width, u))
            if batchnorm:
                mods.append(nn.BatchNorm1d(u))
            mods.append(nn.ReLU() if activation == "relu" else nn.Tanh())
            width = u
        mods.append(nn.Linear(width, n_classes))
        dense.append((width, n_classes))
        model = nn.Sequential(*mods)
        train_epochs(model, xt, yt, epochs, batch, lr)
        acc = accuracy(model, xv, yv)
        if keep is not None:
            keep[trial.number] = (model, bops_paper(dense), lr)
        return acc, bops_paper(dense)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.NSGAIISampler(population_size=population, seed=seed)
    study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=trials)
    return study


def main():
    path, trials, epochs, batch, population, seed, out = sys.argv[1:8]
    trials, epochs, batch, population, seed = int(trials), int(epochs), int(batch), \
        int(population), int(seed)
    data, n_in, n_classes = load_data(path)
    t0 = time.time()
    study = run_search(data, n_in, n_classes, trials, epochs, batch, population, seed)
    wall = time.time() - t0
    points = [list(t.values) for t in study.trials if t.state.name == "COMPLETE"]
    json.dump({"wall_s": wall, "points": points, "threads": torch.get_num_threads()},
              open(out, "w"))


if __name__ == "__main__":
    main()
