// Clerk's times: Unix milliseconds on the wire, a std::chrono time point here.
#ifndef CLERK_TIMESTAMP_HPP
#define CLERK_TIMESTAMP_HPP

#include <clerk/version.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// Unix time with millisecond precision, as Clerk sends it.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// The range format_timestamp() prints as a date: the epoch to the end of 9999.
inline constexpr timestamp min_timestamp{};
inline constexpr timestamp max_timestamp{std::chrono::milliseconds(253402300799999)};

// "2024-07-02T20:36:56.214Z"; outside [min_timestamp, max_timestamp], the
// count of milliseconds since the epoch ("-1ms").
inline std::string format_timestamp(timestamp t) {
  using namespace std::chrono;
  if (t < min_timestamp || t > max_timestamp)
    return std::to_string(t.time_since_epoch().count()) + "ms";
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> tod{t - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(tod.hours().count()),
                int(tod.minutes().count()), int(tod.seconds().count()),
                int(tod.subseconds().count()));
  return buf;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
