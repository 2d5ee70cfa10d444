// The Retry-After header (RFC 9110, section 10.2.3): delta-seconds or an HTTP-date.
#ifndef CLERK_RETRY_AFTER_HPP
#define CLERK_RETRY_AFTER_HPP

#include <clerk/detail/text.hpp>
#include <clerk/version.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// A delay that large is as good as "never"; larger values saturate to it.
inline constexpr std::chrono::seconds max_retry_after{std::int64_t{1} << 40};

struct retry_after {
  // Either a delay (delta-seconds) or a point in time (HTTP-date).
  std::variant<std::chrono::seconds, std::chrono::sys_seconds> value;
  // True for an obsolete RFC 850 date, which gives only the year's last two
  // digits: `value` then holds it in 1970-2069, and at(now) moves it to the
  // century RFC 9110 (5.6.7) prescribes, which depends on the caller's now.
  bool two_digit_year = false;

  // The point in time of a date, seen from `now` (the caller's clock: the
  // library reads none). A two-digit year more than 50 years ahead of now's
  // year is the most recent past year with the same last two digits. For a
  // delta-seconds value, now + the delay (saturating).
  constexpr std::chrono::sys_seconds at(std::chrono::sys_seconds now) const noexcept {
    using namespace std::chrono;
    if (const auto* d = std::get_if<seconds>(&value))
      return now > sys_seconds::max() - *d ? sys_seconds::max() : now + *d;
    auto t = std::get<sys_seconds>(value);
    if (!two_digit_year)
      return t;
    // Now is clamped to years 0-9999, so every year below fits year's range.
    now = std::clamp(now, sys_seconds(sys_days(year(0) / 1 / 1)),
                     sys_seconds(sys_days(year(9999) / 12 / 31)));
    auto day = floor<days>(t);
    year_month_day date{day};
    int last_two = static_cast<int>(date.year()) % 100;
    int limit = static_cast<int>(year_month_day{floor<days>(now)}.year()) + 50;
    int y = limit - ((limit - last_two) % 100 + 100) % 100;
    year_month_day moved{year(y), date.month(), date.day()};
    if (!moved.ok())  // 29 February of a century year that is not a leap year
      moved = year(y) / date.month() / last;
    return sys_days(moved) + (t - day);
  }

  // How long to wait, counted from `now` (which the caller supplies: the
  // library reads no clock). A date in the past gives zero.
  constexpr std::chrono::seconds delay(std::chrono::sys_seconds now) const noexcept {
    if (const auto* d = std::get_if<std::chrono::seconds>(&value))
      return *d;
    auto at = this->at(now);
    if (at <= now)
      return std::chrono::seconds(0);
    // Dates lie within years 0-10049, so `at - max_retry_after` cannot
    // overflow; a `now` far before it would make `at - now` overflow.
    if (now < at - max_retry_after)
      return max_retry_after;
    return at - now;
  }

  friend bool operator==(const retry_after&, const retry_after&) = default;
};

namespace detail {

// Parses exactly `n` digits at s[pos]; nullopt when any is not a digit.
constexpr std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) noexcept {
  if (pos + n > s.size())
    return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i]))
      return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

constexpr std::optional<unsigned> month_number(std::string_view m) noexcept {
  constexpr std::array<std::string_view, 12> names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < names.size(); ++i)
    if (names[i] == m)
      return i + 1;
  return std::nullopt;
}

constexpr bool is_day_name(std::string_view d, bool long_form) noexcept {
  constexpr std::array<std::string_view, 7> names = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                     "Friday", "Saturday", "Sunday"};
  for (auto n : names)
    if (long_form ? d == n : d == n.substr(0, 3))
      return true;
  return false;
}

