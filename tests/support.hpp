// Shared helpers for the unit tests: a valid config and canned responses.
#ifndef CLERK_TESTS_SUPPORT_HPP
#define CLERK_TESTS_SUPPORT_HPP

#include <clerk/config.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace clerk_test {

inline constexpr const char* test_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

inline clerk::config make_config(std::string base_url = "https://api.clerk.com/v1") {
  clerk::options o;
  o.secret_key = test_key;
  o.base_url = std::move(base_url);
  auto c = clerk::config::make(std::move(o));
  REQUIRE(c.has_value());
  return *c;
}

inline clerk::http_response response(int status, std::string content_type, std::string body) {
  clerk::http_response r;
  r.status = status;
  if (!content_type.empty())
    r.headers.add("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

// Unpadded base64url (RFC 7515 §2), as a JWT's parts are written.
inline std::string b64url(std::string_view in) {
  static constexpr char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += abc[(acc >> bits) & 63u];
    }
  }
  if (bits > 0)
    out += abc[(acc << (6 - bits)) & 63u];
  return out;
}

inline clerk::http_response json_response(int status, std::string body) {
  return response(status, "application/json", std::move(body));
}

// The unexpected_response that parsing r as op's answer gives; any other
// outcome fails the test. parse_response is found by argument-dependent
// lookup, as the client finds it, so this header stays light.
template <class Operation>
clerk::unexpected_response unexpected(const Operation& op, const clerk::http_response& r,
                                      const clerk::response_limits& lim = {}) {
  auto t = parse_response(op, r, lim);
  REQUIRE(t.has_error());
  REQUIRE_MESSAGE(t.error().kind() == clerk::error_kind::unexpected_response, t.error().message());
  return *t.error().as_unexpected_response();
}

// The headers every request built with make_config() carries, exactly and in
// order; a request with a JSON body adds Content-Type last.
inline clerk::header_list golden_headers(bool json_body) {
  clerk::header_list h = {{"Authorization", std::string("Bearer ") + test_key},
                          {"Clerk-API-Version", "2026-05-12"},
                          {"User-Agent", "clerk-backend-cpp/0.1.0"},
                          {"X-Clerk-SDK", "cpp/0.1.0"},
                          {"Accept", "application/json"}};
  if (json_body)
    h.add("Content-Type", "application/json");
  return h;
}

// True when `m` is printable ASCII and valid UTF-8 (RFC 3629) with no C1
// control (U+0080 to U+009F) and no line or paragraph separator (U+2028,
// U+2029): what a log reader shows on one line. Decoded here, not with the
// library's own validator.
inline bool one_clean_line(std::string_view m) {
  for (std::size_t i = 0; i < m.size();) {
    auto c = static_cast<unsigned char>(m[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f)
        return false;
      ++i;
      continue;
    }
    std::size_t n = c >= 0xf0 && c <= 0xf4   ? 3
                    : c >= 0xe0 && c <= 0xef ? 2
                    : c >= 0xc2 && c <= 0xdf ? 1
                                             : 0;
    if (n == 0 || m.size() - i <= n)
      return false;
    char32_t cp = c & (0x3f >> n);
    for (std::size_t k = 1; k <= n; ++k) {
      auto b = static_cast<unsigned char>(m[i + k]);
      if ((b & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    const char32_t least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
        (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029)
      return false;
    i += n + 1;
  }
  return true;
}

template <class T>
std::string printed(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// A realistic token: what Clerk answers to a create.
inline constexpr const char* sample_jwt =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6Imluc18yYWJjIiwidHlwIjoiSldUIn0."
    "eyJleHAiOjE3MjI1NDQ2MTYsImlpZCI6Imluc18yYWJjIiwic2lkIjoic2l0XzJhYmMiLCJzdCI6InNpZ25faW5fdG9rZW"
    "4ifQ."
    "dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZS1idXQtaXQtaXMtbG9uZy1lbm91Z2g";

inline std::string sample_token_json(std::string_view status = "pending") {
  std::string s = R"({"object":"sign_in_token","id":"sit_2abcDEF","status":")";
  s += status;
  s += R"(","user_id":"user_2xyz","token":")";
  s += sample_jwt;
  s += R"(","url":"https://accounts.example.com/v1/tickets/accept?ticket=)";
  s += sample_jwt;
  s += R"(","created_at":1719952616214,"updated_at":1719952616215})";
  return s;
}

}  // namespace clerk_test

#endif
