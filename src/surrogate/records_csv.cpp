// Loader of the wa-hls4ml pilot CSV layout (../shared/data/wa-hls4ml/README.md): one QDense layer
// per row, kernel and bias ap_fixed<prec,1>, other types at hls4ml's ap_fixed<16,6> default, the
// accumulator at the default as hls4ml 0.8.1 leaves it. Values are HLS C-synthesis estimates.
#include <cmath>
#include <map>
#include <sstream>

#include "records_common.hpp"
#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/surrogate/records.hpp"

namespace snac::surrogate {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (char ch : line) {
        if (ch == '"')
            quoted = !quoted;
        else if (ch == ',' && !quoted) {
            out.push_back(cur);
            cur.clear();
        } else if (ch != '\r')
            cur += ch;
    }
    out.push_back(cur);
    return out;
}

const std::vector<std::string> kRequired = {"d_in",
                                            "d_out",
                                            "prec",
                                            "rf",
                                            "strategy",
                                            "hls_synth_success",
                                            "BestLatency_hls",
                                            "WorstLatency_hls",
                                            "IntervalMin_hls",
                                            "IntervalMax_hls",
                                            "FF_hls",
                                            "LUT_hls",
                                            "BRAM_18K_hls",
                                            "DSP_hls",
                                            "URAM_hls",
                                            "AvailableLUT_hls",
                                            "AvailableFF_hls",
                                            "AvailableDSP_hls",
                                            "AvailableBRAM_18K_hls"};

double number(const std::string& s, const std::string& col, const std::string& where) {
    try {
        std::size_t pos = 0;
        const double v = std::stod(s, &pos);
        if (pos != s.size()) throw std::invalid_argument(s);
        return v;
    } catch (const std::exception&) {
        throw UsageError(where + ": column '" + col + "' holds '" + s + "', not a number");
    }
}

const FpgaPart& part_from_totals(double lut, double ff, double dsp, double bram,
                                 const std::string& where) {
    // U250 and VU13P share their totals; the pilot sweep targeted the U250 (README), so the
    // wa-hls4ml part wins a tie.
    const FpgaPart* match = nullptr;
    for (const FpgaPart& p : known_parts())
        if (double(p.lut) == lut && double(p.ff) == ff && double(p.dsp) == dsp &&
            double(p.bram_18k) == bram && (!match || p.part == "xcu250-figd2104-2L-e"))
            match = &p;
    if (match) return *match;
    throw UsageError(where + ": the Available* totals match no known FPGA part",
                     "snac knows the parts listed by 'snac estimate --part help'");
}

}  // namespace

RecordSet parse_pilot_csv(std::istream& in, const std::string& source_name) {
    RecordSet set;
    set.layout = RecordLayout::kPilotCsv;
    std::string line;
    if (!std::getline(in, line)) throw UsageError(source_name + ": empty CSV file");
    const std::vector<std::string> header = split_csv_line(line);
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
    std::string missing;
    for (const std::string& r : kRequired)
        if (!col.count(r)) missing += (missing.empty() ? "" : ", ") + r;
    if (!missing.empty())
        throw UsageError(source_name + ": missing column(s) " + missing,
                         "the pilot layout (data/wa-hls4ml/README.md) needs: d_in, d_out, prec, "
                         "rf, strategy, hls_synth_success, the *_hls result columns and the "
                         "Available*_hls totals");
    int row = 1;
    while (std::getline(in, line)) {
        ++row;
        if (line.empty() || line == "\r") continue;
        const std::vector<std::string> f = split_csv_line(line);
        const std::string where = source_name + ":" + std::to_string(row);
        if (f.size() < header.size())
            throw UsageError(where + ": " + std::to_string(f.size()) + " fields, header has " +
                             std::to_string(header.size()));
        auto get = [&](const std::string& c) -> const std::string& { return f[col.at(c)]; };
        const std::string ok = get("hls_synth_success");
        if (ok != "True" && ok != "true" && ok != "1") {
            ++set.skipped_failed;
            continue;
        }
        auto num = [&](const std::string& c) { return number(get(c), c, where); };
        SynthesisRecord r;
        r.id = col.count("model_name") ? get("model_name") + "_rf" + get("rf") : where;
        const auto d_in = static_cast<std::int64_t>(num("d_in"));
        const auto d_out = static_cast<std::int64_t>(num("d_out"));
        const int prec = static_cast<int>(num("prec"));
        const int rf = static_cast<int>(num("rf"));
        if (d_in < 1 || d_out < 1 || prec < 1 || prec > 64 || rf < 1)
            throw UsageError(where + ": d_in, d_out, prec and rf must be positive (prec <= 64)");
        nn::LayerSpec dense;
        dense.type = nn::LayerType::kDense;
        dense.name = "dense";
        dense.units = d_out;
        r.network.input_shape = {d_in};
        r.network.layers = {dense};
        r.architecture = detail::architecture_key(r.network);

        const std::string strategy = get("strategy");
        if (strategy == "latency" || strategy == "Latency")
            r.hls.strategy = Strategy::kLatency;
        else if (strategy == "resource" || strategy == "Resource")
            r.hls.strategy = Strategy::kResource;
        else
            throw UsageError(where + ": strategy '" + strategy + "' is not latency or resource");
        r.hls.reuse_factor = rf;
        LayerHlsSettings layer;
        layer.precision = r.hls.default_precision;
        layer.precision.weight = FixedType{prec, 1};
        layer.precision.bias = FixedType{prec, 1};
        // hls4ml 0.8.1 keeps accum_t at the model default (README of data/wa-hls4ml); it does
        // not infer a wider accumulator.
        layer.reuse_factor = rf;
        layer.strategy = r.hls.strategy;
        r.hls.layers["dense"] = layer;
        r.part = part_from_totals(num("AvailableLUT_hls"), num("AvailableFF_hls"),
                                  num("AvailableDSP_hls"), num("AvailableBRAM_18K_hls"), where)
                     .part;
        if (col.count("TargetClockPeriod_hls") && !get("TargetClockPeriod_hls").empty())
            r.hls.clock_period_ns = num("TargetClockPeriod_hls");
        r.y.lut = num("LUT_hls");
        r.y.ff = num("FF_hls");
        r.y.dsp = num("DSP_hls");
        r.y.bram_18k = num("BRAM_18K_hls");
        r.y.uram = num("URAM_hls");
        r.y.cycles_min = num("BestLatency_hls");
        r.y.cycles_max = num("WorstLatency_hls");
        r.y.ii_min = num("IntervalMin_hls");
        r.y.ii_max = num("IntervalMax_hls");
        set.records.push_back(std::move(r));
    }
    return set;
}

void append(RecordSet& into, RecordSet more) {
    for (auto& r : more.records) into.records.push_back(std::move(r));
    into.skipped_failed += more.skipped_failed;
    into.skipped_unsupported += more.skipped_unsupported;
    for (auto& n : more.notes)
        if (into.notes.size() < 20) into.notes.push_back(std::move(n));
    into.layout = more.layout;
}

}  // namespace snac::surrogate
