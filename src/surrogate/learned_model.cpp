// Learned cost model: an MLP (nn engine, oneDNN) on structural features plus the analytical
// model's quantities, predicting log1p targets (the MSLE-style target scaling of rule4ml v2,
// arXiv:2408.05314, and wa-hls4ml, arXiv:2511.05615). Scalers and the analytical coefficients
// travel in the checkpoint attributes so a model file is self-contained.
#include "snac/surrogate/learned_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <random>
#include <sstream>

#include "snac/core/error.hpp"
#include "snac/core/fpga_part.hpp"
#include "snac/nn/predictor.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/surrogate/evaluation.hpp"

namespace snac::surrogate {
namespace {

constexpr const char* kMarker = "snac-surrogate-learned-v2";
// Features 4..9 are log1p of the analytical LUT, FF, DSP, BRAM, cycles and II, in target order:
// the MLP learns the residual log1p(y) − log1p(analytical), a calibration of the analytical model.
constexpr std::size_t kAnalyticalFeature = 4;

std::string join(const std::vector<float>& v) {
    std::ostringstream os;
    os.precision(9);
    for (std::size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
    return os.str();
}

std::vector<float> split_floats(const std::string& s, const std::string& key) {
    std::vector<float> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            out.push_back(std::stof(item));
        } catch (const std::exception&) {
            throw UsageError("learned surrogate attribute '" + key + "' is malformed");
        }
    }
    return out;
}

std::string attr(const CheckpointData& c, const std::string& key) {
    auto it = c.attributes.find(key);
    if (it == c.attributes.end())
        throw UsageError(
            "checkpoint is not a snac learned surrogate (attribute '" + key + "' missing)",
            "train one with 'snac surrogate fit --records PATH --out model.h5'");
    return it->second;
}

float lg(double v) {
    return static_cast<float>(std::log1p(std::max(0.0, v)));
}

}  // namespace

const std::vector<std::string>& learned_feature_names() {
    static const std::vector<std::string> names = {
        "log_products",    "log_weights",       "log_multipliers",  "log_dsp_multipliers",
        "log_ana_lut",     "log_ana_ff",        "log_ana_dsp",      "log_ana_bram",
        "log_ana_cycles",  "log_ana_ii",        "mean_weight_bits", "max_weight_bits",
        "mean_input_bits", "mean_accum_bits",   "n_dense",          "n_conv",
        "n_batchnorm",     "n_logic",           "n_table",          "n_softmax",
        "n_pool",          "log_max_rf",        "log_mean_rf",      "resource_fraction",
        "sparsity",        "log_io_bits",       "log_mux_bits",     "log_lut_mult_bits",
        "log_adder_bits",  "log_max_positions", "clock_ns",         "dsp_per_mult",
        "io_stream"};
    return names;
}

void learned_features(const Lowered& low, const HardwareEstimate& a, const FpgaPart& part,
                      const AnalyticalCoefficients& c, float* out) {
    double products = 0, weights = 0, zeros = 0, wbits = 0, wmax = 0, ibits = 0, abits = 0;
    double n_dense = 0, n_conv = 0, n_bn = 0, n_logic = 0, n_table = 0, n_soft = 0, n_pool = 0;
    double rf_max = 1, rf_sum = 0, resource = 0, positions = 1, dsp_per = 0;
    TermVector terms{};
    for (const LayerQuantities& q : low.layers) {
        switch (q.kind) {
            case LayerKind::kDense: {
                ++n_dense;
                if (q.type == "conv2d") ++n_conv;
                if (q.type == "batchnorm") ++n_bn;
                products += double(q.products()) * double(q.positions);
                weights += double(q.products());
                zeros += double(q.zero_weights);
                wbits += q.weight_bits;
                wmax = std::max(wmax, double(q.weight_bits));
                ibits += q.input_bits;
                abits += q.accum_bits;
                rf_max = std::max(rf_max, double(q.reuse_factor));
                rf_sum += q.reuse_factor;
                resource += q.strategy == Strategy::kResource ? 1 : 0;
                positions = std::max(positions, double(q.positions));
                dsp_per = std::max(dsp_per,
                                   double(dsp_per_multiplier(q.input_bits, q.weight_bits, part)));
                const TermVector t = dense_terms(q, c, part);
                for (int i = 0; i < kTermCount; ++i) terms[i] += t[i];
                break;
            }
            case LayerKind::kLogic:
                ++n_logic;
                break;
            case LayerKind::kTable:
                ++n_table;
                break;
            case LayerKind::kSoftmax:
                ++n_soft;
                break;
            case LayerKind::kPool:
            case LayerKind::kAggregate:
                ++n_pool;
                break;
            case LayerKind::kFree:
                break;
        }
    }
    const double nd = std::max(1.0, n_dense);
    std::int64_t mults = 0, dsp_mults = 0;
    for (const LayerEstimate& e : a.layers) mults += e.multipliers, dsp_mults += e.dsp_multipliers;
    const float f[] = {lg(products),
                       lg(weights),
                       lg(double(mults)),
                       lg(double(dsp_mults)),
                       lg(double(a.total.lut)),
                       lg(double(a.total.ff)),
                       lg(double(a.total.dsp)),
                       lg(double(a.total.bram_18k)),
                       lg(0.5 * double(a.latency_cycles_min + a.latency_cycles_max)),
                       lg(double(a.ii_cycles)),
                       float(wbits / nd),
                       float(wmax),
                       float(ibits / nd),
                       float(abits / nd),
                       float(n_dense),
                       float(n_conv),
                       float(n_bn),
                       float(n_logic),
                       float(n_table),
                       float(n_soft),
                       float(n_pool),
                       lg(rf_max),
                       lg(rf_sum / nd),
                       float(resource / nd),
                       float(weights > 0 ? zeros / weights : 0.0),
                       lg(terms[int(Term::kIoBits)]),
                       lg(terms[int(Term::kMuxBits)]),
                       lg(terms[int(Term::kLutMultBits)]),
                       lg(terms[int(Term::kAdderBits)]),
                       lg(positions),
                       0.0f,
                       float(dsp_per),
                       0.0f};
    static_assert(sizeof(f) / sizeof(f[0]) == 33);
    std::copy(std::begin(f), std::end(f), out);
}

