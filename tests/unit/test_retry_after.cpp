#include <clerk/retry_after.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <limits>

using namespace std::chrono_literals;
using std::chrono::sys_seconds;

namespace {
constexpr sys_seconds nov_6_1994_084937{784111777s};
}

TEST_CASE("delta-seconds parse to a delay") {
  auto r = clerk::http::parse_retry_after("120");
  REQUIRE(r.has_value());
  CHECK(r->delay(sys_seconds{}) == 120s);
  CHECK(clerk::http::parse_retry_after(" 0 ")->delay(sys_seconds{}) == 0s);
}

TEST_CASE("huge delta-seconds saturate instead of overflowing") {
  auto r = clerk::http::parse_retry_after("99999999999999999999999999999");
  REQUIRE(r.has_value());
  CHECK(r->delay(sys_seconds{}) == clerk::max_retry_after);
}

TEST_CASE("all three HTTP-date forms parse to the same instant") {
  for (const char* d : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                        "Sun Nov  6 08:49:37 1994"}) {
    CAPTURE(d);
    auto r = clerk::http::parse_retry_after(d);
    REQUIRE(r.has_value());
    CHECK(std::get<sys_seconds>(r->value) == nov_6_1994_084937);
  }
}

TEST_CASE("a date gives the delay from the caller's now, never negative") {
  auto r = clerk::http::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT");
  REQUIRE(r.has_value());
  CHECK(r->delay(nov_6_1994_084937 - 30s) == 30s);
  CHECK(r->delay(nov_6_1994_084937 + 30s) == 0s);
}

TEST_CASE("malformed values are refused") {
  for (const char* v : {"", "  ", "-1", "1.5", "12abc", "soon", "Sun, 31 Feb 1994 08:49:37 GMT",
                        "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                        "Sun, 06 Nov 1994 08:49:37 UTC", "Xyz, 06 Nov 1994 08:49:37 GMT",
                        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994"}) {
    CAPTURE(v);
    CHECK_FALSE(clerk::http::parse_retry_after(v).has_value());
  }
}

TEST_CASE("a date seen from a now far before it saturates instead of overflowing") {
  auto r = clerk::http::parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT");
  REQUIRE(r.has_value());
  sys_seconds far_past{std::chrono::seconds(std::numeric_limits<std::int64_t>::min() + 10)};
  CHECK(r->delay(far_past) == clerk::max_retry_after);
}
