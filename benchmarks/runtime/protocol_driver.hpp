#pragma once
// Shared by the runtime benchmarks: a trivial SearchDriver (messages, bookkeeping and dispatch
// only) and instant training, so the coordinator's own cost is what is measured.
#include "snac/core/seed.hpp"
#include "snac/runtime/actors.hpp"

namespace snac::bench {

class ProtocolDriver final : public runtime::SearchDriver {
public:
    std::optional<runtime::Candidate> next() override {
        runtime::Candidate c;
        c.trial = next_++;
        c.seed = derive_seed(1, static_cast<std::uint64_t>(c.trial), "train");
        c.architecture_yaml = "input_shape: [64]\nlayers:\n  - {type: dense, units: 10}\n";
        c.params = {{"n_layers", "1"}, {"units_0", "32"}, {"activation", "relu"}};
        return c;
    }
    void finish(const runtime::FinishedTrial&) override {}

private:
    std::int64_t next_ = 0;
};

/// Instant training: a metric derived from the seed, no work.
inline runtime::TrainReport instant_report(const runtime::Candidate& c) {
    runtime::TrainReport r;
    r.trial = c.trial;
    r.metrics["val_accuracy"] = static_cast<double>(mix64(c.seed) % 10000) / 10000.0;
    r.metrics["test_accuracy"] = r.metrics["val_accuracy"];
    return r;
}

}  // namespace snac::bench
