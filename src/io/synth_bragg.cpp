// BraggNN-style synthetic diffraction-peak patches (include/snac/io/synth.hpp states the model).
// Physical model: a 2-D pseudo-Voigt peak (the profile the BraggNN authors fit to obtain their
// labels), Poisson counting noise and a flat background; patch recipe of Liu et al.,
// arXiv:2008.08198 (crop around the integer peak position, nearest connected component, min-max).
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "snac/core/error.hpp"
#include "snac/core/seed.hpp"
#include "snac/io/synth.hpp"

namespace snac::io {
namespace {

void check(bool ok, const std::string& what, const std::string& hint) {
    if (!ok) throw UsageError("bragg synthesis: " + what, hint);
}

/// Keeps the 8-connected component of non-zero pixels nearest (cx, cy); zeroes the rest.
void keep_nearest_component(std::vector<float>& img, int n, double cx, double cy) {
    std::vector<int> label(img.size(), -1);
    int best = -1;
    double best_d = 1e300;
    int next = 0;
    std::vector<int> stack;
    for (int start = 0; start < n * n; ++start) {
        if (img[static_cast<std::size_t>(start)] <= 0.0f || label[static_cast<std::size_t>(start)] >= 0)
            continue;
        const int id = next++;
        double d_min = 1e300;
        stack.assign(1, start);
        label[static_cast<std::size_t>(start)] = id;
        while (!stack.empty()) {
            const int p = stack.back();
            stack.pop_back();
            const int r = p / n, c = p % n;
            d_min = std::min(d_min, std::hypot(c - cx, r - cy));
            for (int dr = -1; dr <= 1; ++dr)
                for (int dc = -1; dc <= 1; ++dc) {
                    const int rr = r + dr, cc = c + dc;
                    if (rr < 0 || rr >= n || cc < 0 || cc >= n) continue;
                    const auto q = static_cast<std::size_t>(rr * n + cc);
                    if (img[q] > 0.0f && label[q] < 0) {
                        label[q] = id;
                        stack.push_back(rr * n + cc);
                    }
                }
        }
        if (d_min < best_d) {
            best_d = d_min;
            best = id;
        }
    }
    for (std::size_t i = 0; i < img.size(); ++i)
        if (label[i] != best) img[i] = 0.0f;
}

}  // namespace

Dataset synth_bragg(const BraggSynthOptions& o) {
    check(o.samples >= 10, "samples must be at least 10", "e.g. --samples 20000");
    check(o.patch >= 3 && o.patch <= 64, "patch must be 3..64 pixels", "BraggNN uses 11");
    check(o.sigma_min > 0 && o.sigma_max >= o.sigma_min, "need 0 < sigma_min <= sigma_max",
          "widths are in pixels, e.g. 0.5..1.8");
    check(o.eta_min >= 0 && o.eta_max <= 1 && o.eta_min <= o.eta_max,
          "need 0 <= eta_min <= eta_max <= 1", "eta is the Lorentzian fraction");
    check(o.amplitude_min > 0 && o.amplitude_max >= o.amplitude_min,
          "need 0 < amplitude_min <= amplitude_max", "peak counts, e.g. 100..5000");
    check(o.background_min >= 0 && o.background_max >= o.background_min,
          "need 0 <= background_min <= background_max", "counts per pixel");
    check(o.threshold >= 0 && o.threshold < 1, "threshold must be in [0, 1)", "e.g. 0.05");
    check(o.train > 0 && o.val >= 0 && o.train + o.val < 1,
          "split fractions need train > 0, val >= 0, train + val < 1", "e.g. 0.7 and 0.1");

    const int n = o.patch;
    Dataset d;
    d.name = "bragg_synth";
    d.task = TaskType::kRegression;
    d.sample_shape = {1, n, n};
    d.n_samples = o.samples;
    d.target_dim = 2;
    d.x.assign(static_cast<std::size_t>(o.samples * n * n), 0.0f);
    d.targets.assign(static_cast<std::size_t>(o.samples * 2), 0.0f);
    d.feature_names.reserve(static_cast<std::size_t>(n * n));
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c)
            d.feature_names.push_back("p" + std::to_string(r) + "_" + std::to_string(c));

