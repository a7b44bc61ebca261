// Emitted projects compile with g++ -Wall -Wextra -Werror against snac's emulation header and
// reproduce snac's fixed-point inference bit for bit on 1,000 random inputs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "snac/core/error.hpp"
#include "snac/hls/project.hpp"

namespace snac::hls {
namespace {
namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("snac_hls_unit_" + std::to_string(::getpid())) / name;
    fs::remove_all(p);
    fs::create_directories(p.parent_path());
    return p;
}

/// Removes this process's scratch projects (and the real-data test's) after all tests.
class ScratchCleanup : public ::testing::Environment {
public:
    void TearDown() override {
        std::error_code ec;
        const std::string pid = std::to_string(::getpid());
        fs::remove_all(fs::temp_directory_path() / ("snac_hls_unit_" + pid), ec);
        fs::remove_all(fs::temp_directory_path() / ("snac_hls_data_" + pid), ec);
    }
};
[[maybe_unused]] ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

struct Emitted {
    nn::FixedModel model;
    EmittedProject project;
    CsimResult csim;
};

Emitted emit_and_simulate(const std::string& yaml, const HlsSettings& settings,
                          const std::string& name, std::int64_t n = 1000, double lo = -2.0,
                          double hi = 2.0) {
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(yaml);
    const CheckpointData ck = testing::random_checkpoint(net, 7);
    Emitted e;
    e.model = nn::lower_network(net, ck, settings);
    const auto x = testing::random_inputs(n, e.model.input_size(), 11, lo, hi);
    const TestBench tb = make_testbench(e.model, x.data(), n);
    ProjectOptions opt;
    opt.name = name;
    e.project = emit_project(e.model, opt, tb, scratch(name).string());
    e.csim = run_csim(e.project);
    EXPECT_EQ(e.csim.samples, n);
    EXPECT_EQ(static_cast<std::int64_t>(e.csim.outputs.size()), n * e.model.output_size());
    for (std::size_t i = 0; i < e.csim.outputs.size() && i < tb.expected.size(); ++i)
        if (e.csim.outputs[i] != tb.expected[i]) {
            ADD_FAILURE() << "output " << i << ": csim " << e.csim.outputs[i] << ", snac "
                          << tb.expected[i];
            break;
        }
    return e;
}

TEST(HlsProject, MlpLatencyMatchesBitExactly) {
    const auto e = emit_and_simulate(
        "input_shape: [24]\nlayers:\n"
        "  - {type: dense, units: 64}\n  - {type: relu}\n"
        "  - {type: dense, units: 32}\n  - {type: relu}\n"
        "  - {type: dense, units: 32}\n  - {type: relu}\n"
        "  - {type: dense, units: 5}\n  - {type: softmax}\n",
        HlsSettings{}, "mlp");
    EXPECT_EQ(e.csim.mismatches, 0);
}

TEST(HlsProject, SmallCnnWithChannelBatchNormAndPoolingMatchesBitExactly) {
    const auto e = emit_and_simulate(
        "input_shape: [1, 8, 8]\nlayers:\n"
        "  - {type: conv2d, filters: 4, kernel: 3, padding: same}\n  - {type: batchnorm}\n"
        "  - {type: relu}\n  - {type: maxpool2d, size: 2}\n"
        "  - {type: conv2d, filters: 3, kernel: 3, stride: 1}\n  - {type: leaky_relu, alpha: 0.1}\n"
        "  - {type: avgpool2d, size: 2}\n  - {type: flatten}\n"
        "  - {type: dense, units: 10}\n  - {type: softmax}\n",
        HlsSettings{}, "cnn");
    EXPECT_EQ(e.csim.mismatches, 0);
}

TEST(HlsProject, DeepSetsMatchesBitExactly) {
    HlsSettings s;
    s.layers["ds/phi/dense_0"].precision = {
        FixedType::parse("ap_fixed<12,4>"), FixedType::parse("ap_fixed<12,4>"),
        FixedType::parse("ap_fixed<16,6>"), FixedType::parse("ap_fixed<24,10>")};
    const auto e = emit_and_simulate(
        "input_shape: [8, 3]\nlayers:\n"
        "  - type: deepsets\n    name: ds\n    aggregate: max\n"
        "    phi: [{type: dense, units: 16}, {type: relu}, {type: dense, units: 8}, {type: tanh}]\n"
        "    rho: [{type: dense, units: 8}, {type: relu}, {type: dense, units: 3}]\n",
        s, "deepsets");
    EXPECT_EQ(e.csim.mismatches, 0);
    // Deep Sets mean aggregation: the second project of the family.
    const auto m = emit_and_simulate(
        "input_shape: [6, 4]\nlayers:\n"
        "  - type: deepsets\n    aggregate: mean\n"
        "    phi: [{type: dense, units: 8}, {type: relu}]\n"
        "    rho: [{type: dense, units: 4}, {type: softmax}]\n",
        HlsSettings{}, "deepsets_mean", 300);
    EXPECT_EQ(m.csim.mismatches, 0);
}

TEST(HlsProject, BatchNormTanhSigmoidSoftmaxWithRoundingAndSaturation) {
    HlsSettings s;
    s.default_precision.accum = FixedType::parse("ap_fixed<20,8,AP_RND_CONV,AP_SAT>");
    s.default_precision.result = FixedType::parse("ap_fixed<14,5,AP_RND,AP_SAT_SYM>");
    s.default_precision.weight = FixedType::parse("ap_fixed<10,2,AP_RND_INF>");
    s.default_precision.bias = FixedType::parse("ap_fixed<12,4>");
    s.table_size = 512;
    const auto e = emit_and_simulate(
        "input_shape: [16]\nlayers:\n"
        "  - {type: dense, units: 32}\n  - {type: batchnorm}\n  - {type: tanh}\n"
        "  - {type: dense, units: 16}\n  - {type: sigmoid}\n"
        "  - {type: dense, units: 8, use_bias: false}\n  - {type: leaky_relu}\n"
        "  - {type: dense, units: 5}\n  - {type: softmax}\n",
        s, "bn_act", 1000, -6.0, 6.0);
    EXPECT_EQ(e.csim.mismatches, 0);
}

TEST(HlsProject, ResourceStrategyMatchesAndTamperingIsDetected) {
    HlsSettings s;
    s.strategy = Strategy::kResource;
    s.reuse_factor = 7;  // invalid for (24, 16) and (16, 5): corrected with a warning
    s.default_precision.accum = FixedType::parse("ap_fixed<18,6,AP_TRN,AP_SAT>");
    auto e = emit_and_simulate(
        "input_shape: [24]\nlayers:\n  - {type: dense, units: 16}\n  - {type: relu}\n"
        "  - {type: dense, units: 5}\n",
        s, "resource", 500, -4.0, 4.0);
    EXPECT_EQ(e.csim.mismatches, 0);
    ASSERT_EQ(e.model.warnings.size(), 2u);
    EXPECT_NE(e.model.warnings[0].find("valid"), std::string::npos);
    EXPECT_EQ(e.model.layers[0].reuse_factor, 6);  // 6 and 8 tie: the smaller wins
    EXPECT_EQ(e.model.layers[2].reuse_factor, 8);
    // Changing one expected output must be reported as a mismatch by the testbench.
    const fs::path pred = fs::path(e.project.dir) / "tb_data" / "tb_output_predictions.dat";
    std::ifstream in(pred);
    std::stringstream text;
    text << in.rdbuf();
    in.close();
    std::string content = text.str();
    content.insert(0, "1");  // first value of the first sample changes
    std::ofstream(pred) << content;
    const CsimResult again = run_csim(e.project);
    EXPECT_EQ(again.mismatches, 1);
}

TEST(HlsProject, ConvResourceStrategyMatches) {
    HlsSettings s;
    s.strategy = Strategy::kResource;
    s.reuse_factor = 9;  // valid for n_in = 2·3·3 = 18
    const auto e = emit_and_simulate(
        "input_shape: [2, 6, 6]\nlayers:\n  - {type: conv2d, filters: 3, kernel: 3, stride: 2, "
        "padding: same}\n"
        "  - {type: relu}\n  - {type: flatten}\n  - {type: dense, units: 4}\n",
        s, "conv_resource", 300);
    EXPECT_EQ(e.csim.mismatches, 0);
    EXPECT_EQ(e.model.layers[0].reuse_factor, 9);
}

TEST(HlsProject, EmissionIsDeterministicAndRefusesForeignDirectories) {
    const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(
        "input_shape: [6]\nlayers:\n  - {type: dense, units: 4}\n  - {type: sigmoid}\n");
    const auto model = nn::lower_network(net, testing::random_checkpoint(net, 3), HlsSettings{});
    const auto x = testing::random_inputs(20, 6, 5);
    const TestBench tb = make_testbench(model, x.data(), 20);
    ProjectOptions opt;
    opt.name = "det";
    const auto a = emit_project(model, opt, tb, scratch("det_a").string());
    const auto b = emit_project(model, opt, tb, scratch("det_b").string());
    EXPECT_EQ(a.files, b.files);
    auto read = [](const fs::path& p) {
        std::ifstream in(p);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    EXPECT_EQ(read(fs::path(a.dir) / "snac_hls.json"), read(fs::path(b.dir) / "snac_hls.json"));
    // Re-emitting into a snac project replaces it (also spelled with a trailing slash); a foreign
    // directory is refused.
    EXPECT_NO_THROW(emit_project(model, opt, tb, a.dir));
    EXPECT_EQ(emit_project(model, opt, tb, a.dir + "/").files, a.files);
    EXPECT_TRUE(fs::is_regular_file(fs::path(a.dir) / "snac_hls.json"));
    for (const auto& entry : fs::directory_iterator(fs::path(a.dir).parent_path()))
        EXPECT_EQ(entry.path().filename().string().find("snac-tmp"), std::string::npos)
            << "staging directory left behind: " << entry.path();
    const fs::path foreign = scratch("foreign");
    fs::create_directories(foreign);
    std::ofstream(foreign / "mine.txt") << "keep";
    EXPECT_THROW(emit_project(model, opt, tb, foreign.string()), UsageError);
    EXPECT_EQ(std::distance(fs::directory_iterator(foreign), fs::directory_iterator{}), 1);
}

TEST(HlsProject, SanitizesHostileNames) {
    EXPECT_EQ(sanitize_identifier("my model-v2"), "my_model_v2");
    EXPECT_EQ(sanitize_identifier("../x\"; rm -rf / #$(id)"), "x_rm_rf_id");
    EXPECT_EQ(sanitize_identifier("2fast"), "p_2fast");
    EXPECT_EQ(sanitize_identifier("int"), "prj_int");
    EXPECT_EQ(sanitize_identifier("layer2_out"), "prj_layer2_out");
    EXPECT_EQ(sanitize_identifier("t8"), "prj_t8");  // the emitter's tanh table of layer 8
    EXPECT_EQ(sanitize_identifier("w12"), "prj_w12");
    EXPECT_EQ(sanitize_identifier("t8_w8_s07"), "t8_w8_s07");
    EXPECT_EQ(sanitize_identifier("__init__"), "init");
    EXPECT_EQ(sanitize_identifier("\xc3\xa9t\xc3\xa9"), "t");
    EXPECT_EQ(sanitize_identifier("///"), "myproject");
    EXPECT_EQ(sanitize_identifier(std::string(200, 'a')).size(), 64u);
}

}  // namespace
}  // namespace snac::hls
