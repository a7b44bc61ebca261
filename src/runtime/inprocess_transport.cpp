// In-process transport: one mailbox (deque + condition variable) per rank. Messages are moved,
// never shared, so actors on threads behave as they would on separate ranks.
#include "snac/core/error.hpp"
#include "snac/runtime/transport.hpp"

namespace snac::runtime {

InProcessHub::InProcessHub(int size) {
    if (size < 1) throw_runtime("an in-process world needs at least one rank");
    for (int i = 0; i < size; ++i) boxes_.push_back(std::make_unique<Box>());
}

void InProcessHub::post(int dest, Envelope e) {
    if (dest < 0 || dest >= size())
        throw_runtime("send to rank " + std::to_string(dest) + " of a world of " +
                      std::to_string(size()));
    Box& box = *boxes_[static_cast<std::size_t>(dest)];
    {
        std::lock_guard lock(box.mutex);
        box.queue.push_back(std::move(e));
    }
    box.ready.notify_one();
}

std::optional<Envelope> InProcessHub::take(int rank, std::chrono::milliseconds timeout) {
    Box& box = *boxes_[static_cast<std::size_t>(rank)];
    std::unique_lock lock(box.mutex);
    if (!box.ready.wait_for(lock, timeout, [&] { return !box.queue.empty(); })) return std::nullopt;
    Envelope e = std::move(box.queue.front());
    box.queue.pop_front();
    return e;
}

InProcessTransport::InProcessTransport(std::shared_ptr<InProcessHub> hub, int rank)
    : hub_(std::move(hub)), rank_(rank) {
    if (rank_ < 0 || rank_ >= hub_->size()) throw_runtime("rank outside the in-process world");
}

void InProcessTransport::send(int dest, Message message) {
    message.header.payload_bytes = message.payload.size();
    hub_->post(dest, Envelope{rank_, std::move(message)});
}

std::optional<Envelope> InProcessTransport::receive(std::chrono::milliseconds timeout) {
    return hub_->take(rank_, timeout);
}

}  // namespace snac::runtime
