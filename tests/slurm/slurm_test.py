#!/usr/bin/env python3
"""The batch contract under a real (one-node) Slurm: scripts/slurm/*.sbatch submitted with sbatch.

Usage: slurm_test.py SCENARIO   (pmix | nompi | batch | timelimit | scancel)
Needs the cluster of tests/slurm/cluster.sh (ctest fixture), SNAC_BIN and SNAC_DATA_DIR. Each
scenario works in a fresh directory under the build tree and checks the study with the helpers
of tests/integration/runtime/global_test.py (contiguous trials, exact budget, every interrupted
trial re-run exactly once, checkpoints present).
"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tests", "integration", "runtime"))
import global_test as g  # noqa: E402

SNAC = os.environ["SNAC_BIN"]
SCRIPTS = os.path.join(SOURCE, "scripts", "slurm")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           SNAC_BIN=SNAC, SNAC_SRUN_MPI="pmix")


def config(path, trials, epochs=1):
    g.write_config(path, trials=trials)
    text = open(path).read()
    if epochs > 1:
        text = text.replace("epochs: 1", "epochs: %d" % epochs).replace("batch_size: 128",
                                                                         "batch_size: 32")
    open(path, "w").write(text)


def sbatch(script, args, options, extra_env=None):
    """Submits a batch job; sbatch exports this environment (plus extra_env) to it."""
    cmd = ["sbatch", "--parsable", "-N", "1", "--ntasks-per-node=2", "-c", "1",
           "-o", "job-%j.out"] + options + [os.path.join(SCRIPTS, script)] + args
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(ENV, **(extra_env or {})))
    g.check(p.returncode == 0, "sbatch failed: %s %s" % (p.stdout, p.stderr))
    return p.stdout.strip().split(";")[0]


def job(jobid):
    p = subprocess.run(["scontrol", "-o", "show", "job", jobid], capture_output=True, text=True)
    g.check(p.returncode == 0, "scontrol show job %s: %s" % (jobid, p.stderr))
    return dict(re.findall(r"(\w+)=(\S*)", p.stdout))


def wait_done(jobid, timeout=900):
    t0 = time.time()
    while True:
        info = job(jobid)
        if info["JobState"] in ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
                                "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED"):
            return info
        g.check(time.time() - t0 < timeout, "job %s still %s after %d s"
                % (jobid, info["JobState"], timeout))
        time.sleep(1)


def output(jobid):
    path = "job-%s.out" % jobid
    return open(path).read() if os.path.exists(path) else ""


def expect_completed(info, jobid):
    g.check(info["JobState"] == "COMPLETED" and info["ExitCode"] == "0:0",
            "job %s ended %s exit %s:\n%s" % (jobid, info["JobState"], info["ExitCode"],
                                             output(jobid)))


def scenario_pmix():
    """srun --mpi=pmix starts snac's MPI ranks: rank 0 coordinates, rank 1 trains."""
    config("p.yaml", trials=4)
    p = subprocess.run(["srun", "--mpi=pmix", "-n", "2", "-c", "1", SNAC, "global", "p.yaml",
                        "--out", "run", "--no-progress"], capture_output=True, text=True,
                       env=dict(ENV, OMP_NUM_THREADS="1"), timeout=600)
    g.check(p.returncode == 0, "srun --mpi=pmix exited %d: %s" % (p.returncode, p.stderr))
    first = g.events("run")[0]
    g.check(first["ranks"] == 2 and first["trainers"] == 1,
            "snac did not run as 2 MPI ranks under srun: %s\n%s" % (first, p.stderr))
    g.check_study("run", 4)


def scenario_nompi():
    """srun without an MPI plugin starts unconnected copies: each must refuse (exit 2, naming
    --mpi=pmix) instead of silently running its own whole search."""
    config("n.yaml", trials=2)
    p = subprocess.run(["srun", "--mpi=none", "-n", "2", "-c", "1", SNAC, "global", "n.yaml",
                        "--out", "run", "--no-progress"], capture_output=True, text=True,
                       env=ENV, timeout=600)
    g.check(p.returncode != 0, "srun --mpi=none: the copies ran: %s" % p.stderr)
    g.check(p.stderr.count("not connected by MPI") == 2 and "--mpi=pmix" in p.stderr,
            "srun --mpi=none: no clear refusal from both tasks:\n" + p.stderr)
    g.check(not os.path.exists(os.path.join("run", "study.db")), "a refused start wrote a study")


def scenario_batch():
    """Both shipped scripts run the search to the end under sbatch + srun."""
    config("b.yaml", trials=4)
    a = sbatch("generic.sbatch", ["b.yaml", "generic"], ["-t", "10"])
    b = sbatch("perlmutter_cpu.sbatch", ["b.yaml", "perlmutter"], ["-t", "10"])
    for jobid, run_dir in ((a, "generic"), (b, "perlmutter")):
        expect_completed(wait_done(jobid), jobid)
        g.check_study(run_dir, 4)


def calibrated_budget(work_seconds, epochs):
    """Trials that keep one srun'd trainer busy for about `work_seconds` on this machine, so
    that the job outlives its one-minute limit on a fast machine and a slow one alike."""
    config("cal.yaml", trials=3, epochs=epochs)
    for out in ("import", "cal"):  # the first run also imports the dataset: time the second
        t0 = time.time()
        subprocess.run(["srun", "--mpi=pmix", "-n", "2", "-c", "1", SNAC, "global", "cal.yaml",
                        "--out", out, "--no-progress"], env=dict(ENV, OMP_NUM_THREADS="1"),
                       check=True, capture_output=True, timeout=600)
    per_trial = max((time.time() - t0) / 3.0, 0.05)
    return max(8, int(work_seconds / per_trial))


