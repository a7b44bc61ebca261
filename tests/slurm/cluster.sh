#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for the `slurm` tests (docs/running-on-hpc.md):
# munged, slurmctld and slurmd as root, a slurm.conf naming this host with 2 CPUs.
#   cluster.sh start   starts what is not running (idempotent) and waits for the node to be idle
#   cluster.sh stop    stops what `start` started (by the pids it recorded)
# The node advertises the feature "cpu" so that perlmutter_cpu.sbatch (-C cpu) is accepted.
# Refuses to touch an /etc/slurm/slurm.conf that it did not write (a real cluster's).
set -euo pipefail
state=/run/snac-slurm-test
conf=/etc/slurm/slurm.conf
marker="# written by snac tests/slurm/cluster.sh"

need_root() { [ "$(id -u)" -eq 0 ] || { echo "cluster.sh: needs root" >&2; exit 1; }; }

write_conf() {
    local host; host="$(hostname -s)"
    if [ -f "$conf" ] && ! head -n 1 "$conf" | grep -qF "$marker"; then
        echo "cluster.sh: $conf exists and was not written by this script; not touching it" >&2
        exit 1
    fi
    mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
    cat > "$conf" <<CONF
$marker
ClusterName=snactest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobRequeue=1
MinJobAge=3600
KillWait=30
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host CPUs=2 RealMemory=2000 Features=cpu State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
    need_root
    command -v slurmctld >/dev/null || { echo "cluster.sh: slurm-wlm is not installed (scripts/install_deps.sh)" >&2; exit 1; }
    mkdir -p "$state" /run/munge /var/lib/munge /var/log/munge
    [ -f /etc/munge/munge.key ] || mungekey -c -k /etc/munge/munge.key
    chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
    chmod 400 /etc/munge/munge.key
    if ! alive "$state/munged.pid"; then
        /usr/sbin/munged --force --pid-file="$state/munged.pid"
    fi
    munge -n | unmunge | grep -q Success || { echo "cluster.sh: munge does not work" >&2; exit 1; }
    write_conf
    alive "$state/slurmctld.pid" || /usr/sbin/slurmctld
    alive "$state/slurmd.pid" || /usr/sbin/slurmd
    for _ in $(seq 60); do
        if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then exit 0; fi
        sleep 1
    done
    echo "cluster.sh: the node did not become idle in 60 s:" >&2
    sinfo >&2 || true
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
    exit 1
}

stop() {
    need_root
    scontrol shutdown 2>/dev/null || true
    for _ in $(seq 30); do
        alive "$state/slurmctld.pid" || alive "$state/slurmd.pid" || break
        sleep 1
    done
    if alive "$state/munged.pid"; then kill "$(cat "$state/munged.pid")"; fi
    rm -f "$state/munged.pid"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: cluster.sh start|stop" >&2; exit 2 ;;
esac
