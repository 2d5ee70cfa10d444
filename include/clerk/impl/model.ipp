// Definitions for <clerk/model.hpp>: the few non-template pieces.
#ifndef CLERK_IMPL_MODEL_IPP
#define CLERK_IMPL_MODEL_IPP

#include <clerk/model.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

CLERK_BACKEND_DECL std::string format_timestamp(timestamp t) {
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

namespace detail {

CLERK_BACKEND_DECL void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += hex[static_cast<unsigned char>(c) >> 4];
          out += hex[static_cast<unsigned char>(c) & 0xf];
        } else {
          out += c;
        }
    }
  }
}

CLERK_BACKEND_DECL void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

CLERK_BACKEND_DECL void append_integer(std::string& out, std::int64_t v) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  bool neg = v < 0;
  // Work in unsigned so that the most negative value does not overflow.
  std::uint64_t u = neg ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (neg)
    *--p = '-';
  out.append(p, end);
}

CLERK_BACKEND_DECL void append_members(std::string& out, std::string_view object_text,
                                       bool& first) {
  auto open = object_text.find('{');
  auto close = object_text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close <= open)
    return;
  auto inner = object_text.substr(open + 1, close - open - 1);
  auto not_space = inner.find_first_not_of(" \t\r\n");
  if (not_space == std::string_view::npos)
    return;
  if (!first)
    out += ',';
  first = false;
  out.append(inner);
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
