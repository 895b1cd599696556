# Several hosts on this machine, for the multi-node tests. A host is a network namespace (its own
# interface, address and routes) plus a UTS namespace (its own host name); the hosts' interfaces
# are veth pairs into one bridge, so MPI traffic between hosts is real TCP over their own
# addresses. Sourced by the tests after tests/e2e/lib.sh:
#
#   hosts_require        returns when this machine can make hosts; else, with CI=true, fails the
#                        test (CI runs the multi-node tests), elsewhere skips it (exit 77)
#   hosts_up N           makes hosts 1..N (hosts_down runs at exit, also after SIGTERM); sets
#                        HOST_ADDRS (addresses, host i at index i-1), MN_SUBNET (a.b.c.0/24) and
#                        MN_AGENT (the remote agent for mpirun: `MN_AGENT ADDRESS COMMAND...`)
#   host_exec I CMD...   runs CMD on host I
#   host_veth I          the root side of host I's link (its counters; `ip link set ... down`)
#   hosts_down           kills every process on the hosts and removes all that hosts_up made
#
# Everything made is named with the prefix rcmn- (namespaces, links) or lives in
# /run/recur-multinode: hosts_up first removes what an earlier, killed run left. The subnet is a
# private /24 that no route or address of this machine overlaps; the hosts get no default route,
# and nothing is forwarded or translated. Needs root.

MN_PREFIX=rcmn
MN_RUN=/run/recur-multinode
HOST_ADDRS=()
MN_SUBNET=""
MN_AGENT=""

# True when this machine can make hosts; else prints why.
mn_can_run() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "the multi-node tests need root (network namespaces)"
    return 1
  fi
  local probe="$MN_PREFIX-probe-$$"
  if ! ip netns add "$probe" 2>/dev/null; then
    echo "cannot create a network namespace here (ip netns add failed)"
    return 1
  fi
  ip netns del "$probe"
}

hosts_require() {
  local reason
  reason=$(mn_can_run) && return 0
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $reason (CI runs the multi-node tests)" >&2
    exit 1
  fi
  echo "SKIP: $reason" >&2
  exit 77
}

mn_ipv4_int() {
  local IFS=.
  # shellcheck disable=SC2086
  set -- $1
  echo $((($1 << 24) | ($2 << 16) | ($3 << 8) | $4))
}

# The IPv4 prefixes of every route (all tables) and address of this machine.
mn_used_prefixes() {
  ip -4 route show table all | awk '$1 ~ /^(local|broadcast|unicast|blackhole|unreachable|prohibit|throw|anycast|multicast|nat)$/ { print $2; next } { print $1 }'
  ip -4 -o addr show | awk '{ print $4 }'
}

# True when a.b.c.0/24 overlaps a prefix in use.
mn_subnet_in_use() {
  local base prefix net len start size
  base=$(mn_ipv4_int "$1.0")
  while read -r prefix; do
    [ "$prefix" = default ] && continue
    net=${prefix%/*}
    len=32
    [ "$net" != "$prefix" ] && len=${prefix#*/}
    [[ "$net" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || continue
    size=$((1 << (32 - len)))
    start=$(($(mn_ipv4_int "$net") & ~(size - 1)))
    if ((start < base + 256 && base < start + size)); then return 0; fi
  done < <(mn_used_prefixes)
  return 1
}

mn_free_subnet() {
  local third
  for third in $(seq 7 254); do
    mn_subnet_in_use "10.213.$third" || { echo "10.213.$third"; return 0; }
  done
  return 1
}

hosts_down() {
  local ns pids link uts
  for ns in $(ip netns list | awk '{ print $1 }' | grep "^$MN_PREFIX-" || true); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1 | grep "^$MN_PREFIX-" || true); do
    ip link del "$link" 2>/dev/null || true
  done
  for uts in "$MN_RUN"/*.uts; do
    [ -e "$uts" ] || continue
    umount "$uts" 2>/dev/null || true
  done
  rm -rf "$MN_RUN"
}

# host_up I PREFIX: host I at PREFIX.(I+1), named rcmn-hI.
mn_host_up() {
  local i=$1 prefix=$2 ns="$MN_PREFIX-h$1"
  ip netns add "$ns"
  ip link add "$MN_PREFIX-v$i" type veth peer name eth0 netns "$ns"
  ip link set "$MN_PREFIX-v$i" master "$MN_PREFIX-br" up
  ip -n "$ns" addr add "$prefix.$((i + 1))/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  touch "$MN_RUN/h$i.uts"
  unshare --uts="$MN_RUN/h$i.uts" hostname "$ns"
  HOST_ADDRS+=("$prefix.$((i + 1))")
}

# The agent mpirun starts remote daemons with: `agent ADDRESS COMMAND...` runs COMMAND in that
# host's namespaces, as ssh would on a real host.
mn_write_agent() {
  local i
  {
    echo '#!/bin/sh'
    echo 'host=$1; shift'
    echo 'case "$host" in'
    for i in "${!HOST_ADDRS[@]}"; do
      echo "  ${HOST_ADDRS[$i]}|$MN_PREFIX-h$((i + 1))) n=$((i + 1)) ;;"
    done
    echo '  *) echo "agent: no test host $host" >&2; exit 255 ;;'
    echo 'esac'
    echo "exec nsenter --net=/run/netns/$MN_PREFIX-h\$n --uts=$MN_RUN/h\$n.uts sh -c \"\$*\""
  } >"$MN_RUN/agent"
  chmod +x "$MN_RUN/agent"
  MN_AGENT="$MN_RUN/agent"
}

hosts_up() {
  local n=$1 prefix i
  hosts_down
  cleanup_steps=(hosts_down "${cleanup_steps[@]}")  # lib.sh's exit trap: before $WORK goes
  trap 'exit 143' TERM INT HUP                       # so that a killed test still cleans up
  prefix=$(mn_free_subnet) || { echo "no free private /24 under 10.213.0.0/16" >&2; return 1; }
  MN_SUBNET="$prefix.0/24"
  mkdir -p "$MN_RUN"
  ip link add "$MN_PREFIX-br" type bridge
  ip addr add "$prefix.1/24" dev "$MN_PREFIX-br"  # mpirun's own address, in the root namespace
  ip link set "$MN_PREFIX-br" up
  HOST_ADDRS=()
  for i in $(seq 1 "$n"); do mn_host_up "$i" "$prefix"; done
  mn_write_agent
}

host_exec() {
  local i=$1
  shift
  nsenter --net="/run/netns/$MN_PREFIX-h$i" --uts="$MN_RUN/h$i.uts" "$@"
}

host_veth() { echo "$MN_PREFIX-v$1"; }
