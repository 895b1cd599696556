# A private SLURM cluster for the tests: configuration, state and logs under $WORK/slurm, its
# daemons stopped at exit. Sourced after tests/e2e/lib.sh:
#
#   slurm_require            exits 77 (skipped) unless root; installs slurm-wlm and munge
#   munge_up                 starts munged unless one runs (one munged serves every node: its
#                            socket is a file, reached from every network namespace)
#   slurm_configure CTLD NODE_LINE...
#                            writes $SLURM_CONF (exported) for controller host CTLD ("name" or
#                            "name(address)") and the given NodeName= lines, one partition of all
#                            of them; each node's spool, pid file, log and TmpFS are its own (%n),
#                            so that several slurmd can share this machine
#   slurm_start_controller   starts slurmctld (start each slurmd yourself: slurmd -f "$SLURM_CONF")
#   slurm_wait_idle N        waits until N nodes are idle; else fails, printing the daemons' logs
#   slurm_job_state JOB      the job's state (RUNNING, PENDING, COMPLETED, ...)

SLURM_DIR=""

slurm_require() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: a SLURM cluster on this machine needs root (slurmd, munged)"
    exit 77
  fi
  "$SOURCE/scripts/install-deps.sh" --slurm
}

munge_up() {
  if ! pgrep -x munged >/dev/null; then
    [ -f /etc/munge/munge.key ] || mungekey --create
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
    runuser -u munge -- /usr/sbin/munged --force
    cleanup_steps+=(munge_stop)
  fi
  munge -n | unmunge >/dev/null || { echo "munge does not work" >&2; exit 1; }
}

# Stops munged and waits until it has gone: the next test must not find it still exiting.
munge_stop() {
  pkill -x munged || return 0
  for _ in $(seq 40); do
    pgrep -x munged >/dev/null || return 0
    sleep 0.25
  done
}

slurm_configure() {
  local controller=$1 nodes=() line
  shift
  SLURM_DIR=$WORK/slurm
  mkdir -p "$SLURM_DIR/state"
  export SLURM_CONF=$SLURM_DIR/slurm.conf
  for line in "$@"; do
    nodes+=("$(sed 's/^NodeName=\([^ ]*\).*/\1/' <<<"$line")")
    mkdir -p "$SLURM_DIR/spool.${nodes[-1]}" "$SLURM_DIR/tmp.${nodes[-1]}"
  done
  # SlurmdTimeout: a lost node is DOWN within seconds (default 300). cred_expire: a requeued job
  # may start again 11 s after (default 121).
  cat >"$SLURM_CONF" <<CONF
ClusterName=recurtest
SlurmctldHost=$controller
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=cred_expire=10
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdTimeout=10
KillWait=5
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool.%n
TmpFS=$SLURM_DIR/tmp.%n
SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/slurmd.%n.pid
SlurmctldLogFile=$SLURM_DIR/slurmctld.log
SlurmdLogFile=$SLURM_DIR/slurmd.%n.log
SlurmctldPort=$((7100 + $$ % 400))
SlurmdPort=$((7600 + $$ % 400))
$(printf '%s\n' "$@")
PartitionName=debug Nodes=$(
    IFS=,
    echo "${nodes[*]}"
  ) Default=YES MaxTime=INFINITE State=UP
CONF
}

# The daemons save their state under $WORK as they stop: wait for them before it is removed.
slurm_stop() {
  local pids pid
  pids=$(cat "$SLURM_DIR"/*.pid 2>/dev/null) || true
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null || true
  for pid in $pids; do
    for _ in $(seq 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
  done
}

slurm_start_controller() {
  cleanup_steps=(slurm_stop "${cleanup_steps[@]}")
  slurmctld -f "$SLURM_CONF"
}

slurm_wait_idle() {
  local want=$1
  for _ in $(seq 60); do
    [ "$(sinfo -h -N -o %T 2>/dev/null | grep -c '^idle')" -ge "$want" ] && return 0
    sleep 0.5
  done
  fail "$want SLURM nodes never became idle: $(sinfo -h -N -o '%N %T' 2>&1 | tr '\n' ' ')"
  cat "$SLURM_DIR"/*.log >&2
  exit 1
}

slurm_job_state() {
  scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'
}
