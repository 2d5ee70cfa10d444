// application/x-www-form-urlencoded, exactly as the WHATWG URL standard's
// urlencoded serializer writes it: the Frontend API's request bodies and
// query strings.
#ifndef CLERK_DETAIL_FORM_HPP
#define CLERK_DETAIL_FORM_HPP

#include <clerk/detail/wire.hpp>
#include <clerk/version.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

// The bytes the urlencoded serializer leaves as they are: ASCII letters and
// digits, '*', '-', '.' and '_'. (Unlike a path segment, '~' is encoded.)
constexpr bool is_form_safe(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '*' || c == '-' ||
         c == '.' || c == '_';
}

// Appends `s` as one name or value: a space becomes '+', every other byte
// that is not form-safe becomes %XX (upper-case hex). `s` is taken as bytes;
// callers pass UTF-8.
inline void append_form_component(std::string& out, std::string_view s) {
  for (char c : s) {
    if (is_form_safe(c)) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += hex_digits[u >> 4];
      out += hex_digits[u & 0xf];
    }
  }
}

// Appends "name=value", with a '&' first unless `out` is empty.
inline void append_form_pair(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty())
    out += '&';
  append_form_component(out, name);
  out += '=';
  append_form_component(out, value);
}

using form_fields = std::vector<std::pair<std::string, std::string>>;

// The name/value pairs of a urlencoded string, in order, '+' read as a space;
// a pair without '=' has an empty value and empty pairs are skipped, as the
// WHATWG parser does. Nullopt when a '%' is not followed by two hex digits
// (the WHATWG parser would keep such bytes; a strict reader refuses them).
inline std::optional<form_fields> parse_form(std::string_view s) {
  form_fields out;
  auto decode = [](std::string_view part) -> std::optional<std::string> {
    std::string plus_as_space(part);
    for (char& c : plus_as_space)
      if (c == '+')
        c = ' ';
    return percent_decode(plus_as_space);
  };
  while (!s.empty()) {
    auto amp = s.find('&');
    std::string_view pair = s.substr(0, amp);
    s.remove_prefix(amp == std::string_view::npos ? s.size() : amp + 1);
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    auto name = decode(pair.substr(0, eq));
    auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value)
      return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