// "HH:MM:SS" at s[pos].
constexpr std::optional<std::chrono::seconds> time_of_day(std::string_view s,
                                                          std::size_t pos) noexcept {
  auto h = digits(s, pos, 2), m = digits(s, pos + 3, 2), sec = digits(s, pos + 6, 2);
  if (!h || !m || !sec || s[pos + 2] != ':' || s[pos + 5] != ':')
    return std::nullopt;
  if (*h > 23 || *m > 59 || *sec > 60)
    return std::nullopt;
  return std::chrono::hours(*h) + std::chrono::minutes(*m) + std::chrono::seconds(*sec);
}

constexpr std::optional<std::chrono::sys_seconds> make_date(int y, std::optional<unsigned> mon,
                                                            int d, std::chrono::seconds tod) {
  if (!mon)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(*mon),
                                  std::chrono::day(unsigned(d))};
  if (!ymd.ok())
    return std::nullopt;
  return std::chrono::sys_days(ymd) + tod;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
constexpr std::optional<std::chrono::sys_seconds> parse_imf_fixdate(std::string_view s) {
  if (s.size() != 29 || !is_day_name(s.substr(0, 3), false) || s.substr(3, 2) != ", " ||
      s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s.substr(25) != " GMT")
    return std::nullopt;
  auto d = digits(s, 5, 2), y = digits(s, 12, 4);
  auto tod = time_of_day(s, 17);
  if (!d || !y || !tod)
    return std::nullopt;
  return make_date(*y, month_number(s.substr(8, 3)), *d, *tod);
}

// Obsolete RFC 850 date: "Sunday, 06-Nov-94 08:49:37 GMT", its year put in
// 1970-2069 until retry_after::at() knows the caller's now.
constexpr std::optional<std::chrono::sys_seconds> parse_rfc850_date(std::string_view s) {
  auto comma = s.find(", ");
  if (comma == std::string_view::npos || !is_day_name(s.substr(0, comma), true))
    return std::nullopt;
  auto rest = s.substr(comma + 2);
  if (rest.size() != 22 || rest[2] != '-' || rest[6] != '-' || rest[9] != ' ' ||
      rest.substr(18) != " GMT")
    return std::nullopt;
  auto d = digits(rest, 0, 2), yy = digits(rest, 7, 2);
  auto tod = time_of_day(rest, 10);
  if (!d || !yy || !tod)
    return std::nullopt;
  int y = *yy < 70 ? 2000 + *yy : 1900 + *yy;
  return make_date(y, month_number(rest.substr(3, 3)), *d, *tod);
}

// ANSI C asctime(): "Sun Nov  6 08:49:37 1994"
constexpr std::optional<std::chrono::sys_seconds> parse_asctime_date(std::string_view s) {
  if (s.size() != 24 || !is_day_name(s.substr(0, 3), false) || s[3] != ' ' || s[7] != ' ' ||
      s[10] != ' ' || s[19] != ' ')
    return std::nullopt;
  auto d = s[8] == ' ' ? digits(s, 9, 1) : digits(s, 8, 2);
  auto y = digits(s, 20, 4);
  auto tod = time_of_day(s, 11);
  if (!d || !y || !tod)
    return std::nullopt;
  return make_date(*y, month_number(s.substr(4, 3)), *d, *tod);
}

}  // namespace detail

namespace http {

// The header's value, or nullopt when it is neither form. Surrounding
// whitespace is ignored; huge delays saturate at max_retry_after.
constexpr std::optional<retry_after> parse_retry_after(std::string_view v) noexcept {
  v = detail::trim_ows(v);
  if (v.empty())
    return std::nullopt;
  if (detail::is_digit(v[0])) {
    std::int64_t n = 0;
    for (char c : v) {
      if (!detail::is_digit(c))
        return std::nullopt;
      n = n * 10 + (c - '0');
      if (n > max_retry_after.count())
        n = max_retry_after.count();
    }
    return retry_after{std::chrono::seconds(n)};
  }
  if (auto t = detail::parse_imf_fixdate(v))
    return retry_after{*t};
  if (auto t = detail::parse_rfc850_date(v))
    return retry_after{*t, true};
  if (auto t = detail::parse_asctime_date(v))
    return retry_after{*t};
  return std::nullopt;
}

}  // namespace http
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
