// Loader of the wa-hls4ml JSON record layout (Hawks et al., arXiv:2511.05615; field list in
// ../shared/docs/reference/surrogate.md §5). Keras layer lists become NetworkSpecs; hls4ml
// configs become HlsSettings; Vivado BRAM tiles (36 Kb) are doubled to BRAM_18K. Records with
// layers the architecture vocabulary cannot express (Conv1D, Add, ...) are skipped and counted,
// never mapped to something else.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "records_common.hpp"
#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/surrogate/records.hpp"

namespace snac::surrogate {
namespace {

using nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Unsupported {
    std::string why;
};

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

const json& need(const json& j, const char* key, const std::string& where) {
    if (!j.is_object() || !j.contains(key))
        throw UsageError(where + ": missing key '" + key + "'",
                         "wa-hls4ml records need model_config, hls_config, resource_report "
                         "(or hls_resource_report) and latency_report");
    return j.at(key);
}

double num_or_nan(const json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return kNaN;
    const json& v = j.at(key);
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
        try {
            return std::stod(v.get<std::string>());
        } catch (const std::exception&) {
            return kNaN;
        }
    }
    return kNaN;
}

double need_num(const json& j, const char* key, const std::string& where) {
    need(j, key, where);
    const double out = num_or_nan(j, key);
    if (std::isnan(out)) throw UsageError(where + ": key '" + key + "' is not a number");
    return out;
}

// A Keras shape with the batch dimension dropped: [null, 16] or [[null, 16]] -> [16].
nn::Shape shape_of(const json& j) {
    const json* s = &j;
    if (s->is_array() && !s->empty() && s->front().is_array()) s = &s->front();
    nn::Shape out;
    if (!s->is_array()) return out;
    for (const json& d : *s)
        if (d.is_number_integer()) out.push_back(d.get<std::int64_t>());
    return out;
}

std::int64_t first_int(const json& j, std::int64_t fallback) {
    if (j.is_number_integer()) return j.get<std::int64_t>();
    if (j.is_array() && !j.empty() && j.front().is_number_integer()) {
        for (const json& v : j)
            if (v != j.front()) throw Unsupported{"non-square kernel/stride"};
        return j.front().get<std::int64_t>();
    }
    return fallback;
}

void add_activation(const std::string& act, const std::string& name, nn::NetworkSpec& net) {
    const std::string a = lower(act);
    nn::LayerSpec l;
    l.name = name;
    if (a.empty() || a == "linear") return;
    if (a == "relu")
        l.type = nn::LayerType::kRelu;
    else if (a == "tanh")
        l.type = nn::LayerType::kTanh;
    else if (a == "sigmoid")
        l.type = nn::LayerType::kSigmoid;
    else if (a == "softmax")
        l.type = nn::LayerType::kSoftmax;
    else if (a == "leaky_relu" || a == "leakyrelu")
        l.type = nn::LayerType::kLeakyRelu;
    else
        throw Unsupported{"activation '" + act + "'"};
    net.layers.push_back(l);
}

nn::NetworkSpec network_of(const json& layers, const std::string& where) {
    if (!layers.is_array() || layers.empty())
        throw UsageError(where + ": model_config must be a non-empty list of layers");
    nn::NetworkSpec net;
    bool channels_last = false;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const json& L = layers[i];
        std::string cls = L.value("class_name", "");
        const std::string name = L.value("name", "layer_" + std::to_string(i));
        if (cls.size() > 1 && cls[0] == 'Q' && std::isupper(static_cast<unsigned char>(cls[1])))
            cls = cls.substr(1);  // QDense -> Dense: quantizer widths live in hls_config
        const std::string c = lower(cls);
        nn::LayerSpec l;
        l.name = name;
        if (c == "inputlayer") {
            nn::Shape s =
                shape_of(L.contains("output_shape") ? L["output_shape"] : L["input_shape"]);
            if (s.size() == 3) {  // Keras (H, W, C) -> snac [C, H, W]
                s = {s[2], s[0], s[1]};
                channels_last = true;
            }
            net.input_shape = s;
            continue;
        }
        if (net.input_shape.empty() && L.contains("input_shape")) {
            nn::Shape s = shape_of(L["input_shape"]);
            if (s.size() == 3) {
                s = {s[2], s[0], s[1]};
                channels_last = true;
            }
            net.input_shape = s;
        }
        if (c == "dense") {
            l.type = nn::LayerType::kDense;
            if (L.contains("neurons")) {
                l.units = L["neurons"].get<std::int64_t>();
            } else {
                const nn::Shape out = shape_of(L.value("output_shape", json()));
                if (out.empty())
                    throw UsageError(where + ": dense layer '" + name +
                                     "' has neither 'neurons' nor 'output_shape'");
                l.units = out.back();
            }
            l.use_bias = L.value("use_bias", true);
            net.layers.push_back(l);
            add_activation(L.value("activation", ""), name + "_" + lower(L.value("activation", "")),
                           net);
        } else if (c == "conv2d") {
            l.type = nn::LayerType::kConv2d;
            l.filters = L.contains("filters") ? L["filters"].get<std::int64_t>()
                                              : L.value("channels", std::int64_t{0});
            l.kernel = first_int(L.value("kernel_size", json()), 3);
            l.stride = first_int(L.value("strides", json()), 1);
            l.padding = lower(L.value("padding", "valid")) == "same" ? nn::Padding::kSame
                                                                     : nn::Padding::kValid;
            l.use_bias = L.value("use_bias", true);
            net.layers.push_back(l);
            add_activation(L.value("activation", ""), name + "_" + lower(L.value("activation", "")),
                           net);
        } else if (c == "activation" || c == "relu" || c == "softmax") {
            const std::string act = c == "activation" ? L.value("activation", "linear") : c;
            add_activation(act, name, net);
        } else if (c == "batchnormalization") {
            l.type = nn::LayerType::kBatchNorm;
            net.layers.push_back(l);
        } else if (c == "dropout") {
            l.type = nn::LayerType::kDropout;
            net.layers.push_back(l);
        } else if (c == "flatten") {
            l.type = nn::LayerType::kFlatten;
            net.layers.push_back(l);
        } else if (c == "maxpooling2d" || c == "averagepooling2d") {
            l.type = c == "maxpooling2d" ? nn::LayerType::kMaxPool2d : nn::LayerType::kAvgPool2d;
            const nn::Shape in = shape_of(L.value("input_shape", json()));
            const nn::Shape out = shape_of(L.value("output_shape", json()));
            if (in.size() != 3 || out.size() != 3 || out[0] == 0)
                throw Unsupported{"pooling shape"};
            l.size = channels_last ? in[0] / out[0] : in[1] / out[1];
            net.layers.push_back(l);
        } else {
            throw Unsupported{"layer class '" + L.value("class_name", std::string("?")) + "'"};
        }
    }
    if (net.input_shape.empty()) throw UsageError(where + ": model_config has no input shape");
    return net;
}

