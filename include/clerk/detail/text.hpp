// Small byte-level helpers shared by the parsers and validators.
#ifndef CLERK_DETAIL_TEXT_HPP
#define CLERK_DETAIL_TEXT_HPP

#include <clerk/version.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

constexpr char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i]))
      return false;
  return true;
}

constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// C0 controls and DEL: never valid inside a header value or an id.
constexpr bool is_control(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

constexpr bool has_control(std::string_view s) noexcept {
  for (char c : s)
    if (is_control(c))
      return true;
  return false;
}

constexpr bool is_ascii(std::string_view s) noexcept {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80)
      return false;
  return true;
}

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// Optional whitespace as HTTP defines it (SP and HTAB).
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF.
constexpr bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      n = 1;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      n = 2;
      if (b0 == 0xe0)
        lo = 0xa0;
      if (b0 == 0xed)
        hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      n = 3;
      if (b0 == 0xf0)
        lo = 0x90;
      if (b0 == 0xf4)
        hi = 0x8f;
    } else {
      return false;
    }
    if (s.size() - i <= n)
      return false;
    auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi)
      return false;
    for (std::size_t k = 2; k <= n; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if (b < 0x80 || b > 0xbf)
        return false;
    }
    i += n + 1;
  }
  return true;
}

// ---- the common case, eight bytes at a time ----
// Ids, tokens and URLs are printable ASCII; these find how much of a string
// is, a 64-bit word at a time, so that the byte-wise rules above only run
// from the first byte that needs them.

namespace swar {
inline constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
// Nonzero when a byte of `w` is below `n` (n <= 0x80). A borrow can flag a
// byte above the first one that is below `n`, never a word with none.
constexpr std::uint64_t any_below(std::uint64_t w, unsigned n) noexcept {
  return (w - ones * n) & ~w & highs;
}
constexpr std::uint64_t any_equal(std::uint64_t w, unsigned char c) noexcept {
  return any_below(w ^ (ones * c), 1);
}
inline std::uint64_t load(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
}  // namespace swar

constexpr bool needs_json_escape(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || c == '"' || c == '\\';
}

// The length of the longest prefix of `s` with no byte that a JSON string
// must escape (C0 controls, '"' and '\\').
inline std::size_t json_plain_prefix(std::string_view s) noexcept {
  std::size_t i = 0;
  for (; s.size() - i >= 8; i += 8) {
    std::uint64_t w = swar::load(s.data() + i);
    if (swar::any_below(w, 0x20) | swar::any_equal(w, '"') | swar::any_equal(w, '\\'))
      break;
  }
  while (i < s.size() && !needs_json_escape(s[i]))
    ++i;
  return i;
}

// The length of the longest prefix of `s` that is printable ASCII (0x20 to
// 0x7e): valid UTF-8 without a control character, and a character boundary.
inline std::size_t printable_ascii_prefix(std::string_view s) noexcept {
  std::size_t i = 0;
  for (; s.size() - i >= 8; i += 8) {
    std::uint64_t w = swar::load(s.data() + i);
    if ((w & swar::highs) | swar::any_below(w, 0x20) | swar::any_equal(w, 0x7f))
      break;
  }
  while (i < s.size() && !is_control(s[i]) && static_cast<unsigned char>(s[i]) < 0x80)
    ++i;
  return i;
}

constexpr int hex_value(char c) noexcept {
  if (is_digit(c))
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

// The end of the JSON string whose opening quote is at `i` (past its closing
// quote): the first quote after it that an odd run of backslashes does not
// escape. memchr finds the quotes: most of a body is inside strings.
inline std::size_t skip_json_string(std::string_view json, std::size_t i) {
  for (++i; i < json.size();) {
    const void* q = std::memchr(json.data() + i, '"', json.size() - i);
    if (q == nullptr)
      return json.size();
    const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(q) - json.data());
    std::size_t backslashes = 0;
    while (quote - backslashes > i && json[quote - backslashes - 1] == '\\')
      ++backslashes;
    if (backslashes % 2 == 0)
      return quote + 1;
    i = quote + 1;
  }
  return json.size();
}

// Whether the JSON string's contents `raw` (between its quotes, escapes as
// sent) spell `name`, an ASCII name.
inline bool json_string_is(std::string_view raw, std::string_view name) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < raw.size(); ++k) {
    unsigned code = static_cast<unsigned char>(raw[i]);
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      const char e = raw[i + 1];
      i += 2;
      if (e == 'u' && i + 4 <= raw.size()) {
        code = 0;
        for (int d = 0; d < 4; ++d)
          code = code * 16 + static_cast<unsigned>(hex_value(raw[i + d]));
        i += 4;
      } else {
        code = e == 'b'   ? '\b'
               : e == 'f' ? '\f'
               : e == 'n' ? '\n'
               : e == 'r' ? '\r'
               : e == 't' ? '\t'
                          : static_cast<unsigned char>(e);
      }
    } else {
      ++i;
    }
    if (k >= name.size() || code != static_cast<unsigned char>(name[k]))
      return false;
  }
  return k == name.size();
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
