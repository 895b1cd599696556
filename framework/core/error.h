// Errors. recur reports bad input by throwing recur::Error with one complete, user-facing message;
// the command line prints it and exits non-zero. Internal invariants use RECUR_ASSERT, whose
// message also names the source location because it points at a bug, not at the user's input.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace recur {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

template <class... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  throw Error(concat(parts...));
}

}  // namespace recur

#define RECUR_CHECK(cond, ...)               \
  do {                                       \
    if (!(cond)) ::recur::fail(__VA_ARGS__); \
  } while (0)

#define RECUR_ASSERT(cond, ...)                                                 \
  do {                                                                          \
    if (!(cond))                                                                \
      ::recur::fail("internal error at ", __FILE__, ":", __LINE__, ": ", #cond, \
                    " " __VA_OPT__(, ) __VA_ARGS__);                            \
  } while (0)
