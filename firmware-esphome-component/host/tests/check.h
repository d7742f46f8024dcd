// A minimal test registry: the Debian test frameworks are not in the project's package
// list, and the CI reads "firmware-core: N passed, M failed".
#pragma once

#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace check {

struct Case {
  std::string name;
  std::function<void()> body;
};

std::vector<Case> &registry();
/** Failures of the running test. */
int &failures();

struct Registrar {
  Registrar(const char *name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

template<typename A, typename B> std::string describe(const A &a, const B &b) {
  std::ostringstream out;
  out << "got [" << a << "] expected [" << b << "]";
  return out.str();
}

}  // namespace check

#define CHECK_CAT2(a, b) a##b
#define CHECK_CAT(a, b) CHECK_CAT2(a, b)
#define TEST(name) \
  static void CHECK_CAT(test_, __LINE__)(); \
  static check::Registrar CHECK_CAT(registrar_, __LINE__)(name, CHECK_CAT(test_, __LINE__)); \
  static void CHECK_CAT(test_, __LINE__)()

#define CHECK(cond) \
  do { \
    if (!(cond)) { \
      check::failures()++; \
      std::cerr << "  " << __FILE__ << ":" << __LINE__ << ": CHECK(" #cond ") failed\n"; \
    } \
  } while (0)

#define CHECK_EQ(actual, expected) \
  do { \
    const auto &check_a_ = (actual); \
    const auto &check_b_ = (expected); \
    if (!(check_a_ == check_b_)) { \
      check::failures()++; \
      std::cerr << "  " << __FILE__ << ":" << __LINE__ << ": " #actual ": " << check::describe(check_a_, check_b_) \
                << "\n"; \
    } \
  } while (0)

#define CHECK_CONTEXT(cond, context) \
  do { \
    if (!(cond)) { \
      check::failures()++; \
      std::cerr << "  " << __FILE__ << ":" << __LINE__ << ": " << context << "\n"; \
    } \
  } while (0)
