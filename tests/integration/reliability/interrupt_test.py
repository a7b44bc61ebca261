#!/usr/bin/env python3
"""Defect 5 of issue 13: one Ctrl-C stops every command promptly with consistent files; a second
Ctrl-C exits at once; SIGTERM to mpirun ends with exit 0 and a resumable study.

Usage: interrupt_test.py SCENARIO (train, surrogate, hls, run, second, local, local_second,
mpirun). Needs SNAC_BIN
and SNAC_DATA_DIR (MPIEXEC for mpirun). Ctrl-C is SIGINT to the whole process group, as a
terminal sends it. No scenario relies on timing: each waits for a sign that the command is in
the middle of its work (a printed epoch, a running compiler, a finished trial held by the
SNAC_TEST_PAUSE_MS hook) before it signals. The timeouts only turn a hang into a failure.
"""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "runtime"))
import global_test as g  # noqa: E402

SNAC = os.environ["SNAC_BIN"]
DATA = os.environ["SNAC_DATA_DIR"]
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")
HANG = 300  # seconds after which a command that should have stopped counts as hung

MLP = """input_shape: [1, 8, 8]
layers:
  - {type: flatten}
  - {type: dense, units: 16}
  - {type: relu}
  - {type: dense, units: 10}
  - {type: softmax}
"""


def start(args, env=None):
    """Starts snac in its own session (process group), stdout/stderr to files."""
    out, err = open("out.txt", "w"), open("err.txt", "w")
    return subprocess.Popen(args, stdout=out, stderr=err, env=env, start_new_session=True)


def wait_for(what, cond, proc=None, timeout=HANG):
    t0 = time.time()
    while not cond():
        if proc is not None and proc.poll() is not None:
            show()
            g.fail("the command ended (exit %s) before %s" % (proc.returncode, what))
        if time.time() - t0 > timeout:
            if proc is not None:
                os.killpg(proc.pid, signal.SIGKILL)
            g.fail("timed out waiting for " + what)
        time.sleep(0.1)


def show():
    for f in ("out.txt", "err.txt"):
        if os.path.exists(f):
            print("---- " + f + "\n" + open(f).read(), file=sys.stderr)


def ctrl_c(proc):
    os.killpg(proc.pid, signal.SIGINT)


