#include <gtest/gtest.h>

#include "snac/core/error.hpp"
#include "snac/search/encoding.hpp"
#include "snac/search/space.hpp"

using namespace snac;
using namespace snac::search;

namespace {

ParamConfig cat(std::string name, std::vector<std::string> choices, std::string when = {}) {
    ParamConfig p;
    p.name = std::move(name);
    p.choices = std::move(choices);
    p.condition = std::move(when);
    return p;
}
ParamConfig range(std::string name, ParamKind kind, double lo, double hi, bool log = false,
                  double step = 0) {
    ParamConfig p;
    p.name = std::move(name);
    p.kind = kind;
    p.low = lo;
    p.high = hi;
    p.log = log;
    p.step = step;
    return p;
}

SearchSpaceConfig jet_like() {
    SearchSpaceConfig c;
    c.family = "mlp";
    c.params.push_back(cat("n_layers", {"4", "5", "6", "7", "8"}));
    for (int k = 0; k < 8; ++k)
        c.params.push_back(cat("units_" + std::to_string(k), {"16", "32", "64"},
                               k < 4 ? "" : "n_layers >= " + std::to_string(k + 1)));
    c.params.push_back(cat("activation", {"relu", "tanh"}));
    c.training.push_back(range("learning_rate", ParamKind::kFloat, 1e-4, 1e-2, true));
    return c;
}

std::string issues_text(const ConfigError& e) {
    std::string s;
    for (const auto& i : e.issues()) s += i.message + "\n";
    return s;
}

}  // namespace

TEST(SearchSpace, ConditionalGenesAppearExactlyWhenTheirParentSelectsThem) {
    SearchSpace space(jet_like());
    Rng rng(7);
    for (int i = 0; i < 500; ++i) {
        const Genome g = space.sample(rng);
        const int n = static_cast<int>(gene_number(g.at("n_layers")));
        for (int k = 0; k < 8; ++k)
            EXPECT_EQ(g.count("units_" + std::to_string(k)) == 1, k < n) << SearchSpace::key(g);
        EXPECT_NO_THROW(space.validate(g));
    }
}

TEST(SearchSpace, ValuesAreStoredNotIndices) {
    SearchSpace space(jet_like());
    Rng rng(1);
    const Genome g = space.sample(rng);
    const auto& w = std::get<std::string>(g.at("units_0"));
    EXPECT_TRUE(w == "16" || w == "32" || w == "64");
    const double lr = std::get<double>(g.at("learning_rate"));
    EXPECT_GE(lr, 1e-4);
    EXPECT_LE(lr, 1e-2);
}

TEST(SearchSpace, SamplingIsDeterministicForASeed) {
    SearchSpace space(jet_like());
    Rng a(42), b(42), c(43);
    std::string ka, kb, kc;
    for (int i = 0; i < 20; ++i) {
        ka += SearchSpace::key(space.sample(a));
        kb += SearchSpace::key(space.sample(b));
        kc += SearchSpace::key(space.sample(c));
    }
    EXPECT_EQ(ka, kb);
    EXPECT_NE(ka, kc);
}

TEST(SearchSpace, RepairDropsInactiveAndFillsMissingGenes) {
    SearchSpace space(jet_like());
    Rng rng(3);
    Genome g = space.sample(rng);
    g["n_layers"] = std::string("4");
    g["units_7"] = std::string("64");
    g.erase("activation");
    const Genome r = space.repair(g, rng);
    EXPECT_EQ(r.count("units_7"), 0u);
    EXPECT_EQ(r.count("activation"), 1u);
    EXPECT_NO_THROW(space.validate(r));
    Genome bad = r;
    bad["units_6"] = std::string("16");
    EXPECT_THROW(space.validate(bad), UsageError);
}

