"""Opens a snac study file with the installed Optuna and checks that it reads as snac wrote it.

usage: optuna_compat.py DB STUDY_NAME FRONT_JSON EXPECTED_TRIALS
"""
import json
import math
import shutil
import sys
import tempfile

import optuna

db, name, front_file, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
optuna.logging.set_verbosity(optuna.logging.WARNING)
print("optuna", optuna.__version__)

study = optuna.load_study(study_name=name, storage="sqlite:///" + db)
trials = study.trials
assert len(trials) == expected, (len(trials), expected)
assert [t.number for t in trials] == list(range(expected)), "trial numbers are not contiguous"
directions = [d.name for d in study.directions]
assert directions == ["MAXIMIZE", "MINIMIZE", "MINIMIZE"], directions

# Pareto front: Optuna's best_trials must be exactly snac's front.
snac_front = set(json.load(open(front_file)))
optuna_front = {t.number for t in study.best_trials}
assert snac_front == optuna_front, (sorted(snac_front), sorted(optuna_front))
print("best_trials == snac front:", len(optuna_front), "trials")

# Every parameter shows up in trials_dataframe(); conditional ones are NaN when absent.
df = study.trials_dataframe()
names = set()
for t in trials:
    names.update(t.params.keys())
for n in sorted(names):
    assert "params_" + n in df.columns, "missing column params_" + n
baselines = [t for t in trials if "snac:baseline" in t.system_attrs]
for t in baselines:  # enqueued models: no params, measured like every trial
    assert t.params == {}, (t.number, t.params)
    assert t.state != optuna.trial.TrialState.COMPLETE or "bops" in t.user_attrs, t.number
for t in trials:
    if t.state != optuna.trial.TrialState.COMPLETE or t in baselines:
        continue
    n_layers = t.params["n_layers"]
    assert n_layers in (4, 5, 6, 7, 8), n_layers
    for k in range(8):
        assert (("units_%d" % k) in t.params) == (k < n_layers), (t.number, t.params)
    assert t.params["activation"] in ("relu", "tanh", "sigmoid")
    assert t.params["units_0"] in (64, 120, 128)
    for key in ("bops", "params", "est_avg_resource_pct", "checkpoint"):
        assert key in t.user_attrs, (t.number, key)
    assert t.datetime_complete >= t.datetime_start
states = {t.state.name for t in trials}
assert "COMPLETE" in states and "FAIL" in states, states
print("trials_dataframe:", df.shape, "columns include", sorted(c for c in df.columns if c.startswith("params_"))[:4], "...")

# Optuna can continue the study itself (on a copy): its NSGA-II reads snac's trials.
with tempfile.TemporaryDirectory() as tmp:
    copy = tmp + "/copy.db"
    shutil.copy(db, copy)
    cont = optuna.load_study(study_name=name, storage="sqlite:///" + copy,
                             sampler=optuna.samplers.NSGAIISampler(population_size=20, seed=1))
    dists = max((t for t in trials if t.state.name == "COMPLETE"), key=lambda t: len(t.params)).distributions
    for _ in range(3):
        t = cont.ask(dists)
        cont.tell(t, [0.5, 1.0, 2.0])
    assert len(cont.trials) == expected + 3
print("OK")
