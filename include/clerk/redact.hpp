// Redaction of credentials in text that is about to be printed or logged.
#ifndef CLERK_REDACT_HPP
#define CLERK_REDACT_HPP

#include <clerk/detail/text.hpp>
#include <clerk/version.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace http {
inline constexpr std::string_view redacted = "[redacted]";
}  // namespace http

namespace detail {

constexpr bool is_base64url(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
}

constexpr bool is_key_char(char c) noexcept {
  return is_base64url(c);
}

constexpr bool is_hex_digit(char c) noexcept {
  return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

// True when a word may start at s[i]: at the start, after a byte that is not
// base64url, or after an encoded separator glued to it: a percent-encoded
// byte ("Bearer%20eyJ...") or a backslash escape ("\neyJ...", "\u0020eyJ...").
constexpr bool starts_word(std::string_view s, std::size_t i) noexcept {
  if (i == 0 || !is_base64url(s[i - 1]))
    return true;
  if (i >= 3 && s[i - 3] == '%' && is_hex_digit(s[i - 2]) && is_hex_digit(s[i - 1]))
    return true;
  if (i >= 2 && s[i - 2] == '\\')
    return true;
  return i >= 6 && s[i - 6] == '\\' && s[i - 5] == 'u' && is_hex_digit(s[i - 4]) &&
         is_hex_digit(s[i - 3]) && is_hex_digit(s[i - 2]) && is_hex_digit(s[i - 1]);
}

// Length of a JWT-shaped run at s[i] ("eyJ" base64url, then '.' segments),
// or 0 when there is none. A long run without a dot counts too: it may be a
// token cut short by a truncated excerpt.
constexpr std::size_t jwt_length(std::string_view s, std::size_t i) noexcept {
  if (s.substr(i, 3) != "eyJ" || !starts_word(s, i))
    return 0;
  std::size_t j = i;
  std::size_t dots = 0;
  while (j < s.size() && (is_base64url(s[j]) || s[j] == '.')) {
    dots += s[j] == '.';
    ++j;
  }
  return (dots >= 1 || j - i >= 16) ? j - i : 0;
}

inline constexpr std::array<std::string_view, 3> secret_key_prefixes = {"sk_live_", "sk_test_",
                                                                        "sk_"};

// Length of the prefix to keep when s[i] starts a Clerk secret key, else 0.
// "sk_live_" and "sk_test_" are recognised anywhere, whatever precedes them;
// the bare "sk_" only where a word starts (it would redact "task_id").
constexpr std::size_t secret_key_prefix(std::string_view s, std::size_t i) noexcept {
  for (auto p : secret_key_prefixes) {
    if (s.substr(i, p.size()) != p)
      continue;
    if (p == "sk_" && !starts_word(s, i))
      return 0;
    // The longest prefix that matches decides: "sk_test_[redacted]" is
    // already redacted, not a bare "sk_" key.
    return i + p.size() < s.size() && is_key_char(s[i + p.size()]) ? p.size() : 0;
  }
  return 0;
}

inline constexpr std::array<std::string_view, 3> ticket_params = {
    "__clerk_ticket=", "ticket=", "token="};

// Length of a query parameter name whose value is a credential, else 0.
constexpr std::size_t ticket_param(std::string_view s, std::size_t i) noexcept {
  if (i == 0 || (s[i - 1] != '?' && s[i - 1] != '&'))
    return 0;
  for (auto p : ticket_params)
    if (istarts_with(s.substr(i), p))
      return p.size();
  return 0;
}

constexpr bool ends_param(char c) noexcept {
  return c == '&' || c == '#' || c == '"' || c == '\'' || c == ' ' || c == '<' || c == '>' ||
         is_control(c);
}

// Appends `s` on one line for a log: C0 and C1 controls, DEL and the Unicode
// line and paragraph separators as JSON escapes ("\n", "\u001b",
// "\u2028"), a byte that is not UTF-8 as "\xff". With `double_backslash`
// a backslash becomes "\\", so that text cannot forge an escape; without,
// for JSON text, whose backslashes already are escapes.
inline void append_escaped_line(std::string& out, std::string_view s, bool double_backslash) {
  static constexpr char hex[] = "0123456789abcdef";
  auto escape = [&](unsigned v, bool byte) {
    out += byte ? "\\x" : "\\u";
    for (int shift = byte ? 4 : 12; shift >= 0; shift -= 4)
      out += hex[(v >> shift) & 0xf];
  };
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      if (c == '\\' && double_backslash)
        out += '\\';
      out += s[i++];
    } else if (c < 0x80) {  // C0 controls and DEL
      if (c == '\n')
        out += "\\n";
      else if (c == '\r')
        out += "\\r";
      else if (c == '\t')
        out += "\\t";
      else
        escape(c, false);
      ++i;
    } else {
      std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      if (n == 1 || !is_valid_utf8(s.substr(i, n))) {
        escape(c, true);
        ++i;
        continue;
      }
      auto b1 = static_cast<unsigned char>(s[i + 1]);
      if (c == 0xc2 && b1 <= 0x9f)  // U+0080 to U+009F, the C1 controls
        escape(b1, false);
      else if (c == 0xe2 && b1 == 0x80 && (s[i + 2] == '\xa8' || s[i + 2] == '\xa9'))
        escape(s[i + 2] == '\xa8' ? 0x2028 : 0x2029, false);
      else
        out.append(s.substr(i, n));
      i += n;
    }
  }
}

}  // namespace detail

