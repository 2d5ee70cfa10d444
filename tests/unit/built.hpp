// Unit-test helpers for an operation's request: built, or refused before
// sending (an invalid_request), failing the test case otherwise.
#ifndef CLERK_TESTS_UNIT_BUILT_HPP
#define CLERK_TESTS_UNIT_BUILT_HPP

#include <clerk/operation.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

namespace clerk_test {

inline clerk::http_request build_ok(const auto& op, const clerk::config& cfg = make_config()) {
  auto r = clerk::build_request(op, cfg);
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message()));
  return *r;
}

inline clerk::invalid_request build_refused(const auto& op) {
  auto r = clerk::build_request(op, make_config());
  REQUIRE(r.has_error());
  REQUIRE(r.error().kind() == clerk::error_kind::invalid_request);
  return *r.error().as_invalid_request();
}

}  // namespace clerk_test

#endif
