// clerk::http::parse_retry_after on any header value, and its three date forms
// round-tripped for any second from year 0 to year 9999.
//
// Input: the header value, raw bytes. Its first 8 bytes also give a point in
// time to format and parse again, and the next 8 a "now" for delay().
#include <clerk/retry_after.hpp>

#include "fuzz_support.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace {

using namespace std::chrono;

constexpr std::array<const char*, 7> day_names = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};
constexpr std::array<const char*, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct civil {
  int year;
  unsigned month, day, weekday;
  long hour, minute, second;
};

civil split(sys_seconds t) {
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> tod{t - day};
  return {int(ymd.year()),
          unsigned(ymd.month()),
          unsigned(ymd.day()),
          weekday(day).c_encoding(),
          long(tod.hours().count()),
          long(tod.minutes().count()),
          long(tod.seconds().count())};
}

std::string imf_fixdate(const civil& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3s, %02u %s %04d %02ld:%02ld:%02ld GMT", day_names[c.weekday],
                c.day, month_names[c.month - 1], c.year, c.hour, c.minute, c.second);
  return buf;
}

std::string rfc850_date(const civil& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u-%s-%02d %02ld:%02ld:%02ld GMT", day_names[c.weekday],
                c.day, month_names[c.month - 1], c.year % 100, c.hour, c.minute, c.second);
  return buf;
}

std::string asctime_date(const civil& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3s %s %2u %02ld:%02ld:%02ld %04d", day_names[c.weekday],
                month_names[c.month - 1], c.day, c.hour, c.minute, c.second, c.year);
  return buf;
}

// Delta-seconds as the header documents them: digits only, saturating at
// clerk::max_retry_after.
std::optional<seconds> expected_delta(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  while (v.size() > 1 && v.front() == '0')
    v.remove_prefix(1);
  if (v.size() > 13)  // more than 2^40 has 13 digits
    return clerk::max_retry_after;
  auto n = clerk_fuzz::number<std::int64_t>(v);
  return seconds(*n < clerk::max_retry_after.count() ? *n : clerk::max_retry_after.count());
}

constexpr sys_seconds first_second = sys_days(year(0) / January / 1);
constexpr sys_seconds last_second =
    sys_days(year(9999) / December / 31) + hours(23) + minutes(59) + seconds(59);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view v = clerk_fuzz::as_text(data, size);
  const auto got = clerk::http::parse_retry_after(v);

  // Anything that starts like a number must be one; dates start with a day name.
  const auto delta = expected_delta(v);
  if (delta) {
    FUZZ_CHECK(got && std::get_if<seconds>(&got->value) &&
               *std::get_if<seconds>(&got->value) == *delta);
  } else if (got) {
    const auto* at = std::get_if<sys_seconds>(&got->value);
    FUZZ_CHECK(at != nullptr);
    FUZZ_CHECK(*at >= first_second && *at <= last_second + seconds(1));  // a leap second
    // A parsed date, printed as IMF-fixdate, parses to the same instant.
    if (*at <= last_second) {
      auto again = clerk::http::parse_retry_after(imf_fixdate(split(*at)));
      FUZZ_CHECK(again && again->value == got->value);
    }
  }

  // delay(now) never goes negative, and a date counts from now. The caller's
  // clock is taken within 2^40 s of the epoch (a wider range overflows
  // sys_seconds arithmetic in delay(): see the report).
  const auto now_raw = static_cast<std::int64_t>(clerk_fuzz::bytes_u64(v, 8));
  const sys_seconds now{seconds(now_raw % (std::int64_t{1} << 40))};
  if (got) {
    const seconds d = got->delay(now);
    FUZZ_CHECK(d >= seconds(0));
    if (const auto* at = std::get_if<sys_seconds>(&got->value)) {
      sys_seconds when = *at;
      if (got->two_digit_year) {
        // RFC 9110: the same date and last two digits of the year, at most
        // 50 years after now's year (now taken within years 0-9999).
        when = got->at(now);
        const civil parsed = split(*at), moved = split(when);
        FUZZ_CHECK(moved.year % 100 == parsed.year % 100);
        FUZZ_CHECK(moved.month == parsed.month && moved.hour == parsed.hour &&
                   moved.minute == parsed.minute && moved.second == parsed.second);
        const sys_seconds lo = sys_days(std::chrono::year(0) / 1 / 1);
        const sys_seconds hi = sys_days(std::chrono::year(9999) / 12 / 31);
        const int now_year = split(std::clamp(now, lo, hi)).year;
        FUZZ_CHECK(moved.year <= now_year + 50 && moved.year > now_year + 50 - 100);
      }
      FUZZ_CHECK(d == (when > now ? when - now : seconds(0)));
    }
  }

  // Round trips of all three forms for any second of years 0000-9999.
  const auto span = static_cast<std::uint64_t>((last_second - first_second).count()) + 1;
  const sys_seconds t = first_second + seconds(clerk_fuzz::bytes_u64(v, 0) % span);
  const civil c = split(t);
  const clerk::retry_after want{t};
  FUZZ_CHECK(clerk::http::parse_retry_after(imf_fixdate(c)) == want);
  FUZZ_CHECK(clerk::http::parse_retry_after(" " + asctime_date(c) + "\t") == want);
  if (c.year >= 1970 && c.year <= 2069) {  // what a two-digit year can say, before at(now)
    auto two_digit = clerk::http::parse_retry_after(rfc850_date(c));
    FUZZ_CHECK(two_digit && two_digit->value == want.value && two_digit->two_digit_year);
  }
  return 0;
}
