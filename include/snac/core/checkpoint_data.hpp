#pragma once
/// A trained network as plain data: what nn produces and consumes, and what io writes to and reads
/// from HDF5 (docs/checkpoint-format.md). Neither side knows the other's types.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace snac {

/// One named array of a layer (e.g. "kernel" [in, out], "bias" [out], "moving_mean" [F]).
struct NamedTensor {
    std::string name;
    std::vector<std::int64_t> shape;
    std::vector<float> values;  ///< row-major, prod(shape) entries
};

/// The arrays of one layer, in the network's layer order (nested Deep Sets layers are flattened
/// with their path in `layer_name`, e.g. "deepsets_0/phi/dense_0").
struct LayerWeights {
    std::string layer_name;
    std::string layer_type;
    std::vector<NamedTensor> tensors;
};

struct CheckpointData {
    std::string architecture_yaml;  ///< the NetworkSpec YAML
    std::string training_yaml;      ///< the training settings used
    std::vector<LayerWeights> layers;
    std::map<std::string, std::vector<double>> history;  ///< per-epoch series, e.g. "val_accuracy"
    std::map<std::string, double> final_metrics;
    std::map<std::string, std::string> attributes;       ///< provenance: snac version, seed, dataset
};

}  // namespace snac
