// Where the ranks of a job run: each rank's host, network namespace and the address its MPI
// traffic uses, for the logs (rank 0 prints the hosts and their ranks) and for each rank's
// metrics, so that a multi-host run shows which ranks shared a host and which network they used.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "dist/communicator.h"

namespace recur {

struct RankPlacement {
  std::string host;            // the host name (gethostname)
  uint64_t net_namespace = 0;  // inode of /proc/self/ns/net: processes in one namespace share it
  // The IPv4 address of this host on the network MPI uses: the first interface that OpenMPI's
  // btl_tcp_if_include names (a CIDR or an interface, as recur-mpirun --net passes it), else the
  // first interface that is not loopback; empty when there is none.
  std::string address;

  static RankPlacement of_this_process();
  Json json(int rank) const;  // a "placement" line of metrics.rank<r>.jsonl
};

// Every rank's text, in rank order (a collective).
std::vector<std::string> gather_texts(Communicator& comm, const std::string& text);

// "h1: ranks 0-1; h2: ranks 2-3" from every rank's host, in rank order.
std::string hosts_summary(const std::vector<std::string>& hosts);

}  // namespace recur
