// Quantization-aware training (nn/qat.hpp): the fake-quantized forward pass equals FixedModel bit
// for bit on real data (MNIST 8x8) for every layer type both support; straight-through gradients
// pass in range and stop beyond saturation; pruning masks hold through Adam and SGD momentum.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <random>
#include <set>

#include "network.hpp"
#include "qat_cast.hpp"
#include "qat_hook.hpp"
#include "snac/core/error.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/nn/fixed_arith.hpp"
#include "snac/nn/prune.hpp"
#include "snac/nn/qat.hpp"
#include "snac/nn/trainer.hpp"
#include "synthetic.hpp"

namespace snac::nn {
namespace {
namespace fs = std::filesystem;

/// The first 1,500 images of MNIST t10k at 8x8, imported once per test process.
const Dataset& mnist8x8(bool images) {
    static const Dataset flat = [] {
        if (std::getenv("SNAC_DATA_DIR") == nullptr)
            ::setenv("SNAC_DATA_DIR", SNAC_SHARED_DATA_DIR, 1);
        const fs::path dir =
            fs::temp_directory_path() / ("snac_qat_data_" + std::to_string(::getpid()));
        fs::create_directories(dir);
        DataConfig cfg;
        cfg.name = "mnist8x8_qat_unit";
        cfg.path = (dir / "mnist8x8.h5").string();
        cfg.source.format = DataFormat::kIdx;
        cfg.source.images = "mnist/t10k-images-idx3-ubyte.gz";
        cfg.source.labels = "mnist/t10k-labels-idx1-ubyte.gz";
        cfg.source.resize = {8, 8};
        cfg.source.subset = 1500;
        const fs::path cwd = fs::current_path();
        fs::current_path(dir);
        Dataset d = io::load_dataset(io::resolve_dataset(cfg, dir.string()));
        fs::current_path(cwd);
        fs::remove_all(dir);
        return d;
    }();
    static const Dataset image = [] {
        Dataset d = flat;
        d.sample_shape = {1, 8, 8};
        return d;
    }();
    return images ? image : flat;
}

CheckpointData trained(const std::string& yaml, const Dataset& d, int epochs) {
    TrainConfig c;
    c.epochs = epochs;
    c.batch_size = 32;
    c.learning_rate = 5e-3;
    TrainOptions o;
    o.seed = 3;
    o.threads = 1;
    const TrainResult r = train_network(NetworkSpec::from_yaml(yaml), d, c, o);
    EXPECT_EQ(r.status, TrainStatus::kOk) << r.reason;
    return r.checkpoint;
}

/// Every test sample: qat_forward's outputs equal FixedModel::run's exactly.
void expect_bit_exact(const std::string& yaml, const Dataset& d, int total_bits,
                      double tolerance_8bit = 0.05) {
    const CheckpointData ck = trained(yaml, d, 6);
    const NetworkSpec net = NetworkSpec::from_yaml(yaml);
    QatPrecision p;
    p.label = "w" + std::to_string(total_bits);
    p.total_bits = total_bits;
    const HlsSettings s = qat_settings(net, ck, d, p, HlsSettings{});
    const FixedModel model = lower_network(net, ck, s);
    const std::int64_t ss = d.sample_size();
    std::vector<float> x;
    for (const auto i : d.test_idx)
        x.insert(x.end(), d.x.begin() + i * ss, d.x.begin() + (i + 1) * ss);
    const auto n = static_cast<std::int64_t>(d.test_idx.size());
    ASSERT_GE(n, 250);
    const std::vector<float> q = qat_forward(ck, s, x.data(), n);
    const std::int64_t outs = model.output_size();
    ASSERT_EQ(static_cast<std::int64_t>(q.size()), n * outs);
    std::int64_t mismatches = 0;
    std::set<std::int64_t> distinct;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::vector<double> ref = model.run(x.data() + i * ss);
        for (std::int64_t j = 0; j < outs; ++j) {
            mismatches += static_cast<double>(q[static_cast<std::size_t>(i * outs + j)]) !=
                          ref[static_cast<std::size_t>(j)];
            distinct.insert(static_cast<std::int64_t>(ref[static_cast<std::size_t>(j)] * 4096));
        }
    }
    EXPECT_EQ(mismatches, 0) << total_bits << " bits";
    EXPECT_GE(distinct.size(), 2u) << "outputs must not be constant";
    if (total_bits >= 8) {
        // The firmware's accuracy is close to the float network's at 8 bits.
        const double fixed = evaluate_fixed(model, d, Split::kTest).at("accuracy");
        EXPECT_NEAR(fixed, ck.final_metrics.at("test_accuracy"), tolerance_8bit);
        EXPECT_GT(fixed, 0.3);  // well above chance (0.1)
    }
}

// dense, batchnorm, relu, leaky_relu, tanh, sigmoid, softmax (its tables included).
TEST(Qat, MlpForwardEqualsFixedModelOnMnist) {
    const std::string yaml =
        "input_shape: [64]\nlayers:\n  - {type: dense, units: 32}\n  - {type: batchnorm}\n"
        "  - {type: relu}\n  - {type: dropout, rate: 0.1}\n  - {type: dense, units: 24}\n"
        "  - {type: leaky_relu, alpha: 0.1}\n  - {type: dense, units: 16}\n  - {type: tanh}\n"
        "  - {type: dense, units: 16}\n  - {type: sigmoid}\n  - {type: dense, units: 10}\n"
        "  - {type: softmax}\n";
    for (int bits : {8, 4}) expect_bit_exact(yaml, mnist8x8(false), bits);
}

// conv2d (same and valid padding), maxpool2d, avgpool2d, flatten.
TEST(Qat, ConvForwardEqualsFixedModelOnMnist) {
    const std::string yaml =
        "input_shape: [1, 8, 8]\nlayers:\n  - {type: conv2d, filters: 4, kernel: 3, padding: "
        "same}\n"
        "  - {type: relu}\n  - {type: maxpool2d, size: 2}\n  - {type: conv2d, filters: 6, kernel: "
        "3}\n"
        "  - {type: relu}\n  - {type: avgpool2d, size: 2}\n  - {type: flatten}\n"
        "  - {type: dense, units: 10}\n";
    for (int bits : {8, 4}) expect_bit_exact(yaml, mnist8x8(true), bits);
}

// Deep Sets (phi with gelu, mean aggregation, rho): each image is a set of its 8 rows of 8
// pixels; the block trains in float inside and runs FixedModel's arithmetic forward.
TEST(Qat, DeepSetsForwardEqualsFixedModelOnMnist) {
    Dataset d = mnist8x8(false);
    d.sample_shape = {8, 8};
    const std::string yaml =
        "input_shape: [8, 8]\nlayers:\n  - type: deepsets\n    aggregate: mean\n"
        "    phi: [{type: dense, units: 16}, {type: gelu}, {type: dense, units: 16}, "
        "{type: relu}]\n"
        "    rho: [{type: dense, units: 16}, {type: relu}, {type: dense, units: 10}]\n"
        "  - {type: softmax}\n";
    for (int bits : {8, 4}) expect_bit_exact(yaml, d, bits, 0.15);
}

// conv_attention (query/key/value, the attention softmax, projection, residual) after a conv.
TEST(Qat, ConvAttentionForwardEqualsFixedModelOnMnist) {
    const std::string yaml =
        "input_shape: [1, 8, 8]\nlayers:\n  - {type: conv2d, filters: 4, kernel: 3, padding: "
        "same}\n  - {type: relu}\n  - {type: maxpool2d, size: 2}\n"
        "  - {type: conv_attention, hidden: 4}\n  - {type: flatten}\n"
        "  - {type: dense, units: 10}\n";
    for (int bits : {8, 4}) expect_bit_exact(yaml, mnist8x8(true), bits, 0.15);
}

// The fake quantizers' float cast equals fx::quantize (the definition) for every quantization and
// overflow mode, signed and unsigned, on random values, exact ties, values far out of range and
// non-finite values; widths up to 22 take the float path, up to 50 the double path, wider ones
// the exact fallback.
TEST(Qat, FloatCastEqualsFxQuantizeForEveryMode) {
    std::mt19937 rng(7);
    std::vector<float> x;
    std::uniform_real_distribution<float> u(-40.0f, 40.0f);
    for (int i = 0; i < 4000; ++i) x.push_back(u(rng));
    for (int i = -300; i <= 300; ++i) x.push_back(static_cast<float>(i) / 16.0f + 1.0f / 64.0f);
    for (int i = -300; i <= 300; ++i) x.push_back(static_cast<float>(i) / 32.0f);  // ties
    for (float v :
         {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-44f, -1e-44f, 3e9f, -3e9f, 1e30f, -1e30f, 1e38f, -1e38f})
        x.push_back(v);
    std::vector<float> special = x;
    special.push_back(std::numeric_limits<float>::infinity());
    special.push_back(-std::numeric_limits<float>::infinity());
    const QuantMode quants[] = {QuantMode::kTrn,     QuantMode::kTrnZero,   QuantMode::kRnd,
                                QuantMode::kRndZero, QuantMode::kRndMinInf, QuantMode::kRndInf,
                                QuantMode::kRndConv};
    const OverflowMode overflows[] = {OverflowMode::kWrap, OverflowMode::kSat,
                                      OverflowMode::kSatZero, OverflowMode::kSatSym,
                                      OverflowMode::kWrapSm};
    std::int64_t checked = 0;
    for (const auto& [w, i] : std::vector<std::pair<int, int>>{{4, 2},
                                                               {8, 3},
                                                               {8, -1},
                                                               {6, 8},
                                                               {16, 6},
                                                               {22, 4},
                                                               {24, 10},
                                                               {32, 10},
                                                               {50, 20},
                                                               {53, 10}})
        for (const Signedness sg : {Signedness::kSigned, Signedness::kUnsigned})
            for (const QuantMode q : quants)
                for (const OverflowMode o : overflows) {
                    const FixedType t{w, i, sg, q, o};
                    const detail::FloatCast cast(t);
                    for (const std::vector<float>* in : {&x, &special}) {
                        std::vector<float> y(in->size());
                        cast.apply(in->data(), y.data(), in->size());
                        for (std::size_t k = 0; k < in->size(); ++k) {
                            const auto ref =
                                static_cast<float>(fx::quantize(static_cast<double>((*in)[k]), t));
                            ASSERT_EQ(y[k], ref) << t.str() << " at " << (*in)[k];
                            ++checked;
                        }
                    }
                }
    EXPECT_GT(checked, 1000000);
}

TEST(Qat, IntegerBitsFollowTheQkerasConventionAndAutoRanges) {
    EXPECT_EQ(fixed_type_for_range(8, 0.4, 0).integer, 0);  // [-0.5, 0.5)
    EXPECT_EQ(fixed_type_for_range(8, 1.0, 0).integer, 2);  // 1.0 needs [-2, 2)
    EXPECT_EQ(fixed_type_for_range(8, 1.5, 1).integer, 3);  // one bit of headroom
    EXPECT_EQ(fixed_type_for_range(8, 0.0, 0).integer, 1);
    const Dataset d = testing::blobs(300, 6, 3);
    const std::string yaml =
        "input_shape: [6]\nlayers:\n  - {type: dense, units: 8}\n  - {type: relu}\n"
        "  - {type: dense, units: 3}\n";
    const CheckpointData ck = trained(yaml, d, 1);
    QatPrecision p;
    p.label = "q83";
    p.total_bits = 8;
    p.integer_bits = 3;  // QKeras quantized_bits(8,3) == ap_fixed<8,4>
    const HlsSettings s = qat_settings(NetworkSpec::from_yaml(yaml), ck, d, p, HlsSettings{});
    const LayerPrecision& l = s.layers.at("dense_0").precision;
    EXPECT_EQ(l.weight.str(), "ap_fixed<8,4,AP_RND_CONV,AP_SAT>");
    EXPECT_EQ(s.default_precision.result.str(), "ap_fixed<8,4,AP_RND_CONV,AP_SAT>");
    // The accumulator holds every product exactly: F = F_x + F_w.
    EXPECT_EQ(l.accum.fractional(), 8);
}

/// A one-layer network y = x (identity kernel) with the given result type.
struct Identity {
    NetworkSpec spec =
        NetworkSpec::from_yaml("input_shape: [4]\nlayers:\n  - {type: dense, units: 4}\n");
    detail::Network net{spec, 1};
    HlsSettings settings;
    explicit Identity(const char* result, float w_diag = 1.0f) {
        std::vector<LayerWeights> lw{
            {"dense_0",
             "dense",
             {{"kernel", {4, 4}, std::vector<float>(16)}, {"bias", {4}, std::vector<float>(4)}}}};
        for (int i = 0; i < 4; ++i)
            lw[0].tensors[0].values[static_cast<std::size_t>(i * 5)] = w_diag;
        net.load(lw);
        settings.default_precision.result = FixedType::parse("ap_fixed<16,8>");
        settings.default_precision.weight = FixedType::parse("ap_fixed<8,2,AP_RND_CONV,AP_SAT>");
        settings.default_precision.accum = FixedType::parse("ap_fixed<40,20>");
        settings.layers["dense_0"].precision = settings.default_precision;
        settings.layers["dense_0"].precision.result = FixedType::parse(result);
    }
};

TEST(Qat, GradientsPassStraightThroughInRangeAndStopBeyondSaturation) {
    const float x[4] = {0.5f, 1.5f, 3.0f, -5.0f};
    const float dy[4] = {1.0f, 1.0f, 1.0f, 1.0f};
    for (const char* type : {"ap_fixed<4,2,AP_RND_CONV,AP_SAT>", "ap_fixed<4,2>"}) {
        Identity id(type);
        detail::QatHook hook(id.net, &id.settings, nullptr);
        const float* y = id.net.forward(hook.input(x, 1), 1, detail::Mode::kTrain);
        std::vector<float> dx(4);
        id.net.backward(hook.input(x, 1), dy, 1, detail::Network::Head::kFull);
        // Layer 0's dx is not kept; the kernel gradient row i is x_i * dy_j masked by column j.
        const std::vector<detail::Param> ps = hook.optimizer_params();
        const bool sat = std::string(type).find("SAT") != std::string::npos;
        for (int j = 0; j < 4; ++j) {
            const bool in_range = x[j] >= -2.0f && x[j] <= 1.75f;
            const float g = ps[0].grad[j * 4 + j];  // d y_j / d w_jj = x_j
            EXPECT_EQ(g, (in_range || !sat) ? x[j] : 0.0f) << type << " output " << j;
        }
        if (sat) {
            EXPECT_EQ(y[2], 1.75f);  // saturated
            EXPECT_EQ(y[3], -2.0f);
        } else {
            EXPECT_EQ(y[2], -1.0f);  // 3.0 wraps in ap_fixed<4,2>
        }
    }
}

TEST(Qat, WeightGradientStopsBeyondTheWeightRange) {
    Identity id("ap_fixed<16,8>", 3.0f);  // 3.0 is beyond ap_fixed<8,2,SAT>'s 1.984375
    detail::QatHook hook(id.net, &id.settings, nullptr);
    const float x[4] = {0.5f, 0.25f, 0.5f, 0.25f};
    const float dy[4] = {1.0f, 1.0f, 1.0f, 1.0f};
    id.net.forward(hook.input(x, 1), 1, detail::Mode::kTrain);
    id.net.backward(hook.input(x, 1), dy, 1, detail::Network::Head::kFull);
    hook.before_step();
    const std::vector<detail::Param> ps = hook.optimizer_params();
    EXPECT_EQ(ps[0].value[0], 3.0f);  // the master keeps its float value
    EXPECT_EQ(ps[0].grad[0], 0.0f);   // saturated: no gradient
    EXPECT_EQ(ps[0].grad[1], 0.5f);   // w[0][1] = 0 is in range: x_0 · dy_1
    // After an optimizer step the master is clamped to the range: on the boundary the gradient
    // passes again, so momentum cannot leave it stuck beyond saturation.
    hook.after_step();
    EXPECT_EQ(ps[0].value[0], 1.984375f);
    id.net.forward(hook.input(x, 1), 1, detail::Mode::kTrain);
    id.net.backward(hook.input(x, 1), dy, 1, detail::Network::Head::kFull);
    hook.before_step();
    EXPECT_EQ(ps[0].grad[0], 0.5f);
}

TEST(Qat, PrunedWeightsStayZeroThroughAdamAndSgdMomentum) {
    const Dataset d = testing::blobs(400, 8, 3);
    const std::string yaml =
        "input_shape: [8]\nlayers:\n  - {type: dense, units: 16}\n  - {type: relu}\n"
        "  - {type: dense, units: 3}\n";
    const CheckpointData start = trained(yaml, d, 2);
    std::map<std::string, std::vector<float>> masks;
    masks["dense_0"].assign(8 * 16, 1.0f);
    for (std::size_t i = 0; i < masks["dense_0"].size(); i += 2) masks["dense_0"][i] = 0.0f;
    for (OptimizerKind opt : {OptimizerKind::kAdam, OptimizerKind::kSgd}) {
        for (bool quantize : {false, true}) {
            TrainConfig c;
            c.epochs = 3;
            c.batch_size = 32;
            c.optimizer = opt;
            c.learning_rate = opt == OptimizerKind::kSgd ? 0.05 : 1e-2;
            TrainOptions o;
            o.threads = 1;
            o.initial_weights = &start.layers;
            o.masks = &masks;
            QatPrecision p;
            p.total_bits = 8;
            const HlsSettings s =
                qat_settings(NetworkSpec::from_yaml(yaml), start, d, p, HlsSettings{});
            if (quantize) o.quantize = &s;
            const TrainResult r = train_network(NetworkSpec::from_yaml(yaml), d, c, o);
            ASSERT_EQ(r.status, TrainStatus::kOk);
            const auto& t = r.checkpoint.layers[0].tensors;
            ASSERT_EQ(t.back().name, "kernel_mask");
            std::size_t zeros = 0, moved = 0;
            for (std::size_t i = 0; i < t[0].values.size(); ++i) {
                if (masks["dense_0"][i] == 0.0f)
                    zeros += t[0].values[i] == 0.0f;
                else
                    moved += t[0].values[i] != start.layers[0].tensors[0].values[i];
            }
            EXPECT_EQ(zeros, 64u);
            EXPECT_GT(moved, 32u) << "the kept weights must train";
            // Under QAT the float masters come back too: on the grid they are the checkpoint's
            // weights, off it they keep what training moved by less than half a step.
            ASSERT_EQ(r.master_weights.empty(), !quantize);
            if (quantize) {
                const auto& mk = r.master_weights[0].tensors[0].values;
                const FixedType wt = s.for_layer("dense_0").precision.weight;
                std::size_t off_grid = 0;
                for (std::size_t i = 0; i < mk.size(); ++i) {
                    EXPECT_EQ(static_cast<float>(fx::quantize(mk[i], wt)), t[0].values[i]);
                    if (masks["dense_0"][i] == 0.0f) {
                        EXPECT_EQ(mk[i], 0.0f);
                    }
                    off_grid += mk[i] != t[0].values[i];
                }
                EXPECT_GT(off_grid, 0u);
            }
            EXPECT_GT(r.metrics.at("test_accuracy"), 0.8);
        }
    }
}

// Batch norm under QAT runs the firmware's folded y = scale·x + bias on frozen statistics; its γ
// and β still train: the gradients match central differences of the quantized forward (fine
// types, so quantization does not hide an O(h) change), and a QAT run moves them while the
// metric it reports stays the firmware's metric of its final weights.
TEST(Qat, BatchNormGammaAndBetaGetGradientsUnderQat) {
    const NetworkSpec spec =
        NetworkSpec::from_yaml("input_shape: [3]\nlayers:\n  - {type: batchnorm}\n");
    detail::Network net{spec, 1};
    net.load({{"batchnorm_0",
               "batchnorm",
               {{"gamma", {3}, {0.8f, 1.3f, -0.6f}},
                {"beta", {3}, {0.1f, -0.4f, 0.25f}},
                {"moving_mean", {3}, {0.3f, -1.0f, 0.5f}},
                {"moving_variance", {3}, {2.0f, 0.5f, 1.5f}}}}});
    HlsSettings settings;
    const FixedType fine = FixedType::parse("ap_fixed<32,8,AP_RND_CONV,AP_SAT>");
    settings.default_precision = {fine, fine, fine, fine};
    settings.input = fine;
    detail::QatHook hook(net, &settings, nullptr);
    const float x[6] = {1.0f, -0.5f, 2.0f, -1.5f, 0.75f, 0.125f};  // 2 samples
    const float dy[6] = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f};
    const auto loss = [&] {  // L = Σ dy·y
        const float* y = net.forward(hook.input(x, 2), 2, detail::Mode::kTrain);
        double l = 0.0;
        for (int k = 0; k < 6; ++k) l += static_cast<double>(dy[k]) * y[k];
        return l;
    };
    loss();
    net.backward(hook.input(x, 2), dy, 2, detail::Network::Head::kFull);
    hook.before_step();
    const std::vector<detail::Param> ps = hook.optimizer_params();
    ASSERT_EQ(ps.size(), 2u);  // gamma, beta
    const std::vector<float> grad_gamma(ps[0].grad, ps[0].grad + 3);
    const std::vector<float> grad_beta(ps[1].grad, ps[1].grad + 3);
    const double h = 1e-2;
    for (std::size_t p = 0; p < 2; ++p)
        for (std::size_t c = 0; c < 3; ++c) {
            const float v = ps[p].value[c];
            ps[p].value[c] = v + static_cast<float>(h);
            hook.after_step();  // as after an optimizer step: the forward sees the new value
            const double up = loss();
            ps[p].value[c] = v - static_cast<float>(h);
            hook.after_step();
            const double down = loss();
            ps[p].value[c] = v;
            hook.after_step();
            const double fd = (up - down) / (2.0 * h);
            const float g = p == 0 ? grad_gamma[c] : grad_beta[c];
            EXPECT_NEAR(g, fd, 1e-4) << (p == 0 ? "gamma " : "beta ") << c;
            EXPECT_GT(std::abs(g), 0.05f) << "a nonzero gradient is checked";
        }

