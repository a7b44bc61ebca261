#!/usr/bin/env python3
"""A case-study quick config end to end, as a user runs it: `snac config check`, then one
`snac run CONFIG --out RUN` (global -> select -> local -> hls -> report); every stage records its
completion (the local stage must be enabled: a quick config exercises the whole pipeline), every
HLS design C-simulates with 0 mismatches, and the best validation metric on the global front
beats the trivial baseline of the config's own dataset (majority class / mean predictor),
computed from the dataset by case_trivial_baseline. Prints the wall time of the run.

Usage: case_test.py BASELINE_BIN CONFIG [--no-local] [run flags...]. --no-local accepts a config
whose local stage is disabled. Needs SNAC_BIN, SNAC_SOURCE_DIR,
SNAC_DATA_DIR. CONFIG is relative to SNAC_SOURCE_DIR or absolute. The config is copied into a
temporary directory (so the imported dataset and the run stay out of the source tree); the data
sources resolve against $SNAC_DATA_DIR.
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SNAC = os.environ["SNAC_BIN"]
SRC = os.environ["SNAC_SOURCE_DIR"]
BASELINE = sys.argv[1]
NO_LOCAL = "--no-local" in sys.argv[3:]
FLAGS = [a for a in sys.argv[3:] if a != "--no-local"]


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
        src = name if os.path.isabs(name) else os.path.join(SRC, name)
        shutil.copy(src, cfg)
        # search.baselines name files beside the config (configs/baselines/).
        if os.path.isdir(os.path.join(os.path.dirname(src), "baselines")):
            shutil.copytree(os.path.join(os.path.dirname(src), "baselines"),
                            os.path.join(work, "baselines"))
        checked = run([SNAC, "config", "check", cfg], work)
        # The resolved config's local section (up to the next top-level key) says whether it runs.
        section = re.search(r"^local:\n((?:[ \t].*\n)*)", checked, re.M)
        local = bool(section and re.search(r"^\s+enabled:\s*true", section.group(1), re.M))
        if not local and not NO_LOCAL:
            fail("%s does not enable the local stage" % name)
        if local and NO_LOCAL:
            fail("%s enables the local stage: drop --no-local" % name)
        run_dir = os.path.join(work, "run")
        start = time.monotonic()
        out = run([SNAC, "run", cfg, "--out", run_dir, "--no-progress"] + FLAGS, work)
        seconds = time.monotonic() - start
        for stage in ["global", "select"] + (["local"] if local else []) + ["hls", "report"]:
            if not os.path.isfile(os.path.join(run_dir, "stages", stage + ".done")):
                fail("stage %s did not record completion\n%s" % (stage, out))
        local_designs = os.path.join(run_dir, "local", "selected.yaml")
        if local and (not os.path.isfile(local_designs) or
                      "designs:" not in open(local_designs).read()):
            fail("the local stage selected no design")
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
        print("%s: snac run took %.0f s; best %s %.4f, trivial baseline %.4f, %d HLS designs" %
              (name, seconds, kind, best, baseline, len(hls)))
        if not better:
            fail("best %s %.4f does not beat the trivial baseline %.4f" % (kind, best, baseline))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
