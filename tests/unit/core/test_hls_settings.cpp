// HlsSettings <-> YAML (the checkpoint attribute "hls_settings" between the local and HLS stages).
#include <gtest/gtest.h>

#include <string>

#include "snac/core/error.hpp"
#include "snac/core/hls_settings.hpp"

namespace snac {
namespace {

FixedType T(const char* s) {
    return FixedType::parse(s);
}

TEST(HlsSettingsYaml, RoundTripKeepsEveryField) {
    HlsSettings s;
    s.default_precision = {T("ap_fixed<12,3>"), T("ap_fixed<14,4>"),
                           T("ap_fixed<10,5,AP_RND,AP_SAT>"), T("ap_fixed<24,10>")};
    s.input = T("ap_ufixed<9,2>");
    s.table = T("ap_fixed<20,9>");
    s.table_size = 512;
    s.reuse_factor = 4;
    s.strategy = Strategy::kResource;
    s.io_type = IoType::kStream;
    s.clock_period_ns = 3.3;
    LayerHlsSettings l;
    l.precision = {T("ap_fixed<8,1>"), T("ap_fixed<8,2>"), T("ap_fixed<8,4>"), T("ap_fixed<20,8>")};
    l.reuse_factor = 2;
    l.strategy = Strategy::kLatency;
    s.layers["dense_0"] = l;
    s.layers["deepsets_0/phi/dense_1"] = l;

    const std::string text = hls_settings_to_yaml(s);
    const HlsSettings r = hls_settings_from_yaml(text);
    EXPECT_EQ(r.default_precision.weight, s.default_precision.weight);
    EXPECT_EQ(r.default_precision.bias, s.default_precision.bias);
    EXPECT_EQ(r.default_precision.result, s.default_precision.result);
    EXPECT_EQ(r.default_precision.accum, s.default_precision.accum);
    EXPECT_EQ(r.input, s.input);
    EXPECT_EQ(r.table, s.table);
    EXPECT_EQ(r.table_size, 512);
    EXPECT_EQ(r.reuse_factor, 4);
    EXPECT_EQ(r.strategy, Strategy::kResource);
    EXPECT_EQ(r.io_type, IoType::kStream);
    EXPECT_DOUBLE_EQ(r.clock_period_ns, 3.3);
    ASSERT_EQ(r.layers.size(), 2u);
    for (const char* name : {"dense_0", "deepsets_0/phi/dense_1"}) {
        const LayerHlsSettings& got = r.layers.at(name);
        EXPECT_EQ(got.precision.weight, l.precision.weight) << name;
        EXPECT_EQ(got.precision.bias, l.precision.bias) << name;
        EXPECT_EQ(got.precision.result, l.precision.result) << name;
        EXPECT_EQ(got.precision.accum, l.precision.accum) << name;
        EXPECT_EQ(got.reuse_factor, 2) << name;
        EXPECT_EQ(got.strategy, Strategy::kLatency) << name;
    }
    EXPECT_EQ(hls_settings_to_yaml(r), text);
}

TEST(HlsSettingsYaml, ReadsTheContractExampleAndFillsLayerGapsFromTheDefault) {
    const HlsSettings s = hls_settings_from_yaml(
        "default: {weight: \"ap_fixed<16,6>\", bias: \"ap_fixed<16,6>\", result: "
        "\"ap_fixed<16,6>\", accum: \"ap_fixed<16,6>\"}\n"
        "input: \"ap_fixed<16,6>\"\ntable: \"ap_fixed<18,8>\"\ntable_size: 1024\n"
        "reuse_factor: 1\nstrategy: latency\nio_type: io_parallel\nclock_period_ns: 5.0\n"
        "layers:\n"
        "  dense_0: {weight: \"ap_fixed<8,1>\", bias: \"ap_fixed<8,2>\", result: "
        "\"ap_fixed<8,4>\", accum: \"ap_fixed<20,8>\", reuse_factor: 1, strategy: latency}\n"
        "  dense_1: {weight: \"ap_fixed<6,1>\"}\n");
    EXPECT_EQ(s.for_layer("dense_0").precision.accum, T("ap_fixed<20,8>"));
    const LayerHlsSettings d1 = s.for_layer("dense_1");
    EXPECT_EQ(d1.precision.weight, T("ap_fixed<6,1>"));
    EXPECT_EQ(d1.precision.result, T("ap_fixed<16,6>"));
    EXPECT_EQ(s.for_layer("dense_9").precision.weight, T("ap_fixed<16,6>"));
}

void expect_usage_error(const std::string& text, const std::string& in_message) {
    try {
        (void)hls_settings_from_yaml(text, "ckpt.h5:hls_settings");
        ADD_FAILURE() << "accepted: " << text;
    } catch (const UsageError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(in_message), std::string::npos) << what;
        EXPECT_NE(what.find("ckpt.h5:hls_settings"), std::string::npos) << what;
        ASSERT_NE(dynamic_cast<const ConfigError*>(&e), nullptr);
        const auto& issues = dynamic_cast<const ConfigError&>(e).issues();
        ASSERT_FALSE(issues.empty());
        EXPECT_FALSE(issues.front().hint.empty()) << what;
    }
}

TEST(HlsSettingsYaml, BadInputIsAUsageErrorWithAHint) {
    expect_usage_error("default: [1, 2\n", "YAML syntax error");
    expect_usage_error("", "empty");
    expect_usage_error("strategy: fast\n", "strategy");
    expect_usage_error("io_typ: io_stream\n", "io_typ");
    expect_usage_error("default: {weight: \"ap_fixed<8>\"}\n", "ap_fixed<8>");
    expect_usage_error("layers: {dense_0: {wieght: \"ap_fixed<8,1>\"}}\n", "wieght");
    expect_usage_error("layers: [dense_0]\n", "layers");
    expect_usage_error("reuse_factor: 0\n", "reuse_factor");
}

}  // namespace
}  // namespace snac
