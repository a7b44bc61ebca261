#!/usr/bin/env python3
"""Fault injection (docs/reliability.md): kill -9 at seeded random moments, and a full disk.

Usage: fault_test.py kill9 [RUNS] [SEED] | fault_test.py full_disk
  kill9      RUNS (default 20) runs of each stage in STAGES, each killed with SIGKILL (the whole
             process group) at a moment drawn uniformly from [0, duration of an unkilled run],
             then resumed: the study must end with every trial finished exactly once (exact
             budget, every interrupted trial re-run once, nothing RUNNING) and every checkpoint
             readable by `snac inspect`.
  full_disk  the run directory on a small tmpfs (root only; exit 77 = skipped when mounting is
             not allowed): the run must stop with a clear error (not a signal), leave a sound
             study and readable checkpoints, and `--resume` on a larger disk must finish it.
Needs SNAC_BIN and SNAC_DATA_DIR; works in a fresh temporary directory.
"""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tests", "integration", "runtime"))
import global_test as g  # noqa: E402

SNAC = os.environ["SNAC_BIN"]
BUDGET = 6


def global_config(path):
    g.write_config(path, trials=BUDGET, **{"runtime.embedded_trainers": 2})
    text = open(path).read().replace("epochs: 1", "epochs: 12")
    open(path, "w").write(text)


def check_global(run_dir):
    g.check_study(run_dir, BUDGET)


# One line per stage: (config writer, command for CONFIG and RUN_DIR, end-state check).
# The local and hls stages join here once their drivers resume (see docs/reliability.md).
STAGES = {
    "global": (global_config, lambda cfg, out: [SNAC, "global", cfg, "--out", out], check_global),
}


def command(stage, cfg, out, resume=False):
    return STAGES[stage][1](cfg, out) + (["--resume"] if resume else []) + ["--no-progress"]


def checkpoints_readable(run_dir):
    n = 0
    for root, _, files in os.walk(run_dir):
        for f in files:
            if f.endswith(".h5"):
                p = subprocess.run([SNAC, "inspect", os.path.join(root, f)], capture_output=True,
                                   text=True)
                g.check(p.returncode == 0, "checkpoint %s unreadable: %s" % (f, p.stderr))
                n += 1
    return n


def study_sound(run_dir):
    path = os.path.join(run_dir, "study.db")
    if not os.path.exists(path):
        return
    db = sqlite3.connect(path)
    ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    g.check(ok == "ok", "study.db damaged: " + ok)


def run_to_end(stage, cfg, out, resume):
    p = subprocess.run(command(stage, cfg, out, resume), capture_output=True, text=True,
                       timeout=600)
    g.check(p.returncode == 0, "%s exited %d:\n%s" % (" ".join(command(stage, cfg, out, resume)),
                                                      p.returncode, p.stderr))
    return p


def scenario_kill9(runs, seed):
    for stage, (write, _, check) in STAGES.items():
        cfg = stage + ".yaml"
        write(cfg)
        run_to_end(stage, cfg, "import", resume=False)  # imports the dataset once
        t0 = time.time()
        run_to_end(stage, cfg, "reference", resume=False)
        duration = time.time() - t0
        check("reference")
        rng = random.Random(seed)
        killed_running = 0
        killed = 0
        for i in range(runs):
            # A run that ends before its kill moment (a fast machine) is repeated with a moment
            # drawn from the shorter span, so every run is really killed.
            span = duration
            for attempt in range(6):
                out = "%s_%02d_%d" % (stage, i, attempt)
                at = rng.uniform(0.0, span)
                p = subprocess.Popen(command(stage, cfg, out), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
                time.sleep(at)
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
                if p.returncode == -signal.SIGKILL:
                    break
                span = at
            killed += p.returncode == -signal.SIGKILL
            if os.path.exists(os.path.join(out, "study.db")):
                study_sound(out)
                try:
                    killed_running += any(t["state"] == "RUNNING" for t in g.trials(out))
                except sqlite3.OperationalError:
                    pass  # killed before the schema was written: an empty study, resumed below
            run_to_end(stage, cfg, out, resume=True)
            check(out)
            n = checkpoints_readable(out)
            print("%s run %2d: killed at %.2fs of %.2fs (exit %d), resumed; %d checkpoints read"
                  % (stage, i, at, duration, p.returncode, n))
        print("%s: %d runs, %d killed before their end (%d with a trial RUNNING); all resumed "
              "to the budget" % (stage, runs, killed, killed_running))
        g.check(killed == runs, "only %d of %d runs were killed before their end" % (killed, runs))


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path],
                          capture_output=True).returncode == 0


def scenario_full_disk():
    if os.geteuid() != 0 or not mount_tmpfs("probe", "64k"):
        print("SKIP: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
        sys.exit(77)
    subprocess.run(["umount", "probe"], check=True)
    cfg = "global.yaml"
    global_config(cfg)
    run_to_end("global", cfg, "reference", resume=False)  # imports the dataset outside the disk
    failed = 0
    for size in ("48k", "96k", "160k", "256k", "400k"):
        disk = "disk_" + size
        g.check(mount_tmpfs(disk, size), "mount failed")
        try:
            out = os.path.join(disk, "run")
            p = subprocess.run(command("global", cfg, out), capture_output=True, text=True,
                               timeout=600)
            g.check(p.returncode >= 0, "%s: killed by signal %d" % (size, -p.returncode))
            if p.returncode != 0:
                failed += 1
                g.check("space" in p.stderr.lower() or "full" in p.stderr.lower(),
                        "%s: the error does not say the disk is full:\n%s" % (size, p.stderr))
                g.check("--resume" in p.stderr and out in p.stderr,
                        "%s: the error names neither the file nor --resume:\n%s" % (size, p.stderr))
                g.check(not any(".tmp." in f for _, _, fs in os.walk(out) for f in fs),
                        "%s: a temporary file was left behind" % size)
            study_sound(out)
            checkpoints_readable(out)
            subprocess.run(["mount", "-o", "remount,size=64m", disk], check=True)
            run_to_end("global", cfg, out, resume=True)
            check_global(out)
            checkpoints_readable(out)
            print("disk %s: exit %d (%s), resumed to the budget on a larger disk"
                  % (size, p.returncode, (p.stderr.strip().splitlines() or [""])[-1][:120]))
        finally:
            subprocess.run(["umount", disk])
    g.check(failed > 0, "no disk size was small enough to fail: nothing was tested")


def main():
    work = tempfile.mkdtemp(prefix="fault_")
    os.chdir(work)
    if sys.argv[1] == "kill9":
        runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
        seed = int(sys.argv[3]) if len(sys.argv) > 3 else 13
        scenario_kill9(runs, seed)
    elif sys.argv[1] == "full_disk":
        scenario_full_disk()
    else:
        g.fail("unknown scenario " + sys.argv[1])
    print("PASS fault " + sys.argv[1] + " in " + work)


if __name__ == "__main__":
    main()
