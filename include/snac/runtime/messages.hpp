#pragma once
/// The plain-data messages actors exchange (docs/messages.md). Each message on the wire is a
/// trivially copyable MessageHeader followed by `payload_bytes` of explicitly encoded payload;
/// nothing else crosses a rank boundary, so actors never share state and numerics never see MPI.
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace snac::runtime {

/// Message kinds; values are part of the wire format (never renumber).
enum class MessageKind : std::uint32_t {
    kHello = 1,           ///< worker -> coordinator: I am up (role in `status`)
    kEstimateTask = 2,    ///< coordinator -> estimator: score this candidate before training
    kEstimateResult = 3,  ///< estimator -> coordinator: metrics + feasibility
    kTrainTask = 4,       ///< coordinator -> trainer: train this candidate
    kTrainResult = 5,     ///< trainer -> coordinator: outcome, metrics, checkpoint path
    kShutdown = 6,        ///< coordinator -> worker: leave the loop
    kLocalChainTask = 7,  ///< local stage, rank 0 -> trainer: run this chain (JSON payload)
    kLocalStep = 8,       ///< trainer -> rank 0: a finished or failed step (JSON payload)
    kLocalChainDone = 9,  ///< trainer -> rank 0: the chain ended (status 1: stopped by a signal)
    kHlsDesignTask = 10,    ///< HLS stage, rank 0 -> estimator: build this design (JSON payload)
    kHlsDesignResult = 11,  ///< estimator -> rank 0: its result or error (JSON payload)
    kLocalTpeTask = 12,     ///< local stage, rank 0 -> trainer: train this TPE trial (JSON)
    kLocalTpeResult = 13,   ///< trainer -> rank 0: the TPE trial's outcome (JSON payload)
    kEstimateBatchTask = 14,    ///< coordinator -> estimator: score these candidates (status = count)
    kEstimateBatchResult = 15,  ///< estimator -> coordinator: one EstimateResult per candidate, in order
};

inline constexpr std::uint32_t kMessageMagic = 0x534e4143;  ///< "SNAC"
inline constexpr std::uint32_t kWireVersion = 1;

/// Fixed-size header sent in front of every payload (host byte order: one job, one architecture).
struct MessageHeader {
    std::uint32_t magic = kMessageMagic;
    std::uint32_t version = kWireVersion;
    MessageKind kind = MessageKind::kHello;
    std::int32_t status = 0;          ///< kind-specific small code (role, outcome)
    std::int64_t trial = -1;          ///< trial number, -1 when none
    std::uint64_t payload_bytes = 0;  ///< bytes following the header
};
static_assert(std::is_trivially_copyable_v<MessageHeader>, "headers are copied as bytes");
static_assert(std::is_standard_layout_v<MessageHeader>, "headers are copied as bytes");
static_assert(sizeof(MessageHeader) == 32, "wire layout changed: bump kWireVersion");

/// One message: header + encoded payload.
struct Message {
    MessageHeader header;
    std::string payload;
};

/// Worker roles (MessageHeader::status of kHello).
enum class Role : std::int32_t { kCoordinator = 0, kTrainer = 1, kEstimator = 2 };

/// A candidate to estimate or train: everything a worker needs, as values.
struct Candidate {
    std::int64_t trial = -1;
    std::uint64_t seed = 0;                          ///< derive_seed(run_seed, trial, "train")
    std::string architecture_yaml;                   ///< NetworkSpec YAML
    std::map<std::string, std::string> params;       ///< sampled genes, values as text
    std::map<std::string, std::string> training;     ///< training genes as text (apply_train_gene)
};

/// What the estimator computed: counts, hardware estimate, and the constraint verdict.
struct EstimateResult {
    std::int64_t trial = -1;
    bool feasible = true;
    std::string reason;                       ///< why infeasible or failed
    bool failed = false;                      ///< the estimate itself threw (bad architecture)
    std::map<std::string, double> metrics;    ///< params, bops, est_* ...
};

/// How a training ended, as seen by the coordinator.
enum class TrainOutcome : std::int32_t { kOk = 0, kDiverged = 1, kFailed = 2, kInterrupted = 3 };

/// A trainer's report for one candidate.
struct TrainReport {
    std::int64_t trial = -1;
    TrainOutcome outcome = TrainOutcome::kOk;
    std::string reason;
    std::map<std::string, double> metrics;  ///< val_*/test_* metrics + the trainer's own
    std::string checkpoint;                 ///< path relative to RUN_DIR ("" when none)
    double seconds = 0.0;                   ///< wall time of the training
};

Message encode(const Candidate& c, MessageKind kind);  ///< kind: kEstimateTask or kTrainTask
Message encode(const EstimateResult& r);
Message encode(const TrainReport& r);
Message make_hello(Role role);
Message make_shutdown();

/// Decoders validate the header kind and the payload; malformed input throws snac::Error.
Candidate decode_candidate(const Message& m);
EstimateResult decode_estimate(const Message& m);
TrainReport decode_train_report(const Message& m);

/// Header + payload as one contiguous buffer, and back (what the MPI transport sends).
/// Several candidates in one estimate task, and their results in one answer (the learned cost
/// model scores a batch in one inference: docs/messages.md).
Message encode_estimate_batch(const std::vector<Candidate>& candidates);
Message encode_estimate_results(const std::vector<EstimateResult>& results);
std::vector<Candidate> decode_estimate_batch(const Message& m);
std::vector<EstimateResult> decode_estimate_results(const Message& m);

std::vector<char> to_bytes(const Message& m);
Message from_bytes(const char* data, std::size_t size);

std::string_view to_string(MessageKind kind) noexcept;

}  // namespace snac::runtime
