#include "train/shared_run_dir.h"

#include <filesystem>
#include <fstream>

#include "core/file_hash.h"

namespace recur {

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  return text;
}

}  // namespace

void check_shared_run_dir(Communicator& comm, const std::string& directory,
                          const std::vector<std::string>& hosts) {
  const std::string token = hex64(job_token(comm));
  const std::filesystem::path file = std::filesystem::path(directory) / (".shared-" + token);
  if (comm.is_root()) {
    std::ofstream out(file);
    out << token << "\n";
    out.close();
    RECUR_CHECK(out, "cannot write ", file.string());
  }
  comm.barrier();
  const bool seen = read_text(file) == token;
  const std::vector<uint64_t> seen_by = gather_hashes(comm, seen ? 1 : 0);
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove(file);
  std::string blind;
  for (size_t r = 0; r < seen_by.size(); ++r) {
    if (seen_by[r] == 0) blind += concat(blind.empty() ? "" : ", ", r, " (", hosts[r], ")");
  }
  RECUR_CHECK(blind.empty(), "run_dir ", directory, " is not shared: rank(s) ", blind,
              " cannot read what rank 0 wrote there; the run directory and its checkpoints need ",
              "one filesystem that every rank sees");
}

}  // namespace recur