namespace {

struct Row {
    std::vector<float> x;
    std::array<float, kTargetCount> y;
    std::string architecture;
};

std::vector<float> features_of(const SynthesisRecord& r, const AnalyticalCoefficients& c) {
    const FpgaPart& part = find_part(r.part);
    const Lowered low = lower_network(r.network, r.hls);
    const HardwareEstimate a = estimate_lowered(low, r.hls, part, c);
    std::vector<float> x(learned_feature_names().size());
    learned_features(low, a, part, c, x.data());
    x[30] = static_cast<float>(r.hls.clock_period_ns);
    x[32] = r.hls.io_type == IoType::kStream ? 1.0f : 0.0f;
    return x;
}

void standardize(std::vector<float>& data, std::size_t dim, std::vector<float>& mean,
                 std::vector<float>& sd, const std::vector<std::int64_t>& rows) {
    mean.assign(dim, 0.0f);
    sd.assign(dim, 1.0f);
    for (std::size_t j = 0; j < dim; ++j) {
        double m = 0, v = 0;
        for (std::int64_t r : rows) m += data[r * dim + j];
        m /= double(rows.size());
        for (std::int64_t r : rows) v += (data[r * dim + j] - m) * (data[r * dim + j] - m);
        v = std::sqrt(v / double(rows.size()));
        mean[j] = float(m);
        sd[j] = v > 1e-6 ? float(v) : 1.0f;
    }
    for (std::size_t r = 0; r < data.size() / dim; ++r)
        for (std::size_t j = 0; j < dim; ++j)
            data[r * dim + j] = (data[r * dim + j] - mean[j]) / sd[j];
}

}  // namespace

