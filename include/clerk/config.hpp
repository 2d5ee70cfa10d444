// Client configuration, validated once so that builders cannot meet a bad one.
#ifndef CLERK_CONFIG_HPP
#define CLERK_CONFIG_HPP

#include <clerk/detail/text.hpp>
#include <clerk/error.hpp>
#include <clerk/result.hpp>
#include <clerk/secret.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

inline constexpr std::string_view default_base_url = "https://api.clerk.com/v1";
inline constexpr std::string_view default_api_version = "2026-05-12";
inline constexpr std::string_view default_user_agent =
    "clerk-backend-cpp/" CLERK_BACKEND_VERSION_STRING;

// What a response parser accepts. Beyond these a response is refused with an
// unexpected_response error before (body size) or while (depth, strings) it
// is parsed, so a hostile server cannot make the library allocate without bound.
struct response_limits {
  std::size_t max_body_bytes = std::size_t{1} << 20;
  std::size_t max_depth = 32;
  std::size_t max_string_bytes = std::size_t{64} << 10;
  friend bool operator==(const response_limits&, const response_limits&) = default;
};

// What the user sets. Only secret_key has no default.
struct options {
  std::string secret_key{};
  std::string base_url{default_base_url};
  std::string api_version{default_api_version};
  std::string user_agent{default_user_agent};
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  response_limits limits{};
};

namespace detail {

inline std::optional<invalid_request> check_header_value(std::string_view field,
                                                         std::string_view v) {
  if (v.empty())
    return invalid_request{std::string(field), "must not be empty"};
  if (has_control(v))
    return invalid_request{std::string(field),
                           "must not contain CR, LF or other control characters"};
  if (!is_ascii(v))
    return invalid_request{std::string(field), "must be ASCII"};
  if (v.front() == ' ' || v.back() == ' ')
    return invalid_request{std::string(field), "must not start or end with a space"};
  return std::nullopt;
}

inline std::optional<invalid_request> check_secret_key(std::string_view key) {
  if (key.empty())
    return invalid_request{"secret_key", "must not be empty"};
  for (char c : key) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return invalid_request{
          "secret_key", "must be printable ASCII without spaces, CR, LF or control characters"};
  }
  return std::nullopt;
}

// Accepts http(s)://host[:port][/path] and nothing that could smuggle a
// credential or change the target: no userinfo, query or fragment.
inline std::optional<invalid_request> check_base_url(std::string_view url) {
  auto bad = [](const char* why) { return invalid_request{"base_url", why}; };
  if (url.empty())
    return bad("must not be empty");
  if (has_control(url) || url.find(' ') != std::string_view::npos || !is_ascii(url))
    return bad("must be ASCII without spaces or control characters");
  std::string_view rest;
  if (istarts_with(url, "https://"))
    rest = url.substr(8);
  else if (istarts_with(url, "http://"))
    rest = url.substr(7);
  else
    return bad("must start with http:// or https://");
  if (url.find_first_of("?#") != std::string_view::npos)
    return bad("must not contain a query or a fragment");
  auto authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos)
    return bad("must not contain userinfo (user:password@)");
  if (authority.empty() || authority.front() == ':')
    return bad("must name a host");
  if (authority.find('\\') != std::string_view::npos)
    return bad("must not contain a backslash");
  return std::nullopt;
}

}  // namespace detail

class config {
 public:
  // A configuration, or an invalid_request error naming the option at fault.
  static result<config> make(options o) {
    if (auto e = detail::check_secret_key(o.secret_key))
      return error(std::move(*e));
    if (auto e = detail::check_base_url(o.base_url))
      return error(std::move(*e));
    if (auto e = detail::check_header_value("api_version", o.api_version))
      return error(std::move(*e));
    if (auto e = detail::check_header_value("user_agent", o.user_agent))
      return error(std::move(*e));
    if (o.timeout <= std::chrono::milliseconds::zero())
      return error(invalid_request{"timeout", "must be positive"});
    if (o.limits.max_body_bytes == 0 || o.limits.max_depth == 0 || o.limits.max_string_bytes == 0)
      return error(invalid_request{"limits", "must all be positive"});
    while (o.base_url.back() == '/')
      o.base_url.pop_back();
    config c;
    c.authorization_ = secret("Bearer " + o.secret_key);
    c.secret_key_ = secret(std::move(o.secret_key));
    c.base_url_ = std::move(o.base_url);
    c.api_version_ = std::move(o.api_version);
    c.user_agent_ = std::move(o.user_agent);
    c.timeout_ = o.timeout;
    c.limits_ = o.limits;
    return c;
  }

  const secret& secret_key() const noexcept { return secret_key_; }
  const secret& authorization() const noexcept { return authorization_; }  // "Bearer <key>"
  std::string_view base_url() const noexcept { return base_url_; }         // no trailing slash
  std::string_view api_version() const noexcept { return api_version_; }
  std::string_view user_agent() const noexcept { return user_agent_; }
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }
  const response_limits& limits() const noexcept { return limits_; }

  friend bool operator==(const config&, const config&) = default;

  friend std::ostream& operator<<(std::ostream& os, const config& c) {
    return os << "clerk::config{base_url=" << c.base_url_ << ", api_version=" << c.api_version_
              << ", user_agent=" << c.user_agent_ << ", timeout=" << c.timeout_.count()
              << "ms, secret_key=" << redact_credential(c.secret_key_.reveal()) << '}';
  }

 private:
  config() = default;

  secret secret_key_;
  secret authorization_;
  std::string base_url_;
  std::string api_version_;
  std::string user_agent_;
  std::chrono::milliseconds timeout_{};
  response_limits limits_{};
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
