// snac inspect ARCH.yaml|CHECKPOINT.h5|MODEL.onnx [--bits B] [--json]: the layer table of a network
// with parameter, multiply-accumulate and BOPs counts (docs/training.md#counting).
#include "snac/runtime/inspect_command.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "snac/nn/counting.hpp"
#include "snac/runtime/model_file.hpp"

namespace snac::runtime {
namespace {

nlohmann::json bops_json(const std::map<nn::BopsConvention, double>& bops) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, c] : bops_conventions()) j[std::string(name)] = bops.at(c);
    return j;
}

int run_inspect_impl(const InspectOptions& a) {
    const nn::NetworkSpec net = runtime::load_model(a.path).spec;
    nn::CountOptions opt;
    opt.weight_bits = opt.activation_bits = a.bits;
    const nn::NetworkCount count = nn::count_network(net, opt);
    if (a.json) {
        nlohmann::json layers = nlohmann::json::array();
        for (const auto& l : count.layers)
            layers.push_back({{"name", l.name},
                              {"type", l.type},
                              {"output_shape", l.output_shape},
                              {"params", l.params},
                              {"macs", l.macs},
                              {"bops", bops_json(l.bops)}});
        nlohmann::json out = {
            {"params", count.params}, {"bops", bops_json(count.bops)}, {"layers", layers}};
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%s  input %s\n", a.path.c_str(), nn::shape_str(net.input_shape).c_str());
    std::printf("%-32s %-15s %-14s %12s %14s\n", "layer", "type", "output", "params", "MACs");
    for (const auto& l : count.layers)
        std::printf("%-32s %-15s %-14s %12lld %14lld\n", l.name.c_str(), l.type.c_str(),
                    nn::shape_str(l.output_shape).c_str(), static_cast<long long>(l.params),
                    static_cast<long long>(l.macs));
    std::printf("%-32s %-15s %-14s %12lld %14lld\n", "total", "", "",
                static_cast<long long>(count.params), static_cast<long long>(count.macs));
    std::printf("BOPs at %d bits:", a.bits);
    for (const auto& [name, c] : bops_conventions())
        std::printf("  %s %.6g", std::string(name).c_str(), count.bops.at(c));
    std::printf("\n");
    return 0;
}

}  // namespace

int run_inspect(const InspectOptions& options) {
    return run_inspect_impl(options);
}

}  // namespace snac::runtime
