// The run directory and its checkpoints assume one filesystem that every rank sees (a shared or
// network filesystem on a cluster): rank 0 writes the manifest of shards that other ranks wrote,
// and a resume reads them all back. This checks it once at start.
#pragma once

#include <string>
#include <vector>

#include "dist/communicator.h"

namespace recur {

// Rank 0 writes a fresh token into `directory` (which it has created); every rank must read it
// back. Otherwise every rank throws the same Error naming the ranks that cannot, with their
// `hosts` (every rank's host name, in rank order).
void check_shared_run_dir(Communicator& comm, const std::string& directory,
                          const std::vector<std::string>& hosts);

}  // namespace recur
