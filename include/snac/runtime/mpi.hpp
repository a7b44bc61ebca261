#pragma once
/// MPI lifetime and the MPI transport. Only src/runtime includes <mpi.h>; this header exposes our
/// own types only.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "snac/runtime/transport.hpp"

namespace snac::runtime {

/// True when this process was started by mpirun/mpiexec/srun (launcher environment present).
bool launched_by_mpi_launcher();

/// Initialises MPI (thread level FUNNELED) for the lifetime of the object when the process was
/// started by an MPI launcher; otherwise does nothing and reports a world of one rank. A session
/// made while another one is alive joins it (active, same world) and leaves MPI running: `snac
/// run` holds one session for all its stages, each stage driver makes its own.
class MpiSession {
public:
    MpiSession();
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
    bool active() const noexcept { return active_; }
    int rank() const noexcept { return rank_; }
    int size() const noexcept { return size_; }
    /// Rank 0's `status` and `text` reach every rank (once, at start-up; never per trial).
    void broadcast(int& status, std::string& text) const;
    /// Runs `setup` on rank 0 only and shares its outcome with every rank (once, at start-up):
    /// {0, the text it returned} everywhere; when it throws, rank 0 rethrows (snac's error
    /// reporting names the problem) and the other ranks get {its exit code, ""} to exit with.
    std::pair<int, std::string> setup_on_rank0(const std::function<std::string()>& setup) const;
    /// Every rank's `value`, indexed by rank, on rank 0 (empty elsewhere); collective, for
    /// end-of-run summaries such as which ranks failed. Inactive: {value}.
    std::vector<int> gather(int value) const;
    /// Takes the whole job down (MPI's model for a rank that cannot go on). Never returns.
    [[noreturn]] void abort(int code) const;

private:
    bool active_ = false;
    bool owner_ = false;  ///< initialised MPI, so finalizes it
    int rank_ = 0;
    int size_ = 1;
};

/// The MPI transport (Isend + Iprobe/Recv; no collectives per trial) on its own duplicate of
/// MPI_COMM_WORLD. Collective: every rank makes one, in the same order. Requires an active
/// MpiSession.
std::unique_ptr<Transport> make_mpi_transport(const MpiSession& session);

}  // namespace snac::runtime
