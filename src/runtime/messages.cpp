// Explicit encode/decode of the actor messages (docs/messages.md). The payload is a flat byte
// stream of fixed-width integers, IEEE doubles and length-prefixed strings, read back with bounds
// checks so a truncated or foreign message is an error, never undefined behaviour.
#include "snac/runtime/messages.hpp"

#include <cstring>

#include "snac/core/error.hpp"

namespace snac::runtime {
namespace {

class Writer {
public:
    template <class T>
    void pod(const T& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        out_.append(reinterpret_cast<const char*>(&v), sizeof(T));
    }
    void str(const std::string& s) {
        pod(static_cast<std::uint64_t>(s.size()));
        out_.append(s);
    }
    void str_map(const std::map<std::string, std::string>& m) {
        pod(static_cast<std::uint64_t>(m.size()));
        for (const auto& [k, v] : m) {
            str(k);
            str(v);
        }
    }
    void num_map(const std::map<std::string, double>& m) {
        pod(static_cast<std::uint64_t>(m.size()));
        for (const auto& [k, v] : m) {
            str(k);
            pod(v);
        }
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

class Reader {
public:
    Reader(const std::string& in, MessageKind kind) : in_(in), kind_(kind) {}
    template <class T>
    T pod() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, in_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::string str() {
        const auto n = pod<std::uint64_t>();
        need(n);
        std::string s = in_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    std::map<std::string, std::string> str_map() {
        std::map<std::string, std::string> m;
        for (auto n = pod<std::uint64_t>(); n > 0; --n) {
            std::string k = str();
            m[k] = str();
        }
        return m;
    }
    std::map<std::string, double> num_map() {
        std::map<std::string, double> m;
        for (auto n = pod<std::uint64_t>(); n > 0; --n) {
            std::string k = str();
            m[k] = pod<double>();
        }
        return m;
    }
    void finish() const {
        if (pos_ != in_.size())
            throw_runtime("message " + std::string(to_string(kind_)) + " has " +
                          std::to_string(in_.size() - pos_) + " trailing bytes");
    }

private:
    void need(std::uint64_t n) const {
        if (n > in_.size() - pos_)
            throw_runtime("message " + std::string(to_string(kind_)) +
                          " is truncated (payload of " + std::to_string(in_.size()) + " bytes)");
    }
    const std::string& in_;
    MessageKind kind_;
    std::size_t pos_ = 0;
};

Message make(MessageKind kind, std::int64_t trial, std::int32_t status, std::string payload) {
    Message m;
    m.header.kind = kind;
    m.header.trial = trial;
    m.header.status = status;
    m.header.payload_bytes = payload.size();
    m.payload = std::move(payload);
    return m;
}

void expect(const Message& m, MessageKind kind) {
    if (m.header.magic != kMessageMagic || m.header.version != kWireVersion)
        throw_runtime("received a message that is not a snac v" + std::to_string(kWireVersion) +
                      " message");
    if (m.header.kind != kind)
        throw_runtime("expected message " + std::string(to_string(kind)) + ", got " +
                      std::string(to_string(m.header.kind)));
    if (m.header.payload_bytes != m.payload.size())
        throw_runtime("message " + std::string(to_string(kind)) + " payload size mismatch");
}

}  // namespace

Message encode(const Candidate& c, MessageKind kind) {
    if (kind != MessageKind::kEstimateTask && kind != MessageKind::kTrainTask)
        throw_runtime("a candidate is sent as an estimate or train task");
    Writer w;
    w.pod(c.seed);
    w.str(c.architecture_yaml);
    w.str_map(c.params);
    w.str_map(c.training);
    return make(kind, c.trial, 0, w.take());
}

Message encode(const EstimateResult& r) {
    Writer w;
    w.pod(static_cast<std::uint8_t>(r.feasible));
    w.pod(static_cast<std::uint8_t>(r.failed));
    w.str(r.reason);
    w.num_map(r.metrics);
    return make(MessageKind::kEstimateResult, r.trial, 0, w.take());
}

Message encode(const TrainReport& r) {
    Writer w;
    w.str(r.reason);
    w.num_map(r.metrics);
    w.str(r.checkpoint);
    w.pod(r.seconds);
    return make(MessageKind::kTrainResult, r.trial, static_cast<std::int32_t>(r.outcome), w.take());
}

Message make_hello(Role role) {
    return make(MessageKind::kHello, -1, static_cast<std::int32_t>(role), {});
}

Message make_shutdown() { return make(MessageKind::kShutdown, -1, 0, {}); }

Candidate decode_candidate(const Message& m) {
    if (m.header.kind != MessageKind::kTrainTask) expect(m, MessageKind::kEstimateTask);
    else expect(m, MessageKind::kTrainTask);
    Reader r(m.payload, m.header.kind);
    Candidate c;
    c.trial = m.header.trial;
    c.seed = r.pod<std::uint64_t>();
    c.architecture_yaml = r.str();
    c.params = r.str_map();
    c.training = r.str_map();
    r.finish();
    return c;
}

EstimateResult decode_estimate(const Message& m) {
    expect(m, MessageKind::kEstimateResult);
    Reader r(m.payload, m.header.kind);
    EstimateResult e;
    e.trial = m.header.trial;
    e.feasible = r.pod<std::uint8_t>() != 0;
    e.failed = r.pod<std::uint8_t>() != 0;
    e.reason = r.str();
    e.metrics = r.num_map();
    r.finish();
    return e;
}

TrainReport decode_train_report(const Message& m) {
    expect(m, MessageKind::kTrainResult);
    if (m.header.status < 0 || m.header.status > static_cast<std::int32_t>(TrainOutcome::kInterrupted))
        throw_runtime("train result with unknown outcome " + std::to_string(m.header.status));
    Reader r(m.payload, m.header.kind);
    TrainReport t;
    t.trial = m.header.trial;
    t.outcome = static_cast<TrainOutcome>(m.header.status);
    t.reason = r.str();
    t.metrics = r.num_map();
    t.checkpoint = r.str();
    t.seconds = r.pod<double>();
    r.finish();
    return t;
}

// Batches: u64 count, then per item its trial (i64) and the single message's payload fields.
Message encode_estimate_batch(const std::vector<Candidate>& candidates) {
    Writer w;
    w.pod(static_cast<std::uint64_t>(candidates.size()));
    for (const Candidate& c : candidates) {
        w.pod(c.trial);
        w.pod(c.seed);
        w.str(c.architecture_yaml);
        w.str_map(c.params);
        w.str_map(c.training);
    }
    return make(MessageKind::kEstimateBatchTask,
                candidates.empty() ? -1 : candidates.front().trial,
                static_cast<std::int32_t>(candidates.size()), w.take());
}

Message encode_estimate_results(const std::vector<EstimateResult>& results) {
    Writer w;
    w.pod(static_cast<std::uint64_t>(results.size()));
    for (const EstimateResult& r : results) {
        w.pod(r.trial);
        w.pod(static_cast<std::uint8_t>(r.feasible));
        w.pod(static_cast<std::uint8_t>(r.failed));
        w.str(r.reason);
        w.num_map(r.metrics);
    }
    return make(MessageKind::kEstimateBatchResult, results.empty() ? -1 : results.front().trial,
                static_cast<std::int32_t>(results.size()), w.take());
}

namespace {
// A count read from the wire bounds a reserve(): never trust it beyond the bytes present.
std::uint64_t checked_count(std::uint64_t n, const Message& m, std::size_t min_item_bytes) {
    if (n != static_cast<std::uint64_t>(m.header.status) ||
        n > m.payload.size() / min_item_bytes)
        throw_runtime("message " + std::string(to_string(m.header.kind)) + " announces " +
                      std::to_string(n) + " items that its header or payload cannot hold");
    return n;
}
}  // namespace

std::vector<Candidate> decode_estimate_batch(const Message& m) {
    expect(m, MessageKind::kEstimateBatchTask);
    Reader r(m.payload, m.header.kind);
    const std::uint64_t n = checked_count(r.pod<std::uint64_t>(), m, 40);
    std::vector<Candidate> out(n);
    for (Candidate& c : out) {
        c.trial = r.pod<std::int64_t>();
        c.seed = r.pod<std::uint64_t>();
        c.architecture_yaml = r.str();
        c.params = r.str_map();
        c.training = r.str_map();
    }
    r.finish();
    return out;
}

std::vector<EstimateResult> decode_estimate_results(const Message& m) {
    expect(m, MessageKind::kEstimateBatchResult);
    Reader r(m.payload, m.header.kind);
    const std::uint64_t n = checked_count(r.pod<std::uint64_t>(), m, 26);
    std::vector<EstimateResult> out(n);
    for (EstimateResult& e : out) {
        e.trial = r.pod<std::int64_t>();
        e.feasible = r.pod<std::uint8_t>() != 0;
        e.failed = r.pod<std::uint8_t>() != 0;
        e.reason = r.str();
        e.metrics = r.num_map();
    }
    r.finish();
    return out;
}

std::vector<char> to_bytes(const Message& m) {
    std::vector<char> out(sizeof(MessageHeader) + m.payload.size());
    MessageHeader h = m.header;
    h.payload_bytes = m.payload.size();
    std::memcpy(out.data(), &h, sizeof h);
    if (!m.payload.empty()) std::memcpy(out.data() + sizeof h, m.payload.data(), m.payload.size());
    return out;
}

Message from_bytes(const char* data, std::size_t size) {
    if (size < sizeof(MessageHeader))
        throw_runtime("received " + std::to_string(size) + " bytes, less than a message header");
    Message m;
    std::memcpy(&m.header, data, sizeof(MessageHeader));
    if (m.header.magic != kMessageMagic)
        throw_runtime("received bytes that are not a snac message (bad magic)");
    if (m.header.payload_bytes != size - sizeof(MessageHeader))
        throw_runtime("message payload size " + std::to_string(m.header.payload_bytes) +
                      " does not match the " + std::to_string(size - sizeof(MessageHeader)) +
                      " bytes received");
    m.payload.assign(data + sizeof(MessageHeader), size - sizeof(MessageHeader));
    return m;
}

std::string_view to_string(MessageKind kind) noexcept {
    switch (kind) {
        case MessageKind::kHello: return "Hello";
        case MessageKind::kEstimateTask: return "EstimateTask";
        case MessageKind::kEstimateResult: return "EstimateResult";
        case MessageKind::kTrainTask: return "TrainTask";
        case MessageKind::kTrainResult: return "TrainResult";
        case MessageKind::kShutdown: return "Shutdown";
        case MessageKind::kLocalChainTask: return "LocalChainTask";
        case MessageKind::kLocalStep: return "LocalStep";
        case MessageKind::kLocalChainDone: return "LocalChainDone";
        case MessageKind::kHlsDesignTask: return "HlsDesignTask";
        case MessageKind::kHlsDesignResult: return "HlsDesignResult";
        case MessageKind::kLocalTpeTask: return "LocalTpeTask";
        case MessageKind::kLocalTpeResult: return "LocalTpeResult";
        case MessageKind::kEstimateBatchTask: return "EstimateBatchTask";
        case MessageKind::kEstimateBatchResult: return "EstimateBatchResult";
    }
    return "Unknown";
}

}  // namespace snac::runtime
