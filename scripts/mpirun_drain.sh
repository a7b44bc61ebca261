#!/usr/bin/env bash
# mpirun whose SIGTERM, SIGINT (Ctrl-C) and SIGHUP mean "drain": they reach snac's ranks as
# SIGUSR1, so running trials finish, nothing is left RUNNING and the exit code is snac's (0, the
# study resumable with --resume). A second such signal stops the job at once (SIGTERM to mpirun).
#   scripts/mpirun_drain.sh [mpirun options] SNAC_BINARY SNAC_ARGS...
# Why a wrapper (docs/reliability.md#sigterm-to-mpirun): Open MPI 4.1's mpirun treats SIGTERM,
# SIGINT and SIGHUP as "abort": it sends the ranks SIGTERM, SIGKILLs them after
# odls_base_sigkill_timeout, and exits 1 whatever the ranks return; those three signals cannot be
# added to ess_base_forward_signals ("does not support trapping and forwarding"). SIGUSR1 is
# forwarded to every rank and mpirun then exits with the ranks' status.
set -uo pipefail
[ $# -gt 0 ] || { sed -n 2,6p "$0" >&2; exit 2; }
# Its own session: a Ctrl-C typed in the terminal reaches this script only, not mpirun.
setsid "${MPIEXEC:-mpirun}" "$@" &
pid=$!
asked=""
drain() {
    if [ -z "$asked" ]; then
        asked=1
        echo "mpirun_drain.sh: draining (SIGUSR1 to the ranks); a second signal stops at once" >&2
        kill -USR1 "$pid" 2>/dev/null
    else
        kill -TERM "$pid" 2>/dev/null
    fi
}
trap drain TERM INT HUP
while :; do
    wait "$pid"
    rc=$?
    kill -0 "$pid" 2>/dev/null || break  # still running: wait was cut short by a signal
done
exit "$rc"
