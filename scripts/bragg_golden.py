#!/usr/bin/env python3
"""Mean distance in pixels of a trained BraggNN-style checkpoint on the 10 real labelled patches
(braggnn/braggnn_golden_patches.csv in the data directory), through `snac predict`.

Usage: scripts/bragg_golden.py CHECKPOINT.h5 [--snac BIN] [--data-dir DIR]
The model predicts (centre offset / 11) as snac's synthetic patches are labelled; the golden
labels are pixel coordinates whose (x, y) order the source does not document, so the distance is
printed for the labels as given and swapped. Exit 0 with the figures, 2 on bad input.
"""
import argparse
import csv
import math
import os
import struct
import subprocess
import sys
import tempfile

PATCH = 11


def read_npy(path):
    with open(path, "rb") as f:
        if f.read(6) != b"\x93NUMPY":
            raise ValueError(path + " is not a .npy file")
        major = f.read(2)[0]
        hlen = struct.unpack("<H" if major == 1 else "<I", f.read(2 if major == 1 else 4))[0]
        header = f.read(hlen).decode("latin1")
        dtype = "<f4" if "'<f4'" in header else "<f8"
        shape = tuple(int(s) for s in header.split("'shape':")[1].split("(")[1].split(")")[0]
                      .split(",") if s.strip())
        fmt, size = ("f", 4) if dtype == "<f4" else ("d", 8)
        data = f.read()
        values = struct.unpack("<%d%s" % (len(data) // size, fmt), data)
    return shape, values


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("--snac", default=os.environ.get("SNAC_BIN", "snac"))
    ap.add_argument("--data-dir", default=os.environ.get("SNAC_DATA_DIR", "../shared/data"))
    a = ap.parse_args()
    golden = os.path.join(a.data_dir, "braggnn", "braggnn_golden_patches.csv")
    if not os.path.isfile(golden):
        print("bragg_golden: %s not found (set SNAC_DATA_DIR or --data-dir)" % golden,
              file=sys.stderr)
        return 2
    rows = list(csv.DictReader(open(golden)))
    pix = ["p%d_%d" % (r, c) for r in range(PATCH) for c in range(PATCH)]
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "golden.csv")
        with open(inp, "w") as f:
            f.write(",".join(pix) + "\n")
            for r in rows:
                f.write(",".join(r[p] for p in pix) + "\n")
        out = os.path.join(tmp, "pred.npy")
        p = subprocess.run([a.snac, "predict", a.checkpoint, "--input", inp, "--out", out],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stdout + p.stderr)
            return p.returncode
        shape, values = read_npy(out)
    if shape != (len(rows), 2):
        print("bragg_golden: expected predictions of shape (%d, 2), got %s" % (len(rows), shape),
              file=sys.stderr)
        return 2
    given = swapped = 0.0
    for i, r in enumerate(rows):
        px, py = values[2 * i] * PATCH, values[2 * i + 1] * PATCH
        l0, l1 = float(r["label_0"]), float(r["label_1"])
        given += math.hypot(px - l0, py - l1)
        swapped += math.hypot(px - l1, py - l0)
    n = len(rows)
    print("golden patches: %d" % n)
    print("mean distance (labels as given):  %.3f px" % (given / n))
    print("mean distance (labels swapped):   %.3f px" % (swapped / n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