def release_requeued(jobid):
    """Starts a requeued job now instead of after Slurm's hold, but only once the node has
    finished the first instance. Slurm holds a requeued job (BeginTime) because slurmd refuses
    to launch a job whose previous instance's credential it revoked within the same second
    ("Job N already killed, do not launch batch job", slurmd.log): a release right after the
    requeue made the new instance fail at launch with exit 1, the flake this test once showed."""
    t0 = time.time()
    while True:
        state = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True,
                               text=True).stdout.split()
        if state and all(s.rstrip("*~#") == "idle" for s in state):
            break
        g.check(time.time() - t0 < 120, "the node did not become idle: %s" % state)
        time.sleep(0.5)
    time.sleep(2.0)  # credentials carry whole seconds: issue the new one in a later second
    subprocess.run(["scontrol", "update", "jobid=" + jobid, "TimeLimit=10", "StartTime=now"],
                   check=True)


def scenario_timelimit():
    """-t 1 with --signal=B:USR1@30: the job drains, exits 0 and requeues itself; the requeued
    job resumes the study and finishes it with nothing lost or run twice.

    Slurm holds a requeued job for about two minutes (BeginTime) and sends the warning signal
    up to a minute early, so a chain of one-minute jobs would take long: once the first
    instance has drained and requeued, the test releases the job and gives it ten minutes."""
    epochs = 60
    budget = calibrated_budget(65, epochs)  # more than one minute of work: cannot finish in -t 1
    config("t.yaml", trials=budget, epochs=epochs)
    jobid = sbatch("generic.sbatch", ["t.yaml", "run"], ["-t", "1", "--signal=B:USR1@30"])
    t0 = time.time()
    while True:
        info = job(jobid)
        if int(info.get("Restarts", "0")) >= 1 and info["JobState"] == "PENDING":
            break
        g.check(info["JobState"] in ("PENDING", "RUNNING", "REQUEUED", "COMPLETING"),
                "job %s ended %s instead of requeueing:\n%s" % (jobid, info["JobState"],
                                                                output(jobid)))
        g.check(time.time() - t0 < 300, "no requeue within 300 s:\n" + output(jobid))
        time.sleep(1)
    first = output(jobid)
    g.check("stopped on request" in first, "the first instance did not drain:\n" + first)
    ev = g.events("run")
    ends = [e for e in ev if e["event"] == "end"]
    g.check(len(ends) == 1 and ends[0]["drained"], "first instance: no drained end event")
    done_first = ends[0]["counted"]
    g.check(done_first < budget, "the first instance finished the study: nothing to resume")
    g.check(not any(t["state"] == "RUNNING" for t in g.trials("run")),
            "the drained instance left a RUNNING trial")
    release_requeued(jobid)
    info = wait_done(jobid)
    expect_completed(info, jobid)
    ts = g.check_study("run", budget)
    ev = g.events("run")
    g.check(sum(e["event"] == "start" for e in ev) == 2, "expected exactly two runs")
    g.check(ev[-1]["event"] == "end" and not ev[-1]["drained"], "the requeued run did not finish")
    print("timelimit: first instance drained after %d of %d trials, requeued run finished; "
          "%d trials, %d interrupted and re-run" % (done_first, budget, len(ts), sum(
              bool(t["system"].get("snac:interrupted")) for t in ts)))


def scenario_scancel():
    """scancel mid-run leaves a study that --resume completes."""
    budget = 10
    config("c.yaml", trials=budget, epochs=15)
    # Each finished trial is held for 1 s (the test hook of src/runtime/signals.cpp): on a quiet
    # machine the whole search otherwise ends between two polls, before scancel can land mid-run.
    jobid = sbatch("generic.sbatch", ["c.yaml", "run"], ["-t", "10"],
                   {"SNAC_TEST_PAUSE_MS": "1000"})
    t0 = time.time()
    while not (g.finished("run") >= 2 and g.running_trial("run")):
        g.check(job(jobid)["JobState"] in ("PENDING", "RUNNING"), "job ended before scancel")
        g.check(time.time() - t0 < 600, "no trial finished in 600 s")
        time.sleep(0.5)
    subprocess.run(["scancel", jobid], check=True)
    info = wait_done(jobid)
    g.check(info["JobState"] == "CANCELLED", "scancel: job ended %s" % info["JobState"])
    ts = g.trials("run")
    g.check(len(ts) < budget, "the search finished before scancel took effect")
    again = sbatch("generic.sbatch", ["c.yaml", "run"], ["-t", "10"])
    expect_completed(wait_done(again), again)
    g.check_study("run", budget)


def main():
    scenario = sys.argv[1]
    work = tempfile.mkdtemp(prefix="slurm_" + scenario + "_", dir=os.environ.get("SNAC_WORK_DIR"))
    os.chdir(work)
    {"pmix": scenario_pmix, "nompi": scenario_nompi, "batch": scenario_batch, "timelimit": scenario_timelimit,
     "scancel": scenario_scancel}[scenario]()
    print("PASS slurm " + scenario + " in " + work)


if __name__ == "__main__":
    main()
