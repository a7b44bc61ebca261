// Trainer and estimator loops: announce themselves, then do one task at a time. A worker never
// throws out of its loop for a bad candidate: that is a FAIL trial, reported as data.
#include <exception>

#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/runtime/actors.hpp"

namespace snac::runtime {
namespace {

constexpr int kCoordinator = 0;
constexpr auto kPoll = std::chrono::milliseconds(200);

}  // namespace

void run_trainer(Transport& transport, const TrainFn& train) {
    transport.send(kCoordinator, make_hello(Role::kTrainer));
    for (;;) {
        auto env = transport.receive(kPoll);
        if (!env) continue;
        const MessageKind kind = env->message.header.kind;
        if (kind == MessageKind::kShutdown) break;
        if (kind != MessageKind::kTrainTask)
            throw_runtime("trainer received unexpected message " + std::string(to_string(kind)));
        const Candidate c = decode_candidate(env->message);
        TrainReport report;
        try {
            report = train(c);
        } catch (const std::exception& e) {
            report = TrainReport{};
            report.outcome = TrainOutcome::kFailed;
            report.reason = e.what();
        }
        report.trial = c.trial;
        transport.send(kCoordinator, encode(report));
    }
    transport.flush();
}

void run_estimator(Transport& transport, const EstimateFn& estimate,
                   const EstimateBatchFn& estimate_batch) {
    auto one = [&](const Candidate& c) {
        EstimateResult result;
        try {
            result = estimate(c);
        } catch (const std::exception& e) {
            result = EstimateResult{};
            result.failed = true;
            result.feasible = false;
            result.reason = std::string("estimation failed: ") + e.what();
        }
        result.trial = c.trial;
        return result;
    };
    transport.send(kCoordinator, make_hello(Role::kEstimator));
    for (;;) {
        auto env = transport.receive(kPoll);
        if (!env) continue;
        const MessageKind kind = env->message.header.kind;
        if (kind == MessageKind::kShutdown) break;
        if (kind == MessageKind::kEstimateTask) {
            transport.send(kCoordinator, encode(one(decode_candidate(env->message))));
            continue;
        }
        if (kind != MessageKind::kEstimateBatchTask)
            throw_runtime("estimator received unexpected message " + std::string(to_string(kind)));
        const std::vector<Candidate> batch = decode_estimate_batch(env->message);
        std::vector<EstimateResult> results;
        if (estimate_batch) {
            try {
                results = estimate_batch(batch);
                if (results.size() != batch.size())
                    throw_runtime("batch estimate returned " + std::to_string(results.size()) +
                                  " results for " + std::to_string(batch.size()) + " candidates");
            } catch (const std::exception&) {
                results.clear();  // find the candidate that failed: one at a time
            }
        }
        if (results.empty())
            for (const Candidate& c : batch) results.push_back(one(c));
        for (std::size_t i = 0; i < batch.size(); ++i) results[i].trial = batch[i].trial;
        transport.send(kCoordinator, encode_estimate_results(results));
    }
    transport.flush();
}

}  // namespace snac::runtime