    // Training: γ and β move, and the reported metric is the firmware's on the final weights.
    const Dataset d = testing::blobs(400, 8, 3);
    const std::string yaml =
        "input_shape: [8]\nlayers:\n  - {type: dense, units: 16}\n  - {type: batchnorm}\n"
        "  - {type: relu}\n  - {type: dense, units: 3}\n";
    const NetworkSpec mlp = NetworkSpec::from_yaml(yaml);
    const CheckpointData start = trained(yaml, d, 2);
    QatPrecision prec;
    prec.total_bits = 8;
    const HlsSettings s8 = qat_settings(mlp, start, d, prec, HlsSettings{});
    TrainConfig c;
    c.epochs = 2;
    c.batch_size = 32;
    c.learning_rate = 1e-2;
    TrainOptions o;
    o.threads = 1;
    o.initial_weights = &start.layers;
    o.quantize = &s8;
    const TrainResult r = train_network(mlp, d, c, o);
    ASSERT_EQ(r.status, TrainStatus::kOk) << r.reason;
    const auto tensor = [](const CheckpointData& ck, const char* name) {
        for (const LayerWeights& lw : ck.layers)
            if (lw.layer_name == "batchnorm_0")
                for (const NamedTensor& t : lw.tensors)
                    if (t.name == name) return t.values;
        ADD_FAILURE() << name;
        return std::vector<float>{};
    };
    for (const char* name : {"gamma", "beta"}) {
        const std::vector<float> before = tensor(start, name), after = tensor(r.checkpoint, name);
        ASSERT_EQ(before.size(), after.size());
        std::size_t moved = 0;
        for (std::size_t k = 0; k < before.size(); ++k) moved += before[k] != after[k];
        EXPECT_GT(moved, before.size() / 2) << name << " must train under QAT";
    }
    EXPECT_EQ(tensor(start, "moving_mean"), tensor(r.checkpoint, "moving_mean"))
        << "statistics stay frozen under QAT";
    const FixedModel model = lower_network(mlp, r.checkpoint, s8);
    EXPECT_EQ(evaluate_fixed(model, d, Split::kTest).at("accuracy"), r.metrics.at("test_accuracy"));
    EXPECT_GT(r.metrics.at("test_accuracy"), 0.8);
}

