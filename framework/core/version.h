// recur's version and the git hash of the sources it was built from (generated at build time).
#pragma once

namespace recur {
const char* version_string();
const char* git_hash();
}  // namespace recur
