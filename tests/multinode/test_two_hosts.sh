#!/usr/bin/env bash
# Two hosts (network namespaces with their own host names, tests/multinode/hosts.sh) x 2 ranks:
# a 2-host job starts 10 times in a row; the language model trained 20 steps with dropout on the 4
# ranks matches 1 rank (losses and parameters within 1e-5 relative); each rank's metrics name its
# host, network namespace and address, which prove that the ranks ran on both hosts; and the
# hosts' links carried at least the gradient all-reduce volume the run implies; a run directory
# that one host cannot see is refused at start, naming its ranks.
#
# With CI=true a machine that cannot make the hosts fails the test; elsewhere it is skipped (77).
RECUR=$1 SOURCE=$2 PARAMS_DIFF=$3
source "$SOURCE/tests/e2e/lib.sh"
source "$SOURCE/tests/multinode/hosts.sh"

hosts_require
hosts_up 2
h1=${HOST_ADDRS[0]} h2=${HOST_ADDRS[1]}
echo "hosts: rcmn-h1 $h1, rcmn-h2 $h2 on $MN_SUBNET"
across=(--hosts "$h1:2,$h2:2" --net "$MN_SUBNET" --agent "$MN_AGENT")

# Start-up: 10 launches in a row, each rank on its own host's name.
for launch in $(seq 10); do
  out=$("$SOURCE/launcher/recur-mpirun" "${across[@]}" -- /bin/hostname 2>"$WORK/launch.err") ||
    { fail "launch $launch failed: $(tail -5 "$WORK/launch.err")"; continue; }
  names=$(echo "$out" | sort | uniq -c | awk '{ printf "%s x%s ", $2, $1 }')
  [ "$names" = "rcmn-h1 x2 rcmn-h2 x2 " ] || fail "launch $launch ran on: $names"
done

cat >"$WORK/lm.yaml" <<YAML
model: {type: lstm_lm, embedding_size: 24, hidden_size: 32, layers: 2, dropout: 0.2, output_dropout: 0.1}
data: {train: $SOURCE/datasets/bible/sample/kjv.valid.txt}
training: {batch_size: 24, bptt: 25, max_steps: 20, clip_norm: 1.0}
optimizer: {type: adam, lr: 0.01}
logging: {every_steps: 1}
distributed: {collective_timeout_s: 10}
YAML

# rx + tx bytes of both hosts' links.
link_bytes() {
  local total=0 i
  for i in 1 2; do
    for counter in rx_bytes tx_bytes; do
      total=$((total + $(cat "/sys/class/net/$(host_veth $i)/statistics/$counter")))
    done
  done
  echo "$total"
}

"$SOURCE/launcher/recur-mpirun" -n 1 -- "$RECUR" train --config "$WORK/lm.yaml" \
  --set "run_dir=$WORK/one" >"$WORK/one.out" 2>&1 || fail "1 rank: exit $? ($(tail -3 "$WORK/one.out"))"
before=$(link_bytes)
"$SOURCE/launcher/recur-mpirun" "${across[@]}" -- "$RECUR" train --config "$WORK/lm.yaml" \
  --set "run_dir=$WORK/four" >"$WORK/four.out" 2>&1 || fail "2 hosts x 2 ranks: exit $? ($(tail -3 "$WORK/four.out"))"
crossed=$(($(link_bytes) - before))

# Losses step by step within 1e-5 relative; the parameters within 1e-5 (norm of the difference).
losses() { grep '"type": "train"' "$1/metrics.jsonl" | sed -E 's/.*"loss": ([-0-9.e+]+).*/\1/'; }
paste <(losses "$WORK/one") <(losses "$WORK/four") | awk '
  { n++; d = ($1 - $2) / $1; if (d < 0) d = -d; if (d > 1e-5) { bad++; print "step " n ": " $1 " vs " $2 } }
  END { if (n != 20) print "steps: " n " of 20"; exit (bad > 0 || n != 20) }' >&2 ||
  fail "the losses of 4 ranks on 2 hosts differ from 1 rank's"
difference=$("$PARAMS_DIFF" "$WORK/four/model.h5" "$WORK/one/model.h5") || fail "params_diff failed"
awk -v d="$difference" 'BEGIN { exit !(d < 1e-5) }' || fail "parameters differ by $difference"
grep -q "hosts: rcmn-h1: ranks 0-1; rcmn-h2: ranks 2-3" "$WORK/four.out" ||
  fail "rank 0 did not print the hosts and their ranks"

# Each rank's placement: host name, network namespace and address of its host.
for rank in 0 1 2 3; do
  host=$((rank / 2 + 1))
  line=$(grep '"type": "placement"' "$WORK/four/metrics.rank$rank.jsonl")
  inode=$(stat -L -c %i "/run/netns/rcmn-h$host")
  expected="{\"type\": \"placement\", \"rank\": $rank, \"host\": \"rcmn-h$host\", \"net_namespace\": $inode, \"address\": \"${HOST_ADDRS[$((host - 1))]}\"}"
  [ "$line" = "$expected" ] || fail "rank $rank: $line, expected $expected"
done

# Every step all-reduces the gradients (4 bytes per parameter); each host must receive the other
# host's share at least once per step, so at least that many bytes cross each link each way.
parameters=$(grep '"type": "run"' "$WORK/four/metrics.jsonl" | sed -E 's/.*"parameters": ([0-9]+).*/\1/')
implied=$((20 * 4 * parameters * 2 * 2))  # 20 steps, both directions, both links
echo "links carried $crossed bytes; the all-reduces imply at least $implied"
[ "$crossed" -ge "$implied" ] || fail "the links carried $crossed bytes, less than the $implied the all-reduces imply"

# A run directory that one host does not see: host 2's daemon (and so its ranks) gets a private
# mount namespace with an empty tmpfs over the runs' folder. Every rank must stop at start with
# one message naming the ranks that cannot read rank 0's token.
mkdir -p "$WORK/runs"
sed "s|^exec nsenter \(.*\) sh -c \"\$\*\"|[ \$n = 2 ] \&\& exec nsenter \1 unshare --mount sh -c \"mount -t tmpfs none $WORK/runs \&\& \$*\"\n&|" \
  "$MN_AGENT" >"$WORK/agent-private"
chmod +x "$WORK/agent-private"
rc=0
"$SOURCE/launcher/recur-mpirun" --hosts "$h1:2,$h2:2" --net "$MN_SUBNET" --agent "$WORK/agent-private" \
  -- "$RECUR" train --config "$WORK/lm.yaml" --set "run_dir=$WORK/runs/split" >"$WORK/split.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "a run directory that host 2 cannot see was accepted"
grep -q "run_dir $WORK/runs/split is not shared: rank(s) 2 (rcmn-h2), 3 (rcmn-h2) cannot read what rank 0 wrote there" \
  "$WORK/split.out" || fail "unshared run_dir: $(grep -m2 -i error "$WORK/split.out")"

[ "$failures" -eq 0 ] || exit 1
echo "two hosts: 10 launches; 4 ranks on 2 hosts match 1 rank (parameters $difference); $crossed bytes crossed"
echo "refused: $(grep -m1 'is not shared' "$WORK/split.out")"
