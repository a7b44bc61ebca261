// Record loaders on both layouts (pilot CSV: the real files; wa-hls4ml JSON: a hand-written
// fixture in the published record schema, values illustrative), splits and metrics.
#include "snac/surrogate/records.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "snac/core/error.hpp"
#include "snac/surrogate/evaluation.hpp"

namespace snac::surrogate {
namespace {

const std::string kData = std::string(SNAC_SHARED_DATA_DIR) + "/wa-hls4ml/";
const std::string kFixture =
    std::string(SNAC_SOURCE_DIR) + "/tests/unit/surrogate/data/wa_hls4ml_records.json";

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(PilotCsv, CountsAndFirstRowMapping) {
    const RecordSet lat = load_records(kData + "results_latency.csv");
    EXPECT_EQ(lat.records.size(), 48u);
    EXPECT_EQ(lat.skipped_failed, 942 - 48);
    const RecordSet res = load_records(kData + "results_resource.csv");
    EXPECT_EQ(res.records.size(), 630u);
    const SynthesisRecord& r = lat.records.front();  // dense_32_32_4b, rf 1
    EXPECT_EQ(r.network.input_shape, (nn::Shape{32}));
    ASSERT_EQ(r.network.layers.size(), 1u);
    EXPECT_EQ(r.network.layers[0].units, 32);
    const LayerHlsSettings s = r.hls.for_layer("dense");
    EXPECT_EQ(s.precision.weight, (FixedType{4, 1}));
    EXPECT_EQ(s.reuse_factor, 1);
    EXPECT_EQ(s.strategy, Strategy::kLatency);
    EXPECT_EQ(r.part, "xcu250-figd2104-2L-e");
    EXPECT_DOUBLE_EQ(r.y.lut, 15357.0);
    EXPECT_DOUBLE_EQ(r.y.ff, 1860.0);
    EXPECT_DOUBLE_EQ(measured(r.y, Target::kCycles), 1.0);
    std::set<std::string> archs;
    for (const auto& rec : res.records) archs.insert(rec.architecture);
    EXPECT_EQ(archs.size(), 64u);  // 8 x 8 layer sizes
}

TEST(PilotCsv, MissingColumnsAreNamed) {
    std::istringstream in("d_in,d_out,prec,rf,strategy\n32,32,4,1,latency\n");
    try {
        parse_pilot_csv(in, "t.csv");
        FAIL();
    } catch (const UsageError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("hls_synth_success"), std::string::npos);
        EXPECT_NE(m.find("LUT_hls"), std::string::npos);
        EXPECT_EQ(m.find("d_in,"), std::string::npos);
    }
    std::istringstream bad(read(kData + "results_latency.csv").substr(0, 400) + "\nx,y\n");
    EXPECT_THROW(parse_pilot_csv(bad, "t.csv"), UsageError);
}

void check_fixture(const RecordSet& set) {
    ASSERT_EQ(set.records.size(), 2u);
    EXPECT_EQ(set.skipped_unsupported, 1);  // Conv1D is not in the architecture vocabulary
    ASSERT_FALSE(set.notes.empty());
    EXPECT_NE(set.notes[0].find("Conv1D"), std::string::npos);
    const SynthesisRecord& mlp = set.records[0];
    EXPECT_EQ(mlp.id, "fixture-mlp-0001");
    ASSERT_EQ(mlp.network.layers.size(), 5u);  // fc1, fc1_relu, drop, fc2, out
    EXPECT_EQ(mlp.network.layers[1].type, nn::LayerType::kRelu);
    EXPECT_EQ(mlp.network.layers[4].type, nn::LayerType::kSoftmax);
    EXPECT_EQ(mlp.hls.strategy, Strategy::kResource);
    EXPECT_EQ(mlp.hls.for_layer("fc1").reuse_factor, 8);
    EXPECT_EQ(mlp.hls.for_layer("fc1").precision.weight, (FixedType{8, 1}));
    EXPECT_EQ(mlp.hls.for_layer("fc1").precision.accum, (FixedType{16, 6}));  // "auto" -> default
    EXPECT_EQ(mlp.hls.for_layer("fc2").strategy, Strategy::kLatency);
    EXPECT_EQ(mlp.hls.for_layer("fc2").precision.weight, (FixedType{10, 3}));
    EXPECT_DOUBLE_EQ(mlp.y.bram_18k, 3.0);  // 1.5 Vivado 36 Kb tiles
    EXPECT_DOUBLE_EQ(measured(mlp.y, Target::kCycles), 21.0);
    const SynthesisRecord& conv = set.records[1];
    EXPECT_EQ(conv.network.input_shape, (nn::Shape{1, 8, 8}));  // channels-last -> [C, H, W]
    EXPECT_EQ(conv.network.layers[0].kernel, 3);
    EXPECT_EQ(conv.network.layers[2].type, nn::LayerType::kMaxPool2d);
    EXPECT_EQ(conv.network.layers[2].size, 2);
    EXPECT_TRUE(std::isnan(conv.y.ii_min));  // tolerated: interval fields missing
}

TEST(WaHls4mlJson, ArrayAndJsonLinesLayouts) {
    check_fixture(load_records(kFixture));
    // The same records one per line (.jsonl).
    const std::string text = read(kFixture);
    std::string lines;
    int depth = 0;
    bool in_string = false;
    const std::size_t end = text.rfind(']');
    for (std::size_t i = text.find('[') + 1; i < end; ++i) {  // strip the outer [ ]
        const char c = text[i];
        if (c == '"' && text[i - 1] != '\\') in_string = !in_string;
        if (!in_string && c == '{') ++depth;
        if (!in_string && c == '}') --depth;
        if (c == '\n') continue;
        if (depth == 0 && c == ',') {
            lines += '\n';
            continue;
        }
        lines += c;
    }
    check_fixture(parse_wa_hls4ml_json(lines, "fixture.jsonl"));
}

TEST(WaHls4mlJson, HlsResourceSourceAndMissingKeys) {
    const RecordSet hls = load_records(kFixture, ResourceSource::kHls);
    ASSERT_EQ(hls.records.size(), 1u);  // only the MLP has an hls_resource_report...
    EXPECT_DOUBLE_EQ(hls.records[0].y.bram_18k, 4.0);
    try {
        parse_wa_hls4ml_json(R"([{"model_config": [{"class_name": "InputLayer",
            "input_shape": [null, 4]}, {"class_name": "Dense", "neurons": 2}],
            "hls_config": {"Model": {}}, "latency_report": {"cycles_min": 1, "cycles_max": 1}}])",
                             "m.json");
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("resource_report"), std::string::npos);
    }
    EXPECT_THROW(load_records("/nonexistent/records.json"), UsageError);
    EXPECT_THROW(load_records(kData + "README.md"), UsageError);
}

