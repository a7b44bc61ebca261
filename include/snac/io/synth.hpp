#pragma once
/// Synthetic datasets from stated physical models, for tasks whose real training data cannot be
/// shipped (docs/data-format.md#synthetic-datasets).
#include <cstdint>

#include "snac/core/dataset.hpp"

namespace snac::io {

/// BraggNN-style diffraction-peak patches (Liu et al., arXiv:2008.08198). Each sample is a
/// `patch` x `patch` window cut around (int(row), int(col)) of a peak, so the true centre lies at
/// patch/2 + U[0,1) pixels in each direction (pixel k centred at coordinate k, as in the peak table). The peak is a 2-D pseudo-Voigt profile
///   I(x, y) = A [eta L(x, y) + (1 - eta) G(x, y)] + B
/// with G = exp(-(u^2/(2 sx^2) + v^2/(2 sy^2))), L = 1 / (1 + u^2/gx^2 + v^2/gy^2), (u, v) the
/// offsets rotated by theta, integrated over each pixel (4 x 4 sub-samples), then Poisson counts
/// around I. Like the BraggNN recipe: background removed (counts - B, clipped at 0), pixels below
/// `threshold` x max set to 0, only the 8-connected component nearest the centre kept, min-max
/// normalised to [0, 1]. Target (regression, 2 values) = (x_centre / patch, y_centre / patch),
/// i.e. ((col - col0)/patch, (row - row0)/patch) with (col0, row0) the patch's top-left pixel.
struct BraggSynthOptions {
    std::int64_t samples = 20000;
    int patch = 11;
    std::uint64_t seed = 1;
    double sigma_min = 0.5, sigma_max = 1.8;      ///< Gaussian widths in pixels (per axis)
    double gamma_ratio_min = 0.8, gamma_ratio_max = 1.6;  ///< Lorentzian width / Gaussian width
    double eta_min = 0.0, eta_max = 0.6;          ///< Lorentzian fraction
    double amplitude_min = 100, amplitude_max = 5000;  ///< peak counts, log-uniform
    double background_min = 0, background_max = 30;    ///< background counts per pixel
    double threshold = 0.05;                      ///< fraction of the maximum set to 0 below
    double train = 0.7, val = 0.1;                ///< split fractions in sample order; test = rest
};

/// Generates the dataset (deterministic for the options). Throws UsageError for invalid options.
Dataset synth_bragg(const BraggSynthOptions& options);

}  // namespace snac::io
