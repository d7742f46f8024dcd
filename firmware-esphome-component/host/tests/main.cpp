#include <cstring>

#include "check.h"

#ifndef SUITE_NAME
#define SUITE_NAME "firmware-core"
#endif

namespace check {
std::vector<Case> &registry() {
  static std::vector<Case> cases;
  return cases;
}
int &failures() {
  static int count = 0;
  return count;
}
}  // namespace check

int main(int argc, char **argv) {
  const char *filter = argc > 1 ? argv[1] : nullptr;
  int passed = 0, failed = 0;
  for (const auto &test : check::registry()) {
    if (filter != nullptr && std::strstr(test.name.c_str(), filter) == nullptr)
      continue;
    check::failures() = 0;
    test.body();
    if (check::failures() == 0) {
      passed++;
    } else {
      failed++;
      std::cerr << "FAILED: " << test.name << "\n";
    }
  }
  std::cout << SUITE_NAME ": " << passed << " passed, " << failed << " failed\n";
  return failed == 0 && passed > 0 ? 0 : 1;
}
