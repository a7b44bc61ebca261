#!/usr/bin/env python3
"""Regression tests for the defects of issue 13 (docs/reliability.md), one scenario each.

Usage: defects_test.py SCENARIO. Needs SNAC_BIN and SNAC_DATA_DIR; works in a fresh temporary
directory; reuses the study helpers of tests/integration/runtime/global_test.py.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "runtime"))
import global_test as g  # noqa: E402

SNAC = os.environ["SNAC_BIN"]
DATA = os.environ["SNAC_DATA_DIR"]


def snac(args, expect, env=None):
    p = subprocess.run([SNAC] + args, capture_output=True, text=True, timeout=600, env=env)
    if p.returncode != expect:
        print(p.stdout, p.stderr, file=sys.stderr)
        g.fail("snac %s exited %d, expected %d" % (" ".join(args), p.returncode, expect))
    return p


def scenario_all_fail():
    """Defect 1: a search whose every trial fails must not report success."""
    # (a) A config whose objective cannot be measured (no validation split) is a config error,
    # found by `config check` and by `global` before anything runs.
    g.write_config("v0.yaml", trials=4)
    text = open("v0.yaml").read().replace("val: 0.1, test: 0.2", "val: 0, test: 0.3")
    open("v0.yaml", "w").write(text)
    p = snac(["config", "check", "v0.yaml"], expect=2)
    g.check("validation split" in p.stderr, "config check: no reason given:\n" + p.stderr)
    p = snac(["global", "v0.yaml", "--out", "v0", "--no-progress"], expect=2)
    g.check(not os.path.exists(os.path.join("v0", "study.db")), "a trial ran")

    # (b) The same through a dataset file (data.path): only the loaded dataset shows it, and the
    # run stops before the first trial.
    snac(["data", "import", "--format", "idx",
          "--images", os.path.join(DATA, "mnist/t10k-images-idx3-ubyte.gz"),
          "--labels", os.path.join(DATA, "mnist/t10k-labels-idx1-ubyte.gz"),
          "--resize", "8,8", "--subset", "400", "--split", "0.8,0,0.2", "-o", "noval.h5"],
         expect=0)
    g.write_config("path.yaml", trials=4)
    text = open("path.yaml").read()
    start, end = text.index("data:"), text.index("\nsearch_space:")
    text = text[:start] + "data:\n  path: %s\n" % os.path.abspath("noval.h5") + text[end:]
    open("path.yaml", "w").write(text)
    p = snac(["global", "path.yaml", "--out", "p", "--no-progress"], expect=2)
    g.check("validation" in p.stderr, "no reason before the first trial:\n" + p.stderr)
    g.check(not g.events("p") or not any(e["event"] == "train" for e in g.events("p")),
            "a trial was trained")

    # (c) Every trial failing at run time: counted and shown with the reason, exit non-zero.
    g.write_config("f.yaml", trials=4)
    env = dict(os.environ, SNAC_TEST_FAIL_TRIALS="0,1,2,3")
    p = snac(["global", "f.yaml", "--out", "f", "--no-progress"], expect=1, env=env)
    g.check("0 complete" in p.stderr and "4 failed" in p.stderr,
            "summary does not count the failures:\n" + p.stderr)
    g.check("injected" in p.stderr, "the failure reason is not shown:\n" + p.stderr)
    g.check("no trial completed" in p.stderr, "no clear verdict:\n" + p.stderr)
    end = [e for e in g.events("f") if e["event"] == "end"][-1]
    g.check(end["complete"] == 0 and end["failed"] == 4, "events.jsonl end: %s" % end)
    g.check(all(t["state"] == "FAIL" for t in g.trials("f")), "study states")


def main():
    scenario = sys.argv[1]
    os.chdir(tempfile.mkdtemp(prefix="defects_" + scenario + "_"))
    {"all_fail": scenario_all_fail}[scenario]()
    print("PASS defects " + scenario)


if __name__ == "__main__":
    main()
