// What a suite does when something it needs is missing (Clerk's document,
// node, an npm package). In CI (the environment variable CI set, as CI
// services and .ci/run set it, to anything but 0 or false) it fails, so that
// a green CI means the suite ran; elsewhere it skips, with CTest's
// SKIP_RETURN_CODE. The reason is printed either way.
#ifndef CLERK_TESTS_CONFORMANCE_CANNOT_RUN_HPP
#define CLERK_TESTS_CONFORMANCE_CANNOT_RUN_HPP

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace clerk_test {

inline constexpr int skipped = 77;  // CTest's SKIP_RETURN_CODE

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr)
    return false;
  std::string v(ci);
  for (char& c : v)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return !v.empty() && v != "0" && v != "false";
}

// The exit code of a suite that cannot run: 1 in CI, else 77 (skipped).
inline int cannot_run(std::string_view why) {
  if (in_ci()) {
    std::cout << "FAILED: CI is set, so this suite may not skip: " << why << '\n';
    return 1;
  }
  std::cout << "SKIP: " << why << '\n';
  return skipped;
}

}  // namespace clerk_test

#endif