def finish(proc, expect, what):
    try:
        rc = proc.wait(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        g.fail(what + ": did not stop within %d s of the signal" % HANG)
    if rc != expect:
        show()
        g.fail("%s: exit %d, expected %d" % (what, rc, expect))


def text(path):
    return open(path).read() if os.path.exists(path) else ""


def session_alive(sid):
    """Pids still in session `sid` (the command and any child it started)."""
    alive = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.getsid(int(pid)) == sid:
                alive.append(int(pid))
        except OSError:
            pass
    return alive


def children(pid):
    kids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            stat = open("/proc/%s/stat" % p).read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            kids.append(int(p))
    return kids


def no_temporaries(d):
    left = [f for _, _, fs in os.walk(d) for f in fs if ".tmp" in f or f.startswith(".")]
    g.check(not left, "temporary files left in %s: %s" % (d, left))


def tiny_config(path="config.yaml", extra=""):
    text_ = """data:
  name: mnist8x8_interrupt
  path: %s/mnist8x8_interrupt.h5
  source: {format: idx, images: mnist/t10k-images-idx3-ubyte.gz,
           labels: mnist/t10k-labels-idx1-ubyte.gz, resize: [8, 8], subset: 1000}
  normalize: standardize
  split: {train: 0.7, val: 0.1, test: 0.2, seed: 1}
train: {epochs: 2, batch_size: 64, threads: 1}
%s""" % (os.getcwd(), extra)
    open(path, "w").write(text_)
    open("mlp.yaml", "w").write(MLP)


def scenario_train():
    """snac train: Ctrl-C stops between batches; the weights so far are written (status
    stopped), both files are whole, exit 130."""
    tiny_config()
    p = start([SNAC, "train", "config.yaml", "--arch", "mlp.yaml", "--out", "t",
               "--epochs", "100000"])
    wait_for("the first epoch", lambda: "epoch" in text("out.txt"), p)
    ctrl_c(p)
    finish(p, 130, "snac train after Ctrl-C")
    g.check("interrupted" in text("err.txt"), "no 'interrupted' message:\n" + text("err.txt"))
    m = json.load(open("t/metrics.json"))
    g.check(m["status"] == "stopped", "metrics.json status %s" % m["status"])
    subprocess.run([SNAC, "inspect", "t/checkpoint.h5"], check=True, capture_output=True)
    no_temporaries("t")


def scenario_surrogate():
    """snac surrogate fit: Ctrl-C stops the learned model's training; nothing is written."""
    d = os.path.join(DATA, "wa-hls4ml")
    env = dict(os.environ, SNAC_TEST_PAUSE_MS="600000")
    p = start([SNAC, "surrogate", "fit", "--model", "learned", "--epochs", "100000",
               "--records", os.path.join(d, "results_latency.csv"),
               "--records", os.path.join(d, "results_resource.csv"), "--out", "m.h5"], env=env)
    wait_for("the fit to start", lambda: "fitting the learned model" in text("err.txt"), p)
    ctrl_c(p)
    finish(p, 130, "snac surrogate fit after Ctrl-C")
    g.check("nothing was written" in text("err.txt"), "message:\n" + text("err.txt"))
    g.check(not os.path.exists("m.h5"), "an interrupted fit wrote its model")
    no_temporaries(".")


def scenario_hls():
    """snac hls: Ctrl-C while the C simulation compiles ends snac and its compiler at once;
    SIGTERM to snac alone also ends the compiler (it must not run on as an orphan)."""
    tiny_config()
    subprocess.run([SNAC, "train", "config.yaml", "--arch", "mlp.yaml", "--out", "t"],
                   check=True, capture_output=True)
    for sig, whole_group in ((signal.SIGINT, True), (signal.SIGTERM, False)):
        out = "h_%d" % sig
        p = start([SNAC, "hls", "t/checkpoint.h5", "--config", "config.yaml", "--out", out,
                   "--part", "xcvu13p-flga2577-2-e"])
        wait_for("the compiler to start", lambda: children(p.pid), p)
        if whole_group:
            ctrl_c(p)
        else:
            os.kill(p.pid, sig)
        finish(p, -sig, "snac hls after signal %d" % sig)
        wait_for("the compiler to end", lambda: not session_alive(p.pid), timeout=60)


def run_config(trials, epochs=2, extra="", local="qat_epochs: 1, pruning_steps: 1"):
    tiny_config(extra="""search_space:
  family: mlp
  params:
    n_layers: {int: [1, 2]}
    units_0: [8, 16]
    units_1: {values: [8, 16], when: "n_layers >= 2"}
    activation: [relu]
search:
  objectives: [{metric: accuracy, direction: maximize}, {metric: bops, direction: minimize}]
  trials: %d
  population: 4
  seed: 3
select: {rule: knee, count: 1}
local: {enabled: true, precisions: [8], %s, pruning_epochs: 1}
hls: {part: xcvu13p-flga2577-2-e, precision: "ap_fixed<16,6>"}
%s""" % (trials, local, extra))
    text_ = open("config.yaml").read().replace("epochs: 2,", "epochs: %d," % epochs)
    open("config.yaml", "w").write(text_)


def trial_started(run_dir):
    """A trial was handed to a trainer (SNAC_TEST_PAUSE_MS then holds it until the signal)."""
    ev = text(os.path.join(run_dir, "events.jsonl"))
    return '"event":"train"' in ev or '"event": "train"' in ev


def train_events(run_dir):
    ev = text(os.path.join(run_dir, "events.jsonl"))
    return ev.count('"event":"train"') + ev.count('"event": "train"')


def study_states(run_dir):
    db = sqlite3.connect(os.path.join(run_dir, "study.db"))
    return [r[0] for r in db.execute("select state from trials")]


def scenario_run():
    """snac run mid-stage: Ctrl-C drains the global stage (exit 0, nothing RUNNING, no
    global.done), and --resume completes every stage."""
    run_config(trials=4)
    env = dict(os.environ, SNAC_TEST_PAUSE_MS="600000")
    p = start([SNAC, "run", "config.yaml", "--out", "r", "--no-progress"], env=env)
    wait_for("a trial in training", lambda: trial_started("r"), p)
    ctrl_c(p)
    finish(p, 0, "snac run after Ctrl-C")
    g.check("stopped on request" in text("err.txt"), "no drain message:\n" + text("err.txt"))
    g.check(not os.path.exists("r/stages/global.done"), "global.done after an interruption")
    g.check("RUNNING" not in study_states("r"), "a trial left RUNNING: %s" % study_states("r"))
    p = subprocess.run([SNAC, "run", "config.yaml", "--out", "r", "--resume", "--no-progress"],
                       capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        print(p.stdout, p.stderr, file=sys.stderr)
        g.fail("--resume after Ctrl-C exited %d" % p.returncode)
    for s in ("global", "select", "local", "hls", "report"):
        g.check(os.path.exists("r/stages/%s.done" % s), "no %s.done after --resume" % s)


def scenario_second():
    """A second Ctrl-C exits at once: the first one drains, which waits for the running trial
    (runtime.drain_timeout 600 s, a trial of 100000 epochs); the second ends snac by SIGINT."""
    run_config(trials=2, epochs=100000, extra="runtime: {drain_timeout: 600}\n")
    p = start([SNAC, "global", "config.yaml", "--out", "r", "--no-progress"])
    wait_for("a running trial", lambda: trial_started("r"), p)
    ctrl_c(p)
    wait_for("the drain to begin", lambda: "drain" in text("err.txt") or
             "stop" in text("err.txt"), p)
    g.check(p.poll() is None, "the first Ctrl-C ended the run at once")
    ctrl_c(p)
    finish(p, -signal.SIGINT, "snac global after a second Ctrl-C")


def step_checkpoints(run_dir):
    found = []
    for root, _, files in os.walk(os.path.join(run_dir, "local")):
        # stepNN.h5 (the firmware's weights; stepNN.master.h5 beside it holds the float master)
        found += [os.path.join(root, f) for f in files if re.fullmatch(r"step\d\d\.h5", f)]
    return sorted(found)


def global_and_select(extra="", local="qat_epochs: 1, pruning_steps: 3"):
    """A run directory whose global and select stages are done (the local stage's input)."""
    run_config(trials=2, extra=extra, local=local)
    p = subprocess.run([SNAC, "run", "config.yaml", "--out", "r", "--until", "select",
                        "--no-progress"], capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        print(p.stdout, p.stderr, file=sys.stderr)
        g.fail("snac run --until select exited %d" % p.returncode)


def local_studies_running(run_dir):
    db = sqlite3.connect(os.path.join(run_dir, "study.db"))
    return db.execute("select count(*) from trials where state = 'RUNNING'").fetchone()[0]


def scenario_local():
    """snac local: Ctrl-C after a finished step (held by SNAC_TEST_PAUSE_MS) stops the stage
    (exit 0, 'stopped on request', no local.done); every step checkpoint is whole, nothing is
    RUNNING, no temporary is left; --resume finishes the chain to every step, none twice."""
    global_and_select()
    env = dict(os.environ, SNAC_TEST_PAUSE_MS="600000")
    p = start([SNAC, "local", "r"], env=env)
    wait_for("a finished local step", lambda: step_checkpoints("r"), p)
    ctrl_c(p)
    finish(p, 0, "snac local after Ctrl-C")
    g.check("stopped on request" in text("err.txt"), "no stop message:\n" + text("err.txt"))
    g.check(not os.path.exists("r/stages/local.done"), "local.done after an interruption")
    kept = step_checkpoints("r")
    g.check(0 < len(kept) < 4, "steps kept after Ctrl-C: %s" % kept)
    for f in kept:
        subprocess.run([SNAC, "inspect", f], check=True, capture_output=True)
    g.check(local_studies_running("r") == 0, "a local step left RUNNING")
    no_temporaries("r/local")
    p = subprocess.run([SNAC, "local", "r", "--resume"], capture_output=True, text=True,
                       timeout=900)
    if p.returncode != 0:
        print(p.stdout, p.stderr, file=sys.stderr)
        g.fail("snac local --resume after Ctrl-C exited %d" % p.returncode)
    g.check(os.path.exists("r/stages/local.done"), "no local.done after --resume")
    rows = [l for l in open("r/local/summary.csv").read().splitlines()[1:] if l.strip()]
    g.check(len(rows) == 4, "summary.csv has %d step rows, expected 4 (steps 0-3):\n%s" %
            (len(rows), "\n".join(rows)))
    g.check(len(step_checkpoints("r")) == 4, "step checkpoints: %s" % step_checkpoints("r"))
    for f in step_checkpoints("r"):
        subprocess.run([SNAC, "inspect", f], check=True, capture_output=True)


def scenario_local_second():
    """snac local training an --arch model in float first (train.epochs 100000): the first
    Ctrl-C waits runtime.drain_timeout (600 s) for the training, a second ends snac by SIGINT
    at once; with drain_timeout 1 s one Ctrl-C stops the training (exit 0, nothing written)."""
    for timeout in (600, 1):
        tiny_config(extra="runtime: {drain_timeout: %d}\n" % timeout)
        text_ = open("config.yaml").read().replace("epochs: 2,", "epochs: 100000,")
        open("config.yaml", "w").write(text_)
        out = "r%d" % timeout
        p = start([SNAC, "local", out, "--config", "config.yaml", "--arch", "mlp.yaml"])
        wait_for("the float training", lambda: "in float first" in text("err.txt"), p)
        ctrl_c(p)
        if timeout == 600:
            time.sleep(1)  # only gives a wrongly fatal first signal the time to act
            g.check(p.poll() is None, "the first Ctrl-C ended snac local at once")
            ctrl_c(p)
            finish(p, -signal.SIGINT, "snac local after a second Ctrl-C")
        else:
            finish(p, 0, "snac local after one Ctrl-C (drain_timeout 1 s)")
            g.check("nothing was written" in text("err.txt"), "message:\n" + text("err.txt"))
            g.check(not os.path.exists(os.path.join(out, "local")),
                    "an interrupted float training left files in %s/local" % out)


def scenario_mpirun():
    """SIGTERM to mpirun: the study stays resumable and --resume finishes it to the budget.
    Open MPI 4.1's mpirun forwards SIGTERM to the ranks, SIGKILLs them 1 s later
    (odls_base_sigkill_timeout) and exits 1 even when every rank exited 0, so its exit code is
    not snac's to give (docs/reliability.md#sigterm-to-mpirun); scripts/mpirun_drain.sh turns
    SIGTERM/Ctrl-C into SIGUSR1, which mpirun forwards and waits for: exit 0 (mpirun_drain)."""
    run_config(trials=6)
    env = dict(os.environ, SNAC_TEST_PAUSE_MS="600000")
    p = start([MPIEXEC, "-n", "2"] + g.MPI_FLAGS + [SNAC, "global", "config.yaml", "--out", "r",
                                                      "--no-progress"], env=env)
    wait_for("a trial in training", lambda: trial_started("r"), p)
    os.kill(p.pid, signal.SIGTERM)
    try:
        p.wait(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        g.fail("mpirun did not stop within %d s of SIGTERM" % HANG)
    wait_for("the ranks to end after mpirun", lambda: not session_alive(p.pid), timeout=60)
    p = subprocess.run([SNAC, "global", "config.yaml", "--out", "r", "--resume",
                        "--no-progress"], capture_output=True, text=True, timeout=900)
    g.check(p.returncode == 0, "--resume after SIGTERM exited %d:\n%s" % (p.returncode, p.stderr))
    states = study_states("r")
    g.check(states.count("COMPLETE") == 6, "not 6 COMPLETE trials after --resume: %s" % states)


def scenario_mpirun_drain():
    """SIGTERM, then Ctrl-C, to scripts/mpirun_drain.sh (mpirun whose TERM/INT/HUP reach the
    ranks as SIGUSR1): exit 0, nothing RUNNING, and --resume finishes the study to the budget
    with every trial once. (SIGTERM to mpirun itself exits 1: scenario mpirun.)"""
    wrapper = os.path.join(os.environ["SNAC_SOURCE_DIR"], "scripts", "mpirun_drain.sh")
    run_config(trials=6)
    env = dict(os.environ, SNAC_TEST_PAUSE_MS="600000")
    for sig in (signal.SIGTERM, signal.SIGINT):
        p = start([wrapper, "-n", "2"] + g.MPI_FLAGS + [SNAC, "global", "config.yaml", "--out",
                                                        "r", "--resume", "--no-progress"],
                  env=env)
        before = train_events("r")
        wait_for("a trial in training", lambda: train_events("r") > before, p)
        if sig == signal.SIGINT:
            ctrl_c(p)  # as a terminal sends it: to the whole foreground process group
        else:
            os.kill(p.pid, sig)
        finish(p, 0, "mpirun_drain.sh after signal %d" % sig)
        wait_for("the ranks to end", lambda: not session_alive(p.pid), timeout=60)
        g.check("stopped on request" in text("err.txt") or "drain" in text("err.txt"),
                "no drain message:\n" + text("err.txt"))
        g.check("RUNNING" not in study_states("r"), "RUNNING after a drain: %s" %
                study_states("r"))
    p = subprocess.run([SNAC, "global", "config.yaml", "--out", "r", "--resume",
                        "--no-progress"], capture_output=True, text=True, timeout=900)
    g.check(p.returncode == 0, "--resume after the drains exited %d:\n%s" %
            (p.returncode, p.stderr))
    states = study_states("r")
    g.check(states.count("COMPLETE") == 6, "not 6 COMPLETE trials after --resume: %s" % states)
    g.check(len(states) == 6, "trials run twice or failed: %s" % states)


def main():
    scenario = sys.argv[1]
    os.chdir(tempfile.mkdtemp(prefix="interrupt_" + scenario + "_"))
    {"train": scenario_train, "surrogate": scenario_surrogate, "hls": scenario_hls,
     "run": scenario_run, "second": scenario_second, "local": scenario_local,
     "local_second": scenario_local_second, "mpirun": scenario_mpirun,
     "mpirun_drain": scenario_mpirun_drain}[scenario]()
    print("PASS interrupt " + scenario)


if __name__ == "__main__":
    main()
