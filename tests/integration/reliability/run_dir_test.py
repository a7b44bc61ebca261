#!/usr/bin/env python3
"""Regression tests for issue 13's run-directory defects 2-4 (docs/reliability.md): an exhausted
search space, a refused run that must not write, a failed start that must not block a rerun.

Usage: run_dir_test.py SCENARIO. Needs SNAC_BIN and SNAC_DATA_DIR; works in a fresh temporary
directory; reuses the study helpers of tests/integration/runtime/global_test.py.
"""
import fcntl
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "runtime"))
import global_test as g  # noqa: E402

SNAC = os.environ["SNAC_BIN"]


def snac(args, expect, env=None, timeout=300):
    try:
        p = subprocess.run([SNAC] + args, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        g.fail("snac %s did not end within %d s" % (" ".join(args), timeout))
    if p.returncode != expect:
        print(p.stdout, p.stderr, file=sys.stderr)
        g.fail("snac %s exited %d, expected %d" % (" ".join(args), p.returncode, expect))
    return p


def replace_space(path, space):
    text = open(path).read()
    start, end = text.index("search_space:"), text.index("\nsearch:")
    open(path, "w").write(text[:start] + space + text[end:])


TWO_NETWORKS = ("search_space:\n  family: mlp\n  params:\n    n_layers: [1]\n"
                "    units_0: [8, 16]\n    activation: [relu]\n    batchnorm: [false]\n")


def scenario_exhausted():
    """Defect 2: a budget far beyond the space's distinct networks stops when the space is
    exhausted and says so; the largest budget (2^40) does not overflow and a larger one is
    refused; nothing is left RUNNING."""
    for mode in ("steady_state", "generational"):
        cfg = "two_%s.yaml" % mode
        g.write_config(cfg, trials=6, population=2, mode=mode,
                       **{"runtime.embedded_trainers": 2})
        replace_space(cfg, TWO_NETWORKS)
        out = "run_" + mode
        # The largest int64 is refused before anything is written (it once went into
        # config.yaml, which --resume then could not read back).
        p = snac(["global", cfg, "--out", out, "--no-progress", "--trials", str(2**63 - 1)],
                 expect=2)
        g.check("2^40" in p.stderr and not os.path.exists(out),
                "--trials 2^63-1: no clear refusal, or files written:\n" + p.stderr)
        p = snac(["global", cfg, "--out", out, "--no-progress", "--trials", str(2**40)],
                 expect=0, timeout=240)
        g.check("exhausted" in p.stderr and "2 distinct networks" in p.stderr,
                "the exhaustion is not reported:\n" + p.stderr)
        ts = g.trials(out)
        g.check(len(ts) == 2 and all(t["state"] == "COMPLETE" for t in ts),
                "%s: expected the 2 distinct networks trained once each, got %s"
                % (mode, [(t["number"], t["state"]) for t in ts]))
        end = [e for e in g.events(out) if e["event"] == "end"][-1]
        g.check("exhausted" in end.get("exhausted", ""), "events.jsonl end: %s" % end)
        # Resuming an exhausted study asks nothing and ends at once.
        p = snac(["global", cfg, "--out", out, "--no-progress", "--resume"], expect=0, timeout=120)
        g.check(len(g.trials(out)) == 2, "resume of an exhausted study added trials")


def scenario_signal_duplicates():
    """Defect 2: SIGTERM while the coordinator works through a small space is obeyed at once,
    exit 0, nothing left RUNNING. The pause hook holds each finished trial so the signal lands
    mid-run."""
    cfg = "small.yaml"
    g.write_config(cfg, trials=1000, population=2, **{"runtime.embedded_trainers": 1})
    replace_space(cfg, "search_space:\n  family: mlp\n  params:\n    n_layers: [1]\n"
                  "    units_0: [8, 16, 32, 64]\n    activation: [relu, tanh]\n"
                  "    batchnorm: [false]\n")
    env = dict(os.environ, SNAC_TEST_PAUSE_MS="400")
    proc = subprocess.Popen([SNAC, "global", cfg, "--out", "run", "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    g.wait_for(lambda: any(e["event"] == "finish" for e in g.events("run")), proc, "a finish")
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        g.fail("SIGTERM was not obeyed within 120 s")
    g.check(proc.returncode == 0, "exit %d after SIGTERM:\n%s" % (proc.returncode, err))
    ts = g.trials("run")
    g.check(all(t["state"] != "RUNNING" for t in ts), "a trial was left RUNNING")
    snac(["global", cfg, "--out", "run", "--no-progress", "--resume"], expect=0, timeout=240)
    ts = g.trials("run")
    g.check(all(t["state"] != "RUNNING" for t in ts), "a trial was left RUNNING after resume")
    counted = [t for t in ts if not t["system"].get("snac:interrupted")]
    keys = [str(sorted(t["params"].items())) for t in counted]
    g.check(len(counted) == 8 and len(set(keys)) == 8,
            "expected the 8 distinct networks once each, got %d (%d distinct)"
            % (len(counted), len(set(keys))))


def scenario_locked():
    """Defect 3: a second writer on a locked run directory exits 2 and writes nothing."""
    g.write_config("a.yaml", trials=2)
    snac(["global", "a.yaml", "--out", "run", "--no-progress"], expect=0, timeout=240)
    before = {n: open(os.path.join("run", n), "rb").read() for n in ("config.yaml",)}
    mtimes = {n: os.stat(os.path.join("run", n)).st_mtime_ns for n in os.listdir("run")}
    g.write_config("b.yaml", trials=4)  # another budget: would be written into config.yaml
    # Hold the lock as a running writer does (the same advisory lock snac takes).
    fd = os.open(os.path.join("run", "run.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        p = snac(["global", "b.yaml", "--out", "run", "--no-progress", "--resume"], expect=2)
        g.check("locked" in p.stderr, "the refusal does not say why:\n" + p.stderr)
        p = snac(["run", "b.yaml", "--out", "run", "--no-progress", "--resume"], expect=2)
        g.check("locked" in p.stderr, "snac run: the refusal does not say why:\n" + p.stderr)
    finally:
        os.close(fd)
    g.check(open(os.path.join("run", "config.yaml"), "rb").read() == before["config.yaml"],
            "a refused run rewrote config.yaml")
    for n in os.listdir("run"):
        g.check(mtimes.get(n) == os.stat(os.path.join("run", n)).st_mtime_ns,
                "a refused run wrote %s" % n)


def scenario_changed_settings():
    """Defect 3: --resume with changed training settings is refused, naming the keys, and
    writes nothing; a changed budget or time limit is allowed."""
    g.write_config("a.yaml", trials=2)
    snac(["global", "a.yaml", "--out", "run", "--no-progress"], expect=0, timeout=240)
    config_before = open(os.path.join("run", "config.yaml")).read()
    text = open("a.yaml").read().replace("epochs: 1", "epochs: 2")
    open("b.yaml", "w").write(text.replace("batch_size: 128", "batch_size: 64"))
    for cmd in ("global", "run"):
        p = snac([cmd, "b.yaml", "--out", "run", "--no-progress", "--resume"], expect=2)
        g.check("train.epochs" in p.stderr and "train.batch_size" in p.stderr,
                "snac %s: the changed keys are not named:\n%s" % (cmd, p.stderr))
        g.check(open(os.path.join("run", "config.yaml")).read() == config_before,
                "snac %s: a refused resume rewrote config.yaml" % cmd)
    g.check(len(g.trials("run")) == 2, "a refused resume ran trials")
    # A larger budget is what --resume is for.
    snac(["global", "a.yaml", "--out", "run", "--no-progress", "--resume", "--trials", "3"],
         expect=0, timeout=240)
    g.check(len(g.trials("run")) == 3, "the larger budget was not run")


def scenario_failed_start():
    """Defect 4: a start that fails (corrupt dataset, an activation the architecture language
    lacks) leaves nothing behind, so the same command can run again."""
    # (a) A corrupt dataset file.
    open("corrupt.h5", "wb").write(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
    g.write_config("c.yaml", trials=2)
    text = open("c.yaml").read()
    start, end = text.index("data:"), text.index("\nsearch_space:")
    open("c.yaml", "w").write(text[:start] + "data:\n  path: %s\n" % os.path.abspath("corrupt.h5")
                              + text[end:])
    for _ in range(2):  # the same command twice: the second must fail for the same reason
        p = snac(["global", "c.yaml", "--out", "bad", "--no-progress"], expect=2)
        g.check("already holds" not in p.stderr, "a failed start blocks the rerun:\n" + p.stderr)
    g.check(not os.path.exists("bad"), "a failed start left %s" %
            (sorted(os.listdir("bad")) if os.path.isdir("bad") else "a file"))
    # An existing (empty) directory given as --out keeps existing, and stays empty.
    os.mkdir("empty")
    snac(["global", "c.yaml", "--out", "empty", "--no-progress"], expect=2)
    g.check(os.listdir("empty") == [], "a failed start left %s" % os.listdir("empty"))

    # (b) An activation the architecture language lacks: a config error for `config check` and
    # for `global`, before any file is written.
    g.write_config("v.yaml", trials=2)
    text = open("v.yaml").read().replace("activation: [relu, tanh]", "activation: [relu, swish]")
    open("v.yaml", "w").write(text)
    p = snac(["config", "check", "v.yaml"], expect=2)
    g.check("swish" in p.stderr and "activation" in p.stderr,
            "config check does not name the value:\n" + p.stderr)
    for _ in range(2):
        p = snac(["global", "v.yaml", "--out", "vocab", "--no-progress"], expect=2)
        g.check("swish" in p.stderr, "global does not name the value:\n" + p.stderr)
    g.check(not os.path.exists("vocab"), "a refused start left the run directory")


def main():
    scenario = sys.argv[1]
    os.chdir(tempfile.mkdtemp(prefix="run_dir_" + scenario + "_"))
    {"exhausted": scenario_exhausted, "signal_duplicates": scenario_signal_duplicates,
     "locked": scenario_locked, "changed_settings": scenario_changed_settings,
     "failed_start": scenario_failed_start}[scenario]()
    print("PASS run_dir " + scenario)


if __name__ == "__main__":
    main()
