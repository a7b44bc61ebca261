"""Optuna's NSGAIISampler on the benchmark problems of benchmarks/search/compare.cpp.

Prints one JSON line per run: problem, seed, hypervolume after each budget, seconds per trial.
usage: optuna_problems.py PROBLEMS SEEDS BUDGETS STORAGE_DIR|memory
"""
import json
import math
import os
import sys
import time

import optuna
from optuna._hypervolume import WFG

optuna.logging.set_verbosity(optuna.logging.WARNING)

# Reference points (minimisation form), identical to compare.cpp.
REF = {
    "zdt1": [1.1, 11.0], "zdt2": [1.1, 11.0], "zdt3": [1.1, 11.0],
    "dtlz2": [3.5, 3.5, 3.5], "jetmlp": [-0.4, 40.0],
}
JET_WIDTHS = [[64, 120, 128], [32, 60, 64], [16, 32], [32, 64], [32, 64], [32, 64], [16, 32], [32, 44, 64]]


def zdt(trial, kind):
    x = [trial.suggest_float("x%d" % i, 0.0, 1.0) for i in range(30)]
    g = 1 + 9 * sum(x[1:]) / 29
    f1 = x[0]
    if kind == 1:
        h = 1 - math.sqrt(f1 / g)
    elif kind == 2:
        h = 1 - (f1 / g) ** 2
    else:
        h = 1 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10 * math.pi * f1)
    return f1, g * h


def dtlz2(trial):
    x = [trial.suggest_float("x%d" % i, 0.0, 1.0) for i in range(12)]
    g = sum((xi - 0.5) ** 2 for xi in x[2:])
    c = [math.cos(xi * math.pi / 2) for xi in x[:2]]
    s = [math.sin(xi * math.pi / 2) for xi in x[:2]]
    return (1 + g) * c[0] * c[1], (1 + g) * c[0] * s[1], (1 + g) * s[0]


def jetmlp(trial):
    n = trial.suggest_categorical("n_layers", [4, 5, 6, 7, 8])
    widths = [trial.suggest_categorical("units_%d" % k, JET_WIDTHS[k]) for k in range(n)]
    act = trial.suggest_categorical("activation", ["relu", "tanh", "sigmoid"])
    bn = trial.suggest_categorical("batchnorm", [True, False])
    lr = trial.suggest_categorical("learning_rate", [0.001, 0.0015, 0.002])
    l1 = trial.suggest_categorical("l1", [0.0, 1e-6, 1e-5, 1e-4])
    drop = trial.suggest_categorical("dropout", [0.0, 0.05, 0.1])
    return jet_objective(widths, act, bn, lr, l1, drop)


def jet_objective(widths, act, bn, lr, l1, drop):
    """A cheap deterministic stand-in for (accuracy, kBOPs/1e3) shaped like the jet MLP space."""
    params, prev = 0, 24
    for w in widths + [5]:
        params += prev * w + w
        prev = w
    acc = (0.55 + 0.25 * (1 - math.exp(-params / 15000.0)) + {"relu": 0.02, "tanh": 0.01, "sigmoid": 0.0}[act]
           + (0.01 if bn else 0.0) - 8 * abs(lr - 0.0015) - 200 * l1 - 0.1 * abs(drop - 0.05)
           - 0.004 * abs(len(widths) - 6))
    return -acc, params * 1024 / 1e6


def objective(name):
    if name.startswith("zdt"):
        kind = int(name[3])
        return lambda t: zdt(t, kind)
    return {"dtlz2": dtlz2, "jetmlp": jetmlp}[name]


def hv(study, n, ref):
    pts = []
    for t in study.trials[:n]:
        if t.state.name != "COMPLETE":
            continue
        v = list(t.values)
        if all(vi < ri for vi, ri in zip(v, ref)):
            pts.append(v)
    if not pts:
        return 0.0
    import numpy as np
    arr = np.asarray(pts, dtype=float)
    # Non-dominated filter, then Optuna's own exact WFG.
    keep = [i for i in range(len(arr)) if not any(
        (arr[j] <= arr[i]).all() and (arr[j] < arr[i]).any() for j in range(len(arr)) if j != i)]
    return float(WFG().compute(arr[keep], np.asarray(ref, dtype=float)))


def main():
    problems = sys.argv[1].split(",")
    seeds = [int(s) for s in sys.argv[2].split(",")]
    budgets = [int(b) for b in sys.argv[3].split(",")]
    where = sys.argv[4]
    for name in problems:
        n_obj = len(REF[name])
        for seed in seeds:
            storage = None
            if where != "memory":
                path = os.path.join(where, "optuna_%s_%d.db" % (name, seed))
                if os.path.exists(path):
                    os.remove(path)
                storage = "sqlite:///" + path
            study = optuna.create_study(directions=["minimize"] * n_obj, storage=storage,
                                        sampler=optuna.samplers.NSGAIISampler(seed=seed))
            t0 = time.perf_counter()
            study.optimize(objective(name), n_trials=max(budgets))
            sec = time.perf_counter() - t0
            out = {"tool": "optuna", "problem": name, "seed": seed, "storage": where != "memory",
                   "trials": max(budgets), "ms_per_trial": 1000 * sec / max(budgets)}
            for b in budgets:
                out["hv_%d" % b] = hv(study, b, REF[name])
            print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
