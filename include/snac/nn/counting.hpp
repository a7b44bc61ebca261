#pragma once
/// Parameter and BOPs counts (../shared/docs/reference/bops-and-params.md).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "snac/core/config/search_config.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::nn {

using BopsConvention = snac::BopsConvention;  // the config vocabulary (core)

struct CountOptions {
    int weight_bits = 32;
    int activation_bits = 32;
    std::map<std::string, double> sparsity;  ///< per layer name: fraction of zero weights
    int phi_multiplicity = 1;  ///< Deep Sets phi counted once (NAC) or once per element
};

struct LayerCount {
    std::string name;
    std::string type;
    Shape output_shape;
    std::int64_t params = 0;
    std::int64_t macs = 0;                       ///< multiply-accumulates per sample
    std::map<BopsConvention, double> bops;       ///< per convention
};

struct NetworkCount {
    std::vector<LayerCount> layers;  ///< nested Deep Sets layers listed with their path
    std::int64_t params = 0;
    std::int64_t macs = 0;
    std::map<BopsConvention, double> bops;
};

NetworkCount count_network(const NetworkSpec& net, const CountOptions& options = {});

}  // namespace snac::nn
