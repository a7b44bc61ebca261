// Multi-layer networks against public C-synthesis reports (tests/fixtures/csynth_multilayer.json):
// the analytical model's error per target is recomputed from the fixture and held to the bounds
// docs/surrogate.md#multi-layer-networks states, so a regression fails here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "snac/surrogate/analytical_model.hpp"

namespace snac::surrogate {
namespace {

const std::string kFixture =
    std::string(SNAC_SOURCE_DIR) + "/tests/fixtures/csynth_multilayer.json";

struct Scored {
    std::string name;
    std::map<std::string, double> reported, estimated;
};

std::vector<Scored> score_fixture() {
    const AnalyticalModel model(load_coefficients(default_coefficients_path()));
    std::ifstream in(kFixture);
    EXPECT_TRUE(in.good()) << kFixture;
    const nlohmann::json root = nlohmann::json::parse(in);
    EXPECT_EQ(root.at("format").get<std::string>(), "snac-csynth-fixture");
    std::vector<Scored> out;
    for (const nlohmann::json& r : root.at("records")) {
        const nn::NetworkSpec net =
            nn::NetworkSpec::from_yaml(r.at("architecture").get<std::string>(), kFixture);
        HlsSettings hls = hls_settings_from_yaml(r.at("hls_settings").get<std::string>(), kFixture);
        const double sparsity = r.at("sparsity").get<double>();
        for (const nn::LayerSpec& l : net.layers) {
            if (l.type != nn::LayerType::kDense) continue;
            LayerHlsSettings s = hls.for_layer(l.name);
            s.weight_sparsity = sparsity;
            hls.layers[l.name] = s;
        }
        const HardwareEstimate e =
            model.estimate(net, hls, find_part(r.at("part").get<std::string>()));
        Scored s;
        s.name = r.at("name").get<std::string>();
        const nlohmann::json& rep = r.at("reported");
        s.reported = {{"DSP", rep.at("dsp").get<double>()},
                      {"LUT", rep.at("lut").get<double>()},
                      {"FF", rep.at("ff").get<double>()},
                      {"BRAM_18K", rep.at("bram_18k").get<double>()},
                      {"latency", rep.at("latency_max").get<double>()},
                      {"II", rep.at("ii").get<double>()}};
        s.estimated = {{"DSP", double(e.total.dsp)},
                       {"LUT", double(e.total.lut)},
                       {"FF", double(e.total.ff)},
                       {"BRAM_18K", double(e.total.bram_18k)},
                       {"latency", double(e.latency_cycles_max)},
                       {"II", double(e.ii_cycles)}};
        out.push_back(std::move(s));
    }
    return out;
}

// |log(estimate / reported)| with +1 so zeros stay finite: a factor-of-2 miss is 0.69 either way.
double log_error(double est, double rep) {
    return std::abs(std::log((est + 1.0) / (rep + 1.0)));
}

TEST(MultiLayer, CsynthFixtureErrorWithinTheDocumentedBounds) {
    const std::vector<Scored> scored = score_fixture();
    ASSERT_EQ(scored.size(), 4u);
    // Bounds on the worst record's |ln(estimate/reported)| per target (docs/surrogate.md):
    // a bound of 0.41 is "within a factor 1.5".
    const std::map<std::string, double> bound = {{"DSP", 1.65},     {"LUT", 0.50},
                                                 {"FF", 1.30},      {"BRAM_18K", 0.70},
                                                 {"latency", 0.25}, {"II", 0.01}};
    std::map<std::string, double> worst;
    for (const Scored& s : scored) {
        std::printf("%-40s", s.name.c_str());
        for (const auto& [target, rep] : s.reported) {
            const double est = s.estimated.at(target);
            std::printf(" %s %g/%g", target.c_str(), est, rep);
            worst[target] = std::max(worst[target], log_error(est, rep));
        }
        std::printf("\n");
    }
    for (const auto& [target, b] : bound) {
        std::printf("worst |ln(est/rep)| %s %.2f (bound %.2f)\n", target.c_str(), worst[target], b);
        EXPECT_LE(worst[target], b) << target;
    }
}

}  // namespace
}  // namespace snac::surrogate
