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


def scenario_paths():
    """Defect 7: the data directory defaults to the shared data beside the installation (not the
    working directory), and output.dir resolves against the config file's directory."""
    os.makedirs("sub")
    g.write_config(os.path.join("sub", "c.yaml"), trials=2)
    env = {k: v for k, v in os.environ.items() if k != "SNAC_DATA_DIR"}
    # The raw MNIST files are found without SNAC_DATA_DIR, from a directory with no ../shared.
    snac(["global", os.path.join("sub", "c.yaml"), "--no-progress"], expect=0, env=env)
    g.check(os.path.exists(os.path.join("sub", "runs", "tiny", "study.db")),
            "output.dir 'runs/tiny' did not resolve against the config's directory")
    g.check(not os.path.exists("runs"), "output.dir resolved against the working directory")
    # --out stays relative to the working directory.
    snac(["global", os.path.join("sub", "c.yaml"), "--out", "here", "--no-progress"], expect=0,
         env=env)
    g.check(os.path.exists(os.path.join("here", "study.db")), "--out not relative to the cwd")


def no_long_number(text):
    import re
    return re.search(r"[0-9]{25,}", text) is None


def scenario_messages():
    """Defect 6: flag ranges in words, --seed -1 refused, a non-architecture HDF5 file named as
    such, a damaged study page names the file and a fix, filesystem errors get a hint, a
    precision with more integer than total bits warns."""
    g.write_config("c.yaml", trials=2)
    # Numeric flags out of range: the range in words, not CLI11's DBL_MAX.
    for flag, value, words in (("--trials", "0", "whole number of at least 1"),
                               ("--trials", "-5", "whole number of at least 1"),
                               ("--seed", "-1", "whole number of at least 0")):
        p = snac(["global", "c.yaml", "--out", "x", flag, value], expect=2)
        g.check(words in p.stderr and flag in p.stderr and no_long_number(p.stderr),
                "%s %s: %s" % (flag, value, p.stderr))
    p = snac(["train", "c.yaml", "--arch", "a.yaml", "--out", "t", "--epochs", "0"], expect=2)
    g.check("from 1 to 100000" in p.stderr, "--epochs 0: " + p.stderr)
    g.check(not os.path.exists("x"), "a refused command created its run directory")

    # A snac dataset (HDF5, not a model) given to inspect / estimate.
    snac(["data", "import", "--format", "idx",
          "--images", os.path.join(DATA, "mnist/t10k-images-idx3-ubyte.gz"),
          "--labels", os.path.join(DATA, "mnist/t10k-labels-idx1-ubyte.gz"),
          "--resize", "8,8", "--subset", "300", "-o", "ds.h5"], expect=0)
    for cmd in (["inspect", "ds.h5"], ["estimate", "ds.h5", "--part", "zcu102"]):
        p = snac(cmd, expect=2)
        g.check("is a snac dataset, not a model" in p.stderr and "escape" not in p.stderr
                and "control" not in p.stderr, "%s: %s" % (cmd[0], p.stderr))

    # Precision with more integer bits than total bits: a warning that says so.
    open("a.yaml", "w").write("input_shape: [1, 8, 8]\nlayers:\n  - {type: flatten}\n"
                              "  - {type: dense, units: 10}\n  - {type: softmax}\n")
    p = snac(["estimate", "a.yaml", "--part", "zcu102", "--precision", "ap_fixed<8,12>"],
             expect=0)
    g.check("more integer bits (12) than total bits (8)" in p.stderr, "I > W: " + p.stderr)

    # A design that needs more DSP/LUT than the part has.
    open("big.yaml", "w").write("input_shape: [1, 8, 8]\nlayers:\n  - {type: flatten}\n"
                                "  - {type: dense, units: 512}\n  - {type: relu}\n"
                                "  - {type: dense, units: 10}\n")
    p = snac(["estimate", "big.yaml", "--part", "pynq-z2"], expect=0)
    g.check("does NOT fit" in p.stdout and "DSP" in p.stdout, "over the part: " + p.stdout)

    # Filesystem errors get a hint: --out below a regular file.
    open("afile", "w").write("x")
    p = snac(["global", "c.yaml", "--out", "afile/run", "--no-progress"], expect=2)
    g.check("afile" in p.stderr and "hint" in p.stderr.lower(), "--out under a file: " + p.stderr)

    # A damaged page of the study file: named, with the fix.
    snac(["global", "c.yaml", "--out", "r", "--no-progress"], expect=0)
    db = os.path.join("r", "study.db")
    size = os.path.getsize(db)
    g.check(size >= 3 * 4096, "study file too small to damage a page: %d" % size)
    with open(db, "r+b") as f:  # page 1 (the header) intact; the schema/trial pages garbage
        f.seek(4096)
        f.write(b"\xa5" * (size - 4096))
    p = snac(["study", "show", db], expect=2)
    g.check("study.db" in p.stderr and ".recover" in p.stderr, "damaged study: " + p.stderr)