TEST(Split, NoArchitectureOnBothSidesAndDeterministic) {
    RecordSet set = load_records(kData + "results_resource.csv");
    const RecordSplit a = split_by_architecture(set.records, 0.25, 7);
    const RecordSplit b = split_by_architecture(set.records, 0.25, 7);
    EXPECT_EQ(a.test, b.test);
    EXPECT_EQ(a.test_groups, 16);
    EXPECT_EQ(a.train.size() + a.test.size(), set.records.size());
    std::set<std::string> train_arch;
    for (std::size_t i : a.train) train_arch.insert(set.records[i].architecture);
    for (std::size_t i : a.test) EXPECT_FALSE(train_arch.count(set.records[i].architecture));
    EXPECT_NE(split_by_architecture(set.records, 0.25, 8).test, a.test);
}

TEST(Metrics, DefinitionsOnHandVectors) {
    const TargetMetrics m = score(Target::kDsp, {0.0, 10.0, 20.0, NAN}, {0.0, 12.0, 18.0, 5.0});
    EXPECT_EQ(m.n, 3);
    EXPECT_NEAR(m.rmse, std::sqrt(8.0 / 3.0), 1e-12);
    EXPECT_NEAR(m.r2, 1.0 - 8.0 / 200.0, 1e-12);
    EXPECT_NEAR(m.smape, 200.0 / 3.0 * (2.0 / 23.0 + 2.0 / 39.0), 1e-12);
}

}  // namespace
}  // namespace snac::surrogate
