#!/usr/bin/env python3
"""FLOPs per training sample of a snac architecture file (conv2d 'valid', dense, max pooling):
multiply-adds of the forward pass count 2 FLOPs each; backward-weights costs as much as the
forward, backward-data too except for the first weighted layer (no gradient w.r.t. the input is
computed by either trainer). Element-wise layers and pooling are left out (memory-bound, < 1 %).
Usage: flops.py ARCH.yaml   -> prints the number
"""
import sys

import yaml


def main():
    with open(sys.argv[1]) as f:
        arch = yaml.safe_load(f)
    shape = list(arch["input_shape"])
    total, first = 0, True
    for layer in arch["layers"]:
        t = layer["type"]
        fwd = 0
        if t == "conv2d":
            k, f_out = layer.get("kernel", 3), layer["filters"]
            h, w = shape[1] - k + 1, shape[2] - k + 1
            fwd = 2 * k * k * shape[0] * f_out * h * w
            shape = [f_out, h, w]
        elif t == "dense":
            fwd = 2 * shape[-1] * layer["units"]
            shape = [layer["units"]]
        elif t == "maxpool2d":
            s = layer.get("size", 2)
            shape = [shape[0], shape[1] // s, shape[2] // s]
        elif t == "flatten":
            n = 1
            for d in shape:
                n *= d
            shape = [n]
        if fwd:
            total += fwd * (2 if first else 3)
            first = False
    print(total)


if __name__ == "__main__":
    main()
