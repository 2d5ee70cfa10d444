// Shared by the fuzz targets: a check that aborts (libFuzzer then saves the
// input as a crash artifact), the plain-text framing the seed corpora use, and
// a detector for secret-shaped text that printing must never let through.
#ifndef CLERK_FUZZ_SUPPORT_HPP
#define CLERK_FUZZ_SUPPORT_HPP

#include <clerk/redact.hpp>

#include <boost/system/error_code.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Unlike assert(), active in every build: a failed check is a finding.
#define FUZZ_CHECK(cond) ((cond) ? void(0) : ::clerk_fuzz::fail(#cond, __FILE__, __LINE__, {}))
#define FUZZ_CHECK_MSG(cond, text) \
  ((cond) ? void(0) : ::clerk_fuzz::fail(#cond, __FILE__, __LINE__, (text)))

// Checkers run on every output of every input: without coverage
// instrumentation they are several times faster, and their branches say
// nothing about the library's.
#define CLERK_FUZZ_CHECKER __attribute__((no_sanitize("coverage")))

namespace clerk_fuzz {

[[noreturn]] inline void fail(const char* what, const char* file, int line, std::string_view text) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
  if (!text.empty())
    std::fprintf(stderr, "  context: %.*s\n", static_cast<int>(text.size()), text.data());
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The next line of `in` without its "\n" (and one trailing "\r"); `in` moves
// past it. The last line needs no "\n".
inline std::string_view take_line(std::string_view& in) {
  auto nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return line;
}

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Seed files are text: "\n", "\r", "\t", "\0", "\\" and "\xHH" stand for
// that byte, so that a seed can hold a CR, an LF or a NUL in one line. Any
// other byte, including raw bytes a mutation puts there, is itself.
inline std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[i + 1];
    if (c == 'n' || c == 'r' || c == 't' || c == '0' || c == '\\') {
      out += c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c == '0' ? '\0' : '\\';
      ++i;
    } else if (c == 'x' && i + 3 < s.size() && hex_digit(s[i + 2]) >= 0 &&
               hex_digit(s[i + 3]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 2]) * 16 + hex_digit(s[i + 3]));
      i += 3;
    } else {
      out += '\\';
    }
  }
  return out;
}

// "name=value" lines, values unescaped. A name given twice keeps the last.
class fields {
 public:
  explicit fields(std::string_view in) {
    while (!in.empty()) {
      auto line = take_line(in);
      auto eq = line.find('=');
      if (eq == std::string_view::npos)
        continue;
      items_.emplace_back(std::string(line.substr(0, eq)), unescape(line.substr(eq + 1)));
    }
  }

  std::optional<std::string> get(std::string_view name) const {
    for (auto it = items_.rbegin(); it != items_.rend(); ++it)
      if (it->first == name)
        return it->second;
    return std::nullopt;
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// The whole of `s` as a number, or nullopt.
template <class T>
std::optional<T> number(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

// Eight bytes of `s` from `at` (zero when short) as an integer: how the
// structured targets draw numbers.
inline std::uint64_t bytes_u64(std::string_view s, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | (at + i < s.size() ? static_cast<unsigned char>(s[at + i]) : 0u);
  return v;
}

CLERK_FUZZ_CHECKER inline bool is_b64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

CLERK_FUZZ_CHECKER inline bool starts_word(std::string_view text, std::size_t i) {
  return i == 0 || !is_b64url(text[i - 1]);
}

CLERK_FUZZ_CHECKER inline bool starts_ignoring_case(std::string_view text, std::string_view p) {
  if (text.size() < p.size())
    return false;
  for (std::size_t k = 0; k < p.size(); ++k) {
    char c = text[k];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != p[k])
      return false;
  }
  return true;
}

// The offset of the first secret-shaped run in `text`, or npos. Written apart
// from clerk::http::redact, it looks for what http::redact() promises to remove:
// - a Clerk secret key: "sk_live_" or "sk_test_" then a key character;
// - a JWT: "eyJ" then base64url, at least 16 characters or with an inner dot;
// - a ticket: "?" or "&", then "ticket=", "__clerk_ticket=" or "token=", then
//   a base64url character (not "[redacted]", not the "..." of a cut line).
// Like http::redact(), it wants the run to start a word: a key or JWT glued to a
// letter before it ("xsk_test_...") is out of scope (see the README).
CLERK_FUZZ_CHECKER inline std::size_t find_secret_shape(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view rest = text.substr(i);
    if (starts_word(text, i) && (rest.starts_with("sk_live_") || rest.starts_with("sk_test_")) &&
        rest.size() > 8 && is_b64url(rest[8]))
      return i;
    if (starts_word(text, i) && rest.starts_with("eyJ")) {
      std::size_t j = 3;
      while (j < rest.size() && (is_b64url(rest[j]) || rest[j] == '.'))
        ++j;
      std::string_view run = rest.substr(0, j);
      while (!run.empty() && run.back() == '.')  // a cut line ends in "..."
        run.remove_suffix(1);
      if (run.size() >= 16 || run.find('.') != std::string_view::npos)
        return i;
    }
    if (i > 0 && (text[i - 1] == '?' || text[i - 1] == '&'))
      for (std::string_view p : {std::string_view("__clerk_ticket="), std::string_view("ticket="),
                                 std::string_view("token=")})
        if (starts_ignoring_case(rest, p) && rest.size() > p.size() && is_b64url(rest[p.size()]))
          return i;
  }
  return std::string_view::npos;
}

CLERK_FUZZ_CHECKER inline bool has_control(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      return true;
  }
  return false;
}

// A handler for boost::json::basic_parser that accepts every value and keeps
// nothing: an oracle's SAX pass derives from it and hides the callbacks it
// needs.
struct sax_ignore {
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  using ec = boost::system::error_code;

  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) { return true; }
  bool on_object_end(std::size_t, ec&) { return true; }
  bool on_array_begin(ec&) { return true; }
  bool on_array_end(std::size_t, ec&) { return true; }
  bool on_key_part(std::string_view, std::size_t, ec&) { return true; }
  bool on_key(std::string_view, std::size_t, ec&) { return true; }
  bool on_string_part(std::string_view, std::size_t, ec&) { return true; }
  bool on_string(std::string_view, std::size_t, ec&) { return true; }
  bool on_number_part(std::string_view, ec&) { return true; }
  bool on_int64(std::int64_t, std::string_view, ec&) { return true; }
  bool on_uint64(std::uint64_t, std::string_view, ec&) { return true; }
  bool on_double(double, std::string_view, ec&) { return true; }
  bool on_bool(bool, ec&) { return true; }
  bool on_null(ec&) { return true; }
  bool on_comment_part(std::string_view, ec&) { return true; }
  bool on_comment(std::string_view, ec&) { return true; }
};

template <class T>
std::string printed(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace clerk_fuzz

#endif