FixedType precision_of(const json& p, const FixedType& fallback) {
    if (p.is_string()) {
        const std::string s = p.get<std::string>();
        if (lower(s) == "auto") return fallback;
        return FixedType::parse(s);
    }
    if (p.is_object() && p.contains("default")) return precision_of(p["default"], fallback);
    return fallback;
}

Strategy strategy_of(const json& s, Strategy fallback, const std::string& where) {
    if (!s.is_string()) return fallback;
    const std::string v = lower(s.get<std::string>());
    if (v == "latency") return Strategy::kLatency;
    if (v == "resource") return Strategy::kResource;
    throw Unsupported{"strategy '" + s.get<std::string>() + "' in " + where};
}

HlsSettings settings_of(const json& cfg, const std::string& where) {
    HlsSettings hls;
    const json& model = need(cfg, "Model", where + " hls_config");
    const FixedType def = precision_of(model.value("Precision", json()), FixedType{16, 6});
    hls.default_precision = {def, def, def, def};
    hls.reuse_factor = model.value("ReuseFactor", 1);
    hls.strategy = strategy_of(model.value("Strategy", json()), Strategy::kLatency, where);
    if (cfg.contains("IOType") && lower(cfg["IOType"].get<std::string>()) == "io_stream")
        hls.io_type = IoType::kStream;
    if (!cfg.contains("LayerName")) return hls;
    for (auto it = cfg["LayerName"].begin(); it != cfg["LayerName"].end(); ++it) {
        const json& L = it.value();
        LayerHlsSettings s = hls.for_layer(it.key());
        if (L.contains("Precision")) {
            const json& p = L["Precision"];
            if (p.is_object()) {
                s.precision.weight = precision_of(p.value("weight", json()), s.precision.weight);
                s.precision.bias = precision_of(p.value("bias", json()), s.precision.bias);
                s.precision.result = precision_of(p.value("result", json()), s.precision.result);
                s.precision.accum = precision_of(p.value("accum", json()), s.precision.accum);
            } else {
                const FixedType t = precision_of(p, def);
                s.precision = {t, t, t, t};
            }
        }
        s.reuse_factor = L.value("ReuseFactor", s.reuse_factor);
        s.strategy = strategy_of(L.value("Strategy", json()), s.strategy, where);
        hls.layers[it.key()] = s;
    }
    return hls;
}

