#include "core/host.h"

#include <unistd.h>

namespace recur {

std::string host_name() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return host;
}

}  // namespace recur
