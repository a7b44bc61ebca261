// Emitted projects compile with g++ -Wall -Wextra -Werror against snac's emulation header and
// reproduce snac's fixed-point inference bit for bit on 1,000 random inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixtures.hpp"
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

}  // namespace
}  // namespace snac::hls
