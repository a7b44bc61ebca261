#pragma once
/// `snac data import | info | synth` (docs/data-format.md).
#include <cstdint>
#include <string>

#include "snac/io/synth.hpp"

namespace snac::runtime {

/// Flags of `snac data import` when no --config is given: they spell a `data:` section.
struct ImportOptions {
    std::string config, out, name, format, file, images, labels, x, y, label_column, features,
        resize, task, particles, layout, normalize, split;
    std::int64_t subset = -1, n_particles = -1;
    std::uint64_t seed = 0;
    bool seed_set = false, no_stratify = false, force = false, all = false;
    bool quiet = false;  ///< print only the output path (snac --quiet)
};

struct SynthOptions {
    std::string out;
    io::BraggSynthOptions bragg;
    bool quiet = false;  ///< print only the output path (snac --quiet)
};

/// Imports a dataset from a config data section or from flags; prints its summary.
int run_data_import(const ImportOptions& options);

/// Prints a dataset summary.
int run_data_info(const std::string& file, bool all);

/// Writes a synthetic Bragg dataset; prints its summary.
int run_data_synth_bragg(const SynthOptions& options);

}  // namespace snac::runtime
