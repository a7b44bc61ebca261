"""Markdown table from run_compare.sh's results.jsonl: median hypervolume and per-trial cost."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
hv = defaultdict(list)     # (tool, problem, budget) -> values
cost = defaultdict(list)   # (tool, problem) -> wall ms per trial
cpu = defaultdict(list)    # (tool, problem) -> CPU ms per trial (snac)
for r in rows:
    tool = r["tool"] + ("/" + r["variant"] if "variant" in r else "")
    for k, v in r.items():
        if k.startswith("hv_"):
            hv[(tool, r["problem"], int(k[3:]))].append(v)
    cost[(tool, r["problem"])].append(r["ms_per_trial"])
    if "cpu_ms_per_trial" in r:
        cpu[(tool, r["problem"])].append(r["cpu_ms_per_trial"])

problems = ["zdt1", "zdt2", "zdt3", "dtlz2", "jetmlp"]
tools = ["optuna", "snac/optuna-like", "snac/steady-uniform", "snac/steady-sbx"]
print("| problem | budget | seeds | Optuna NSGAIISampler | snac generational (Optuna settings) | snac steady-state, uniform (snac default) | snac steady-state + SBX |")
print("|---|---|---|---|---|---|---|")
for p in problems:
    for b in (500, 2000):
        vals = [hv.get((t, p, b), []) for t in tools]
        if not all(vals):
            continue
        n = min(len(v) for v in vals)
        med = [statistics.median(v[:n]) for v in vals]
        cells = []
        for m in med:
            mark = " ✓" if m >= med[0] else ""
            cells.append("%.4f%s" % (m, mark) if m is not med[0] else "%.4f" % m)
        print("| %s | %d | %d | %s |" % (p, b, n, " | ".join(cells)))
print()
print("| per-trial cost (ms, mean over runs) | " + " | ".join(problems) + " |")
print("|---|" + "---|" * len(problems))
for t in ["optuna-sqlite", "optuna", "snac/optuna-like", "snac/steady-uniform", "snac/steady-sbx"]:
    cells = ["%.2f" % statistics.mean(cost[(t, p)]) if cost.get((t, p)) else "–" for p in problems]
    print("| %s wall | %s |" % (t, " | ".join(cells)))
    if any(cpu.get((t, p)) for p in problems):
        cells = ["%.2f" % statistics.mean(cpu[(t, p)]) if cpu.get((t, p)) else "–" for p in problems]
        print("| %s CPU | %s |" % (t, " | ".join(cells)))
