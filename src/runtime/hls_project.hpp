#pragma once
// Private to runtime: building one HLS project in two phases, so that the stage can run the
// expensive, thread-safe part (g++ compile + testbench run, csynth) of many projects in parallel
// while HDF5 reads and oneDNN inference stay on the calling thread.
#include <vector>

#include "snac/hls/project.hpp"
#include "snac/runtime/hls_stage.hpp"

namespace snac::runtime {

struct TestInputs {
    std::vector<float> x;
    std::vector<std::int32_t> labels;  ///< classification datasets: class per sample
    std::vector<float> targets;        ///< regression datasets: n x outputs
    std::int64_t n = 0;
    std::string source;
};

struct PreparedHlsProject {
    HlsProjectResult result;
    nn::FixedModel model;
    hls::ProjectOptions options;
    TestInputs inputs;
    hls::TestBench bench;
    hls::EmittedProject project;
    std::vector<float> reference;  ///< float predictions of the inputs
    hls::ManifestExtras extras;
};

/// The dataset a checkpoint was trained on: its recorded path, or <name>.h5 in the data
/// directories ($SNAC_DATA_DIR, ./data). Empty when not found.
std::string checkpoint_dataset(const CheckpointData& ck);

/// Reads, lowers, emits and estimates (HDF5 and oneDNN: call from one thread at a time).
PreparedHlsProject prepare_hls_project(const HlsProjectJob& job);
/// Synthesis (optional), C simulation, comparisons, manifest. Safe to run concurrently for
/// different projects.
void simulate_hls_project(PreparedHlsProject& p, const HlsProjectJob& job);

}  // namespace snac::runtime
