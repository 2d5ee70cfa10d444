// Percent-encoding for what goes into a URL (path segments, queries).
#ifndef CLERK_DETAIL_WIRE_HPP
#define CLERK_DETAIL_WIRE_HPP

#include <clerk/detail/text.hpp>
#include <clerk/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

inline constexpr char hex_digits[] = "0123456789ABCDEF";

// RFC 3986 unreserved characters: the only ones a path segment keeps as is.
constexpr bool is_unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Appends `s` percent-encoded as exactly one path segment: '/', '?', '#',
// '%', spaces and every non-ASCII byte become %XX.
inline void append_path_segment(std::string& out, std::string_view s) {
  for (char c : s) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += hex_digits[u >> 4];
      out += hex_digits[u & 0xf];
    }
  }
}

// The bytes a percent-encoded string stands for, or nullopt when a '%' is not
// followed by two hex digits.
inline std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (s.size() - i < 3)
      return std::nullopt;
    int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
