#!/usr/bin/env bash
# A single-node Slurm for Partita's tests, on this machine, without systemd.
#
#   slurm_fixture.sh start DIR   install Slurm if missing, start munged (unless
#                                one works), slurmctld and slurmd with DIR's own
#                                config and ports; wait until jobs can run
#   slurm_fixture.sh stop DIR    cancel the jobs, stop only the daemons it started
#
# Clients find the cluster through SLURM_CONF=DIR/slurm.conf (the tests set
# it), so a machine's own /etc/slurm is never touched, and the ports (16817,
# 16818) keep clear of a real Slurm. Idempotent. When Slurm cannot start here
# (not root, no packages, a daemon that will not run), `start` writes the
# reason to DIR/unavailable and exits 77: every Slurm test then skips with
# that reason, loudly. Learned from shared/recipes/slurm.md.
set -euo pipefail

action=${1:?usage: slurm_fixture.sh start|stop DIR}
dir=${2:?usage: slurm_fixture.sh start|stop DIR}
conf=$dir/slurm.conf
node=localhost
export SLURM_CONF=$conf

say() { printf 'slurm fixture: %s\n' "$*" >&2; }

unavailable() {
  mkdir -p "$dir"
  printf '%s\n' "$*" > "$dir/unavailable"
  say "SLURM TESTS WILL BE SKIPPED: $*"
  exit 77
}

# A pid file's process, if it is still the program named.
running() {
  local file=$1 name=$2 pid
  [ -s "$file" ] || return 1
  pid=$(cat "$file")
  [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]
}

stop_daemon() {
  local file=$1 name=$2 pid
  running "$file" "$name" || { rm -f "$file"; return 0; }
  pid=$(cat "$file")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -f "$file"
}

install_slurm() {
  local packages=(slurmctld slurmd slurm-client munge libpmix2) missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || unavailable "Slurm is not installed and there is no apt-get to install ${missing[*]}"
  say "installing ${missing[*]}"
  # The packages' scripts must not start services of their own.
  local policy=/usr/sbin/policy-rc.d made=0
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' > $policy; chmod 755 $policy; made=1; fi
  local ok=0
  for _ in 1 2 3; do
    if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends \
         "${missing[@]}" >"$dir/apt.log" 2>&1; then ok=1; break; fi
    apt-get -o DPkg::Lock::Timeout=300 update >>"$dir/apt.log" 2>&1 || true
  done
  [ $made = 1 ] && rm -f $policy
  [ $ok = 1 ] || unavailable "apt-get could not install ${missing[*]} (see $dir/apt.log)"
}

prepare_machine() {
  # Slurm resolves its hosts by name; a bare machine may not know localhost.
  getent hosts localhost >/dev/null 2>&1 || echo '127.0.0.1 localhost' >> /etc/hosts
  # Slurm's pmix plugin dlopens the unversioned name that only libpmix-dev ships.
  local pmix=/usr/lib/x86_64-linux-gnu/pmix2/lib/libpmix.so
  [ -e $pmix ] || [ ! -e $pmix.2 ] || ln -s libpmix.so.2 $pmix
}

