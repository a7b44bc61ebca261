#!/usr/bin/env python3
"""Fault injection (docs/reliability.md): kill -9 at seeded random moments, and a full disk.

Usage: fault_test.py kill9 [RUNS] [SEED] | fault_test.py pipeline [RUNS] [SEED] [STAGE[:N]...] |
       fault_test.py full_disk
  kill9      RUNS (default 20) runs of each stage in STAGES, each killed with SIGKILL (the whole
             process group) at a moment drawn uniformly from [0, duration of an unkilled run],
             then resumed: the study must end with every trial finished exactly once (exact
             budget, every interrupted trial re-run once, nothing RUNNING) and every checkpoint
             readable by `snac inspect`.
  pipeline   RUNS (default 20) runs of `snac run --resume --until STAGE` for every stage of the
             pipeline (global, select, local, hls, report), each started from the run directory
             as the previous stage left it and killed with SIGKILL at a moment drawn uniformly
             from [0, that stage's duration in an unkilled run], then resumed with the same
             command: the stage ends with exactly the reference's trials / steps / designs
             (none lost, none twice), its record written, every checkpoint readable, no
             temporary file left.
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


# `snac global` alone: (config writer, command for CONFIG and RUN_DIR, end-state check). Every
# stage of `snac run` is killed by scenario_pipeline below.
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


PIPELINE_STAGES = ["global", "select", "local", "hls", "report"]
PIPELINE_TRIALS = 4


def pipeline_config(path):
    data = os.path.join(os.getcwd(), "mnist8x8_fault.h5")
    open(path, "w").write("""data:
  name: mnist8x8_fault
  path: %s
  source: {format: idx, images: mnist/t10k-images-idx3-ubyte.gz,
           labels: mnist/t10k-labels-idx1-ubyte.gz, resize: [8, 8], subset: 1000}
  normalize: standardize
  split: {train: 0.7, val: 0.1, test: 0.2, seed: 1}
search_space:
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
train: {epochs: 2, batch_size: 64, threads: 1}
select: {rule: knee, count: 1}
local: {enabled: true, precisions: [8], qat_epochs: 1, pruning_steps: 2, pruning_epochs: 1}
hls: {part: xcvu13p-flga2577-2-e, precision: "ap_fixed<16,6>"}
runtime: {embedded_trainers: 2}
""" % (data, PIPELINE_TRIALS))


def csv_keys(path, columns):
    """The rows of a CSV file as tuples of the named columns (in file order)."""
    if not os.path.exists(path):
        return []
    rows = [line.split(",") for line in open(path).read().splitlines()]
    index = [rows[0].index(c) for c in columns]
    return [tuple(r[i] for i in index) for r in rows[1:]]


def stage_outputs(run_dir, stage):
    """What a finished stage produced, as a comparable value (trials, steps, designs...)."""
    if stage == "global":
        # Exact budget, every interrupted trial re-run once, nothing RUNNING (check_study). Which
        # genomes the sampler proposed after a resume depends on what had finished, so the
        # genomes themselves are not compared with the unkilled run; each is trained once.
        ts = g.check_study(run_dir, PIPELINE_TRIALS)
        counted = [t for t in ts if not t["system"].get("snac:interrupted")]
        keys = [str(sorted(t["params"].items())) for t in counted]
        g.check(len(keys) == len(set(keys)), "%s: a genome was trained twice" % run_dir)
        return len(counted)
    if stage == "select":
        return open(os.path.join(run_dir, "selected.yaml")).read().count("- name:")
    if stage == "local":
        return csv_keys(os.path.join(run_dir, "local", "summary.csv"),
                        ["model", "precision", "step"])
    if stage == "hls":
        return csv_keys(os.path.join(run_dir, "hls", "summary.csv"), ["design"])
    return os.path.getsize(os.path.join(run_dir, "report", "index.html")) > 0


def check_pipeline_stage(run_dir, stage, reference, reference_dir="reference"):
    g.check(os.path.exists(os.path.join(run_dir, "stages", stage + ".done")),
            "%s: no stages/%s.done after --resume" % (run_dir, stage))
    got = stage_outputs(run_dir, stage)
    if isinstance(got, list):
        g.check(len(got) == len(set(got)), "%s: %s done twice: %s" % (run_dir, stage, got))
        got = sorted(got)
    g.check(got == reference, "%s: %s ended with %s, the unkilled run with %s"
            % (run_dir, stage, got, reference))
    left = [f for _, _, fs in os.walk(run_dir) for f in fs if ".snac-tmp-" in f]
    g.check(not left, "%s: temporaries left behind: %s" % (run_dir, left))
    if stage == "hls":  # every project whole: the unkilled run's files, none empty
        got_files, ref_files = project_files(run_dir), project_files(reference_dir)
        g.check(got_files == ref_files, "%s: HLS project files differ from the unkilled run's: "
                "missing %s, extra %s" % (run_dir, sorted(set(ref_files) - set(got_files)),
                                          sorted(set(got_files) - set(ref_files))))


def project_files(run_dir):
    """Relative paths of the HLS projects' sources, scripts and results (not build products,
    whose names depend on the compiler's temporaries)."""
    root = os.path.join(run_dir, "hls")
    files = []
    for d, _, fs in os.walk(root):
        for f in fs:
            path = os.path.join(d, f)
            rel = os.path.relpath(path, root)
            if f.endswith((".o", ".out", ".log")) or "/build/" in "/" + rel:
                continue
            g.check(f == "summary.csv" or os.path.getsize(path) > 0 or f.startswith("."),
                    "%s: empty file in an HLS project" % path)
            files.append(rel)
    return sorted(files)