def scenario_messages_hls():
    """Defect 6, HLS half: a design over the part flagged by snac hls, a collapsed fixed-point
    accuracy warned about, the fallback to random testbench inputs said on the terminal."""
    g.write_config("c.yaml", trials=2)
    open("a.yaml", "w").write("input_shape: [1, 8, 8]\nlayers:\n  - {type: flatten}\n"
                              "  - {type: dense, units: 16}\n  - {type: relu}\n"
                              "  - {type: dense, units: 10}\n  - {type: softmax}\n")
    snac(["train", "c.yaml", "--arch", "a.yaml", "--out", "t", "--epochs", "3"], expect=0)
    ds = [line.split(" on ")[1].split(" (")[0] for line in
          snac(["train", "c.yaml", "--arch", "a.yaml", "--out", "t2", "--epochs", "1"],
               expect=0).stdout.splitlines() if line.startswith("training ")][0]
    # Collapse: 4-bit types with 1 integer bit against float on the real test split.
    p = snac(["hls", "t/checkpoint.h5", "--out", "h1", "--part", "xcvu13p-flga2577-2-e",
              "--data", ds, "--samples", "200", "--precision", "ap_fixed<4,1>"], expect=0)
    g.check("collapses against float accuracy" in p.stderr, "no collapse warning: " + p.stderr)
    # Over the part: a 512-unit layer on the smallest board, flagged on the terminal.
    open("big.yaml", "w").write("input_shape: [1, 8, 8]\nlayers:\n  - {type: flatten}\n"
                                "  - {type: dense, units: 512}\n  - {type: relu}\n"
                                "  - {type: dense, units: 10}\n  - {type: softmax}\n")
    snac(["train", "c.yaml", "--arch", "big.yaml", "--out", "tb", "--epochs", "1"], expect=0)
    p = snac(["hls", "tb/checkpoint.h5", "--out", "h2", "--part", "pynq-z2", "--no-csim",
              "--data", ds], expect=0)
    g.check("does not fit xc7z020" in p.stderr and "DSP" in p.stderr,
            "over the part not flagged by snac hls:\n" + p.stdout + p.stderr)
    # Random testbench inputs: the training dataset moved away, no --data.
    os.rename(ds, ds + ".moved")
    try:
        p = snac(["hls", "t/checkpoint.h5", "--out", "h3", "--part", "xcvu13p-flga2577-2-e",
                  "--no-csim"], expect=0)
    finally:
        os.rename(ds + ".moved", ds)
    g.check("uniform random" in p.stderr and "no accuracy is measured" in p.stderr,
            "random testbench fallback not said: " + p.stderr)


def main():
    scenario = sys.argv[1]
    os.chdir(tempfile.mkdtemp(prefix="defects_" + scenario + "_"))
    {"all_fail": scenario_all_fail, "paths": scenario_paths, "messages": scenario_messages,
     "messages_hls": scenario_messages_hls}[scenario]()
    print("PASS defects " + scenario)


if __name__ == "__main__":
    main()