    constexpr int kSub = 4;  // sub-samples per pixel axis: the detector integrates over a pixel
    std::vector<double> mean(static_cast<std::size_t>(n * n));
    std::vector<float> img(static_cast<std::size_t>(n * n));
    for (std::int64_t s = 0; s < o.samples; ++s) {
        // One stream per sample: the dataset does not depend on how it is generated in parallel.
        std::mt19937_64 rng(derive_seed(o.seed, static_cast<std::uint64_t>(s), "bragg"));
        std::uniform_real_distribution<double> u01(0.0, 1.0);
        auto uniform = [&](double a, double b) { return a + (b - a) * u01(rng); };
        // Pixel (r, c) is centred at (x, y) = (c, r) (the peak table's convention); the crop puts
        // pixel n/2 on int(position), so the centre lies in [n/2, n/2 + 1).
        const double cx = n / 2 + u01(rng), cy = n / 2 + u01(rng);
        const double sx = uniform(o.sigma_min, o.sigma_max), sy = uniform(o.sigma_min, o.sigma_max);
        const double gx = sx * uniform(o.gamma_ratio_min, o.gamma_ratio_max);
        const double gy = sy * uniform(o.gamma_ratio_min, o.gamma_ratio_max);
        const double eta = uniform(o.eta_min, o.eta_max);
        const double theta = uniform(0.0, M_PI);
        const double amp =
            std::exp(uniform(std::log(o.amplitude_min), std::log(o.amplitude_max)));
        const double bg = uniform(o.background_min, o.background_max);
        const double ct = std::cos(theta), st = std::sin(theta);
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                double acc = 0.0;
                for (int i = 0; i < kSub; ++i)
                    for (int j = 0; j < kSub; ++j) {
                        const double x = c - 0.5 + (j + 0.5) / kSub - cx;
                        const double y = r - 0.5 + (i + 0.5) / kSub - cy;
                        const double u = ct * x + st * y, v = -st * x + ct * y;
                        const double g = std::exp(-0.5 * (u * u / (sx * sx) + v * v / (sy * sy)));
                        const double l = 1.0 / (1.0 + u * u / (gx * gx) + v * v / (gy * gy));
                        acc += eta * l + (1.0 - eta) * g;
                    }
                mean[static_cast<std::size_t>(r * n + c)] = amp * acc / (kSub * kSub) + bg;
            }
        float peak = 0.0f;
        for (std::size_t p = 0; p < mean.size(); ++p) {
            std::poisson_distribution<long> counts(mean[p]);
            img[p] = std::max(0.0f, static_cast<float>(static_cast<double>(counts(rng)) - bg));
            peak = std::max(peak, img[p]);
        }
        const float cut = static_cast<float>(o.threshold) * peak;
        for (float& v : img)
            if (v < cut) v = 0.0f;
        keep_nearest_component(img, n, cx, cy);
        float lo = 1e30f, hi = 0.0f;
        for (float v : img) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        float* out = d.x.data() + s * n * n;
        for (std::size_t p = 0; p < img.size(); ++p)
            out[p] = hi > lo ? (img[p] - lo) / (hi - lo) : 0.0f;
        d.targets[static_cast<std::size_t>(2 * s)] = static_cast<float>(cx / n);
        d.targets[static_cast<std::size_t>(2 * s + 1)] = static_cast<float>(cy / n);
    }
    const auto n_train = static_cast<std::int64_t>(std::floor(o.train * static_cast<double>(o.samples)));
    const auto n_val = static_cast<std::int64_t>(std::floor(o.val * static_cast<double>(o.samples)));
    for (std::int64_t i = 0; i < o.samples; ++i)
        (i < n_train ? d.train_idx : i < n_train + n_val ? d.val_idx : d.test_idx).push_back(i);
    d.scaling.method =
        Normalization::kNone;  // each patch is min-max normalised on its own, as BraggNN does
    return d;
}

}  // namespace snac::io