# Holds each finished global trial and local step (src/runtime/signals.cpp, test_hook_pause), so
# a stage lasts long enough for a seeded moment inside it on a fast or suddenly idle machine.
PAUSE_ENV = dict(os.environ, SNAC_TEST_PAUSE_MS="300")


def run_until(cfg, out, stage, resume=True):
    cmd = [SNAC, "run", cfg, "--out", out, "--until", stage, "--no-progress"]
    return cmd + (["--resume"] if resume else [])


def scenario_pipeline(stages, seed):
    import shutil
    cfg = "pipeline.yaml"
    pipeline_config(cfg)
    # The unkilled run, one stage at a time: each stage's duration, its outputs, and a copy of
    # the run directory as the previous stage left it (where the killed runs start).
    durations, reference = {}, {}
    for stage in PIPELINE_STAGES:
        if os.path.exists("reference"):
            shutil.copytree("reference", "before_" + stage, symlinks=True)
        t0 = time.time()
        p = subprocess.run(run_until(cfg, "reference", stage, resume=os.path.exists("reference")),
                           capture_output=True, text=True, timeout=600, env=PAUSE_ENV)
        g.check(p.returncode == 0, "reference run to %s exited %d:\n%s"
                % (stage, p.returncode, p.stderr))
        durations[stage] = time.time() - t0
        got = stage_outputs("reference", stage)
        reference[stage] = sorted(got) if isinstance(got, list) else got
    print("unkilled stage durations: " +
          ", ".join("%s %.1fs" % (s, durations[s]) for s in PIPELINE_STAGES))
    rng = random.Random(seed)
    summary = []
    for stage, runs in stages:
        killed = mid_stage = 0
        t_stage = time.time()
        for i in range(runs):
            span = durations[stage]
            for attempt in range(12):
                out = "%s_%02d_%d" % (stage, i, attempt)
                if os.path.exists("before_" + stage):
                    shutil.copytree("before_" + stage, out, symlinks=True)
                at = rng.uniform(0.0, span)
                p = subprocess.Popen(run_until(cfg, out, stage, resume=os.path.exists(out)),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True, env=PAUSE_ENV)
                time.sleep(at)
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
                if p.returncode == -signal.SIGKILL:
                    break
                shutil.rmtree(out, ignore_errors=True)
                span = at
            killed += p.returncode == -signal.SIGKILL
            # Killed after the stage's work began: something of it is on disk.
            mid_stage += not os.path.exists(os.path.join(out, "stages", stage + ".done"))
            study_sound(out)
            r = subprocess.run(run_until(cfg, out, stage), capture_output=True, text=True,
                               timeout=600)
            g.check(r.returncode == 0, "%s: resume exited %d:\n%s" % (out, r.returncode, r.stderr))
            check_pipeline_stage(out, stage, reference[stage])
            n = checkpoints_readable(out)
            print("%s run %2d: killed at %.2fs of %.2fs, resumed; %d checkpoints read"
                  % (stage, i, at, durations[stage], n))
            shutil.rmtree(out, ignore_errors=True)
        g.check(killed == runs, "%s: only %d of %d runs were killed before their end"
                % (stage, killed, runs))
        summary.append("%s: %d killed (%d before the stage's record), %d resumed, %.0f s"
                       % (stage, killed, mid_stage, runs, time.time() - t_stage))
    for line in summary:
        print(line)


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


