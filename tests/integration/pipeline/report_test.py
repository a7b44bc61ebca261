#!/usr/bin/env python3
"""The pipeline's stages one by one on real data (MNIST 8x8 subset), then the report rendered in
headless Chromium: every SVG panel present, the sections there, no console or load error, no
script or network reference in the page. The screenshot stays in ARTIFACT_DIR.

Usage: report_test.py ARTIFACT_DIR. Needs SNAC_BIN, SNAC_SOURCE_DIR, SNAC_DATA_DIR; chromium.
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
ART = os.path.abspath(sys.argv[1])


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(args, cwd, expect=0):
    p = subprocess.run([SNAC] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != expect:
        fail("%s exited %d (expected %d)\n%s\n%s" % (args, p.returncode, expect, p.stdout, p.stderr))
    return p.stdout + p.stderr


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    fail("chromium is not installed (scripts/install_deps.sh installs it)")


def main():
    os.makedirs(ART, exist_ok=True)
    work = tempfile.mkdtemp(prefix="snac-report-")
    cfg = os.path.join(work, "tiny.yaml")
    text = open(os.path.join(SRC, "tests/integration/runtime/tiny.yaml")).read()
    text = text.replace("trials: 6", "trials: 8")
    text += "\nselect: {rule: knee, count: 2}\n"
    open(cfg, "w").write(text)
    run_dir = os.path.join(work, "run")
    run(["global", cfg, "--out", run_dir, "--no-progress"], work)
    run(["select", run_dir], work)
    out = run(["hls", run_dir, "--threads", "2"], work)
    rows = list(csv.DictReader(open(os.path.join(run_dir, "hls/summary.csv"))))
    if len(rows) != 2:
        fail("expected 2 designs in hls/summary.csv, got %d\n%s" % (len(rows), out))
    for r in rows:
        if r["status"] != "ok" or r["csim_mismatches"] != "0" or int(r["csim_samples"]) != 400:
            fail("design %s: %s" % (r["design"], r))
        if not os.path.isfile(os.path.join(run_dir, r["project"], "snac_hls.json")):
            fail("no project manifest for " + r["design"])
    run(["report", run_dir], work)
    html_path = os.path.join(run_dir, "report/index.html")
    html = open(html_path, encoding="utf-8").read()
    for must in ('id="global"', 'id="select"', 'id="local"', 'id="designs"', 'id="inputs"',
                 'id="reproduce"', "hypervolume over trials", "accuracy vs BOPs"):
        if must not in html:
            fail("report lacks " + must)
    if re.search(r"<script|<link|src=\"http|href=\"http|@import", html):
        fail("the report references a script or the network")
    for f in ("trials.csv", "designs.csv", "normalisation.csv"):
        if not os.path.isfile(os.path.join(run_dir, "report", f)):
            fail("missing report/" + f)

    browser = chromium()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--user-data-dir=" + os.path.join(work, "chrome"), "--enable-logging=stderr", "--v=0"]
    url = "file://" + html_path
    dom = subprocess.run([browser] + flags + ["--dump-dom", url], capture_output=True, text=True,
                         timeout=120)
    if dom.returncode != 0:
        fail("chromium --dump-dom failed: " + dom.stderr[-2000:])
    panels = dom.stdout.count('<svg class="plot"')
    if panels < 4:  # accuracy vs BOPs / resources / latency, hypervolume
        fail("rendered DOM has %d SVG panels, expected >= 4" % panels)
    errors = [l for l in dom.stderr.splitlines()
              if "CONSOLE" in l or "Failed to load" in l or "Uncaught" in l]
    if errors:
        fail("page errors:\n" + "\n".join(errors))
    shot = os.path.join(ART, "report.png")
    s = subprocess.run([browser] + flags + ["--window-size=1280,2400", "--screenshot=" + shot, url],
                       capture_output=True, text=True, timeout=120)
    if s.returncode != 0 or not os.path.isfile(shot) or os.path.getsize(shot) < 10000:
        fail("no screenshot: " + s.stderr[-2000:])
    shutil.copy(html_path, os.path.join(ART, "index.html"))
    print("report ok: %d panels; screenshot %s" % (panels, shot))
    shutil.rmtree(work, ignore_errors=True)


main()
