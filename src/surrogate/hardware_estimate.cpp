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
}

namespace {
using Getter = std::function<double(const HardwareEstimate&)>;
const std::map<std::string, Getter>& getters() {
    static const std::map<std::string, Getter> m = {
        {"est_lut", [](const HardwareEstimate& e) { return double(e.total.lut); }},
        {"est_ff", [](const HardwareEstimate& e) { return double(e.total.ff); }},
        {"est_dsp", [](const HardwareEstimate& e) { return double(e.total.dsp); }},
        {"est_bram", [](const HardwareEstimate& e) { return double(e.total.bram_18k); }},
        {"est_uram", [](const HardwareEstimate& e) { return double(e.total.uram); }},
        {"est_lut_pct", [](const HardwareEstimate& e) { return e.lut_pct; }},
        {"est_ff_pct", [](const HardwareEstimate& e) { return e.ff_pct; }},
        {"est_dsp_pct", [](const HardwareEstimate& e) { return e.dsp_pct; }},
        {"est_bram_pct", [](const HardwareEstimate& e) { return e.bram_pct; }},
        {"est_uram_pct", [](const HardwareEstimate& e) { return e.uram_pct; }},
        {"est_avg_resource_pct", [](const HardwareEstimate& e) { return e.avg_resource_pct; }},
        {"est_latency_cycles",
         [](const HardwareEstimate& e) { return double(e.latency_cycles_max); }},
        {"est_latency_cycles_min",
         [](const HardwareEstimate& e) { return double(e.latency_cycles_min); }},
        {"est_ii_cycles", [](const HardwareEstimate& e) { return double(e.ii_cycles); }},
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

double metric(const HardwareEstimate& e, std::string_view name) {
    const auto& m = getters();
    if (auto it = m.find(std::string(name)); it != m.end()) return it->second(e);
    std::string known;
    for (const auto& n : metric_names()) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("unknown hardware metric '" + std::string(name) + "'", "one of: " + known);
}

}  // namespace snac::surrogate
