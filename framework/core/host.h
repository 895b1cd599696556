// The name of the machine this process runs on.
#pragma once

#include <string>

namespace recur {

// gethostname(): what logs and placement lines call this host, and part of the identities that
// tell processes on different hosts apart (core sets, GPUs).
std::string host_name();

}  // namespace recur
