// R², SMAPE(+1) and RMSE as rule4ml and wa-hls4ml report them (surrogate.md §3), on splits grouped
// by architecture so a test architecture is never seen in training.
#include "snac/surrogate/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"

namespace snac::surrogate {

std::string_view to_string(Target t) noexcept {
    switch (t) {
        case Target::kLut:
            return "LUT";
        case Target::kFf:
            return "FF";
        case Target::kDsp:
            return "DSP";
        case Target::kBram:
            return "BRAM";
        case Target::kCycles:
            return "CYCLES";
        case Target::kIi:
            return "II";
    }
    return "?";
}

double measured(const SynthesisTargets& y, Target t) noexcept {
    switch (t) {
        case Target::kLut:
            return y.lut;
        case Target::kFf:
            return y.ff;
        case Target::kDsp:
            return y.dsp;
        case Target::kBram:
            return y.bram_18k;
        case Target::kCycles:
            return 0.5 * (y.cycles_min + y.cycles_max);
        case Target::kIi:
            return 0.5 * (y.ii_min + y.ii_max);
    }
    return 0.0;
}

double predicted(const HardwareEstimate& e, Target t) noexcept {
    switch (t) {
        case Target::kLut:
            return double(e.total.lut);
        case Target::kFf:
            return double(e.total.ff);
        case Target::kDsp:
            return double(e.total.dsp);
        case Target::kBram:
            return double(e.total.bram_18k);
        case Target::kCycles:
            return 0.5 * double(e.latency_cycles_min + e.latency_cycles_max);
        case Target::kIi:
            return double(e.ii_cycles);
    }
    return 0.0;
}

TargetMetrics score(Target t, const std::vector<double>& y, const std::vector<double>& y_hat) {
    TargetMetrics m;
    m.target = t;
    double sum = 0, sq = 0, smape = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (std::isnan(y[i])) continue;
        ++m.n;
        sum += y[i];
        const double d = y[i] - y_hat[i];
        sq += d * d;
        smape += std::abs(d) / (std::abs(y[i]) + std::abs(y_hat[i]) + 1.0);
    }
    if (m.n == 0) return m;
    const double mean = sum / double(m.n);
    double tot = 0;
    for (double v : y)
        if (!std::isnan(v)) tot += (v - mean) * (v - mean);
    m.r2 = tot > 0 ? 1.0 - sq / tot : (sq == 0 ? 1.0 : 0.0);
    m.smape = 200.0 * smape / double(m.n);
    m.rmse = std::sqrt(sq / double(m.n));
    return m;
}

RecordSplit split_by_architecture(const std::vector<SynthesisRecord>& records, double test_fraction,
                                  std::uint64_t seed) {
    if (!(test_fraction >= 0.0 && test_fraction < 1.0))
        throw UsageError("test fraction must lie in [0, 1)");
    std::map<std::string, std::vector<std::size_t>> groups;  // sorted: order-independent
    for (std::size_t i = 0; i < records.size(); ++i) groups[records[i].architecture].push_back(i);
    std::vector<const std::vector<std::size_t>*> order;
    for (const auto& [k, v] : groups) order.push_back(&v);
    // Fisher–Yates with the standardised mt19937_64 stream (std::shuffle is not portable).
    std::mt19937_64 rng(seed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    std::size_t n_test =
        static_cast<std::size_t>(std::llround(test_fraction * double(order.size())));
    if (order.size() > 1)
        n_test = std::clamp<std::size_t>(n_test, test_fraction > 0 ? 1 : 0, order.size() - 1);
    else
        n_test = 0;
    RecordSplit s;
    for (std::size_t g = 0; g < order.size(); ++g) {
        auto& dst = g < n_test ? s.test : s.train;
        dst.insert(dst.end(), order[g]->begin(), order[g]->end());
    }
    std::sort(s.train.begin(), s.train.end());
    std::sort(s.test.begin(), s.test.end());
    s.test_groups = static_cast<std::int64_t>(n_test);
    s.train_groups = static_cast<std::int64_t>(order.size() - n_test);
    return s;
}

Evaluation evaluate(const CostModel& model, const std::vector<SynthesisRecord>& records,
                    const std::vector<std::size_t>& idx) {
    Evaluation ev;
    std::array<std::vector<double>, kTargetCount> y, y_hat;
    for (std::size_t i : idx) {
        const SynthesisRecord& r = records.at(i);
        HardwareEstimate e;
        try {
            e = model.estimate(r.network, r.hls, find_part(r.part));
        } catch (const UsageError& err) {
            ++ev.n_failed;
            if (ev.failures.size() < 5) ev.failures.push_back(r.id + ": " + err.what());
            continue;
        }
        ++ev.n_records;
        for (int t = 0; t < kTargetCount; ++t) {
            y[t].push_back(measured(r.y, static_cast<Target>(t)));
            y_hat[t].push_back(predicted(e, static_cast<Target>(t)));
        }
    }
    for (int t = 0; t < kTargetCount; ++t)
        ev.metrics[t] = score(static_cast<Target>(t), y[t], y_hat[t]);
    return ev;
}

std::vector<std::size_t> records_with_strategy(const std::vector<SynthesisRecord>& records,
                                               const std::vector<std::size_t>& idx,
                                               Strategy strategy) {
    std::vector<std::size_t> out;
    for (std::size_t i : idx)
        if (records[i].hls.strategy == strategy) out.push_back(i);
    return out;
}

const std::vector<PublishedFigures>& published_figures() {
    // Target order: LUT, FF, DSP, BRAM, CYCLES, II.
    static const std::vector<PublishedFigures> figures = {
        {"rule4ml v2 GNN, wa-hls4ml test, all",
         {0.64, 0.55, 0.18, 0.71, 0.79, 0.83},
         {14.4, 15.3, 103.2, 52.4, 13.7, 12.5}},
        {"rule4ml v2 GNN, wa-hls4ml test, dense",
         {0.64, 0.54, 0.19, 0.72, 0.97, 0.95},
         {15.2, 14.2, 103.5, 57.1, 12.1, 12.1}},
        {"wa-hls4ml GNN, wa-hls4ml test",
         {0.73, 0.74, 0.89, 0.51, 0.89, 0.91},
         {11.4, 11.6, 15.1, 19.5, 15.7, 13.4}},
    };
    return figures;
}

}  // namespace snac::surrogate
