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
    CHECK(r->at(nov_6_1994_084937) == nov_6_1994_084937);
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

TEST_CASE("an RFC 850 year is at most 50 years ahead of the caller's now (RFC 9110)") {
  using namespace std::chrono;
  const sys_seconds jan_2026 = sys_days(year(2026) / 1 / 1);
  auto in_75 = clerk::http::parse_retry_after("Wednesday, 06-Nov-75 08:49:37 GMT");
  REQUIRE(in_75.has_value());
  CHECK(in_75->at(jan_2026) == sys_days(year(2075) / 11 / 6) + 8h + 49min + 37s);
  CHECK(in_75->delay(jan_2026) == in_75->at(jan_2026) - jan_2026);
  // 2076 is exactly 50 years ahead (kept); 2077 is more (the past century).
  CHECK(year_month_day{
            floor<days>(
                clerk::http::parse_retry_after("Friday, 06-Nov-76 08:49:37 GMT")->at(jan_2026))}
            .year() == year(2076));
  auto in_77 = clerk::http::parse_retry_after("Saturday, 06-Nov-77 08:49:37 GMT");
  CHECK(year_month_day{floor<days>(in_77->at(jan_2026))}.year() == year(1977));
  CHECK(in_77->delay(jan_2026) == 0s);
  // Seen from 2090, "10" is 2110, not 1910 or 2010.
  const sys_seconds jan_2090 = sys_days(year(2090) / 1 / 1);
  CHECK(year_month_day{
            floor<days>(
                clerk::http::parse_retry_after("Sunday, 06-Nov-10 08:49:37 GMT")->at(jan_2090))}
            .year() == year(2110));
  // A 29 February that the resolved century lacks becomes the 28th.
  auto feb_29 = clerk::http::parse_retry_after("Tuesday, 29-Feb-00 00:00:00 GMT");
  REQUIRE(feb_29.has_value());
  CHECK(feb_29->at(sys_days(year(2060) / 1 / 1)) == sys_days(year(2100) / 2 / 28));
  CHECK(feb_29->at(jan_2026) == sys_days(year(2000) / 2 / 29));
}
