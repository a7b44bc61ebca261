// MPI lifetime and point-to-point transport. Sends are MPI_Isend of one contiguous buffer
// (header + payload) kept alive until MPI_Test reports completion; receives probe with
// MPI_Iprobe(ANY_SOURCE) and a short back-off so the coordinator can also watch its signal flag.
// No collective is used per trial. Errors return codes (MPI_ERRORS_RETURN) and are checked here.
#include <mpi.h>

#include <cstdlib>
#include <list>
#include <thread>

#include "snac/core/error.hpp"
#include "snac/runtime/mpi.hpp"

namespace snac::runtime {
namespace {

constexpr int kTag = 7;

void check(int rc, const char* call) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw_runtime(std::string(call) +
                  " failed: " + std::string(text, static_cast<std::size_t>(len)));
}

class MpiTransport final : public Transport {
public:
    // Each transport talks on its own duplicate of MPI_COMM_WORLD (collective: every rank makes
    // one per stage, in the same order). Under `snac run` one MPI session spans the stages, and a
    // message a stage left unreceived (a worker's late reply) must not reach the next stage.
    MpiTransport(int rank, int size) : rank_(rank), size_(size) {
        check(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup");
        check(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    }
    ~MpiTransport() override {
        try {
            flush();
        } catch (...) {  // destructors never throw; the job is going down anyway
        }
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Comm_free(&comm_);
    }
    int rank() const override { return rank_; }
    int size() const override { return size_; }

    void send(int dest, Message message) override {
        if (dest < 0 || dest >= size_)
            throw_runtime("send to rank " + std::to_string(dest) + " of " + std::to_string(size_));
        reap();
        pending_.push_back(Pending{to_bytes(message), MPI_REQUEST_NULL});
        Pending& p = pending_.back();
        check(MPI_Isend(p.bytes.data(), static_cast<int>(p.bytes.size()), MPI_BYTE, dest, kTag,
                        comm_, &p.request),
              "MPI_Isend");
    }

    std::optional<Envelope> receive(std::chrono::milliseconds timeout) override {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        auto nap = std::chrono::microseconds(20);
        for (;;) {
            reap();
            int flag = 0;
            MPI_Status status;
            check(MPI_Iprobe(MPI_ANY_SOURCE, kTag, comm_, &flag, &status), "MPI_Iprobe");
            if (flag) {
                int count = 0;
                check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
                std::vector<char> buffer(static_cast<std::size_t>(count));
                // Only this thread receives, so the probed message is the one matched here.
                check(MPI_Recv(buffer.data(), count, MPI_BYTE, status.MPI_SOURCE, kTag, comm_,
                               MPI_STATUS_IGNORE),
                      "MPI_Recv");
                return Envelope{status.MPI_SOURCE, from_bytes(buffer.data(), buffer.size())};
            }
            if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(nap);
            nap = std::min(nap * 2, std::chrono::microseconds(1000));
        }
    }

    void flush() override {
        for (auto& p : pending_) check(MPI_Wait(&p.request, MPI_STATUS_IGNORE), "MPI_Wait");
        pending_.clear();
    }

private:
    struct Pending {
        std::vector<char> bytes;
        MPI_Request request;
    };
    void reap() {
        for (auto it = pending_.begin(); it != pending_.end();) {
            int done = 0;
            check(MPI_Test(&it->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
            it = done ? pending_.erase(it) : std::next(it);
        }
    }
    int rank_;
    int size_;
    MPI_Comm comm_ = MPI_COMM_NULL;
    std::list<Pending> pending_;  // list: buffers must not move while MPI owns them
};

}  // namespace

bool launched_by_mpi_launcher() {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK",
                            "MPI_LOCALNRANKS", "MV2_COMM_WORLD_SIZE"})
        if (std::getenv(var)) return true;
    return false;
}

MpiSession::MpiSession() {
    if (!launched_by_mpi_launcher()) {
        // srun sets SLURM_STEP_NUM_TASKS in every task it starts; without a PMI/PMIx variable
        // the tasks were not wired together (srun --mpi=none, a site's MpiDefault), and each
        // would silently run its own whole search. Refuse instead.
        const char* tasks = std::getenv("SLURM_STEP_NUM_TASKS");
        if (tasks != nullptr && std::atol(tasks) > 1)
            throw UsageError(std::string("srun started ") + tasks +
                                 " tasks, but they are not connected by MPI (no PMI/PMIx in "
                                 "the environment: srun's --mpi plugin is 'none')",
                             "run 'srun --mpi=pmix ...' (see 'srun --mpi=list'), or set "
                             "SNAC_SRUN_MPI for the scripts in scripts/slurm");
        return;
    }
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized) return;  // MPI ended earlier in this process: nothing to join
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized) {
        // An outer session (snac run's, spanning its stages) owns MPI: join it, never finalize.
        active_ = true;
        check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
        check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
        return;
    }
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    active_ = true;
    owner_ = true;
    check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiSession::~MpiSession() {
    if (!owner_) return;
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
}

void MpiSession::broadcast(int& status, std::string& text) const {
    if (!active_) return;
    long long header[2] = {status, static_cast<long long>(text.size())};
    check(MPI_Bcast(header, 2, MPI_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
    status = static_cast<int>(header[0]);
    text.resize(static_cast<std::size_t>(header[1]));
    if (!text.empty())
        check(MPI_Bcast(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, MPI_COMM_WORLD),
              "MPI_Bcast");
}

std::pair<int, std::string> MpiSession::setup_on_rank0(
    const std::function<std::string()>& setup) const {
    int status = 0;
    std::string text;
    std::exception_ptr error;
    if (rank_ == 0) {
        try {
            text = setup();
        } catch (const Error& e) {
            status = static_cast<int>(e.exit_code());
            error = std::current_exception();
        } catch (const std::exception&) {
            status = 1;
            error = std::current_exception();
        }
    }
    broadcast(status, text);
    if (error) std::rethrow_exception(error);
    return {status, status == 0 ? text : std::string()};
}

std::vector<int> MpiSession::gather(int value) const {
    if (!active_) return {value};
    std::vector<int> all(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
    check(MPI_Gather(&value, 1, MPI_INT, all.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    return all;
}

void MpiSession::abort(int code) const {
    if (active_) MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);
}

std::unique_ptr<Transport> make_mpi_transport(const MpiSession& session) {
    if (!session.active())
        throw_runtime("the MPI transport needs a process started by mpirun/srun");
    return std::make_unique<MpiTransport>(session.rank(), session.size());
}

}  // namespace snac::runtime