SynthesisRecord record_of(const json& j, const std::string& where, ResourceSource source) {
    SynthesisRecord r;
    if (j.contains("meta_data")) {
        const json& m = j["meta_data"];
        r.id = m.value("uuid", m.value("model_id", m.value("model_name", where)));
    } else {
        r.id = where;
    }
    r.network = network_of(need(j, "model_config", where), where);
    try {
        nn::infer_shapes(r.network);
    } catch (const UsageError& e) {
        throw Unsupported{std::string("shapes: ") + e.what()};
    }
    r.architecture = detail::architecture_key(r.network);
    r.hls = settings_of(need(j, "hls_config", where), where);
    const std::string part = j.value("target_part", "xcu250-figd2104-2L-e");
    try {
        r.part = find_part(part).part;
    } catch (const UsageError&) {
        throw Unsupported{"target part '" + part + "'"};
    }
    const char* key = source == ResourceSource::kVivado ? "resource_report" : "hls_resource_report";
    // Some wa-hls4ml families leave the HLS report empty: such records cannot serve as HLS targets.
    if (source == ResourceSource::kHls && (!j.contains(key) || j[key].empty()))
        throw Unsupported{"record without an hls_resource_report"};
    const json& res = need(j, key, where);
    r.y.lut = need_num(res, "lut", where + " " + key);
    r.y.ff = need_num(res, "ff", where + " " + key);
    r.y.dsp = need_num(res, "dsp", where + " " + key);
    // Vivado reports Block RAM tiles (36 Kb; RAMB18 counted as 0.5); snac counts 18 Kb blocks.
    // HLS reports already count BRAM_18K.
    const double bram = need_num(res, "bram", where + " " + key);
    r.y.bram_18k = source == ResourceSource::kVivado ? 2.0 * bram : bram;
    r.y.uram = num_or_nan(res, "uram");
    const json& lat = need(j, "latency_report", where);
    r.y.cycles_min = need_num(lat, "cycles_min", where + " latency_report");
    r.y.cycles_max = need_num(lat, "cycles_max", where + " latency_report");
    r.y.ii_min = num_or_nan(lat, "interval_min");
    r.y.ii_max = num_or_nan(lat, "interval_max");
    return r;
}

void add_record(const json& j, const std::string& where, ResourceSource source, RecordSet& set) {
    try {
        set.records.push_back(record_of(j, where, source));
    } catch (const Unsupported& u) {
        ++set.skipped_unsupported;
        if (set.notes.size() < 10) set.notes.push_back(where + ": skipped, unsupported " + u.why);
    } catch (const json::exception& e) {
        throw UsageError(where + ": malformed record (" + e.what() + ")");
    }
}

bool looks_like_record(const json& j) {
    return j.is_object() && j.contains("model_config");
}

}  // namespace

RecordSet parse_wa_hls4ml_json(const std::string& text, const std::string& source_name,
                               ResourceSource source) {
    RecordSet set;
    set.layout = RecordLayout::kWaHls4mlJson;
    json doc;
    bool lines = false;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error&) {
        lines = true;  // JSON lines: one record per line
    }
    if (lines) {
        std::istringstream in(text);
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            json j;
            try {
                j = json::parse(line);
            } catch (const json::parse_error& e) {
                throw UsageError(source_name + ":" + std::to_string(n) + ": not JSON (" + e.what() +
                                 ")");
            }
            add_record(j, source_name + ":" + std::to_string(n), source, set);
        }
        return set;
    }
    if (doc.is_array()) {
        for (std::size_t i = 0; i < doc.size(); ++i)
            add_record(doc[i], source_name + "[" + std::to_string(i) + "]", source, set);
    } else if (looks_like_record(doc)) {
        add_record(doc, source_name, source, set);
    } else if (doc.is_object()) {
        for (auto it = doc.begin(); it != doc.end(); ++it)
            add_record(it.value(), source_name + "[" + it.key() + "]", source, set);
    } else {
        throw UsageError(source_name + ": expected wa-hls4ml records (a JSON array or object)");
    }
    return set;
}

RecordSet load_records(const std::string& path, ResourceSource source) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(path)) {
            const std::string ext = e.path().extension().string();
            if (ext == ".csv" || ext == ".json" || ext == ".jsonl") files.push_back(e.path());
        }
        std::sort(files.begin(), files.end());
        if (files.empty())
            throw UsageError("no .csv/.json/.jsonl record files in directory '" + path + "'");
        RecordSet all;
        for (const auto& f : files) append(all, load_records(f.string(), source));
        return all;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw UsageError("cannot read synthesis records '" + path + "'",
                         "pass a wa-hls4ml pilot CSV (results_*.csv), a wa-hls4ml JSON file, or a "
                         "directory of them");
    const std::string ext = fs::path(path).extension().string();
    if (ext == ".csv") return parse_pilot_csv(in, path);
    if (ext == ".json" || ext == ".jsonl") {
        std::stringstream ss;
        ss << in.rdbuf();
        return parse_wa_hls4ml_json(ss.str(), path, source);
    }
    throw UsageError("unknown record file type '" + path + "'",
                     "use .csv (wa-hls4ml pilot layout) or .json/.jsonl (wa-hls4ml records)");
}

}  // namespace snac::surrogate
