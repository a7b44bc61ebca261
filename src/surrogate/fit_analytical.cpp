// Fitting the analytical model's free coefficients on synthesis records. The structure (which
// quantities matter) comes from hls4ml's kernels (hls4ml-semantics.md §3); the data decide:
// - the DSP mapping: thresholds and the logistic share of constant products on DSPs, by grid
//   search on squared log error (DSP counts span 0..10^4, many zeros);
// - LUT and FF: non-negative least squares per regime on relative error (weights 1/(y+1)), so
//   every term adds cost (monotone in widths and sizes);
// - latency/II offsets and the BRAM overhead from single-dense-layer records (the only records
//   where a layer's latency is observed alone).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "dense_mapping.hpp"
#include "nnls.hpp"
#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/surrogate/evaluation.hpp"
#include "snac/surrogate/fit.hpp"

namespace snac::surrogate {
namespace {

struct Prepared {
    const SynthesisRecord* rec;
    const FpgaPart* part;
    Lowered low;
    bool has_const = false;   // a dense layer with constant weights
    bool has_shared = false;  // a Resource dense layer with RF > 1
    bool single_dense = false;
};

double sq_log_err(double y_hat, double y) {
    const double d = std::log1p(std::max(0.0, y_hat)) - std::log1p(std::max(0.0, y));
    return d * d;
}

double total_dsp(const Prepared& p, const AnalyticalCoefficients& c) {
    double s = 0;
    for (const LayerQuantities& q : p.low.layers)
        s += double(estimate_layer(q, c, *p.part).resources.dsp);
    return s;
}

double dsp_loss(const std::vector<const Prepared*>& set, const AnalyticalCoefficients& c) {
    double loss = 0;
    for (const Prepared* p : set) loss += sq_log_err(total_dsp(*p, c), p->rec->y.dsp);
    return loss;
}

void fit_dsp(const std::vector<Prepared>& prep, AnalyticalCoefficients& c,
             std::vector<std::string>& log) {
    std::vector<const Prepared*> konst, shared;
    for (const Prepared& p : prep) {
        if (std::isnan(p.rec->y.dsp)) continue;
        if (p.has_const) konst.push_back(&p);
        if (p.has_shared) shared.push_back(&p);
    }
    if (!shared.empty()) {
        double best = dsp_loss(shared, c);
        for (int t = 2; t <= 18; ++t) {
            AnalyticalCoefficients trial = c;
            trial.dsp_min_bits_shared = t;
            const double l = dsp_loss(shared, trial);
            if (l < best - 1e-12) {
                best = l;
                c = trial;
            }
        }
        log.push_back("dsp shared: " + std::to_string(shared.size()) + " records, min bits " +
                      std::to_string(c.dsp_min_bits_shared));
    }
    if (!konst.empty()) {
        double best = dsp_loss(konst, c);
        const double scales[] = {0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0};
        for (int t = 2; t <= 16; ++t)
            for (double mid = 2.0; mid <= 20.0; mid += 0.5)
                for (double s : scales) {
                    AnalyticalCoefficients trial = c;
                    trial.dsp_min_bits_const = t;
                    trial.dsp_const_mid = mid;
                    trial.dsp_const_scale = s;
                    const double l = dsp_loss(konst, trial);
                    if (l < best - 1e-12) {
                        best = l;
                        c = trial;
                    }
                }
        // Refine mid and scale around the best grid point.
        const AnalyticalCoefficients coarse = c;
        for (double mid = coarse.dsp_const_mid - 0.5; mid <= coarse.dsp_const_mid + 0.5;
             mid += 0.05)
            for (double s = std::max(0.05, coarse.dsp_const_scale - 0.25);
                 s <= coarse.dsp_const_scale + 0.25; s += 0.05) {
                AnalyticalCoefficients trial = c;
                trial.dsp_const_mid = mid;
                trial.dsp_const_scale = s;
                const double l = dsp_loss(konst, trial);
                if (l < best - 1e-12) {
                    best = l;
                    c = trial;
                }
            }
        std::ostringstream os;
        os << "dsp constant-weight: " << konst.size() << " records, min bits "
           << c.dsp_min_bits_const << ", mid " << c.dsp_const_mid << " bits, scale "
           << c.dsp_const_scale;
        log.push_back(os.str());
    }
}

// LUT (ff == false) or FF (ff == true) terms of all four regimes by NNLS.
void fit_linear(const std::vector<Prepared>& prep, bool ff, AnalyticalCoefficients& c,
                std::vector<std::string>& log) {
    constexpr int cols = kRegimeCount * kTermCount;
    std::vector<double> a, b;
    int rows = 0;
    for (const Prepared& p : prep) {
        const double y = ff ? p.rec->y.ff : p.rec->y.lut;
        if (std::isnan(y)) continue;
        std::vector<double> row(cols, 0.0);
        double fixed = 0;  // non-dense layers: structural, not fitted here
        for (const LayerQuantities& q : p.low.layers) {
            if (q.kind != LayerKind::kDense) {
                const LayerEstimate e = estimate_layer(q, c, *p.part);
                fixed += double(ff ? e.resources.ff : e.resources.lut);
                continue;
            }
            const TermVector t = dense_terms(q, c, *p.part);
            const int r = static_cast<int>(regime_of(q));
            for (int i = 0; i < kTermCount; ++i) row[r * kTermCount + i] += t[i];
        }
        if (ff)  // FF are registers: LUT-multiplier logic is not a register term
            for (int r = 0; r < kRegimeCount; ++r)
                row[r * kTermCount + int(Term::kLutMultBits)] = 0;
        const double w = 1.0 / (y + 1.0);
        for (double v : row) a.push_back(v * w);
        b.push_back((y - fixed) * w);
        ++rows;
    }
    if (rows == 0) return;
    const std::vector<double> x = detail::nnls(a, b, rows, cols);
    auto& target = ff ? c.ff : c.lut;
    int fitted = 0;
    for (int col = 0; col < cols; ++col) {
        bool seen = false;
        for (int r = 0; r < rows && !seen; ++r) seen = a[r * cols + col] != 0.0;
        if (!seen) continue;  // no record constrains this term: keep the start value
        target[col / kTermCount][col % kTermCount] = x[col];
        ++fitted;
    }
    log.push_back(std::string(ff ? "ff" : "lut") + ": " + std::to_string(rows) + " records, " +
                  std::to_string(fitted) + " terms");
}

void fit_timing(const std::vector<Prepared>& prep, AnalyticalCoefficients& c,
                std::vector<std::string>& log) {
    double s_unrolled = 0, s_ii_res = 0, s_nodsp = 0, s_iioff = 0, s_rmin = 0, s_rmax = 0,
           s_bram = 0;
    int n_unrolled = 0, n_ii_res = 0, n_nodsp = 0, n_iioff = 0, n_res = 0, n_bram = 0;
    std::vector<double> xs, ys;  // latency-shared: cycles = per_op · ⌈D/M⌉ + offset
    for (const Prepared& p : prep) {
        if (!p.single_dense) continue;
        const LayerQuantities& q = p.low.layers.front();
        const SynthesisTargets& y = p.rec->y;
        const double cyc = measured(y, Target::kCycles), ii = measured(y, Target::kIi);
        const detail::DenseMapping m = detail::map_dense(q, c);
        if (!m.shared) {
            if (!std::isnan(cyc)) s_unrolled += cyc, ++n_unrolled;
            if (q.strategy == Strategy::kResource && !std::isnan(ii)) s_ii_res += ii, ++n_ii_res;
        } else if (q.strategy == Strategy::kLatency) {
            if (std::isnan(cyc)) continue;
            if (m.dsp_class > 0 && m.dsp_mults > 0) {
                xs.push_back(std::ceil(double(m.dsp_class) / double(m.dsp_mults)));
                ys.push_back(cyc);
            } else {
                s_nodsp += cyc, ++n_nodsp;
            }
            if (!std::isnan(ii)) s_iioff += ii - cyc, ++n_iioff;
        } else {
            if (!std::isnan(y.cycles_min) && !std::isnan(y.cycles_max)) {
                s_rmin += y.cycles_min - q.reuse_factor;
                s_rmax += y.cycles_max - q.reuse_factor;
                ++n_res;
            }
            if (!std::isnan(y.bram_18k)) {
                s_bram +=
                    y.bram_18k - double(rom_bram_18k(m.limit * q.weight_bits, q.reuse_factor));
                ++n_bram;
            }
        }
    }
    if (n_unrolled) c.latency_unrolled = std::max(0.0, s_unrolled / n_unrolled);
    if (n_ii_res) c.ii_resource_unrolled = std::max(1.0, s_ii_res / n_ii_res);
    if (n_nodsp) c.latency_shared_no_dsp = std::max(0.0, s_nodsp / n_nodsp);
    if (n_iioff) c.ii_latency_shared_offset = s_iioff / n_iioff;
    if (n_res) {
        c.latency_resource_min_offset = s_rmin / n_res;
        c.latency_resource_max_offset = s_rmax / n_res;
    }
    if (n_bram) c.bram_rom_extra = std::max(0.0, s_bram / n_bram);
    if (xs.size() >= 2) {
        double mx = 0, my = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) mx += xs[i], my += ys[i];
        mx /= double(xs.size());
        my /= double(xs.size());
        double sxy = 0, sxx = 0;
        for (std::size_t i = 0; i < xs.size(); ++i)
            sxy += (xs[i] - mx) * (ys[i] - my), sxx += (xs[i] - mx) * (xs[i] - mx);
        c.latency_shared_per_op = sxx > 0 ? std::max(0.0, sxy / sxx) : 1.0;
        c.latency_shared_offset = my - c.latency_shared_per_op * mx;
    }
    std::ostringstream os;
    os << "timing: " << n_unrolled << " unrolled, " << xs.size() + std::size_t(n_nodsp)
       << " latency-shared, " << n_res << " resource-shared single-layer records";
    log.push_back(os.str());
}

}  // namespace