// QAT of a Deep Sets block with masks on its members: the block's parameters train (the
// FixedModel copy the forward uses is refreshed per step, so the metric measured during training
// equals the firmware's metric of the final weights exactly), pruned member weights stay zero.
TEST(Qat, DeepSetsTrainsUnderQatWithMemberMasks) {
    Dataset d = mnist8x8(false);
    d.sample_shape = {8, 8};
    const std::string yaml =
        "input_shape: [8, 8]\nlayers:\n  - type: deepsets\n    aggregate: sum\n"
        "    phi: [{type: dense, units: 16}, {type: relu}]\n"
        "    rho: [{type: dense, units: 16}, {type: relu}, {type: dense, units: 10}]\n";
    const NetworkSpec net = NetworkSpec::from_yaml(yaml);
    const CheckpointData start = trained(yaml, d, 3);
    PruneMasks masks = full_masks(net, start);
    ASSERT_EQ(masks.size(), 3u);
    ASSERT_TRUE(masks.count("deepsets_0/phi/dense_0"));
    masks = prune_step(start, masks, 0.5, PruneScope::kGlobal);
    QatPrecision p;
    p.total_bits = 8;
    const HlsSettings s = qat_settings(net, start, d, p, HlsSettings{});
    TrainConfig c;
    c.epochs = 2;
    c.batch_size = 32;
    c.learning_rate = 1e-3;
    TrainOptions o;
    o.threads = 1;
    o.initial_weights = &start.layers;
    o.masks = &masks;
    o.quantize = &s;
    const TrainResult r = train_network(net, d, c, o);
    ASSERT_EQ(r.status, TrainStatus::kOk) << r.reason;
    std::size_t zeros = 0, pruned = 0, moved = 0;
    for (const LayerWeights& lw : r.checkpoint.layers) {
        const auto m = masks.find(lw.layer_name);
        if (m == masks.end()) continue;
        const NamedTensor* before = nullptr;
        for (const LayerWeights& sw : start.layers)
            if (sw.layer_name == lw.layer_name) before = &sw.tensors[0];
        ASSERT_NE(before, nullptr);
        ASSERT_EQ(lw.tensors.back().name, "kernel_mask") << lw.layer_name;
        for (std::size_t i = 0; i < m->second.size(); ++i) {
            if (m->second[i] == 0.0f) {
                ++pruned;
                zeros += lw.tensors[0].values[i] == 0.0f;
            } else {
                moved += lw.tensors[0].values[i] != before->values[i];
            }
        }
    }
    EXPECT_GT(pruned, 0u);
    EXPECT_EQ(zeros, pruned);
    EXPECT_GT(moved, pruned / 2) << "the kept member weights must train";
    const FixedModel model = lower_network(net, r.checkpoint, s);
    const double fixed = evaluate_fixed(model, d, Split::kTest).at("accuracy");
    EXPECT_EQ(fixed, r.metrics.at("test_accuracy"));
    EXPECT_GT(fixed, 0.25);  // chance: 0.1
}

}  // namespace
}  // namespace snac::nn
