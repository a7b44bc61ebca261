#!/usr/bin/env python3
"""Regenerates the ONNX test fixtures with PyTorch's own exporter (Debian's python3-torch;
scripts/install_deps.sh --bench installs it). CI does not run this: the generated files are
committed, so the tests read models that snac did not write.

    /usr/bin/python3 tests/data/onnx/make_fixtures.py [OUT_DIR]

(Debian's interpreter: a python3 earlier on PATH may lack torch.)

For each model NAME it writes NAME.onnx, NAME_input.npy (fixed inputs, float32) and
NAME_output.npy (PyTorch's outputs on them, float32, eval mode)."""
import os
import sys

import numpy as np
import torch
from torch import nn


class DeepSets(nn.Module):
    """phi per element, mean over the elements, rho: the pattern snac recognises."""

    def __init__(self):
        super().__init__()
        self.phi = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh())
        self.rho = nn.Sequential(nn.Linear(8, 12), nn.ReLU(), nn.Linear(12, 4))

    def forward(self, x):
        return self.rho(self.phi(x).mean(dim=1))


class DeepSetsSumGelu(nn.Module):
    """GELU inside phi and rho, sum over the elements (ReduceSum with an axes input)."""

    def __init__(self):
        super().__init__()
        self.phi = nn.Sequential(nn.Linear(4, 10), nn.GELU(), nn.Linear(10, 6), nn.ReLU())
        self.rho = nn.Sequential(nn.Linear(6, 8), nn.GELU(), nn.Linear(8, 3))

    def forward(self, x):
        return self.rho(self.phi(x).sum(dim=1))


class FeatureBatchNorm(nn.Module):
    """BatchNorm1d over the features of a [N, elements, features] set (transposed around it)."""

    def __init__(self, n):
        super().__init__()
        self.bn = nn.BatchNorm1d(n)

    def forward(self, x):
        return self.bn(x.transpose(1, 2)).transpose(1, 2)


class DeepSetsMaxBn(nn.Module):
    """Batch norm inside phi, max over the elements (ReduceMax)."""

    def __init__(self):
        super().__init__()
        self.phi = nn.Sequential(nn.Linear(3, 8), FeatureBatchNorm(8), nn.ReLU(), nn.Linear(8, 5))
        self.rho = nn.Sequential(nn.Linear(5, 4), nn.Sigmoid(), nn.Linear(4, 2))

    def forward(self, x):
        return self.rho(self.phi(x).amax(dim=1))


class FlattenByReshape(nn.Module):
    """x.reshape(-1, n): a Reshape with a constant target instead of Flatten."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        return x.reshape(-1, self.n)


def models():
    mlp = nn.Sequential(
        nn.Linear(16, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(32, 16), nn.LeakyReLU(0.1), nn.Linear(16, 8), nn.Sigmoid(),
        nn.Linear(8, 5), nn.Softmax(dim=1))
    cnn = nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3), nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(6, 10))
    unsupported = nn.Sequential(nn.Linear(16, 8), nn.ELU(), nn.Linear(8, 2))
    deepsets = DeepSets()
    # Models added later are built after these: the global RNG, hence the fixtures above, stay
    # as they were. ONNX 1.12 (opset <= 17) has no Gelu operator: PyTorch writes GELU as
    # x * (1 + erf(x / sqrt 2)) * 0.5, the pattern snac's importer recognises.
    gelu = nn.Sequential(
        nn.Linear(10, 24), nn.GELU(), nn.Linear(24, 12), nn.BatchNorm1d(12), nn.GELU(),
        nn.Linear(12, 4))
    deepsets_sum_gelu = DeepSetsSumGelu()
    # A BatchNorm2d after a pooling is not folded into a convolution. AdaptiveAvgPool2d(1) exports
    # as GlobalAveragePool, AdaptiveMaxPool2d(1) as a MaxPool over the whole map.
    cnn_global_avg = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.BatchNorm2d(4),
        nn.Conv2d(4, 6, 3, padding=1), nn.Sigmoid(), nn.AdaptiveAvgPool2d(1), FlattenByReshape(6),
        nn.Linear(6, 3))
    cnn_global_max = nn.Sequential(
        nn.Conv2d(2, 3, 2), nn.LeakyReLU(0.05), nn.AdaptiveMaxPool2d(1), nn.Flatten(),
        nn.Linear(3, 2), nn.Softmax(dim=1))
    return [("mlp_bn", mlp, (16,)), ("cnn_pool", cnn, (2, 10, 10)),
            ("deepsets_mean", deepsets, (8, 3)), ("unsupported_elu", unsupported, (16,)),
            ("mlp_gelu", gelu, (10,)), ("deepsets_sum_gelu", deepsets_sum_gelu, (6, 4)),
            ("deepsets_max_bn", DeepSetsMaxBn(), (7, 3)),
            ("cnn_global_avg", cnn_global_avg, (1, 8, 8)),
            ("cnn_global_max", cnn_global_max, (2, 5, 5))]


def randomize_batchnorm(model, gen):
    # Fresh running statistics are (0, 1): give them values, so a wrong import shows.
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.5)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    gen = torch.Generator().manual_seed(20261127)
    torch.manual_seed(20261127)
    for name, model, sample_shape in models():
        randomize_batchnorm(model, gen)
        model.eval()
        x = torch.randn((12,) + sample_shape, generator=gen)
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(model, x[:1], os.path.join(out_dir, name + ".onnx"),
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
                          opset_version=13, do_constant_folding=True)
        np.save(os.path.join(out_dir, name + "_input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(out_dir, name + "_output.npy"), y.numpy().astype(np.float32))
        print("wrote", name)


if __name__ == "__main__":
    main()