write_config() {
  local hw cpus sockets cores threads memory
  hw=$(slurmd -C | head -n 1)
  cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
  sockets=$(sed -n 's/.*SocketsPerBoard=\([0-9]*\).*/\1/p' <<<"$hw")
  cores=$(sed -n 's/.*CoresPerSocket=\([0-9]*\).*/\1/p' <<<"$hw")
  threads=$(sed -n 's/.*ThreadsPerCore=\([0-9]*\).*/\1/p' <<<"$hw")
  memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
  [ -n "$cpus" ] && [ -n "$memory" ] || unavailable "cannot read this machine's hardware from 'slurmd -C': $hw"
  mkdir -p "$dir/state" "$dir/spool"
  # No cgroups (containers rarely have a usable tree), no accounting; pmix so
  # that srun starts Debian's Open MPI ranks; jobs scheduled at once.
  cat > "$conf.new" <<CONF
ClusterName=partita-test
SlurmctldHost=$node
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=pmix
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.log
ReturnToService=2
MailProg=/bin/true
KillWait=5
MinJobAge=600
MessageTimeout=10
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus Sockets=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$(( memory * 9 / 10 )) State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  if cmp -s "$conf.new" "$conf"; then rm "$conf.new"; return 1; fi
  mv "$conf.new" "$conf"
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi  # one works: use it
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge /etc/munge/munge.key
  chmod 700 /etc/munge
  chmod 400 /etc/munge/munge.key
  install -d -o munge -g munge -m 755 /run/munge
  install -d -o munge -g munge -m 700 /var/lib/munge /var/log/munge
  running /run/munge/munged.pid munged || rm -f /run/munge/munged.pid /run/munge/munge.socket.2*
  runuser -u munge -- /usr/sbin/munged || unavailable "munged would not start (see /var/log/munge/munged.log)"
  cp /run/munge/munged.pid "$dir/munged.pid"  # ours: stop stops it
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0; sleep 0.1; done
  unavailable "munged does not answer (see /var/log/munge/munged.log)"
}

wait_for() {  # seconds description command...
  local seconds=$1 what=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - start)) -lt "$seconds" ] || unavailable "$what after ${seconds} s (logs: $dir/slurmctld.log $dir/slurmd.log)"
    sleep 0.2
  done
}

node_ready() {
  local state
  state=$(timeout 5 sinfo -h -n $node -o %T 2>/dev/null | head -n 1)
  case "$state" in
    idle|mixed|allocated|completing) return 0 ;;
    down*|drain*) timeout 5 scontrol update nodename=$node state=resume 2>/dev/null; return 1 ;;
    *) return 1 ;;
  esac
}

scheduler_ready() {  # the main scheduler's first pass comes ~3 s after start
  [ "$(timeout 5 sdiag 2>/dev/null | awk '/^Main schedule/ {m = 1} m && /Total cycles:/ {print $3; exit}')" -ge 1 ]
}

start() {
  mkdir -p "$dir"
  rm -f "$dir/unavailable"
  [ "$(id -u)" = 0 ] || unavailable "the daemons need root (this is uid $(id -u)); run the suite as root to test under Slurm"
  install_slurm
  prepare_machine
  if write_config; then  # a new config: daemons on the old one go
    stop_daemon "$dir/slurmd.pid" slurmd
    stop_daemon "$dir/slurmctld.pid" slurmctld
  fi
  start_munge
  running "$dir/slurmctld.pid" slurmctld || slurmctld -c -f "$conf" || unavailable "slurmctld would not start (see $dir/slurmctld.log)"
  wait_for 60 "slurmctld is not answering" bash -c 'timeout 5 scontrol ping | grep -q "is UP"'
  sleep 0.5
  running "$dir/slurmctld.pid" slurmctld ||
    unavailable "slurmctld exited: is another Slurm using port 16817? (see $dir/slurmctld.log)"
  running "$dir/slurmd.pid" slurmd || slurmd -N $node -f "$conf" || unavailable "slurmd would not start (see $dir/slurmd.log)"
  wait_for 60 "the node is not idle" node_ready
  wait_for 20 "the scheduler has not run" scheduler_ready
  say "Slurm is up: SLURM_CONF=$conf"
}

stop() {
  if running "$dir/slurmctld.pid" slurmctld; then
    local jobs
    jobs=$(timeout 5 squeue -h -o %i 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$jobs" ] || timeout 5 scancel $jobs 2>/dev/null || true
  fi
  stop_daemon "$dir/slurmd.pid" slurmd
  stop_daemon "$dir/slurmctld.pid" slurmctld
  [ ! -e "$dir/munged.pid" ] || stop_daemon "$dir/munged.pid" munged
  say "stopped what it started"
}

export -f node_ready scheduler_ready
export node
case "$action" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: slurm_fixture.sh start|stop DIR" >&2; exit 2 ;;
esac