AnalyticalCoefficients fit_analytical(const std::vector<SynthesisRecord>& records,
                                      const std::vector<std::size_t>& idx,
                                      const AnalyticalCoefficients& start,
                                      std::vector<std::string>* log_out) {
    std::vector<std::string> log;
    std::vector<Prepared> prep;
    prep.reserve(idx.size());
    std::int64_t refused = 0;
    for (std::size_t i : idx) {
        const SynthesisRecord& r = records.at(i);
        Prepared p{&r, &find_part(r.part), {}, false, false, false};
        try {
            p.low = lower_network(r.network, r.hls);
        } catch (const UsageError&) {
            ++refused;
            continue;
        }
        int dense = 0;
        for (const LayerQuantities& q : p.low.layers) {
            if (q.kind != LayerKind::kDense) continue;
            ++dense;
            if (q.strategy == Strategy::kLatency || q.reuse_factor == 1)
                p.has_const = true;
            else
                p.has_shared = true;
        }
        p.single_dense = dense == 1 && p.low.layers.size() == 1;
        prep.push_back(std::move(p));
    }
    if (prep.empty())
        throw UsageError("no usable synthesis records to fit on",
                         "check the records file (snac surrogate eval lists what was skipped)");
    AnalyticalCoefficients c = start;
    fit_dsp(prep, c, log);
    fit_linear(prep, false, c, log);
    fit_linear(prep, true, c, log);
    fit_timing(prep, c, log);
    if (refused)
        log.push_back(std::to_string(refused) + " records refused by the model (not used)");
    std::ostringstream prov;
    prov << "fitted by 'snac surrogate fit' on " << prep.size() << " synthesis records";
    c.provenance = prov.str();
    if (log_out) *log_out = std::move(log);
    return c;
}

}  // namespace snac::surrogate