namespace http {

// `text` with every Clerk secret key (sk_live_..., sk_test_...), every
// JWT-shaped token and every ticket/token query parameter value replaced by
// "[redacted]". Everything else is kept byte for byte.
inline std::string redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (auto n = detail::jwt_length(text, i); n != 0) {
      out += redacted;
      i += n;
    } else if (auto k = detail::secret_key_prefix(text, i); k != 0) {
      out.append(text.substr(i, k));
      out += redacted;
      i += k;
      while (i < text.size() && detail::is_key_char(text[i]))
        ++i;
    } else if (auto p = detail::ticket_param(text, i); p != 0) {
      out.append(text.substr(i, p));
      out += redacted;
      i += p;
      while (i < text.size() && !detail::ends_param(text[i]))
        ++i;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// redact(text) on one line, for a log: control characters and line
// separators escaped ("\n", "\u001b"), backslashes doubled, bytes that are
// not UTF-8 as "\xff". What model printing shows of the strings it got.
inline std::string redact_one_line(std::string_view text) {
  std::string out;
  detail::append_escaped_line(out, redact(text), true);
  return out;
}

// A credential header value ("Bearer sk_test_abc") shown as its scheme and the
// key's kind only ("Bearer sk_test_[redacted]").
inline std::string redact_credential(std::string_view value) {
  std::string out;
  auto space = value.find(' ');
  auto is_scheme = [](std::string_view w) {
    for (char c : w)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
        return false;
    return !w.empty() && w.size() <= 16;
  };
  if (space != std::string_view::npos && is_scheme(value.substr(0, space))) {
    out += redact(value.substr(0, space + 1));  // a "scheme" may itself be a token
    value.remove_prefix(space + 1);
  }
  for (auto p : detail::secret_key_prefixes) {
    if (value.substr(0, p.size()) == p) {
      out.append(p);
      break;
    }
  }
  out += redacted;
  return out;
}

// A URL that may carry a ticket: scheme, host and path kept (themselves
// redacted), query and fragment replaced.
inline std::string redact_url(std::string_view url) {
  auto cut = url.find_first_of("?#");
  std::string out = redact(url.substr(0, cut));
  if (cut != std::string_view::npos) {
    out += url[cut];
    out += redacted;
  }
  return out;
}

}  // namespace http
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