CheckpointData fit_learned(const std::vector<SynthesisRecord>& records,
                           const std::vector<std::size_t>& idx, const AnalyticalCoefficients& base,
                           const LearnedFitOptions& o, std::vector<std::string>* log) {
    const std::size_t nf = learned_feature_names().size();
    std::vector<Row> rows;
    std::int64_t refused = 0, incomplete = 0;
    for (std::size_t i : idx) {
        const SynthesisRecord& r = records.at(i);
        Row row;
        bool ok = true;
        for (int t = 0; t < kTargetCount; ++t) {
            const double v = measured(r.y, static_cast<Target>(t));
            ok = ok && std::isfinite(v);
            row.y[t] = lg(v);
        }
        if (!ok) {
            ++incomplete;
            continue;
        }
        try {
            row.x = features_of(r, base);
        } catch (const UsageError&) {
            ++refused;
            continue;
        }
        for (int t = 0; t < kTargetCount; ++t) row.y[t] -= row.x[kAnalyticalFeature + t];
        row.architecture = r.architecture;
        rows.push_back(std::move(row));
    }
    if (rows.size() < 8)
        throw UsageError("only " + std::to_string(rows.size()) +
                             " usable synthesis records: too few to train the learned surrogate",
                         "pass more records (e.g. the wa-hls4ml dataset)");
    // Validation architectures for early stopping, grouped like the evaluation split.
    std::map<std::string, std::vector<std::int64_t>> groups;
    for (std::size_t i = 0; i < rows.size(); ++i)
        groups[rows[i].architecture].push_back(std::int64_t(i));
    std::vector<const std::vector<std::int64_t>*> order;
    for (const auto& [k, v] : groups) order.push_back(&v);
    std::mt19937_64 rng(o.seed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    std::size_t n_val = order.size() > 1
                            ? std::clamp<std::size_t>(
                                  std::size_t(std::llround(o.val_fraction * double(order.size()))),
                                  1, order.size() - 1)
                            : 0;
    Dataset d;
    d.name = "surrogate-records";
    d.task = TaskType::kRegression;
    d.sample_shape = {std::int64_t(nf)};
    d.n_samples = std::int64_t(rows.size());
    d.target_dim = kTargetCount;
    d.feature_names = learned_feature_names();
    for (std::size_t g = 0; g < order.size(); ++g)
        for (std::int64_t r : *order[g]) (g < n_val ? d.val_idx : d.train_idx).push_back(r);
    std::sort(d.train_idx.begin(), d.train_idx.end());
    std::sort(d.val_idx.begin(), d.val_idx.end());
    for (const Row& r : rows) {
        d.x.insert(d.x.end(), r.x.begin(), r.x.end());
        d.targets.insert(d.targets.end(), r.y.begin(), r.y.end());
    }
    std::vector<float> x_mean, x_std, y_mean, y_std;
    standardize(d.x, nf, x_mean, x_std, d.train_idx);
    standardize(d.targets, kTargetCount, y_mean, y_std, d.train_idx);

    nn::NetworkSpec net;
    net.input_shape = {std::int64_t(nf)};
    for (std::size_t i = 0; i < o.hidden.size(); ++i) {
        nn::LayerSpec dense;
        dense.type = nn::LayerType::kDense;
        dense.name = "dense_" + std::to_string(i);
        dense.units = o.hidden[i];
        nn::LayerSpec relu;
        relu.type = nn::LayerType::kRelu;
        relu.name = "relu_" + std::to_string(i);
        net.layers.push_back(dense);
        net.layers.push_back(relu);
    }
    nn::LayerSpec head;
    head.type = nn::LayerType::kDense;
    head.name = "head";
    head.units = kTargetCount;
    net.layers.push_back(head);

    TrainConfig tc;
    tc.epochs = o.epochs;
    tc.batch_size = o.batch_size;
    tc.learning_rate = o.learning_rate;
    tc.early_stopping_patience = d.val_idx.empty() ? 0 : o.patience;
    tc.loss = LossKind::kMse;
    tc.seed = o.seed;
    nn::TrainOptions to;
    to.seed = o.seed;
    to.stop = o.stop;
    const nn::TrainResult res = nn::train_network(net, d, tc, to);
    if (res.status != nn::TrainStatus::kOk)
        throw Error("training the learned surrogate failed: " + res.reason);

    CheckpointData ck = res.checkpoint;
    ck.attributes["surrogate_model"] = kMarker;
    std::string names;
    for (const auto& n : learned_feature_names()) names += (names.empty() ? "" : ",") + n;
    ck.attributes["surrogate_features"] = names;
    ck.attributes["surrogate_targets"] =
        "LUT,FF,DSP,BRAM_18K,CYCLES,II: log1p(measured) - log1p(analytical)";
    ck.attributes["surrogate_x_mean"] = join(x_mean);
    ck.attributes["surrogate_x_std"] = join(x_std);
    ck.attributes["surrogate_y_mean"] = join(y_mean);
    ck.attributes["surrogate_y_std"] = join(y_std);
    ck.attributes["surrogate_analytical"] = coefficients_to_json(base);
    ck.attributes["dataset"] = "synthesis records";
    if (log) {
        std::ostringstream os;
        os << "learned: " << rows.size() << " records (" << d.train_idx.size() << " train, "
           << d.val_idx.size() << " validation by architecture), " << res.history.size()
           << " epochs, final train loss "
           << (res.history.empty() ? 0.0 : res.history.back().train_loss);
        log->push_back(os.str());
        if (refused)
            log->push_back(std::to_string(refused) + " records refused by the analytical model");
        if (incomplete)
            log->push_back(std::to_string(incomplete) + " records lack a target (skipped)");
    }
    return ck;
}

LearnedModel::LearnedModel(CheckpointData checkpoint)
    : checkpoint_(std::move(checkpoint)),
      analytical_(coefficients_from_json(attr(checkpoint_, "surrogate_analytical"),
                                         "learned surrogate checkpoint")) {
    if (attr(checkpoint_, "surrogate_model") != kMarker)
        throw UsageError("unsupported learned surrogate version '" +
                         attr(checkpoint_, "surrogate_model") + "'");
    std::string names;
    for (const auto& n : learned_feature_names()) names += (names.empty() ? "" : ",") + n;
    if (attr(checkpoint_, "surrogate_features") != names)
        throw UsageError("the learned surrogate was trained on a different feature list",
                         "retrain it with this snac version ('snac surrogate fit')");
    x_mean_ = split_floats(attr(checkpoint_, "surrogate_x_mean"), "surrogate_x_mean");
    x_std_ = split_floats(attr(checkpoint_, "surrogate_x_std"), "surrogate_x_std");
    y_mean_ = split_floats(attr(checkpoint_, "surrogate_y_mean"), "surrogate_y_mean");
    y_std_ = split_floats(attr(checkpoint_, "surrogate_y_std"), "surrogate_y_std");
    if (x_mean_.size() != learned_feature_names().size() || x_std_.size() != x_mean_.size() ||
        y_mean_.size() != kTargetCount || y_std_.size() != kTargetCount)
        throw UsageError("learned surrogate scalers have the wrong length");
    predictor_ = std::make_shared<const nn::Predictor>(checkpoint_);
}

HardwareEstimate LearnedModel::estimate(const nn::NetworkSpec& net, const HlsSettings& hls,
                                        const FpgaPart& part) const {
    const nn::NetworkSpec nets[] = {net};
    const HlsSettings settings[] = {hls};
    return std::move(estimate_batch(nets, settings, part).front());
}

std::vector<HardwareEstimate> LearnedModel::estimate_batch(std::span<const nn::NetworkSpec> nets,
                                                           std::span<const HlsSettings> hls,
                                                           const FpgaPart& part) const {
    if (hls.size() != 1 && hls.size() != nets.size())
        throw Error("estimate_batch: need one HLS setting or one per network");
    const std::size_t nf = x_mean_.size();
    std::vector<HardwareEstimate> out;
    out.reserve(nets.size());
    std::vector<float> x(nets.size() * nf);
    std::vector<float> ana(nets.size() * kTargetCount);  // log1p of the analytical targets
    for (std::size_t i = 0; i < nets.size(); ++i) {
        const HlsSettings& h = hls.size() == 1 ? hls[0] : hls[i];
        const Lowered low = lower_network(nets[i], h);
        out.push_back(estimate_lowered(low, h, part, analytical_.coefficients()));
        float* row = x.data() + i * nf;
        learned_features(low, out.back(), part, analytical_.coefficients(), row);
        row[30] = static_cast<float>(h.clock_period_ns);
        row[32] = h.io_type == IoType::kStream ? 1.0f : 0.0f;
        for (int t = 0; t < kTargetCount; ++t)
            ana[i * kTargetCount + t] = row[kAnalyticalFeature + t];
        for (std::size_t j = 0; j < nf; ++j) row[j] = (row[j] - x_mean_[j]) / x_std_[j];
    }
    const std::vector<float> y = (*predictor_)(x.data(), std::int64_t(nets.size()));
    for (std::size_t i = 0; i < nets.size(); ++i) {
        auto value = [&](int t) {
            const double z = double(y[i * kTargetCount + t]) * y_std_[t] + y_mean_[t] +
                             double(ana[i * kTargetCount + t]);
            return std::expm1(std::clamp(z, 0.0, 40.0));
        };
        HardwareEstimate& e = out[i];
        e.model = "learned";
        e.total.lut = std::llround(value(0));
        e.total.ff = std::llround(value(1));
        e.total.dsp = std::llround(value(2));
        e.total.bram_18k = std::llround(value(3));
        const double cycles = value(4);
        const double spread = 0.5 * double(e.latency_cycles_max - e.latency_cycles_min);
        e.latency_cycles_min = std::max<std::int64_t>(0, std::llround(cycles - spread));
        e.latency_cycles_max =
            std::max<std::int64_t>(e.latency_cycles_min, std::llround(cycles + spread));
        e.ii_cycles = std::max<std::int64_t>(1, std::llround(value(5)));
        e.set_percentages(part);
    }
    return out;
}

}  // namespace snac::surrogate
