#pragma once
/// How actors reach each other: a rank-addressed, message-oriented transport. Two implementations:
/// InProcessTransport (threads of one process; tests and embedded mode) and the MPI transport
/// (make_mpi_transport, src/runtime/mpi_transport.cpp). Actors only see this interface.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "snac/runtime/messages.hpp"

namespace snac::runtime {

/// A received message and the rank that sent it.
struct Envelope {
    int source = -1;
    Message message;
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    /// Queues a message to `dest`; returns without waiting for the receiver.
    virtual void send(int dest, Message message) = 0;
    /// The next message from any rank, or nullopt after `timeout` without one.
    virtual std::optional<Envelope> receive(std::chrono::milliseconds timeout) = 0;
    /// Completes every queued send (called before shutting down).
    virtual void flush() = 0;
};

/// Shared mailboxes of an in-process "world" of `size` ranks.
class InProcessHub {
public:
    explicit InProcessHub(int size);
    int size() const noexcept { return static_cast<int>(boxes_.size()); }
    void post(int dest, Envelope e);
    std::optional<Envelope> take(int rank, std::chrono::milliseconds timeout);

private:
    struct Box {
        std::mutex mutex;
        std::condition_variable ready;
        std::deque<Envelope> queue;
    };
    std::vector<std::unique_ptr<Box>> boxes_;
};

/// One rank's endpoint on an InProcessHub.
class InProcessTransport final : public Transport {
public:
    InProcessTransport(std::shared_ptr<InProcessHub> hub, int rank);
    int rank() const override { return rank_; }
    int size() const override { return hub_->size(); }
    void send(int dest, Message message) override;
    std::optional<Envelope> receive(std::chrono::milliseconds timeout) override;
    void flush() override {}

private:
    std::shared_ptr<InProcessHub> hub_;
    int rank_;
};

}  // namespace snac::runtime
