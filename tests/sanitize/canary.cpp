// One deliberate bug per sanitizer. In a sanitized build each case must fail (ctest WILL_FAIL);
// a case that passes means the sanitizer it names is not in the build or does not stop on a report.
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <vector>

namespace {

// The index is read through a volatile so the compiler cannot see the overflow and drop the read.
int read_past_the_end() {
  std::vector<int> values(4, 1);
  volatile size_t index = values.size();
  return values.data()[index];
}

int overflow_a_signed_int() {
  volatile int large = 2147483647;
  return large + 1;
}

int race_on_a_counter() {
  int counter = 0;
  std::thread other([&counter] { ++counter; });
  ++counter;
  other.join();
  return counter;
}

int leak_an_allocation() {
  volatile int* lost = new int[16];
  lost = nullptr;
  return lost == nullptr ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view bug = argc > 1 ? argv[1] : "";
  int result = 0;
  if (bug == "address")
    result = read_past_the_end();
  else if (bug == "undefined")
    result = overflow_a_signed_int();
  else if (bug == "thread")
    result = race_on_a_counter();
  else if (bug == "leak")
    result = leak_an_allocation();
  else {
    std::fprintf(stderr, "usage: sanitizer_canary address|undefined|thread|leak\n");
    return 0;  // never a failure, so a typo in the test cannot make WILL_FAIL pass
  }
  std::printf("the %s canary ran to the end (result %d): no sanitizer stopped it\n", argv[1],
              result);
  return 0;
}