TEST(SearchSpace, IntAndFloatRangesRespectStepsAndLog) {
    SearchSpaceConfig c;
    c.family = "mlp";
    c.params.push_back(range("a", ParamKind::kInt, 2, 10, false, 2));
    c.params.push_back(range("b", ParamKind::kFloat, 0.0, 1.0, false, 0.25));
    c.params.push_back(range("c", ParamKind::kInt, 1, 1000, true));
    SearchSpace space(c);
    Rng rng(5);
    for (int i = 0; i < 300; ++i) {
        Genome g = space.sample(rng);
        const double a = std::get<double>(g.at("a")), b = std::get<double>(g.at("b"));
        EXPECT_EQ(static_cast<int>(a) % 2, 0);
        EXPECT_DOUBLE_EQ(b * 4, std::round(b * 4));
        const double cc = std::get<double>(g.at("c"));
        EXPECT_EQ(cc, std::round(cc));
        EXPECT_GE(cc, 1);
        EXPECT_LE(cc, 1000);
    }
}

TEST(SearchSpace, InvalidSpacesAreConfigErrors) {
    {
        SearchSpaceConfig c;
        c.params.push_back(cat("empty", {}));
        c.params.push_back(range("r", ParamKind::kFloat, 2, 1));
        try {
            SearchSpace s(c);
            FAIL() << "expected ConfigError";
        } catch (const ConfigError& e) {
            const std::string t = issues_text(e);
            EXPECT_NE(t.find("empty list"), std::string::npos) << t;
            EXPECT_NE(t.find("low > high"), std::string::npos) << t;
        }
    }
    {
        SearchSpaceConfig c;
        c.params.push_back(cat("a", {"1"}, "ghost == 1"));
        try {
            SearchSpace s(c);
            FAIL();
        } catch (const ConfigError& e) {
            EXPECT_NE(issues_text(e).find("unknown parameter 'ghost'"), std::string::npos);
        }
    }
    {
        SearchSpaceConfig c;
        c.params.push_back(cat("a", {"1", "2"}, "b == 1"));
        c.params.push_back(cat("b", {"1", "2"}, "a == 1"));
        try {
            SearchSpace s(c);
            FAIL();
        } catch (const ConfigError& e) {
            EXPECT_NE(issues_text(e).find("cycle"), std::string::npos);
        }
    }
}

TEST(SearchSpace, ParentsMayBeDeclaredAfterChildren) {
    SearchSpaceConfig c;
    c.params.push_back(cat("child", {"x", "y"}, "parent in [on, maybe]"));
    c.params.push_back(cat("parent", {"on", "off", "maybe"}));
    SearchSpace space(c);
    EXPECT_EQ(space.params().front().name, "parent");
    Rng rng(9);
    int with = 0;
    for (int i = 0; i < 200; ++i) {
        Genome g = space.sample(rng);
        const bool on = std::get<std::string>(g.at("parent")) != "off";
        EXPECT_EQ(g.count("child") == 1, on);
        with += on;
    }
    EXPECT_GT(with, 0);
}

TEST(Encoding, MatchesOptunaRepresentation) {
    SearchSpace space(jet_like());
    Genome g;
    Rng rng(2);
    g = space.sample(rng);
    g["activation"] = std::string("tanh");
    const auto enc = encode_genome(space, g);
    bool found = false;
    for (const auto& e : enc) {
        if (e.name == "activation") {
            EXPECT_EQ(e.internal_value, 1.0);
            EXPECT_EQ(e.distribution_json,
                      R"({"name": "CategoricalDistribution", "attributes": {"choices": ["relu", "tanh"]}})");
            found = true;
        }
        if (e.name == "units_0") {
            EXPECT_EQ(e.distribution_json,
                      R"({"name": "CategoricalDistribution", "attributes": {"choices": [16, 32, 64]}})");
        }
        if (e.name == "learning_rate") {
            EXPECT_EQ(e.distribution_json,
                      R"({"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0001, "high": 0.01, "log": true}})");
        }
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(decode_genome(space, enc), g);
    EXPECT_EQ(choice_json("true"), "true");
    EXPECT_EQ(choice_json("0.05"), "0.05");
    EXPECT_EQ(choice_json("ConvAttn"), "\"ConvAttn\"");
}
