#!/usr/bin/env python3
"""A case-study quick config end to end, as a user runs it: config check, global, select, local
(when the config enables it), hls, report; every stage completes, and the best validation metric
on the global front beats the trivial baseline of the config's own dataset (majority class /
mean predictor), computed from the dataset by case_trivial_baseline.

Usage: case_test.py BASELINE_BIN CONFIG [global flags...]. Needs SNAC_BIN, SNAC_SOURCE_DIR,
SNAC_DATA_DIR. The config is copied into a temporary directory (so the imported dataset and
the run stay out of the source tree); the data sources resolve against $SNAC_DATA_DIR.
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

SNAC = os.environ["SNAC_BIN"]
SRC = os.environ["SNAC_SOURCE_DIR"]
BASELINE = sys.argv[1]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(args, cwd):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        fail("%s exited %d\n%s\n%s" % (args, p.returncode, p.stdout, p.stderr))
    return p.stdout


def main():
    name = sys.argv[2]
    work = tempfile.mkdtemp(prefix="snac-case-")
    try:
        cfg = os.path.join(work, os.path.basename(name))
        shutil.copy(os.path.join(SRC, name), cfg)
        checked = run([SNAC, "config", "check", cfg], work)
        # The resolved config's local section (up to the next top-level key) says whether it runs.
        section = re.search(r"^local:\n((?:[ \t].*\n)*)", checked, re.M)
        local = bool(section and re.search(r"^\s+enabled:\s*true", section.group(1), re.M))
        run_dir = os.path.join(work, "run")
        run([SNAC, "global", cfg, "--out", run_dir, "--no-progress"] + sys.argv[3:], work)
        run([SNAC, "select", run_dir], work)
        if local:
            run([SNAC, "local", run_dir], work)
        run([SNAC, "hls", run_dir, "--threads", "2"], work)
        run([SNAC, "report", run_dir], work)
        for stage in ["select"] + (["local"] if local else []) + ["hls", "report"]:
            if not os.path.isfile(os.path.join(run_dir, "stages", stage + ".done")):
                fail("stage %s did not record completion" % stage)
        hls = list(csv.DictReader(open(os.path.join(run_dir, "hls", "summary.csv"))))
        if not hls or any(r["status"] != "ok" for r in hls):
            fail("HLS stage: %s" % hls)
        if not os.path.isfile(os.path.join(run_dir, "report", "index.html")):
            fail("no report/index.html")

        kind, value = run([BASELINE, cfg], work).split()
        baseline = float(value)
        front = list(csv.DictReader(open(os.path.join(run_dir, "pareto_global.csv"))))
        col = next((c for c in (kind, "val_" + kind) if front and c in front[0]), None)
        if col is None:
            fail("pareto_global.csv has no %s column: %s" % (kind, front[0] if front else front))
        values = [float(r[col]) for r in front if r[col] not in ("", "nan")]
        if not values:
            fail("no finite %s on the front" % col)
        best = max(values) if kind == "accuracy" else min(values)
        better = best > baseline if kind == "accuracy" else best < baseline
        print("%s: best %s %.4f, trivial baseline %.4f, %d designs" %
              (name, kind, best, baseline, len(hls)))
        if not better:
            fail("best %s %.4f does not beat the trivial baseline %.4f" % (kind, best, baseline))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
