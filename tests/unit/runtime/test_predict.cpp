// snac predict's library side (runtime/predict.hpp): stored normalisation, --raw, fixed point with
// the checkpoint's hls_settings, input size checks.
#include <gtest/gtest.h>

#include <filesystem>

#include "snac/core/error.hpp"
#include "snac/core/feature_scaling.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/sample_arrays.hpp"
#include "snac/nn/fixed_model.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/onnx_model.hpp"
#include "snac/runtime/predict.hpp"

namespace snac::runtime {
namespace {

namespace fs = std::filesystem;

struct Fixture {
    fs::path dir;
    CheckpointData ck;
    io::SampleArray x;
    StoredScaling scaling;
    std::string model, input;

    Fixture() {
        dir = fs::temp_directory_path() /
              ("snac_predict_" +
               std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        fs::create_directories(dir);
        const std::string src = std::string(SNAC_SOURCE_DIR) + "/tests/data/onnx/";
        ck = import_onnx(src + "mlp_bn.onnx");
        x = io::read_samples(src + "mlp_bn_input.npy");
        scaling.scaling.method = Normalization::kStandardize;
        scaling.sample_shape = {16};
        for (int c = 0; c < 16; ++c) {
            scaling.scaling.shift.push_back(0.5f - 0.1f * static_cast<float>(c));
            scaling.scaling.scale.push_back(0.75f + 0.25f * static_cast<float>(c));
        }
        ck.attributes["input_scaling"] = scaling_to_yaml(scaling.scaling, scaling.sample_shape);
        model = (dir / "model.h5").string();
        input = (dir / "x.npy").string();
        io::write_npy(input, x.shape, x.values);
    }
    ~Fixture() { fs::remove_all(dir); }

    PredictOptions options(const std::string& out) const {
        PredictOptions o;
        o.model = model;
        o.input = input;
        o.output = (dir / out).string();
        return o;
    }
};

TEST(Predict, AppliesStoredNormalisationUnlessRaw) {
    Fixture f;
    io::write_checkpoint(f.model, f.ck);
    PredictOptions o = f.options("y.npy");
    const PredictSummary s = run_predict(o);
    EXPECT_EQ(s.samples, 12);
    EXPECT_EQ(s.output_shape, (std::vector<std::int64_t>{12, 5}));
    std::vector<float> normalised = f.x.values;
    apply_scaling(f.scaling, normalised.data(), 12);
    const std::vector<float> expected = nn::predict(f.ck, normalised.data(), 12);
    EXPECT_EQ(io::read_samples(o.output).values, expected);

    o.scaling = InputScaling::kRaw;
    o.output = (f.dir / "raw.npy").string();
    run_predict(o);
    EXPECT_EQ(io::read_samples(o.output).values, nn::predict(f.ck, f.x.values.data(), 12));
    EXPECT_NE(io::read_samples(o.output).values, expected);
}

TEST(Predict, FixedPointUsesTheCheckpointsHlsSettings) {
    Fixture f;
    HlsSettings hs;
    hs.default_precision.result = FixedType::parse("ap_fixed<10,4>");
    hs.input = FixedType::parse("ap_fixed<12,5>");
    f.ck.attributes["hls_settings"] = hls_settings_to_yaml(hs);
    io::write_checkpoint(f.model, f.ck);
    PredictOptions o = f.options("fixed.npy");
    o.arithmetic = PredictArithmetic::kFixed;
    o.scaling = InputScaling::kRaw;
    run_predict(o);
    const nn::FixedModel fm =
        nn::lower_network(nn::NetworkSpec::from_yaml(f.ck.architecture_yaml), f.ck, hs);
    const io::SampleArray got = io::read_samples(o.output);  // float64 file, exact values
    ASSERT_EQ(got.values.size(), 12u * 5u);
    for (std::int64_t i = 0; i < 12; ++i) {
        const std::vector<double> want = fm.run(f.x.values.data() + i * 16);
        for (std::size_t j = 0; j < want.size(); ++j)
            EXPECT_EQ(got.values[static_cast<std::size_t>(i) * 5 + j], static_cast<float>(want[j]));
    }
    // --precision replaces the stored settings, and is rejected without --fixed.
    o.precision = "ap_fixed<6,3>";
    o.output = (f.dir / "coarse.npy").string();
    run_predict(o);
    EXPECT_NE(io::read_samples(o.output).values, got.values);
    o.arithmetic = PredictArithmetic::kFloat;
    EXPECT_THROW(run_predict(o), UsageError);
}

TEST(Predict, WrongSampleSizeIsAUsageError) {
    Fixture f;
    io::write_checkpoint(f.model, f.ck);
    io::write_npy(f.input, {3, 7}, std::vector<float>(21, 0.0f));
    EXPECT_THROW(run_predict(f.options("y.npy")), UsageError);
    EXPECT_FALSE(fs::exists(f.dir / "y.npy"));
}

}  // namespace
}  // namespace snac::runtime
