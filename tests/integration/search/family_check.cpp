// Integration check of the shipped search spaces: every config loads, and every sampled genome of
// its family becomes an architecture file that nn parses and shape-checks. Exit 0 on success.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/nn/network_spec.hpp"
#include "snac/search/architecture.hpp"
#include "snac/search/sampler.hpp"

using namespace snac;

namespace {

struct Case {
    const char* config;
    search::ArchitectureContext context;
};

int check(const std::string& dir, const Case& c, int samples) {
    const RunConfig cfg = load_config(dir + "/configs/" + c.config);
    const search::SearchSpace space(cfg.search_space);
    auto sampler = search::make_sampler(space, cfg.search);
    int built = 0;
    std::size_t max_layers = 0, min_layers = 1u << 30;
    for (int i = 0; i < samples; ++i) {
        auto s = sampler->ask();
        if (!s) break;
        const std::string yaml = search::build_architecture(space, s->genome, c.context);
        const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(yaml, std::string(c.config) + " trial " + std::to_string(s->number));
        const nn::Shape out = nn::output_shape(net);
        if (out != nn::Shape{c.context.outputs}) {
            std::fprintf(stderr, "%s: trial %lld has output shape %s\n%s", c.config,
                         static_cast<long long>(s->number), nn::shape_str(out).c_str(), yaml.c_str());
            return 1;
        }
        TrainConfig train = cfg.train;
        search::apply_training_genes(search::training_genes(space, s->genome), train);
        max_layers = std::max(max_layers, net.layers.size());
        min_layers = std::min(min_layers, net.layers.size());
        // Score something cheap so that the sampler breeds from a real population.
        std::vector<double> values;
        for (std::size_t k = 0; k < cfg.search.objectives.size(); ++k)
            values.push_back(static_cast<double>((net.layers.size() * (k + 3)) % 7) + 0.01 * static_cast<double>(i % 5));
        sampler->tell(s->number, values, std::vector<double>(cfg.search.constraints.size(), -1.0),
                      TrialState::kComplete);
        ++built;
    }
    std::printf("%-20s %d genomes -> architectures (%zu..%zu top-level layers), all parsed by nn\n",
                c.config, built, min_layers, max_layers);
    return built == samples ? 0 : 1;
}

}  // namespace

int main() {
    const char* src = std::getenv("SNAC_SOURCE_DIR");
    const std::string dir = src ? src : ".";
    const std::vector<Case> cases = {
        {"quickstart.yaml", {{1, 8, 8}, 10, search::TaskKind::kClassification}},
        {"jets_mlp.yaml", {{24}, 5, search::TaskKind::kClassification}},
        {"jets_deepsets.yaml", {{8, 3}, 5, search::TaskKind::kClassification}},
        {"braggnn.yaml", {{1, 11, 11}, 2, search::TaskKind::kRegression}},
    };
    int failures = 0;
    for (const auto& c : cases) {
        try {
            failures += check(dir, c, 300);
        } catch (const Error& e) {
            std::fprintf(stderr, "%s: %s (%s)\n", c.config, e.what(), e.hint().c_str());
            ++failures;
        }
    }
    return failures == 0 ? 0 : 1;
}
