#include "snac/surrogate/hardware_estimate.hpp"

#include <functional>
#include <map>

#include "snac/core/error.hpp"
#include "snac/core/metrics.hpp"

namespace snac::surrogate {

Resources& Resources::operator+=(const Resources& o) noexcept {
    lut += o.lut;
    ff += o.ff;
    dsp += o.dsp;
    bram_18k += o.bram_18k;
    uram += o.uram;
    return *this;
}

namespace {
double pct(std::int64_t used, std::int64_t available) {
    return available > 0 ? 100.0 * double(used) / double(available) : 0.0;
}
}  // namespace

void HardwareEstimate::set_percentages(const FpgaPart& p) {
    lut_pct = pct(total.lut, p.lut);
    ff_pct = pct(total.ff, p.ff);
    dsp_pct = pct(total.dsp, p.dsp);
    bram_pct = pct(total.bram_18k, p.bram_18k);
    uram_pct = pct(total.uram, p.uram);
    // SNAC-Pack's avg_resource objective: mean of LUT, FF, BRAM and DSP percentages.
    avg_resource_pct = (lut_pct + ff_pct + dsp_pct + bram_pct) / 4.0;
    fit = {{"LUT", total.lut, p.lut},
           {"FF", total.ff, p.ff},
           {"DSP", total.dsp, p.dsp},
           {"BRAM_18K", total.bram_18k, p.bram_18k}};
    if (p.uram > 0 || total.uram > 0) fit.push_back({"URAM", total.uram, p.uram});
}

bool HardwareEstimate::fits_part() const noexcept {
    if (fit.empty()) return false;
    for (const ResourceFit& f : fit)
        if (!f.fits()) return false;
    return true;
}

namespace {
using Getter = std::function<double(const HardwareEstimate&)>;
const std::map<std::string, Getter>& getters() {
    static const std::map<std::string, Getter> m = {
        {std::string(metric::kEstLut),
         [](const HardwareEstimate& e) { return double(e.total.lut); }},
        {std::string(metric::kEstFf), [](const HardwareEstimate& e) { return double(e.total.ff); }},
        {std::string(metric::kEstDsp),
         [](const HardwareEstimate& e) { return double(e.total.dsp); }},
        {std::string(metric::kEstBram),
         [](const HardwareEstimate& e) { return double(e.total.bram_18k); }},
        {std::string(metric::kEstUram),
         [](const HardwareEstimate& e) { return double(e.total.uram); }},
        {std::string(metric::kEstLutPct), [](const HardwareEstimate& e) { return e.lut_pct; }},
        {std::string(metric::kEstFfPct), [](const HardwareEstimate& e) { return e.ff_pct; }},
        {std::string(metric::kEstDspPct), [](const HardwareEstimate& e) { return e.dsp_pct; }},
        {std::string(metric::kEstBramPct), [](const HardwareEstimate& e) { return e.bram_pct; }},
        {std::string(metric::kEstUramPct), [](const HardwareEstimate& e) { return e.uram_pct; }},
        {std::string(metric::kEstAvgResourcePct),
         [](const HardwareEstimate& e) { return e.avg_resource_pct; }},
        {std::string(metric::kEstLatencyCycles),
         [](const HardwareEstimate& e) { return double(e.latency_cycles_max); }},
        {std::string(metric::kEstLatencyCyclesMin),
         [](const HardwareEstimate& e) { return double(e.latency_cycles_min); }},
        {std::string(metric::kEstIiCycles),
         [](const HardwareEstimate& e) { return double(e.ii_cycles); }},
    };
    return m;
}
}  // namespace

const std::vector<std::string>& metric_names() {
    // The registry names them (snac/core/metrics.hpp); getters() computes them.
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v = snac::metric_names(MetricSource::kSurrogate);
        for (auto& d : snac::metric_names(MetricSource::kDerived))
            if (getters().count(d)) v.push_back(d);
        return v;
    }();
    return names;
}

std::map<std::string, double> metric_values(const HardwareEstimate& e) {
    std::map<std::string, double> out;
    for (const auto& [name, get] : getters()) out[name] = get(e);
    return out;
}

std::vector<HardwareFigure> hardware_figures(const HardwareEstimate& e) {
    auto n = [](std::int64_t v) { return static_cast<double>(v); };
    return {{"lut", n(e.total.lut), true},
            {"ff", n(e.total.ff), true},
            {"dsp", n(e.total.dsp), true},
            {"bram_18k", n(e.total.bram_18k), true},
            {"uram", n(e.total.uram), true},
            {"lut_pct", e.lut_pct},
            {"ff_pct", e.ff_pct},
            {"dsp_pct", e.dsp_pct},
            {"bram_pct", e.bram_pct},
            {"uram_pct", e.uram_pct},
            {"avg_resource_pct", e.avg_resource_pct},
            {"latency_cycles_min", n(e.latency_cycles_min), true},
            {"latency_cycles_max", n(e.latency_cycles_max), true},
            {"ii_cycles", n(e.ii_cycles), true}};
}

double metric(const HardwareEstimate& e, std::string_view name) {
    const auto& m = getters();
    if (auto it = m.find(std::string(name)); it != m.end()) return it->second(e);
    std::string known;
    for (const auto& n : metric_names()) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("unknown hardware metric '" + std::string(name) + "'", "one of: " + known);
}

}  // namespace snac::surrogate