def du_kib(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.lstat(os.path.join(root, f)).st_size
    return total // 1024


def scenario_full_disk_stages(fractions):
    """A full disk while the local and hls stages write (checkpoints, projects, summaries): a
    clear error naming the disk, exit 1 (not a signal), no temporary left, every checkpoint
    readable, and `snac run --resume` on a larger disk finishes the stage."""
    import shutil
    if os.geteuid() != 0 or not mount_tmpfs("probe", "64k"):
        print("SKIP: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
        sys.exit(77)
    subprocess.run(["umount", "probe"], check=True)
    cfg = "pipeline.yaml"
    pipeline_config(cfg)
    for prev, stage in (("select", "local"), ("local", "hls")):
        p = subprocess.run(run_until(cfg, "prefix_" + stage, prev, resume=False),
                           capture_output=True, text=True, timeout=600)
        g.check(p.returncode == 0, "prefix run to %s exited %d:\n%s" % (prev, p.returncode,
                                                                         p.stderr))
        ref = "ref_" + stage
        shutil.copytree("prefix_" + stage, ref, symlinks=True)
        p = subprocess.run(run_until(cfg, ref, stage), capture_output=True, text=True, timeout=600)
        g.check(p.returncode == 0, "reference %s exited %d:\n%s" % (stage, p.returncode, p.stderr))
        reference = stage_outputs(ref, stage)
        need = du_kib(ref) - du_kib("prefix_" + stage)
        failed = 0
        for fraction in fractions:
            disk = "disk_%s_%d" % (stage, int(fraction * 100))
            room = du_kib("prefix_" + stage) + 64 + int(fraction * need)
            g.check(mount_tmpfs(disk, "%dk" % room), "mount failed")
            try:
                out = os.path.join(disk, "run")
                shutil.copytree("prefix_" + stage, out, symlinks=True)
                p = subprocess.run(run_until(cfg, out, stage), capture_output=True, text=True,
                                   timeout=600)
                g.check(p.returncode >= 0, "%s: killed by signal %d" % (disk, -p.returncode))
                if p.returncode != 0:
                    failed += 1
                    err = p.stderr.lower()
                    g.check("space" in err or "full" in err,
                            "%s: the error does not say the disk is full:\n%s" % (disk, p.stderr))
                left = [f for _, _, fs in os.walk(out) for f in fs if ".snac-tmp-" in f]
                g.check(not left, "%s: temporaries left: %s" % (disk, left))
                study_sound(out)
                checkpoints_readable(out)
                subprocess.run(["mount", "-o", "remount,size=256m", disk], check=True)
                r = subprocess.run(run_until(cfg, out, stage), capture_output=True, text=True,
                                   timeout=600)
                g.check(r.returncode == 0, "%s: resume exited %d:\n%s" % (disk, r.returncode,
                                                                          r.stderr))
                check_pipeline_stage(out, stage, sorted(reference)
                                     if isinstance(reference, list) else reference, ref)
                checkpoints_readable(out)
                print("%s disk %dk (%.0f%% of the stage's %d KiB): exit %d (%s), resumed"
                      % (stage, room, fraction * 100, need, p.returncode,
                         (p.stderr.strip().splitlines() or [""])[-1][:110]))
            finally:
                subprocess.run(["umount", disk])
        g.check(failed > 0, "%s: no disk size was small enough to fail" % stage)


def main():
    work = tempfile.mkdtemp(prefix="fault_")
    os.chdir(work)
    if sys.argv[1] == "kill9":
        runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
        seed = int(sys.argv[3]) if len(sys.argv) > 3 else 13
        scenario_kill9(runs, seed)
    elif sys.argv[1] == "pipeline":
        runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
        seed = int(sys.argv[3]) if len(sys.argv) > 3 else 13
        # STAGE or STAGE:N (N runs for that stage instead of RUNS).
        stages = [(a.split(":")[0], int(a.split(":")[1]) if ":" in a else runs)
                  for a in (sys.argv[4:] or PIPELINE_STAGES)]
        scenario_pipeline(stages, seed)
    elif sys.argv[1] == "full_disk":
        scenario_full_disk()
    elif sys.argv[1] == "full_disk_stages":
        # Fractions of the stage's own writes that fit on the disk (default 0.1 0.5 0.9).
        scenario_full_disk_stages([float(a) for a in sys.argv[2:]] or [0.1, 0.5, 0.9])
    else:
        g.fail("unknown scenario " + sys.argv[1])
    print("PASS fault " + sys.argv[1] + " in " + work)


if __name__ == "__main__":
    main()
