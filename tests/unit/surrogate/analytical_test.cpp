// Analytical model: shipped coefficients, monotonicity, reuse-factor correction, parts, lowering
// of conv / Deep Sets, bad input, thread safety.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "snac/core/checkpoint_data.hpp"
#include "snac/core/error.hpp"
#include "snac/surrogate/analytical_model.hpp"
#include "snac/surrogate/fit.hpp"

namespace snac::surrogate {
namespace {

const AnalyticalModel& model() {
    static const AnalyticalModel m(load_coefficients(default_coefficients_path()));
    return m;
}

nn::LayerSpec layer(nn::LayerType t, std::int64_t units = 0) {
    nn::LayerSpec l;
    l.type = t;
    l.units = units;
    return l;
}

nn::NetworkSpec dense_net(std::int64_t n_in, std::int64_t n_out) {
    nn::NetworkSpec net;
    net.input_shape = {n_in};
    net.layers = {layer(nn::LayerType::kDense, n_out)};
    return net;
}

HlsSettings settings(int weight_bits, int rf, Strategy s, int input_bits = 16) {
    HlsSettings h;
    const FixedType data{input_bits, 6};
    h.default_precision = {FixedType{weight_bits, 1}, FixedType{weight_bits, 1}, data, data};
    h.reuse_factor = rf;
    h.strategy = s;
    return h;
}

const FpgaPart& u250() {
    return find_part("u250");
}

TEST(Coefficients, ShippedFileExistsAndLoads) {
    const std::string path = std::string(SNAC_SOURCE_DIR) + "/share/surrogate/analytical_v1.json";
    ASSERT_TRUE(std::filesystem::exists(path)) << "the analytical coefficients file is missing";
    const AnalyticalCoefficients c = load_coefficients(path);
    EXPECT_EQ(c.version, 1);
    EXPECT_NE(c.provenance.find("fitted"), std::string::npos);
    EXPECT_EQ(coefficients_to_json(coefficients_from_json(coefficients_to_json(c), "x")),
              coefficients_to_json(c));
}

TEST(Coefficients, ShippedFileIsWhatFittingThePilotDataGives) {
    const std::string dir = std::string(SNAC_SHARED_DATA_DIR) + "/wa-hls4ml/";
    RecordSet set = load_records(dir + "results_latency.csv");
    append(set, load_records(dir + "results_resource.csv"));
    std::vector<std::size_t> idx(set.records.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    AnalyticalCoefficients fitted = fit_analytical(set.records, idx, {});
    AnalyticalCoefficients shipped = load_coefficients(default_coefficients_path());
    fitted.provenance = shipped.provenance = "";
    EXPECT_EQ(coefficients_to_json(fitted), coefficients_to_json(shipped))
        << "refit with: snac surrogate fit --records results_latency.csv --records "
           "results_resource.csv --out share/surrogate/analytical_v1.json";
}

TEST(Coefficients, MissingOrBrokenFileIsAUsageError) {
    EXPECT_THROW(load_coefficients("/nonexistent/analytical.json"), UsageError);
    EXPECT_THROW(coefficients_from_json("{\"format\": \"snac-surrogate-analytical\"}", "t"),
                 UsageError);
    EXPECT_THROW(coefficients_from_json("not json", "t"), UsageError);
}

TEST(Monotonic, MoreReuseNeverMoreMultipliers) {
    for (Strategy s : {Strategy::kLatency, Strategy::kResource}) {
        std::int64_t prev = INT64_MAX;
        for (int rf : {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048}) {
            const HardwareEstimate e =
                model().estimate(dense_net(64, 32), settings(10, rf, s), u250());
            EXPECT_LE(e.layers[0].multipliers, prev) << "rf " << rf;
            prev = e.layers[0].multipliers;
        }
    }
}

TEST(Monotonic, WiderOperandsNeverFewerResources) {
    // DSP, FF and BRAM never fall with wider operands. LUT (and so avg_resource_pct) may fall
    // once products move from LUT to DSP multipliers, as in the pilot data (32x32, Latency, RF 1:
    // 34,010 LUT at 8-bit weights, 24,971 at 14-bit), so they are checked while every multiplier
    // stays LUT-mapped (weights below the DSP thresholds).
    for (Strategy s : {Strategy::kLatency, Strategy::kResource})
        for (int rf : {1, 512}) {
            HardwareEstimate prev;
            bool first = true;
            for (int bits = 2; bits <= 24; bits += 2) {
                const HardwareEstimate e =
                    model().estimate(dense_net(64, 64), settings(bits, rf, s, 16 + bits), u250());
                if (!first) {
                    EXPECT_GE(e.total.dsp, prev.total.dsp) << bits;
                    EXPECT_GE(e.total.ff, prev.total.ff) << bits;
                    EXPECT_GE(e.total.bram_18k, prev.total.bram_18k) << bits;
                    if (bits <= 6) {
                        EXPECT_GE(e.total.lut, prev.total.lut) << bits;
                        EXPECT_GE(e.avg_resource_pct, prev.avg_resource_pct) << bits;
                    }
                }
                prev = e;
                first = false;
            }
        }
}

TEST(Monotonic, PruningNeverMoreMultipliersAndRemovesThemUnderBothStrategies) {
    for (Strategy s : {Strategy::kLatency, Strategy::kResource}) {
        std::int64_t prev = INT64_MAX, dense_mults = 0;
        for (double sparsity : {0.0, 0.25, 0.5, 0.75, 0.9}) {
            HlsSettings h = settings(12, 1, s);
            LayerHlsSettings l = h.for_layer("dense_0");
            l.weight_sparsity = sparsity;
            h.layers["dense_0"] = l;
            const HardwareEstimate e = model().estimate(dense_net(32, 32), h, u250());
            EXPECT_LE(e.layers[0].multipliers, prev);
            prev = e.layers[0].multipliers;
            if (sparsity == 0.0) dense_mults = prev;
        }
        // Latency folds constant zeros away; Resource packs a dense layer's non-zero weights
        // (nnet::dense_compressed).
        EXPECT_LT(prev, dense_mults / 5);
    }
}

TEST(Sparsity, APrunedCheckpointRemovesExactlyItsZeroMultipliersUnderLatency) {
    // 24 x 10 kernel with every 3rd weight pruned (80 zeros) and a mask tensor that must not count.
    CheckpointData ck;
    NamedTensor kernel{"kernel", {24, 10}, std::vector<float>(240, 0.37f)};
    NamedTensor mask{"kernel_mask", {24, 10}, std::vector<float>(240, 1.0f)};
    std::int64_t zeros = 0;
    for (std::size_t i = 0; i < 240; i += 3) {
        kernel.values[i] = 0.0f;
        mask.values[i] = 0.0f;
        ++zeros;
    }
    ck.layers.push_back({"dense_0", "dense", {kernel, mask}});
    const HlsSettings full = settings(8, 1, Strategy::kLatency);
    HlsSettings pruned = full;
    apply_checkpoint_sparsity(ck, pruned);
    EXPECT_DOUBLE_EQ(pruned.for_layer("dense_0").weight_sparsity, 80.0 / 240.0);
    const HardwareEstimate a = model().estimate(dense_net(24, 10), full, u250());
    const HardwareEstimate b = model().estimate(dense_net(24, 10), pruned, u250());
    EXPECT_EQ(a.layers[0].multipliers, 240);
    EXPECT_EQ(b.layers[0].multipliers, a.layers[0].multipliers - zeros);
    EXPECT_LE(b.total.lut + b.total.dsp, a.total.lut + a.total.dsp);
    // Resource packs the 160 non-zero weights: RF 1 multiplies each once, RF 4 shares ⌈160/4⌉.
    for (const int rf : {1, 4}) {
        HlsSettings res = settings(8, rf, Strategy::kResource);
        const HardwareEstimate ra = model().estimate(dense_net(24, 10), res, u250());
        apply_checkpoint_sparsity(ck, res);
        const HardwareEstimate rb = model().estimate(dense_net(24, 10), res, u250());
        EXPECT_EQ(ra.layers[0].multipliers, (240 + rf - 1) / rf) << rf;
        EXPECT_EQ(rb.layers[0].multipliers, (240 - zeros + rf - 1) / rf) << rf;
    }
}

TEST(PartFit, EveryEstimateSaysPerResourceWhetherItFitsAndByHowMuch) {
    const FpgaPart& small = find_part("pynq-z2");
    const HardwareEstimate ok =
        model().estimate(dense_net(8, 4), settings(16, 1, Strategy::kLatency), small);
    EXPECT_TRUE(ok.fits_part());
    ASSERT_GE(ok.fit.size(), 4u);
    EXPECT_EQ(ok.fit[2].resource, "DSP");
    EXPECT_EQ(ok.fit[2].used, ok.total.dsp);
    EXPECT_EQ(ok.fit[2].available, small.dsp);
    EXPECT_EQ(ok.fit[2].margin(), small.dsp - ok.total.dsp);
    const HardwareEstimate big =
        model().estimate(dense_net(256, 256), settings(16, 1, Strategy::kLatency), small);
    EXPECT_FALSE(big.fits_part());
    bool some_over = false;
    for (const ResourceFit& f : big.fit) {
        EXPECT_EQ(f.fits(), f.used <= f.available) << f.resource;
        if (!f.fits()) {
            some_over = true;
            EXPECT_LT(f.margin(), 0) << f.resource;
        }
    }
    EXPECT_TRUE(some_over);
}

TEST(ReuseFactor, InvalidResourceReuseIsCorrectedWithAWarning) {
    const HardwareEstimate e =
        model().estimate(dense_net(10, 10), settings(8, 3, Strategy::kResource), u250());
    EXPECT_EQ(e.layers[0].reuse_factor, 2);
    ASSERT_EQ(e.warnings.size(), 1u);
    EXPECT_NE(e.warnings[0].find("1, 2, 5, 10, 20, 50, 100"), std::string::npos);
    const HardwareEstimate lat =
        model().estimate(dense_net(10, 10), settings(8, 3, Strategy::kLatency), u250());
    EXPECT_EQ(lat.layers[0].reuse_factor, 3);
    EXPECT_TRUE(lat.warnings.empty());
}

TEST(Timing, ResourceStrategyReuseLoopSetsIIAndLatency) {
    const HardwareEstimate e =
        model().estimate(dense_net(64, 64), settings(8, 512, Strategy::kResource), u250());
    EXPECT_EQ(e.ii_cycles, 512);
    EXPECT_GE(e.latency_cycles_min, 512);
    EXPECT_LE(e.latency_cycles_max, 515);
}

TEST(Parts, SixReferencePartsByNameOrBoardAndPercentages) {
    for (const char* name : {"xcu250-figd2104-2L-e", "u250", "vu13p", "xcvu9p-flga2104-2L-e",
                             "zcu102", "ZU9EG", "pynq-z2", "7z020", "u55c"})
        EXPECT_NO_THROW(find_part(name)) << name;
    const FpgaPart& pynq = find_part("pynq-z2");
    const HardwareEstimate e =
        model().estimate(dense_net(16, 16), settings(16, 1, Strategy::kLatency), pynq);
    EXPECT_DOUBLE_EQ(e.dsp_pct, 100.0 * double(e.total.dsp) / 220.0);
    EXPECT_DOUBLE_EQ(e.avg_resource_pct, (e.lut_pct + e.ff_pct + e.dsp_pct + e.bram_pct) / 4.0);
    try {
        find_part("xc7k325t");
        FAIL();
    } catch (const UsageError& err) {
        EXPECT_NE(err.hint().find("xczu9eg-ffvb1156-2-e"), std::string::npos);
    }
}

TEST(Lowering, Conv2dIsPerPixelDenseAndDeepSetsRunsPhiPerElement) {
    nn::NetworkSpec conv;
    conv.input_shape = {3, 8, 8};
    nn::LayerSpec c = layer(nn::LayerType::kConv2d);
    c.filters = 4;
    c.kernel = 3;
    conv.layers = {c, layer(nn::LayerType::kRelu), layer(nn::LayerType::kMaxPool2d),
                   layer(nn::LayerType::kFlatten), layer(nn::LayerType::kDense, 5)};
    const Lowered low = lower_network(conv, settings(8, 1, Strategy::kLatency));
    ASSERT_EQ(low.layers.size(), 5u);
    EXPECT_EQ(low.layers[0].n_in, 27);
    EXPECT_EQ(low.layers[0].n_out, 4);
    EXPECT_EQ(low.layers[0].positions, 36);
    const HardwareEstimate e = model().estimate(conv, settings(8, 1, Strategy::kLatency), u250());
    EXPECT_GE(e.layers[0].ii, 36);  // one instance, one output pixel per cycle

    nn::NetworkSpec ds;
    ds.input_shape = {8, 3};
    nn::LayerSpec d = layer(nn::LayerType::kDeepSets);
    d.aggregate = nn::Aggregate::kMean;
    d.phi = {layer(nn::LayerType::kDense, 8), layer(nn::LayerType::kRelu)};
    d.rho = {layer(nn::LayerType::kDense, 5)};
    ds.layers = {d};
    const Lowered dl = lower_network(ds, settings(8, 1, Strategy::kLatency));
    ASSERT_EQ(dl.layers.size(), 4u);
    EXPECT_EQ(dl.layers[0].positions, 8);
    EXPECT_EQ(dl.layers[2].kind, LayerKind::kAggregate);
    EXPECT_EQ(dl.layers[2].window, 8);
    EXPECT_EQ(dl.layers[3].positions, 1);
}

TEST(BadInput, SettingsAreUsageErrors) {
    EXPECT_THROW(model().estimate(dense_net(8, 8), settings(8, 0, Strategy::kLatency), u250()),
                 UsageError);
    EXPECT_THROW(FixedType::parse("ap_fixed<65,6>"), UsageError);
    EXPECT_THROW(FixedType::parse("ap_fixed<16"), UsageError);
    EXPECT_THROW(metric(HardwareEstimate{}, "est_lut_percent"), UsageError);
}

// ConvAttn lowers to the parts of its kernel (nnet_conv_attention.h): Q, K, V, the two attention
// products, the softmax per query position, the projection and the residual add.
TEST(Lowering, ConvAttentionBecomesItsKernelParts) {
    nn::NetworkSpec att;
    att.input_shape = {4, 6, 6};
    nn::LayerSpec a = layer(nn::LayerType::kConvAttention);
    a.hidden = 4;
    att.layers = {a};
    const Lowered l = lower_network(att, settings(8, 1, Strategy::kLatency));
    ASSERT_EQ(l.layers.size(), 8u);
    const std::int64_t e = 36;
    EXPECT_EQ(l.layers[0].type, "conv_attention.query");
    EXPECT_EQ(l.layers[0].products(), 16);
    EXPECT_EQ(l.layers[0].positions, e);
    EXPECT_EQ(l.layers[3].type, "conv_attention.scores");
    EXPECT_EQ(l.layers[3].products(), 4 * e);
    EXPECT_EQ(l.layers[4].kind, LayerKind::kSoftmax);
    EXPECT_EQ(l.layers[4].positions, e);
    EXPECT_EQ(l.layers[5].products(), e * 4);
    EXPECT_EQ(l.layers[6].type, "conv_attention.proj");
    EXPECT_EQ(l.layers[7].kind, LayerKind::kLogic);
    const HardwareEstimate est = model().estimate(att, settings(8, 1, Strategy::kLatency), u250());
    EXPECT_GT(est.total.lut, 0);
    EXPECT_GT(est.latency_cycles_max, 0);
    // By hand (C = 4, h = 4, E = 36, RF 1): every part is one instance looping over the positions
    // as the kernel does. Multipliers: Q, K, V 4·4 each, scores h·E = 144, softmax E = 36 (one
    // row of E at a time, not E rows unrolled), attend E·h = 144, proj 16.
    ASSERT_EQ(est.layers.size(), 8u);
    EXPECT_EQ(est.layers[4].multipliers, e);
    // Tree depth + one row per cycle + the register stage before the next part.
    EXPECT_EQ(est.layers[4].latency_max, 6 + 1 + (e - 1) + 1);
    EXPECT_EQ(est.layers[4].ii, e);
    std::int64_t mults = 0;
    for (const auto& le : est.layers) mults += le.multipliers;
    EXPECT_EQ(mults, 3 * 16 + 144 + 36 + 144 + 16);
}

TEST(IoStream, AddsFifosWithAWarning) {
    nn::NetworkSpec net;
    net.input_shape = {3, 16, 16};
    nn::LayerSpec c = layer(nn::LayerType::kConv2d);
    c.filters = 8;
    c.kernel = 3;
    net.layers = {c, layer(nn::LayerType::kRelu), layer(nn::LayerType::kFlatten),
                  layer(nn::LayerType::kDense, 4)};
    const HlsSettings par = settings(8, 1, Strategy::kLatency);
    HlsSettings stream = par;
    stream.io_type = IoType::kStream;
    const HardwareEstimate p = model().estimate(net, par, u250());
    const HardwareEstimate s = model().estimate(net, stream, u250());
    EXPECT_GT(s.total.bram_18k, p.total.bram_18k);  // 196-beat FIFOs after conv and relu
    // FF are not compared: io_parallel registers whole tensors between pipeline stages, which
    // io_stream replaces by the FIFOs (docs/surrogate.md#multi-layer-networks).
    EXPECT_EQ(s.total.dsp, p.total.dsp);
    ASSERT_FALSE(s.warnings.empty());
    EXPECT_NE(s.warnings.back().find("io_stream"), std::string::npos);
    EXPECT_TRUE(p.warnings.empty());
}

TEST(ThreadSafety, ConcurrentEstimatesAgree) {
    const nn::NetworkSpec net = dense_net(64, 32);
    const HlsSettings h = settings(8, 4, Strategy::kResource);
    const HardwareEstimate ref = model().estimate(net, h, u250());
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const HardwareEstimate e = model().estimate(net, h, u250());
                ok[t] += e.total.lut == ref.total.lut && e.ii_cycles == ref.ii_cycles;
            }
        });
    for (auto& th : threads) th.join();
    for (int v : ok) EXPECT_EQ(v, 200);
}

}  // namespace
}  // namespace snac::surrogate

namespace snac::surrogate {
namespace {

TEST(Batch, ParallelBatchEqualsOneByOne) {
    std::vector<nn::NetworkSpec> nets;
    std::vector<HlsSettings> hls;
    for (int i = 1; i <= 50; ++i) {
        nets.push_back(dense_net(8 * i, 4 + i % 7));
        hls.push_back(
            settings(2 + i % 14, 1 + i % 5, i % 2 ? Strategy::kLatency : Strategy::kResource));
    }
    const auto batch = model().estimate_batch(nets, hls, u250());
    ASSERT_EQ(batch.size(), nets.size());
    for (std::size_t i = 0; i < nets.size(); ++i) {
        const HardwareEstimate one = model().estimate(nets[i], hls[i], u250());
        EXPECT_EQ(batch[i].total.lut, one.total.lut);
        EXPECT_EQ(batch[i].total.dsp, one.total.dsp);
        EXPECT_EQ(batch[i].latency_cycles_max, one.latency_cycles_max);
    }
    nets[7].layers[0].units = 0;  // invalid: the error surfaces from the batch
    EXPECT_THROW(model().estimate_batch(nets, hls, u250()), UsageError);
}

}  // namespace
}  // namespace snac::surrogate
