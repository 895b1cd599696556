#include "dist/placement.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/host.h"

namespace recur {

namespace {

uint64_t net_namespace_inode() {
  struct stat info {};
  if (stat("/proc/self/ns/net", &info) != 0) return 0;
  return static_cast<uint64_t>(info.st_ino);
}

// True when `address` (network order) lies in `cidr` ("10.1.2.0/24").
bool in_cidr(in_addr_t address, const std::string& cidr) {
  const size_t slash = cidr.find('/');
  in_addr network{};
  if (slash == std::string::npos ||
      inet_pton(AF_INET, cidr.substr(0, slash).c_str(), &network) != 1)
    return false;
  const int bits = std::atoi(cidr.c_str() + slash + 1);
  if (bits < 0 || bits > 32) return false;
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (ntohl(address) & mask) == (ntohl(network.s_addr) & mask);
}

// Whether an interface matches one entry of an OpenMPI if_include list (CIDR or name).
bool matches(const ifaddrs& entry, const std::string& wanted) {
  const auto* ipv4 = reinterpret_cast<const sockaddr_in*>(entry.ifa_addr);
  return wanted.find('/') != std::string::npos ? in_cidr(ipv4->sin_addr.s_addr, wanted)
                                               : wanted == entry.ifa_name;
}

std::vector<std::string> split_list(const char* list) {
  std::vector<std::string> items;
  std::stringstream in(list == nullptr ? "" : list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::string mpi_address() {
  const std::vector<std::string> wanted = split_list(std::getenv("OMPI_MCA_btl_tcp_if_include"));
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return "";
  std::string found;
  for (const ifaddrs* entry = all; entry != nullptr && found.empty(); entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    bool chosen = wanted.empty() ? (entry->ifa_flags & IFF_LOOPBACK) == 0 : false;
    for (const std::string& w : wanted)
      chosen = chosen || matches(*entry, w);
    if (!chosen) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* ipv4 = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
    inet_ntop(AF_INET, &ipv4->sin_addr, text, sizeof(text));
    found = text;
  }
  freeifaddrs(all);
  return found;
}

// "0-1, 4" from ascending ranks.
std::string rank_ranges(const std::vector<size_t>& ranks) {
  std::string text;
  for (size_t i = 0; i < ranks.size();) {
    size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1)
      ++j;
    text += concat(text.empty() ? "" : ", ", ranks[i]);
    if (j > i) text += concat("-", ranks[j]);
    i = j + 1;
  }
  return text;
}

}  // namespace

RankPlacement RankPlacement::of_this_process() {
  return {host_name(), net_namespace_inode(), mpi_address()};
}

Json RankPlacement::json(int rank) const {
  return Json{{"type", "placement"},
              {"rank", static_cast<int64_t>(rank)},
              {"host", host},
              {"net_namespace", net_namespace},
              {"address", address}};
}

std::vector<std::string> gather_texts(Communicator& comm, const std::string& text) {
  const int world = comm.world_size();
  Tensor length = Tensor::from_vector<int32_t>({static_cast<int32_t>(text.size())}, {1});
  Tensor lengths = Tensor::empty({world}, DType::I32);
  comm.all_gather(length, lengths);
  int32_t longest = 0;
  for (int r = 0; r < world; ++r)
    longest = std::max(longest, lengths.data<int32_t>()[r]);
  // One int per character, padded to the longest: every MPI implementation gathers int.
  std::vector<int32_t> mine(static_cast<size_t>(longest), 0);
  for (size_t i = 0; i < text.size(); ++i)
    mine[i] = static_cast<unsigned char>(text[i]);
  Tensor all = Tensor::empty({world * longest}, DType::I32);
  if (longest > 0) comm.all_gather(Tensor::from_vector(mine, {longest}), all);
  std::vector<std::string> texts;
  for (int r = 0; r < world; ++r) {
    std::string t;
    for (int32_t i = 0; i < lengths.data<int32_t>()[r]; ++i)
      t += static_cast<char>(all.data<int32_t>()[r * longest + i]);
    texts.push_back(t);
  }
  return texts;
}

std::string hosts_summary(const std::vector<std::string>& hosts) {
  std::vector<std::string> order;  // first appearance
  std::map<std::string, std::vector<size_t>> ranks;
  for (size_t r = 0; r < hosts.size(); ++r) {
    if (ranks[hosts[r]].empty()) order.push_back(hosts[r]);
    ranks[hosts[r]].push_back(r);
  }
  std::string summary;
  for (const std::string& host : order) {
    const std::vector<size_t>& mine = ranks[host];
    summary += concat(summary.empty() ? "" : "; ", host, mine.size() == 1 ? ": rank " : ": ranks ",
                      rank_ranges(mine));
  }
  return summary;
}

}  // namespace recur
